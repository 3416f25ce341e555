"""Run one mode against a fresh replay of a workload and measure it into a ``RunResult``.

Each mode runs in its own spawned process (``run_isolated``), so memory, caches and imports never leak between
modes; the snapshot is loaded before measuring starts. Counts per endpoint and modeled time come from the
transport, not the profiler. ``cpu_s`` is the tagger's CPU time: the process CPU during the run minus what the
in-process replay spent answering (``replay_cpu_s``), which a live server would spend instead.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autotag import ImmichClient, Tagger, get_mode, load_rules
from autotag.async_client import AdaptiveLimiter, AsyncImmichClient
from autotag.async_tagger import AsyncTagger
from autotag.errors import AutotagError
from autotag.modes import ModeSpec
from autotag.rules import RuleSet
from autotag.session import AsyncSession, Session
from autotag.tagger import TagPlan
from harness.environment import environment
from harness.errors import HarnessError, RunError
from harness.library import Library
from harness.memory import MemoryWindow, max_rss_mb
from harness.profiling import run_cprofile, run_pyinstrument
from harness.replay import ReplayServer
from harness.result import RunResult
from harness.transport import AsyncReplayTransport, ReplayTransport
from harness.workload import DEFAULT_RULES, WorkloadSpec, latency_model, repo_relative

REPLAY_URL = "http://replay/api"


@dataclass(frozen=True)
class RunSpec:
    mode: str
    workload: WorkloadSpec = field(default_factory=WorkloadSpec)
    rules: str | None = None
    latency: str | None = None
    profiler: str = "cprofile"
    out_dir: str | None = None
    realtime: float = 0.0
    proxy_limit: int | None = None

    @property
    def rules_path(self) -> Path:
        return Path(self.rules) if self.rules else DEFAULT_RULES


@dataclass
class Replayed:
    plan: TagPlan
    transport: ReplayTransport
    library: Library
    cpu_s: float
    real_wall_s: float
    memory: MemoryWindow


def replay_once(
    spec: RunSpec, library: Library, model: Any, wrap: Callable[[Callable[[], TagPlan]], TagPlan]
) -> Replayed:
    """One tagger run on a replay of ``library`` (mutated in place), wrapped by a profiler.

    The replay serialises every asset before the run (``ReplayServer.warm``), so that the run's CPU, memory growth
    and profile are the tagger's and the responses', not the replay filling its caches on first use."""
    server = ReplayServer(library, seed=spec.workload.seed)
    server.warm()
    transport = ReplayTransport(server, model)
    rules = load_rules(spec.rules_path)
    mode = get_mode(spec.mode)
    spent: dict[str, float] = {}
    memory = MemoryWindow()

    def timed(run: Callable[[], TagPlan]) -> Callable[[], TagPlan]:
        """Time the tagger itself, inside the profiler: writing the profile afterwards is not the tagger's time."""

        def call() -> TagPlan:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            try:
                return run()
            finally:
                spent["cpu"], spent["wall"] = time.process_time() - cpu0, time.perf_counter() - wall0

        return call

    # The memory window opens outside the profiler: its garbage collection is not the tagger's to profile or time.
    if mode.concurrency > 1:
        with memory:
            plan = wrap(timed(lambda: run_concurrent(spec, transport, rules, mode)))
    else:
        transport.clock.realtime_scale = spec.realtime
        with Session(REPLAY_URL, "replay", transport=transport) as session, memory:
            plan = wrap(timed(Tagger(ImmichClient(session), rules, mode, apply=True).run))
    transport.probe.finish(transport.clock.now)
    return Replayed(plan, transport, library, spent["cpu"] - transport.cpu_s, spent["wall"], memory)


def run_concurrent(spec: RunSpec, transport: ReplayTransport, rules: RuleSet, mode: ModeSpec) -> TagPlan:
    """An async mode on a virtual-time event loop (looptime): requests overlap in modeled time, nothing sleeps.
    With ``--realtime SCALE`` it runs on a real loop and really sleeps SCALE seconds per modeled second."""
    import asyncio

    import looptime

    replay = AsyncReplayTransport(transport, proxy_limit=spec.proxy_limit, time_scale=spec.realtime or 1.0)

    async def main() -> TagPlan:
        async with AsyncSession(REPLAY_URL, "replay", transport=replay) as session:
            client = AsyncImmichClient(session, AdaptiveLimiter.for_concurrency(mode.concurrency))
            return await AsyncTagger(client, rules, mode, apply=True).run()

    loop = asyncio.new_event_loop() if spec.realtime else looptime.new_event_loop(start=0.0, noop_cycles=2)
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def execute(spec: RunSpec) -> RunResult:
    """Run ``spec`` in this process; artifacts go to ``spec.out_dir`` when given."""
    get_mode(spec.mode)
    library, recorded, workload = spec.workload.load()
    model = latency_model(spec.latency, recorded)
    out = Path(spec.out_dir) if spec.out_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, str] = {}
    pristine = _copy(library) if spec.profiler == "both" else None

    def wrap(func: Callable[[], TagPlan]) -> TagPlan:
        if out is not None and spec.profiler in ("cprofile", "both"):
            artifacts["pstats"] = str(out / f"{spec.mode}.pstats")
            return run_cprofile(func, Path(artifacts["pstats"]))
        if out is not None and spec.profiler == "pyinstrument":
            artifacts["pyinstrument"] = str(out / f"{spec.mode}.pyinstrument.html")
            return run_pyinstrument(func, Path(artifacts["pyinstrument"]))
        return func()

    done = replay_once(spec, library, model, wrap)
    if pristine is not None and out is not None:
        artifacts["pyinstrument"] = str(out / f"{spec.mode}.pyinstrument.html")
        replay_once(spec, pristine, model, lambda f: run_pyinstrument(f, Path(artifacts["pyinstrument"])))
    if out is not None:
        artifacts["final_state"] = str(out / f"{spec.mode}.state.json.gz")
        _write_state(Path(artifacts["final_state"]), library)
    return _result(spec, done, workload, model.name, artifacts)


def _copy(library: Library) -> Library:
    import copy

    return copy.deepcopy(library)


def _write_state(path: Path, library: Library) -> None:
    state = {asset: sorted(tags) for asset, tags in sorted(library.tag_state().items())}
    path.write_bytes(gzip.compress(json.dumps(state, separators=(",", ":")).encode(), mtime=0))


def _result(
    spec: RunSpec, done: Replayed, workload: dict[str, Any], latency: str, artifacts: dict[str, str]
) -> RunResult:
    probe, plan = done.transport.probe, done.plan
    by_endpoint = dict(sorted(probe.requests.items()))
    seconds = {e: round(probe.seconds[e], 6) for e in by_endpoint}
    network = round(sum(probe.seconds.values()), 6)
    return RunResult(
        mode=spec.mode,
        workload={**workload, "rules": repo_relative(spec.rules_path)},
        latency=latency,
        requests={
            "total": probe.total,
            "by_endpoint": by_endpoint,
            "statuses": {str(k): v for k, v in probe.statuses.items()},
        },
        modeled={"wall_s": round(done.transport.clock.now, 6), "network_s": network, "by_endpoint_s": seconds},
        cpu_s=round(done.cpu_s, 4),
        replay_cpu_s=round(done.transport.cpu_s, 4),
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
    import hashlib

    blob = json.dumps(plan.decision_key(), separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _worker(spec: RunSpec) -> dict[str, Any]:
    """Errors come back as data: exception classes with extra constructor arguments do not pickle."""
    try:
        return {"result": execute(spec).to_json()}
    except (HarnessError, AutotagError) as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def _reraise(name: str, message: str) -> HarnessError | AutotagError:
    import autotag.errors
    import harness.errors

    for module in (harness.errors, autotag.errors):
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, HarnessError | AutotagError):
            try:
                return cls(message)
            except TypeError:
                break
    return RunError(message)


def run_isolated(spec: RunSpec) -> RunResult:
    """Run ``spec`` in a fresh spawned process and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        try:
            data = pool.apply(_worker, (spec,))
        except Exception as exc:  # a crash inside the tagger: report it, do not hide it
            raise RunError(f"{spec.mode}: the run failed: {type(exc).__name__}: {exc}") from exc
    if "error" in data:
        raise _reraise(data["error"], data["message"])
    return RunResult.from_json(data["result"])
