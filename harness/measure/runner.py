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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autotag import Connection, TagPlan, get_mode, load_rules, run_mode
from harness.library.snapshot import Library
from harness.measure.environment import environment
from harness.measure.memory import MemoryWindow, max_rss_mb
from harness.measure.probes import Probe
from harness.measure.profilers import passes
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.project_paths import repo_relative
from harness.replay.latency import LatencyModel, model_for
from harness.replay.server import ReplayServer
from harness.replay.transports import AsyncReplayTransport, ReplayCore, ReplayTransport
from harness.replay.versions import reshaped, served_version

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
    server = ReplayServer(library, seed=spec.workload.seed, immich_version=spec.workload.immich_version)
    server.warm()
    probe = Probe()
    core = ReplayCore(server, model, observer=probe)
    core.clock.realtime_scale = spec.realtime
    connection = Connection(
        REPLAY_URL,
        "replay",
        transport=ReplayTransport(core),
        async_transport=AsyncReplayTransport(core, spec.workload.proxy_limit, time_scale=spec.realtime or 1.0),
    )
    rules = load_rules(spec.workload.rules_path)
    mode = get_mode(spec.subject)
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
    """Run ``spec`` in this process; artifacts go to ``spec.out_dir`` when given."""
    get_mode(spec.subject)
    library, recorded, workload = spec.workload.load()
    served = served_version(spec.workload.immich_version, library.version_string)
    model = model_for(spec.workload.latency, recorded, reshaped(library.version_string, served))
    out = Path(spec.out_dir) if spec.out_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, str] = {}
    measured, *more = passes(spec.profiler)
    pristine = copy.deepcopy(library) if more else library

    def under(profiler: Any) -> Wrap:
        if out is None or not profiler.artifact:
            return lambda func: func()
        path = out / f"{spec.subject}{profiler.suffix}"
        artifacts[profiler.artifact] = str(path)
        return lambda func: profiler.run(func, path)

    done = replay_once(spec, library, model, under(measured))
    for profiler in more:
        replay_once(spec, copy.deepcopy(pristine), model, under(profiler))
    if out is not None:
        artifacts["final_state"] = str(out / f"{spec.subject}.state.json.gz")
        _write_state(Path(artifacts["final_state"]), library)
    return _result(spec, done, workload, model.name, artifacts)


def _write_state(path: Path, library: Library) -> None:
    state = {asset: sorted(tags) for asset, tags in sorted(library.tag_state().items())}
    path.write_bytes(gzip.compress(json.dumps(state, separators=(",", ":")).encode(), mtime=0))


def _result(
    spec: RunSpec, done: ReplayRun, workload: dict[str, Any], latency: str, artifacts: dict[str, str]
) -> RunResult:
    probe, plan = done.probe, done.plan
    by_endpoint = dict(sorted(probe.requests.items()))
    seconds = {e: round(probe.seconds[e], 6) for e in by_endpoint}
    network = round(sum(probe.seconds.values()), 6)
    return RunResult(
        mode=spec.subject,
        workload={**workload, "rules": repo_relative(spec.workload.rules_path), "spec": spec.workload.to_json()},
        latency=latency,
        requests={
            "total": probe.total,
            "by_endpoint": by_endpoint,
            "statuses": {str(k): v for k, v in probe.statuses.items()},
        },
        modeled={"wall_s": round(done.core.clock.now, 6), "network_s": network, "by_endpoint_s": seconds},
        cpu_s=round(done.cpu_s, 4),
        replay_cpu_s=round(done.core.cpu_s, 4),
        real_wall_s=round(done.real_wall_s, 4),
        peak_rss_mb=round(max(done.memory.peak_before_mb, max_rss_mb()), 1),
        run_rss_mb=None if done.memory.growth_mb is None else round(done.memory.growth_mb, 1),
        final_state_digest=done.library.state_digest(),
        counters=plan.counters.as_dict(),
        plan={"by_status": plan.by_status(), "changes": plan.changes(), "decisions_digest": _plan_digest(plan)},
        profiler=spec.profiler,
        timeline=[[n, s] for n, s in probe.timeline],
        artifacts=artifacts,
        environment=environment(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _plan_digest(plan: TagPlan) -> str:
    blob = json.dumps(plan.decision_key(), separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()
