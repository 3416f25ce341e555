"""A ``Comparison`` of two or more RunResults of one workload, computed once and frozen: equivalence, a verdict per
run, the summary and per-endpoint tables, and the function table of the baseline and the judged run.

The first run is the baseline; the verdict judges the last one (``bench compare eager lazy`` asks "should lazy
merge?"), and every other run gets its own verdict too. Renderers read the fields; nothing is computed twice.
Reads only RunResult records and the files they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from harness.errors import ResultError
from harness.judge.equivalence import Equivalence, equivalence
from harness.judge.pstats_rows import diff, load_stats, rows
from harness.judge.verdict import Savings, Thresholds, Verdict, decide
from harness.measure.result import COMPARE_SCHEMA, RunResult

FUNCTION_COLUMNS = [
    "function",
    "ncalls_base",
    "ncalls_new",
    "ncalls_delta",
    "tottime_delta",
    "cumtime_base",
    "cumtime_new",
    "cumtime_delta",
]


@dataclass(frozen=True, eq=False)
class Comparison:
    """Everything a report shows about ``runs``; build it with ``Comparison.of``. Compared and hashed by
    identity: a comparison is one computed object, not a value."""

    runs: tuple[RunResult, ...]
    thresholds: Thresholds
    expect: Savings | None
    equivalence: Equivalence
    verdicts: tuple[Verdict, ...]  # one per run after the baseline, each against the baseline
    summary: pd.DataFrame
    endpoints: pd.DataFrame
    function_table: pd.DataFrame | None  # None without both .pstats files

    @classmethod
    def of(
        cls,
        runs: Sequence[RunResult],
        thresholds: Thresholds | None = None,
        expect: Savings | None = None,
        functions: str | None = None,
        top: int = 20,
    ) -> Comparison:
        """Check the runs belong together and compute every part of the comparison once."""
        runs = tuple(runs)
        _check(runs)
        limits = thresholds or Thresholds()
        same = equivalence(runs)
        verdicts = _verdicts(runs, limits, expect)
        return cls(
            runs, limits, expect, same, verdicts, _summary(runs), _endpoints(runs), _functions(runs, top, functions)
        )

    @property
    def baseline(self) -> RunResult:
        return self.runs[0]

    @property
    def candidate(self) -> RunResult:
        return self.runs[-1]

    @property
    def verdict(self) -> Verdict:
        """The verdict on the last run (with the predicted-savings check, when one was given)."""
        return self.verdicts[-1]

    @property
    def unprofiled(self) -> list[str]:
        """Why the function table is missing: the baseline or judged run that has no cProfile file, each with
        the reason (a program that is not Python, or that wrote no profile; a run without cProfile)."""
        missing = []
        for run in (self.baseline, self.candidate):
            if "pstats" in run.artifacts:
                continue
            if run.profiler not in ("cprofile", "both"):
                missing.append(f"{run.mode} (run with --profile {run.profiler})")
            elif run.command is not None:
                missing.append(f"{run.mode} (not a Python program, or it wrote none)")
            else:
                missing.append(f"{run.mode} (no output folder)")
        return missing

    @property
    def function_view(self) -> pd.DataFrame | None:
        """The function table as reports show it: columns named after the two modes."""
        if self.function_table is None:
            return None
        base, new = self.baseline.mode, self.candidate.mode
        return self.function_table[FUNCTION_COLUMNS].rename(
            columns=lambda c: c.replace("_base", f" {base}").replace("_new", f" {new}").replace("_delta", " Δ")
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": COMPARE_SCHEMA,
            "runs": [run.to_json() for run in self.runs],
            "equivalent": self.equivalence.equivalent,
            "equivalence": {"digests": self.equivalence.digests, "differences": self.equivalence.differences},
            "verdict": self.verdict.to_json(),
            "verdicts": [v.to_json() for v in self.verdicts],
            "thresholds": {"merge_pct": self.thresholds.merge_pct, "incremental_pct": self.thresholds.incremental_pct},
            "expected_savings": self.expect.describe() if self.expect else None,
        }


def _check(runs: tuple[RunResult, ...]) -> None:
    if len(runs) < 2:
        raise ResultError("a comparison needs at least two runs")
    modes = [run.mode for run in runs]
    if len(set(modes)) != len(modes):
        raise ResultError(f"each mode may appear once; got {', '.join(modes)}")
    if len({run.workload.get("sha256") for run in runs}) != 1:
        raise ResultError("the runs replay different workloads; compare runs of one cassette or preset")


def _verdicts(runs: tuple[RunResult, ...], limits: Thresholds, expect: Savings | None) -> tuple[Verdict, ...]:
    base = runs[0]
    verdicts = [
        decide(
            base.mode,
            run.mode,
            base.modeled_wall_s,
            run.modeled_wall_s,
            run.final_state_digest == base.final_state_digest,
            limits,
        )
        for run in runs[1:]
    ]
    if expect is not None:
        last = verdicts[-1]
        saved = base.modeled_wall_s - runs[-1].modeled_wall_s
        last.reasons.append(expect.check(saved, last.improvement_pct)[1])
    return tuple(verdicts)


def _summary(runs: tuple[RunResult, ...]) -> pd.DataFrame:
    base = runs[0]
    records = [
        {
            "mode": run.mode,
            "requests": run.total_requests,
            "modeled wall s": run.modeled_wall_s,
            "Δ wall %": _pct(run.modeled_wall_s, base.modeled_wall_s),
            "cpu s": _measured(run.cpu_s),
            "real s": run.real_wall_s,
            "peak MB": _measured(run.peak_rss_mb),
            "run MB": _measured(run.run_rss_mb),
            "asset loads": _counted(run, "asset_loads"),
            "tag reads": _counted(run, "tag_reads"),
            "writes": _counted(run, "add_requests", "remove_requests"),
            "final state": run.final_state_digest[7:19],
        }
        for run in runs
    ]
    return pd.DataFrame.from_records(records)


def _endpoints(runs: tuple[RunResult, ...]) -> pd.DataFrame:
    """Requests and modeled seconds per endpoint and mode, with deltas against the baseline."""
    base = runs[0]
    records = []
    for endpoint in sorted({e for run in runs for e in run.by_endpoint}):
        record: dict[str, Any] = {"endpoint": endpoint}
        base_n = base.by_endpoint.get(endpoint, 0)
        base_s = base.seconds_by_endpoint.get(endpoint, 0.0)
        for run in runs:
            n = run.by_endpoint.get(endpoint, 0)
            s = run.seconds_by_endpoint.get(endpoint, 0.0)
            record[f"{run.mode} requests"] = n
            record[f"{run.mode} s"] = round(s, 3)
            if run is not base:
                record[f"{run.mode} Δ requests"] = n - base_n
                record[f"{run.mode} Δ s"] = round(s - base_s, 3)
                record[f"{run.mode} Δ %"] = _pct(s, base_s)
        records.append(record)
    return pd.DataFrame.from_records(records)


def _functions(runs: tuple[RunResult, ...], top: int, pattern: str | None) -> pd.DataFrame | None:
    """pstats rows of the baseline and the candidate with deltas; None without both .pstats files."""
    paths = [run.artifacts.get("pstats") for run in (runs[0], runs[-1])]
    if not all(p and Path(p).is_file() for p in paths):
        return None
    base, new = (rows(load_stats(Path(p))) for p in paths if p)
    return diff(base, new, top, pattern)


def _counted(run: RunResult, *names: str) -> int | str:
    """A count the tagger kept itself; "n/a" for a program, which keeps none the harness can read."""
    if not run.counters:
        return "n/a"
    return sum(run.counters.get(name, 0) for name in names)


def _measured(value: float | None) -> float:
    """A measured figure for a table: NaN (shown as n/a) when it could not be measured."""
    return float("nan") if value is None else value


def _pct(value: float, base: float) -> float:
    return round(100.0 * (value - base) / base, 2) if base else 0.0


def compare(
    runs: Sequence[RunResult],
    thresholds: Thresholds | None = None,
    expect: Savings | None = None,
    functions: str | None = None,
    top: int = 20,
) -> Comparison:
    """Compare RunResults of one workload: the first is the baseline, the last is judged (``Comparison.of``)."""
    return Comparison.of(runs, thresholds, expect, functions, top)
