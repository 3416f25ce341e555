"""Compare two or more RunResults of the same workload: per-endpoint deltas, function deltas, equivalence, verdict.

The first run is the baseline; the verdict judges the last one (``bench compare eager lazy`` asks "should lazy
merge?"), and every other run gets its own verdict too. Reads only RunResult records and the files they name.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from harness.errors import ResultError
from harness.pstats_rows import diff, load_stats, rows
from harness.result import COMPARE_SCHEMA, RunResult
from harness.verdict import Savings, Thresholds, Verdict, decide


@dataclass
class Equivalence:
    equivalent: bool
    digests: dict[str, str]
    differences: dict[str, list[str]] = field(default_factory=dict)  # mode -> first differing assets

    def line(self) -> str:
        if self.equivalent:
            return f"equivalent: all {len(self.digests)} modes leave the same final state ({_short(self.digests)})"
        parts = []
        for mode, assets in self.differences.items():
            shown = ", ".join(assets[:3]) if assets else "state files unavailable"
            parts.append(f"{mode} differs ({shown})")
        return "NOT equivalent: " + "; ".join(parts)


def _short(digests: dict[str, str]) -> str:
    return next(iter(digests.values()))[:19] + "..."


@dataclass
class Comparison:
    runs: list[RunResult]
    thresholds: Thresholds = field(default_factory=Thresholds)
    expect: Savings | None = None
    functions: str | None = None
    top: int = 20

    def __post_init__(self) -> None:
        if len(self.runs) < 2:
            raise ResultError("a comparison needs at least two runs")
        modes = [run.mode for run in self.runs]
        if len(set(modes)) != len(modes):
            raise ResultError(f"each mode may appear once; got {', '.join(modes)}")
        digests = {run.workload.get("sha256") for run in self.runs}
        if len(digests) != 1:
            raise ResultError("the runs replay different workloads; compare runs of one cassette or preset")

    @property
    def baseline(self) -> RunResult:
        return self.runs[0]

    @property
    def candidate(self) -> RunResult:
        return self.runs[-1]

    def equivalence(self) -> Equivalence:
        digests = {run.mode: run.final_state_digest for run in self.runs}
        base = self.baseline.final_state_digest
        different = [run for run in self.runs if run.final_state_digest != base]
        if not different:
            return Equivalence(True, digests)
        base_state = _state(self.baseline)
        diffs: dict[str, list[str]] = {}
        for run in different:
            state = _state(run)
            if base_state is None or state is None:
                diffs[run.mode] = []
                continue
            changed = sorted(a for a in base_state.keys() | state.keys() if base_state.get(a) != state.get(a))
            diffs[run.mode] = [
                f"{len(changed)} assets, first {a}: {base_state.get(a)} vs {state.get(a)}" for a in changed[:1]
            ]
        return Equivalence(False, digests, diffs)

    def verdicts(self) -> list[Verdict]:
        """One verdict per run after the baseline, each against the baseline."""
        base = self.baseline
        return [
            decide(
                base.mode,
                run.mode,
                base.modeled_wall_s,
                run.modeled_wall_s,
                run.final_state_digest == base.final_state_digest,
                self.thresholds,
            )
            for run in self.runs[1:]
        ]

    def verdict(self) -> Verdict:
        verdict = self.verdicts()[-1]
        if self.expect is not None:
            saved = self.baseline.modeled_wall_s - self.candidate.modeled_wall_s
            verdict.reasons.append(self.expect.check(saved, verdict.improvement_pct)[1])
        return verdict

    def summary(self) -> pd.DataFrame:
        base = self.baseline
        records = []
        for run in self.runs:
            records.append(
                {
                    "mode": run.mode,
                    "requests": run.total_requests,
                    "modeled wall s": run.modeled_wall_s,
                    "Δ wall %": _pct(run.modeled_wall_s, base.modeled_wall_s),
                    "cpu s": run.cpu_s,
                    "real s": run.real_wall_s,
                    "peak MB": run.peak_rss_mb,
                    "run MB": run.run_rss_mb if run.run_rss_mb is not None else float("nan"),
                    "asset loads": run.counters.get("asset_loads", 0),
                    "tag reads": run.counters.get("tag_reads", 0),
                    "writes": run.counters.get("add_requests", 0) + run.counters.get("remove_requests", 0),
                    "final state": run.final_state_digest[7:19],
                }
            )
        return pd.DataFrame.from_records(records)

    def endpoints(self) -> pd.DataFrame:
        """Requests and modeled seconds per endpoint and mode, with deltas against the baseline."""
        endpoints = sorted({e for run in self.runs for e in run.by_endpoint})
        base = self.baseline
        records = []
        for endpoint in endpoints:
            record: dict[str, Any] = {"endpoint": endpoint}
            base_n = base.by_endpoint.get(endpoint, 0)
            base_s = base.seconds_by_endpoint.get(endpoint, 0.0)
            for run in self.runs:
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

    @cached_property
    def _function_table(self) -> pd.DataFrame | None:
        paths = [run.artifacts.get("pstats") for run in (self.baseline, self.candidate)]
        if not all(p and Path(p).is_file() for p in paths):
            return None
        base, new = (rows(load_stats(Path(p))) for p in paths if p)
        return diff(base, new, self.top, self.functions)

    def function_table(self) -> pd.DataFrame | None:
        """pstats rows of the baseline and the candidate with deltas; None without both .pstats files.
        Read once: every report of the comparison shows the same table."""
        return self._function_table

    def function_view(self) -> pd.DataFrame | None:
        """The function table as reports show it: columns named after the two modes."""
        table = self.function_table()
        if table is None:
            return None
        base, new = self.baseline.mode, self.candidate.mode
        columns = [
            "function",
            "ncalls_base",
            "ncalls_new",
            "ncalls_delta",
            "tottime_delta",
            "cumtime_base",
            "cumtime_new",
            "cumtime_delta",
        ]
        return table[columns].rename(
            columns=lambda c: c.replace("_base", f" {base}").replace("_new", f" {new}").replace("_delta", " Δ")
        )

    def to_json(self) -> dict[str, Any]:
        eq = self.equivalence()
        verdict = self.verdict()
        return {
            "schema": COMPARE_SCHEMA,
            "runs": [run.to_json() for run in self.runs],
            "equivalent": eq.equivalent,
            "equivalence": {"digests": eq.digests, "differences": eq.differences},
            "verdict": verdict.to_json(),
            "verdicts": [v.to_json() for v in self.verdicts()],
            "thresholds": {"merge_pct": self.thresholds.merge_pct, "incremental_pct": self.thresholds.incremental_pct},
            "expected_savings": self.expect.describe() if self.expect else None,
        }


def _pct(value: float, base: float) -> float:
    return round(100.0 * (value - base) / base, 2) if base else 0.0


def _state(run: RunResult) -> dict[str, list[str]] | None:
    path = run.artifacts.get("final_state")
    if not path or not Path(path).is_file():
        return None
    data: dict[str, list[str]] = json.loads(gzip.decompress(Path(path).read_bytes()))
    return data
