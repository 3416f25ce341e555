"""A replay open for any client: an httpx transport or a served URL, and the RunResult of what crossed it so far.

    from harness import open_replay

    with open_replay(cassette="cassettes/small-300.json.gz") as replay:
        with httpx.Client(base_url=replay.base_url, transport=replay.transport,
                          headers={"x-api-key": replay.api_key}) as http:
            http.get("/server/version")
        result = replay.result()   # requests per endpoint, modeled wall, final-state digest

Every request is counted and given its modeled latency on the replay's virtual clock, as in ``bench run``: one at a
time through ``transport`` (sync clients), overlapping through ``async_transport`` when run on the virtual-time
loop of ``run_async`` (on a real loop it would really sleep each latency), one after another through ``serve()``
(real HTTP on 127.0.0.1, for clients that are not httpx). The replay is fresh: writes change its library, and the
final-state digest of ``result()`` shows them. The client's own CPU is not measured here (``cpu_s`` is None).
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import httpx

from harness.library.recorded_timings import Recorded
from harness.library.snapshot import Library
from harness.library.workload import WorkloadSpec
from harness.measure.probes import Probe
from harness.measure.program_runner import serving
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import Measured, result_of, virtual_loop
from harness.measure.subjects import Program
from harness.replay.faults import FaultPlan
from harness.replay.latency_profiles import workload_model
from harness.replay.server import ReplayServer
from harness.replay.transports import AsyncReplayTransport, ReplayCore, ReplayTransport
from harness.replay.virtual_time import VirtualTimeGate

T = TypeVar("T")
BASE_URL = "http://immich-replay.test/api"  # any host: the transport answers whatever it is sent
COMMAND = "(Python API)"


@dataclass
class Replay:
    """One fresh replay of ``workload``; build it with ``open_replay``."""

    workload: WorkloadSpec
    name: str
    core: ReplayCore
    probe: Probe
    info: dict[str, Any]
    api_key: str
    base_url: str = BASE_URL
    started: float = field(default_factory=time.perf_counter)

    @cached_property
    def transport(self) -> ReplayTransport:
        """The replay as an ``httpx.BaseTransport``: requests one at a time, each advancing the virtual clock."""
        return ReplayTransport(self.core)

    @cached_property
    def async_transport(self) -> AsyncReplayTransport:
        """The replay as an ``httpx.AsyncBaseTransport``; run its client inside ``run_async``."""
        return AsyncReplayTransport(self.core, self.workload.proxy_limit)

    def client(self, **options: Any) -> httpx.Client:
        """An ``httpx.Client`` on the transport, with the base URL and API key set."""
        headers = {"x-api-key": self.api_key, **options.pop("headers", {})}
        return httpx.Client(base_url=self.base_url, transport=self.transport, headers=headers, **options)

    def async_client(self, **options: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` on the async transport, with the base URL and API key set."""
        headers = {"x-api-key": self.api_key, **options.pop("headers", {})}
        return httpx.AsyncClient(base_url=self.base_url, transport=self.async_transport, headers=headers, **options)

    def run_async(self, main: Callable[[], Awaitable[T]]) -> T:
        """Run ``main()`` on a virtual-time event loop: overlapping requests overlap in modeled time, nothing
        sleeps."""
        loop = virtual_loop()
        self.async_transport.start = loop.time() - self.core.clock.now  # modeled time goes on from here
        try:
            return loop.run_until_complete(main())
        finally:
            loop.close()

    @contextmanager
    def serve(self) -> Iterator[str]:
        """The replay over real HTTP on a free loopback port while the block runs; yields its ``.../api`` URL.
        Requests are modeled one after another, continuing this replay's clock."""
        gate = VirtualTimeGate(self.core, None, proxy_limit=self.workload.proxy_limit)
        gate.now = self.core.clock.now
        with serving(gate) as port:
            yield f"http://127.0.0.1:{port}/api"

    @property
    def assets(self) -> int:
        return int(self.info["assets"])

    def result(self) -> RunResult:
        """The RunResult so far: requests per endpoint and status, modeled wall time, final-state digest."""
        probe = copy.deepcopy(self.probe)
        probe.finish(self.core.clock.now)
        spec = RunSpec(subject=Program(self.name, COMMAND), workload=self.workload, profiler="none")
        measured = Measured(None, round(self.core.cpu_s, 4), round(time.perf_counter() - self.started, 4), None)
        library = self.core.server.lib
        now = self.core.clock.now
        return result_of(spec, self.info, self.core.latency, probe, now, library, measured, {}, faults=self.core.faults)

    def __enter__(self) -> Replay:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the transports (nothing else holds resources)."""
        if "transport" in self.__dict__:
            self.transport.close()


def open_replay(workload: WorkloadSpec | None = None, *, name: str = "replay", **fields: Any) -> Replay:
    """A fresh replay of ``workload`` (or of ``WorkloadSpec(**fields)``: ``cassette``, ``preset``, ``assets``,
    ``seed``, ``latency``, ``immich_version``, ``proxy_limit``); without either, the shipped real cassette."""
    spec = workload if workload is not None else WorkloadSpec(**fields)
    return replay_of(spec, spec.load(), name)


def replay_of(spec: WorkloadSpec, loaded: tuple[Library, Recorded, dict[str, Any]], name: str) -> Replay:
    """A replay of what ``spec.load()`` returned (the library is served, and changed, as it is)."""
    library, recorded, info = loaded
    model = workload_model(spec, library, recorded)
    key = secrets.token_urlsafe(18)
    server = ReplayServer(library, api_key=key, seed=spec.seed, immich_version=spec.immich_version)
    probe = Probe()
    faults = FaultPlan.of(spec.faults, spec.seed, spec.fault_hold_s)
    return Replay(spec, name, ReplayCore(server, model, observer=probe, faults=faults), probe, info, key)
