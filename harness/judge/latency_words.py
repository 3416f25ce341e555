"""Where a run's modeled latency came from, in words, and what a comparison must warn about it.

Every modeled figure is only as good as its latency source (``RunResult.latency_source``, written by
``harness.replay.latency_profiles.model_for``): a cassette's own recorded durations, a named profile, or a fallback
because the cassette recorded none. Reports print ``describe`` beside the workload and the verdict, and
``latency_warnings`` among the comparison's warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.measure.result import RunResult


def describe(source: Mapping[str, Any], name: str = "") -> str:
    """One line: "recorded durations of 3,012 requests less 1.37 ms each, immich-3.1-loopback for the rest", or
    "profile seed-2026-01"; ``name`` (the run's ``latency``) for records that predate ``latency_source``."""
    profile = source.get("profile")
    if profile is None:
        return f"profile {name}" if name else "unknown"
    if profile == "recorded":
        text = f"the cassette's recorded durations of {int(source.get('recorded_requests', 0)):,} requests"
        surplus = source.get("recording_surplus_ms")
        if surplus:
            text += f" less {float(surplus):.2f} ms each"
        fallback = source.get("fallback")
        return text + (f", {fallback} for the rest" if fallback else "")
    text = f"profile {profile}"
    if source.get("warning"):
        text += " (the cassette recorded no durations)"
    return text


def run_latency(run: RunResult) -> str:
    """``describe`` of a run."""
    return describe(run.latency_source, run.latency)


def latency_warnings(runs: Sequence[RunResult]) -> list[str]:
    """Each distinct warning of the runs' latency sources, and one when the runs were not modeled alike (their
    modeled times then do not compare)."""
    warnings: list[str] = []
    for run in runs:
        warning = run.latency_source.get("warning")
        if warning and warning not in warnings:
            warnings.append(str(warning))
    described = {run.mode: run_latency(run) for run in runs}
    if len(set(described.values())) > 1:
        each = "; ".join(f"{mode}: {text}" for mode, text in described.items())
        warnings.append(f"the subjects were modeled with different latency, their modeled times do not compare: {each}")
    return warnings
