"""Repeated runs of one subject as one RunResult: its modeled figures, which must be identical in every repeat (the
replay is deterministic; a difference is an error, never averaged away), and its measured figures as the median of
the repeats, every repeat's value kept in ``samples``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

from harness.errors import NotRepeatable
from harness.measure.result import RunResult
from harness.wording import plural

EXACT = ("requests", "modeled", "in_flight", "timeline", "final_state_digest", "counters", "plan")
MEASURED = ("cpu_s", "replay_cpu_s", "real_wall_s", "peak_rss_mb", "run_rss_mb")


def combine(runs: Sequence[RunResult]) -> RunResult:
    """The first run with every measured figure replaced by the median of ``runs`` (the values in ``samples``);
    ``NotRepeatable`` when a modeled figure differs between them."""
    first = runs[0]
    for number, run in enumerate(runs[1:], 2):
        for name in EXACT:
            if getattr(run, name) != getattr(first, name):
                raise NotRepeatable(
                    f"{first.mode}: repeat {number} of {len(runs)} differs from the first in its modeled figures "
                    f"({name}: {_summary(name, first)} vs {_summary(name, run)}); the replay is deterministic, so "
                    "the subject is not (it depends on timing, threads or randomness)"
                )
    samples = {name: [float(getattr(run, name)) for run in runs] for name in MEASURED if _measured(runs, name)}
    combined = replace(first, samples=samples)
    for name, values in samples.items():
        setattr(combined, name, round(statistics.median(values), 4))
    return combined


def _measured(runs: Sequence[RunResult], name: str) -> bool:
    return all(getattr(run, name) is not None for run in runs)


def _summary(name: str, run: RunResult) -> str:
    """A short view of a differing figure."""
    if name == "modeled":
        return f"wall {run.modeled_wall_s:,.6f} s"
    if name == "requests":
        return plural(run.total_requests, "request")
    if name == "final_state_digest":
        return run.final_state_digest[:19] + "..."
    return "another value"
