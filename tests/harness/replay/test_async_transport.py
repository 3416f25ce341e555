"""The async replay: a discrete-event simulation on virtual time, with latency growing with requests in flight."""

from __future__ import annotations

import asyncio

import looptime
import pytest

from autotag.retry import RetryPolicy
from autotag.session import AsyncSession
from harness.library.workload import WorkloadSpec
from harness.measure.probes import Probe
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.replay.concurrency import Slowdown
from harness.replay.latency import EndpointCost, LatencyModel, LatencyProfile
from harness.replay.transports import AsyncReplayTransport, ReplayCore
from tests.conftest import SMALL_CASSETTE
from tests.harness.replay.fixtures import fresh_library

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"


def flat(per_inflight: float) -> LatencyModel:
    """1 s alone; with m in flight each runs at 1 / (1 + per_inflight (m - 1)) of its speed (linear to 64)."""
    curve = Slowdown("linear", ((1, 1.0), (64, 1.0 + per_inflight * 63)))
    return LatencyModel(LatencyProfile("flat", {"GET /assets/{id}": EndpointCost(1000.0)}, concurrency={"read": curve}))


def makespan(
    per_inflight: float, concurrent: int, proxy_limit: int | None = None, probe: Probe | None = None
) -> tuple[float, dict]:
    from harness.replay.server import ReplayServer

    probe = probe or Probe()
    core = ReplayCore(ReplayServer(fresh_library()), flat(per_inflight), observer=probe)
    replay = AsyncReplayTransport(core, proxy_limit=proxy_limit, retry_after_s=5.0)

    async def main() -> float:
        no_retries = RetryPolicy(retries=0)  # the transport's own answers, as they come
        async with AsyncSession("http://r/api", "k", transport=replay, retry=no_retries) as session:
            responses = await asyncio.gather(*(session.send("GET", f"/assets/{ASSET}") for _ in range(concurrent)))
        assert all(r.status_code in (200, 429) for r in responses)
        return core.clock.now

    loop = looptime.new_event_loop(start=0.0, noop_cycles=2)
    try:
        return loop.run_until_complete(main()), dict(probe.statuses)
    finally:
        loop.close()


def test_overlapping_requests_overlap_in_virtual_time() -> None:
    assert makespan(0.0, 10)[0] == pytest.approx(1.0)  # ten 1 s requests at once take 1 s, not 10


def test_latency_grows_with_requests_in_flight() -> None:
    # ten requests share the server from start to end: each takes 1 s x (1 + 0.5 x 9) = 5.5 s
    assert makespan(0.5, 10)[0] == pytest.approx(5.5)


def test_requests_in_flight_share_the_server_as_it_changes() -> None:
    """Processor sharing: two 1 s requests at once run at 1 / 1.5 each; when one ends the other runs alone."""
    from harness.replay.concurrency import SharedServer

    curve = Slowdown("linear", ((1, 1.0), (2, 1.5)))
    server = SharedServer()
    server.admit(0.0, ("a", b"", 0), 1.0, curve)
    server.admit(0.0, ("b", b"", 1), 2.0, curve)
    due, key = server.next_completion()  # type: ignore[misc]
    assert (due, key) == (pytest.approx(1.5), ("a", b"", 0))
    server.complete(due, key)
    due, key = server.next_completion()  # type: ignore[misc]
    assert (due, key) == (pytest.approx(2.5), ("b", b"", 1))  # 1 s of b's work done by 1.5 s, 1 s left alone


def test_the_probe_keeps_each_request_in_flight_interval() -> None:
    """Ten requests start together and share the server to the end, all at 5.5 s: their latencies add up to 55 s,
    their time in flight is the 5.5 s wall, and the endpoint's share of that wall is all of it."""
    probe = Probe()
    assert makespan(0.5, 10, probe=probe)[0] == pytest.approx(5.5)
    times = list(probe.intervals["GET /assets/{id}"])
    assert times[0::2] == pytest.approx([0.0] * 10)
    assert sorted(times[1::2]) == pytest.approx([5.5] * 10)
    assert probe.seconds["GET /assets/{id}"] == pytest.approx(55.0)
    flight = probe.occupancy()
    assert (flight.busy_s, flight.peak) == (pytest.approx(5.5), 10)
    assert flight.share_s == {"GET /assets/{id}": pytest.approx(5.5)}


def test_proxy_limit_answers_429_with_retry_after() -> None:
    seconds, statuses = makespan(0.0, 10, proxy_limit=4)
    assert statuses == {200: 4, 429: 6}
    assert seconds == pytest.approx(1.0)


@pytest.mark.parametrize("proxy_limit", [None, 3])
def test_async_mode_is_deterministic_and_equivalent(tmp_path, proxy_limit) -> None:
    def spec(out: str) -> RunSpec:
        return RunSpec(
            subject="async",
            workload=WorkloadSpec(cassette=str(SMALL_CASSETTE), proxy_limit=proxy_limit),
            profiler="none",
            out_dir=str(tmp_path / out),
        )

    first, second = execute(spec("a")), execute(spec("b"))
    eager = execute(
        RunSpec(
            subject="eager",
            workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)),
            profiler="none",
            out_dir=str(tmp_path / "e"),
        )
    )
    assert (first.requests, first.modeled, first.timeline) == (second.requests, second.modeled, second.timeline)
    assert first.final_state_digest == eager.final_state_digest
    assert first.modeled_wall_s < eager.modeled_wall_s
    if proxy_limit:
        assert first.requests["statuses"].get("429", 0) > 0
