"""Run one subject against a fresh replay of a workload and measure it into a ``RunResult`` (in this process).

The snapshot is loaded before measuring starts. Counts per endpoint and modeled time come from the replay, not the
profiler. ``cpu_s`` is the tagger's CPU time: the process CPU during the run minus what the in-process replay spent
answering (``replay_cpu_s``), which a live server would spend instead. ``harness.measure.isolation`` runs this in
a spawned process of its own.
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autotag import Connection, TagPlan, get_mode, load_rules, run_mode
from autotag.redact import redact_text
from autotag.retry import RetryPolicy
from harness.library.snapshot import Library
from harness.measure.environment import environment
from harness.measure.memory import MemoryWindow, max_rss_mb
from harness.measure.probes import Probe
from harness.measure.profilers import Profiler, passes
from harness.measure.program_runner import run_program
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.subjects import Program
from harness.project_paths import repo_relative
from harness.replay.faults import FaultPlan
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import workload_model
from harness.replay.server import ReplayServer
from harness.replay.transports import AsyncReplayTransport, ReplayCore, ReplayTransport

REPLAY_URL = "http://replay/api"
Wrap = Callable[[Callable[[], TagPlan]], TagPlan]


@dataclass(frozen=True)
class ReplayRun:
    """A finished tagger run on a replay: its plan, the replay's record of it, and what was measured."""

    plan: TagPlan
    core: ReplayCore
    probe: Probe
    library: Library
    cpu_s: float
    real_wall_s: float
    memory: MemoryWindow


def replay_once(spec: RunSpec, library: Library, model: LatencyModel, wrap: Wrap) -> ReplayRun:
    """One tagger run on a replay of ``library`` (mutated in place), wrapped by a profiler.

    The replay serialises every asset before the run (``ReplayServer.warm``), so that the run's CPU, memory growth
    and profile are the tagger's and the responses', not the replay filling its caches on first use."""
    workload = spec.workload
    server = ReplayServer(library, seed=workload.seed, immich_version=workload.immich_version)
    server.warm()
    probe = Probe()
    faults = FaultPlan.of(workload.faults, workload.seed, workload.fault_hold_s)
    core = ReplayCore(server, model, observer=probe, faults=faults)
    core.clock.realtime_scale = spec.realtime

    def sleep(seconds: float) -> None:
        """A retry's wait, on the replay's clock: it costs modeled time, and nothing really sleeps."""
        core.clock.advance(seconds)

    connection = Connection(
        REPLAY_URL,
        "replay",
        transport=ReplayTransport(core),
        async_transport=AsyncReplayTransport(core, workload.proxy_limit, time_scale=spec.realtime or 1.0),
        retry=RetryPolicy(seed=workload.seed),
        sleep=sleep,  # the async mode's waits are on its virtual-time loop already
    )
    rules = load_rules(spec.workload.rules_path)
    mode = get_mode(spec.name)
    if mode.concurrency > 1 and not spec.realtime:
        import looptime  # noqa: F401  (now, not in the measured run: it imports pytest, 60 ms and 7 MB)
    spent: dict[str, float] = {}
    memory = MemoryWindow()

    def tagger() -> TagPlan:
        """The tagger itself, timed inside the profiler: writing the profile afterwards is not its time."""
        cpu0, wall0 = time.process_time(), time.perf_counter()
        try:
            return run_mode(connection, rules, mode, apply=True, new_loop=None if spec.realtime else virtual_loop)[0]
        finally:
            spent["cpu"], spent["wall"] = time.process_time() - cpu0, time.perf_counter() - wall0

    # The memory window opens outside the profiler: its garbage collection is not the tagger's to profile or time.
    with memory:
        plan = wrap(tagger)
    probe.finish(core.clock.now)
    return ReplayRun(plan, core, probe, library, spent["cpu"] - core.cpu_s, spent["wall"], memory)


def virtual_loop() -> asyncio.AbstractEventLoop:
    """An event loop on virtual time (looptime): overlapping requests overlap in modeled time, nothing sleeps."""
    import looptime

    loop: asyncio.AbstractEventLoop = looptime.new_event_loop(start=0.0, noop_cycles=2)
    return loop


def execute(spec: RunSpec) -> RunResult:
    """Run ``spec`` in this process; artifacts go to ``spec.out_dir`` when given. Under injected faults the subject
    is first run without them (unprofiled, no artifacts), so the result can say whether the faults changed its
    final state."""
    if spec.workload.faults:
        clean = replace(spec, workload=replace(spec.workload, faults=None), profiler="none", out_dir=None)
        fault_free = execute(clean).final_state_digest
        result = _execute(spec)
        result.fault_free_digest = fault_free
        return result
    return _execute(spec)


def _execute(spec: RunSpec) -> RunResult:
    if isinstance(spec.subject, Program):
        return _execute_program(spec, spec.subject)
    get_mode(spec.name)
    library, recorded, workload = spec.workload.load()
    model = workload_model(spec.workload, library, recorded)
    out = Path(spec.out_dir) if spec.out_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, str] = {}
    measured, *more = passes(spec.profiler)
    pristine = copy.deepcopy(library) if more else library

    def under(profiler: Profiler) -> Wrap:
        if out is None or not profiler.artifact:
            return lambda func: func()
        path = out / f"{spec.name}{profiler.suffix}"
        artifacts.update(profiler.outputs(path))
        return lambda func: profiler.run(func, path)

    done = replay_once(spec, library, model, under(measured))
    for profiler in more:
        replay_once(spec, copy.deepcopy(pristine), model, under(profiler))
    plan = done.plan
    return result_of(
        spec,
        workload,
        model,
        done.probe,
        done.core.clock.now,
        done.library,
        Measured(
            round(done.cpu_s, 4),
            round(done.core.cpu_s, 4),
            round(done.real_wall_s, 4),
            round(max(done.memory.peak_before_mb, max_rss_mb()), 1),
            None if done.memory.growth_mb is None else round(done.memory.growth_mb, 1),
        ),
        artifacts,
        counters=plan.counters.as_dict(),
        plan={"by_status": plan.by_status(), "changes": plan.changes(), "decisions_digest": _plan_digest(plan)},
        faults=done.core.faults,
    )


def _execute_program(spec: RunSpec, program: Program) -> RunResult:
    """A program subject: served over loopback HTTP on virtual time (``program_runner``)."""
    library, recorded, workload = spec.workload.load()
    model = workload_model(spec.workload, library, recorded)
    with _program_folder(spec) as out:
        measured, *more = passes(spec.profiler)
        pristine = copy.deepcopy(library) if more else library
        done = run_program(program, library, model, out, measured.name, spec.workload)
        artifacts = dict(done.artifacts)
        for profiler in more:
            again = copy.deepcopy(pristine)
            extra = run_program(program, again, model, out / profiler.name, profiler.name, spec.workload)
            wanted = profiler.outputs(out / profiler.name)
            artifacts.update({k: v for k, v in extra.artifacts.items() if k in wanted})
        measures = Measured(
            round(done.cpu_s, 4), round(done.replay_cpu_s, 4), round(done.real_wall_s, 4), round(done.peak_rss_mb, 1)
        )
        kept = artifacts if spec.out_dir else {}  # a temporary folder is gone when the run returns
        faults = done.gate.core.faults
        return result_of(spec, workload, model, done.probe, done.gate.now, done.library, measures, kept, faults=faults)


@contextmanager
def _program_folder(spec: RunSpec) -> Iterator[Path]:
    """``spec.out_dir``, or a temporary folder removed afterwards."""
    if spec.out_dir:
        out = Path(spec.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="bench-program-") as folder:
        yield Path(folder)


@dataclass(frozen=True)
class Measured:
    """What was measured rather than modeled, already rounded for the record."""

    cpu_s: float | None
    replay_cpu_s: float
    real_wall_s: float
    peak_rss_mb: float | None
    run_rss_mb: float | None = None


def _write_state(path: Path, library: Library) -> None:
    state = {asset: sorted(tags) for asset, tags in sorted(library.tag_state().items())}
    path.write_bytes(gzip.compress(json.dumps(state, separators=(",", ":")).encode(), mtime=0))


def result_of(
    spec: RunSpec,
    workload: dict[str, Any],
    model: LatencyModel,
    probe: Probe,
    modeled_wall_s: float,
    library: Library,
    measured: Measured,
    artifacts: dict[str, str],
    counters: dict[str, int] | None = None,
    plan: dict[str, Any] | None = None,
    faults: FaultPlan | None = None,
) -> RunResult:
    """The RunResult of a finished run: counts and modeled time from the probe, the final state from the library
    (written beside the other artifacts when the spec has an output folder)."""
    if spec.out_dir:
        artifacts["final_state"] = str(Path(spec.out_dir) / f"{spec.name}.state.json.gz")
        _write_state(Path(artifacts["final_state"]), library)
    by_endpoint = dict(sorted(probe.requests.items()))
    seconds = {e: round(probe.seconds[e], 6) for e in by_endpoint}
    network = round(sum(probe.seconds.values()), 6)
    return RunResult(
        mode=spec.name,
        workload={**workload, "rules": repo_relative(spec.workload.rules_path), "spec": spec.workload.to_json()},
        latency=model.name,
        latency_source=model.source,
        requests={
            "total": probe.total,
            "by_endpoint": by_endpoint,
            "statuses": {str(k): v for k, v in probe.statuses.items()},
        },
        modeled={"wall_s": round(modeled_wall_s, 6), "network_s": network, "by_endpoint_s": seconds},
        cpu_s=measured.cpu_s,
        replay_cpu_s=measured.replay_cpu_s,
        real_wall_s=measured.real_wall_s,
        peak_rss_mb=measured.peak_rss_mb,
        run_rss_mb=measured.run_rss_mb,
        final_state_digest=library.state_digest(),
        counters=counters or {},
        plan=plan or {},
        profiler=spec.profiler,
        timeline=[[n, s] for n, s in probe.timeline],
        in_flight=probe.occupancy().to_json(),
        artifacts=artifacts,
        environment=environment(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        command=redact_text(spec.subject.command) if spec.subject.command else None,
        faults=faults.counts() if faults is not None else {},
    )


def _plan_digest(plan: TagPlan) -> str:
    blob = json.dumps(plan.decision_key(), separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()
