"""``RunResult``: the one record that crosses from measuring to reporting.

It is versioned JSON (``schema: autotag-bench/run/1``) holding everything a report needs, so any report can be
rebuilt from saved runs without replaying. Figures marked *modeled* come from the virtual clock and are exact and
repeatable; ``cpu_s``, ``real_wall_s``, ``peak_rss_mb`` (the worker process's peak) and ``run_rss_mb`` (how much the
resident set grew while the tagger ran; None where not measurable) are measured and vary a little from run to run.

``modeled["by_endpoint_s"]`` is each endpoint's *summed* request latency: for a run whose requests overlap (the
``async`` mode, a concurrent program) it can exceed the wall time many times over. ``in_flight`` holds what never
does (``harness.measure.occupancy``): the time any request was in flight (``busy_s``), the most in flight at once
(``peak``), and per endpoint the time its requests were in flight (``by_endpoint_s``) and its share of the wall
(``share_s``). ``samples`` holds every repeat's measured figures when a run was repeated (the record's own
figures are then their medians). Under injected faults (``workload.spec.faults``), ``faults`` counts the faults served
per kind and ``fault_free_digest`` is the final state the same subject reaches with no faults, so a report can say
whether the faults changed the outcome.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from harness.errors import ResultError

RUN_SCHEMA = "autotag-bench/run/1"
COMPARE_SCHEMA = "autotag-bench/compare/2"  # /2: verdicts carry direction and change (>= 0), not a signed percent
COMPARE_SCHEMAS = ("autotag-bench/compare/1", COMPARE_SCHEMA)  # both hold their runs the same way


@dataclass
class RunResult:
    """One measured run of one subject: requests, modeled and measured time, memory, final state, artifacts."""

    mode: str
    workload: dict[str, Any]
    latency: str
    requests: dict[str, Any]
    modeled: dict[str, Any]
    cpu_s: float | None  # None: not measurable (a client `bench serve` could not see)
    replay_cpu_s: float
    real_wall_s: float
    peak_rss_mb: float | None
    final_state_digest: str
    counters: dict[str, int]
    plan: dict[str, Any]
    profiler: str
    timeline: list[list[float]] = field(default_factory=list)
    artifacts: dict[str, str] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)  # repeated measurements (gate baselines)
    run_rss_mb: float | None = None
    command: str | None = None  # a program subject's command; None for a mode of this project's tagger
    latency_source: dict[str, Any] = field(default_factory=dict)  # which profile, recorded durations, warnings
    in_flight: dict[str, Any] = field(default_factory=dict)  # empty in records that predate it
    faults: dict[str, int] = field(default_factory=dict)  # injected faults served, per kind
    fault_free_digest: str | None = None  # the final state of the same run without faults (when faults were injected)
    schema: str = RUN_SCHEMA

    @property
    def reached_fault_free(self) -> bool | None:
        """Under faults, whether the run still left the final state it leaves without them; None without faults."""
        if self.fault_free_digest is None:
            return None
        return self.final_state_digest == self.fault_free_digest

    @property
    def total_requests(self) -> int:
        return int(self.requests["total"])

    @property
    def by_endpoint(self) -> dict[str, int]:
        return dict(self.requests["by_endpoint"])

    @property
    def modeled_wall_s(self) -> float:
        return float(self.modeled["wall_s"])

    @property
    def seconds_by_endpoint(self) -> dict[str, float]:
        return dict(self.modeled["by_endpoint_s"])

    @property
    def overlapping(self) -> bool:
        """Whether requests of this run were ever in flight together."""
        if self.in_flight:
            return int(self.in_flight["peak"]) > 1
        return float(self.modeled.get("network_s", 0.0)) > self.modeled_wall_s + 1e-6

    @property
    def share_by_endpoint(self) -> dict[str, float] | None:
        """Each endpoint's share of the modeled wall time (its summed latency when nothing overlapped); None for an
        overlapping run recorded before shares were kept."""
        if self.in_flight:
            return {e: float(s) for e, s in self.in_flight["share_s"].items()}
        return None if self.overlapping else self.seconds_by_endpoint

    @property
    def in_flight_by_endpoint(self) -> dict[str, float] | None:
        """The time each endpoint had a request in flight; None in a record that predates it."""
        if self.in_flight:
            return {e: float(s) for e, s in self.in_flight["by_endpoint_s"].items()}
        return None if self.overlapping else self.seconds_by_endpoint

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON record."""
        data = asdict(self)
        return {"schema": data.pop("schema"), **data}

    @classmethod
    def from_json(cls, data: Any, source: str = "run") -> RunResult:
        """A RunResult from its JSON record; ``ResultError`` for another schema or a malformed record."""
        if not isinstance(data, dict):
            raise ResultError(f"{source}: not a RunResult (expected a JSON object)")
        if data.get("schema") != RUN_SCHEMA:
            raise ResultError(f"{source}: schema {data.get('schema')!r} is not {RUN_SCHEMA!r}")
        try:
            result = cls(**data)
        except TypeError as exc:
            raise ResultError(f"{source}: malformed RunResult ({exc})") from None
        problem = malformed(result)
        if problem:
            raise ResultError(f"{source}: malformed RunResult ({problem})")
        return result


def _fits(value: Any, kind: Any) -> bool:
    """Whether a JSON value has the type a field declares (``float`` takes an int; ``bool`` is no number)."""
    if kind is Any:
        return True
    if kind is None or kind is type(None):
        return value is None
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, arg) for arg in typing.get_args(kind))
    base = origin or kind
    if isinstance(value, bool) and base in (int, float):
        return False
    if base is float:
        return isinstance(value, int | float)
    return isinstance(value, base)


# Parts of the record every report reads, and their types.
REQUIRED_PARTS = {("requests", "total"): int, ("requests", "by_endpoint"): dict, ("modeled", "wall_s"): float}


def malformed(result: RunResult) -> str | None:
    """What is wrong with a record's field types, or None."""
    hints = typing.get_type_hints(RunResult)
    for item in fields(RunResult):
        value = getattr(result, item.name)
        if not _fits(value, hints[item.name]):
            return f"{item.name} is {type(value).__name__}, not {hints[item.name]}"
    for (part, key), kind in REQUIRED_PARTS.items():
        value = getattr(result, part).get(key)
        if not _fits(value, kind):
            return f"{part}.{key} is {type(value).__name__}, not {kind.__name__}"
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultError(f"run file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise ResultError(f"{path}: not a JSON RunResult ({exc})") from None


def load_run(path: Path) -> RunResult:
    """Read one RunResult file."""
    return RunResult.from_json(_read_json(path), str(path))


def load_runs(path: Path) -> list[RunResult]:
    """A RunResult file gives one run; a compare file gives all of its runs."""
    data = _read_json(path)
    if isinstance(data, dict) and data.get("schema") in COMPARE_SCHEMAS:
        return [RunResult.from_json(run, f"{path} run {i}") for i, run in enumerate(data.get("runs", []), 1)]
    return [RunResult.from_json(data, str(path))]
