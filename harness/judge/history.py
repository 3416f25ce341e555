"""Runs across commits: one point per subject and commit, in commit order, with the gate's thresholds to draw.

Every RunResult stores the commit it measured (``environment.commit``: id, dirty flag, commit time) and its machine.
``History.of`` groups runs into *series* (a subject; a subject on one machine when runs come from several, since
CPU and memory from different machines do not compare) and, within a series, into one ``Point`` per commit: exact
metrics from the commit's latest run (they are the same in every run), noisy ones as the median over its runs.
Commits are ordered by commit time, then by when they were first measured. An uncommitted (dirty) run is its own
point beside the clean runs of the same commit.

The thresholds are the gate's (``GateThresholds``) applied to each series' baseline: the given baseline RunResult
of that subject, or else the series' first point. A point above a threshold is one the gate would fail (requests,
modeled wall) or judge (CPU, memory, which also need significance).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from harness.judge.gate import GateThresholds, baseline_samples
from harness.measure.environment import machine_label
from harness.measure.result import RunResult

NOISY = ("cpu_s", "peak_rss_mb", "run_rss_mb")


@dataclass(frozen=True)
class Commit:
    """A measured commit: its id (None when runs were made outside git), dirty flag and commit time."""

    id: str | None
    dirty: bool
    time: str

    @property
    def label(self) -> str:
        """The short id, with ``+`` for uncommitted changes."""
        return (self.id or "unknown")[:8] + ("+" if self.dirty else "")

    @classmethod
    def of(cls, run: RunResult) -> Commit:
        stored: dict[str, Any] = run.environment.get("commit") or {}
        return cls(stored.get("id"), bool(stored.get("dirty")), _utc(stored.get("time")))


@dataclass(frozen=True)
class Point:
    """One series at one commit."""

    series: str
    subject: str
    machine: str
    commit: Commit
    runs: int
    requests: int
    by_endpoint: dict[str, int]
    modeled_wall_s: float
    noisy: dict[str, float | None]
    first_created: str


@dataclass(frozen=True)
class Limits:
    """What the gate allows a series, from its baseline: requests per endpoint, modeled wall, CPU and memory."""

    by_endpoint: dict[str, int]
    modeled_wall_s: float
    noisy: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class History:
    """Points in commit order, and each series' limits."""

    commits: tuple[Commit, ...]
    points: tuple[Point, ...]
    limits: dict[str, Limits]
    thresholds: GateThresholds

    @classmethod
    def of(
        cls, runs: Sequence[RunResult], thresholds: GateThresholds | None = None, baselines: Sequence[RunResult] = ()
    ) -> History:
        limits_of = thresholds or GateThresholds()
        several = len({machine_label(run.environment) for run in runs}) > 1
        groups: dict[tuple[str, Commit], list[RunResult]] = {}
        for run in sorted(runs, key=lambda r: r.created_at):
            groups.setdefault((_series(run, several), Commit.of(run)), []).append(run)
        points = [_point(series, commit, group) for (series, commit), group in groups.items()]
        first_seen: dict[Commit, tuple[str, str]] = {}
        for point in points:
            key = (point.commit.time, point.first_created)
            first_seen[point.commit] = min(first_seen.get(point.commit, key), key)
        commits = tuple(sorted(first_seen, key=lambda c: first_seen[c]))
        order = {commit: index for index, commit in enumerate(commits)}
        points.sort(key=lambda p: (order[p.commit], p.series))
        given = {run.mode: run for run in baselines}
        limits: dict[str, Limits] = {}
        for point in points:
            if point.series not in limits:
                base = given.get(point.subject)
                limits[point.series] = _limits(base, point, limits_of)
        return cls(commits, tuple(points), limits, limits_of)

    def series(self) -> dict[str, list[Point]]:
        """The points of each series, in commit order."""
        found: dict[str, list[Point]] = {}
        for point in self.points:
            found.setdefault(point.series, []).append(point)
        return found

    def endpoints(self) -> list[str]:
        return sorted({e for point in self.points for e in point.by_endpoint})


def _utc(stamp: object) -> str:
    """A commit time as UTC ISO text, so that times from any time zone sort as strings ("" when unknown)."""
    try:
        return datetime.fromisoformat(str(stamp)).astimezone(UTC).isoformat(timespec="seconds")
    except ValueError:
        return ""


def _series(run: RunResult, several_machines: bool) -> str:
    return f"{run.mode} @ {machine_label(run.environment)}" if several_machines else run.mode


def _point(series: str, commit: Commit, runs: list[RunResult]) -> Point:
    latest = runs[-1]
    noisy: dict[str, float | None] = {}
    for metric in NOISY:
        values = [float(v) for run in runs if (v := getattr(run, metric)) is not None]
        noisy[metric] = statistics.median(values) if values else None
    return Point(
        series=series,
        subject=latest.mode,
        machine=machine_label(latest.environment),
        commit=commit,
        runs=len(runs),
        requests=latest.total_requests,
        by_endpoint=latest.by_endpoint,
        modeled_wall_s=latest.modeled_wall_s,
        noisy=noisy,
        first_created=runs[0].created_at,
    )


def _limits(baseline: RunResult | None, first: Point, thresholds: GateThresholds) -> Limits:
    """The gate's limits around ``baseline`` (a RunResult), or around the series' first point."""
    if baseline is not None:
        wall, by_endpoint = baseline.modeled_wall_s, baseline.by_endpoint
        medians = {m: statistics.median(s) if (s := baseline_samples(baseline, m)) else None for m in NOISY}
    else:
        wall, by_endpoint, medians = first.modeled_wall_s, first.by_endpoint, dict(first.noisy)
    factors = {"cpu_s": thresholds.cpu_factor, "peak_rss_mb": thresholds.memory_factor}
    factors["run_rss_mb"] = thresholds.memory_factor
    noisy = {m: None if v is None else v * factors[m] for m, v in medians.items()}
    return Limits(dict(by_endpoint), wall * (1 + thresholds.wall_pct / 100), noisy)
