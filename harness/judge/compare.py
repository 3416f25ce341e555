"""A ``Comparison`` of two or more RunResults of one workload, computed once and frozen: equivalence, a verdict per
subject, the best subject, the summary, verdict and per-endpoint tables, the function table and the flame trees.

The first run is the baseline; every other run gets a verdict against it. The *judged* run is the best one (the
fastest that is not rejected; with two subjects, the second whenever it is faster), else the last: the function
table and the differential flame graph compare it with the baseline, and ``--expect-savings`` checks it. Renderers
read the fields; nothing is computed twice. Reads only RunResult records and the files they name.
"""

from __future__ import annotations

import pstats
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from harness.errors import ResultError
from harness.judge import tables
from harness.judge.equivalence import Equivalence, equivalence
from harness.judge.flame import Flame, flame
from harness.judge.frame_kinds import folded_records
from harness.judge.latency_words import latency_warnings, run_latency
from harness.judge.noise import busy_warnings
from harness.judge.pstats_rows import diff, load_stats, rows
from harness.judge.verdict import Savings, Thresholds, Verdict, best, decide
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
ALL_FUNCTIONS = "all"


@dataclass(frozen=True, eq=False)
class Comparison:
    """Everything a report shows about ``runs``; build it with ``Comparison.of``. Compared and hashed by
    identity: a comparison is one computed object, not a value."""

    runs: tuple[RunResult, ...]
    thresholds: Thresholds
    expect: Savings | None
    equivalence: Equivalence
    verdicts: tuple[Verdict, ...]  # one per run after the baseline, each against the baseline
    best: Verdict | None  # the fastest subject that is not rejected, if any is faster
    summary: pd.DataFrame
    endpoints: pd.DataFrame  # tidy: one row per endpoint and subject (``tables.ENDPOINT_COLUMNS``)
    function_table: pd.DataFrame | None  # None without both .pstats files
    flames: dict[str, Flame]  # per subject with a .pstats file
    folded: bool  # the bench's own frames folded into one row and frame (not ``--functions all``)
    warnings: tuple[str, ...]
    latency: str  # where the baseline's modeled latency came from, in words (``latency_words.describe``)
    busy: bool  # measured on a busy machine (``noise.busy_warnings``): CPU figures may differ by noise alone

    @classmethod
    def of(
        cls,
        runs: Sequence[RunResult],
        thresholds: Thresholds | None = None,
        expect: Savings | None = None,
        functions: str | None = None,
        top: int = 20,
    ) -> Comparison:
        """Check the runs belong together and compute every part of the comparison once. ``functions`` is
        ``"all"`` (every frame, none folded) or a regex the function table's names must match."""
        runs = tuple(runs)
        _check(runs)
        limits = thresholds or Thresholds()
        verdicts = _verdicts(runs, limits)
        chosen = best(verdicts)
        judged = chosen or verdicts[-1]
        if expect is not None:
            judged.reasons.append(expect.check(judged.baseline_s - judged.wall_s, judged.saved_pct)[1])
        fold = functions != ALL_FUNCTIONS
        pattern = None if functions == ALL_FUNCTIONS else functions
        judged_run = next(run for run in runs if run.mode == judged.mode)
        profiles = {run.mode: _stats(run) for run in runs}
        noisy = busy_warnings(runs)
        return cls(
            runs,
            limits,
            expect,
            equivalence(runs),
            verdicts,
            chosen,
            tables.summary(runs, verdicts),
            tables.endpoints(runs),
            _functions(profiles[runs[0].mode], profiles[judged_run.mode], top, pattern, fold),
            {mode: flame(stats.stats, fold) for mode, stats in profiles.items() if stats is not None},  # type: ignore[attr-defined]
            fold,
            tuple(latency_warnings(runs) + noisy),
            run_latency(runs[0]),
            bool(noisy),
        )

    @property
    def baseline(self) -> RunResult:
        return self.runs[0]

    @property
    def verdict(self) -> Verdict:
        """The verdict on the judged run: the best, else the last."""
        return self.best or self.verdicts[-1]

    @property
    def judged(self) -> RunResult:
        """The run the function table and the differential flame graph compare with the baseline."""
        return next(run for run in self.runs if run.mode == self.verdict.mode)

    @property
    def verdict_table(self) -> pd.DataFrame:
        return tables.verdict_table(self.verdicts)

    @property
    def unprofiled(self) -> list[str]:
        """Why the function table is missing: the baseline or judged run that has no cProfile file, each with
        the reason (a program that is not Python, or that wrote no profile; a run without cProfile)."""
        missing = []
        for run in (self.baseline, self.judged):
            if "pstats" in run.artifacts:
                continue
            if run.profiler not in ("cprofile", "both"):
                missing.append(f"{run.mode} (measured with --profile {run.profiler})")
            elif run.command is not None:
                missing.append(f"{run.mode} (not a Python program, or it wrote none)")
            else:
                missing.append(f"{run.mode} (no output folder)")
        return missing

    @property
    def function_view(self) -> pd.DataFrame | None:
        """The function table as reports show it: columns named after the two subjects."""
        if self.function_table is None:
            return None
        base, new = self.baseline.mode, self.judged.mode
        return self.function_table[FUNCTION_COLUMNS].rename(
            columns=lambda c: c.replace("_base", f" {base}").replace("_new", f" {new}").replace("_delta", " Δ")
        )

    def failing(self, decisions: Sequence[str]) -> list[Verdict]:
        """The verdicts whose decision is one of ``decisions`` (``--fail-on``)."""
        return [v for v in self.verdicts if v.decision in decisions]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": COMPARE_SCHEMA,
            "runs": [run.to_json() for run in self.runs],
            "equivalent": self.equivalence.equivalent,
            "equivalence": {
                "digests": self.equivalence.digests,
                "differences": self.equivalence.differences,
                "fault_free": self.equivalence.fault_free,
            },
            "verdict": self.verdict.to_json(),
            "verdicts": [v.to_json() for v in self.verdicts],
            "best": self.best.mode if self.best else None,
            "thresholds": {"merge_pct": self.thresholds.merge_pct, "incremental_pct": self.thresholds.incremental_pct},
            "expected_savings": self.expect.describe() if self.expect else None,
            "warnings": list(self.warnings),
            "latency": self.latency,
        }


def _check(runs: tuple[RunResult, ...]) -> None:
    if len(runs) < 2:
        raise ResultError("a comparison needs at least two runs")
    modes = [run.mode for run in runs]
    if len(set(modes)) != len(modes):
        raise ResultError(f"each subject may appear once; got {', '.join(modes)}")
    if len({run.workload.get("sha256") for run in runs}) != 1:
        raise ResultError("the runs replay different workloads; compare runs of one cassette or preset")
    versions = {run.mode: run.workload.get("immich_version") for run in runs}
    if len(set(versions.values())) != 1:
        served = ", ".join(f"{mode} as {version}" for mode, version in versions.items())
        raise ResultError(f"the runs were served as different Immich versions ({served}); compare runs of one version")


def _verdicts(runs: tuple[RunResult, ...], limits: Thresholds) -> tuple[Verdict, ...]:
    base = runs[0]
    verdicts = []
    for run in runs[1:]:
        same = run.final_state_digest == base.final_state_digest
        kept = run.reached_fault_free is not False
        why = None if kept else f"{run.mode} did not reach its fault-free final state: the faults changed its outcome"
        verdicts.append(
            decide(
                base.mode,
                run.mode,
                base.modeled_wall_s,
                run.modeled_wall_s,
                same and kept,
                limits,
                why if same else None,
            )
        )
    return tuple(verdicts)


def _stats(run: RunResult) -> pstats.Stats | None:
    path = run.artifacts.get("pstats")
    return load_stats(Path(path)) if path and Path(path).is_file() else None


def _functions(
    base: pstats.Stats | None, judged: pstats.Stats | None, top: int, pattern: str | None, fold: bool
) -> pd.DataFrame | None:
    """pstats rows of the baseline and the judged run with deltas; None without both .pstats files."""
    if base is None or judged is None:
        return None
    before, after = (rows(s, folded_records(s.stats) if fold else None) for s in (base, judged))  # type: ignore[attr-defined]
    return diff(before, after, top, pattern)


def compare(
    runs: Sequence[RunResult],
    thresholds: Thresholds | None = None,
    expect: Savings | None = None,
    functions: str | None = None,
    top: int = 20,
) -> Comparison:
    """Compare RunResults of one workload: the first is the baseline; every other run is judged against it, and
    the best (else the last) is the verdict (``Comparison.of``)."""
    return Comparison.of(runs, thresholds, expect, functions, top)
