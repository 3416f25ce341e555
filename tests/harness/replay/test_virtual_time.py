"""The virtual-time gate: answers held until due, released earliest first and only while the program is quiet."""

from __future__ import annotations

import asyncio

import pytest

from harness.measure.probes import Probe
from harness.replay.concurrency import Slowdown
from harness.replay.latency import EndpointCost, LatencyModel, LatencyProfile
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore
from harness.replay.virtual_time import VirtualTimeGate
from tests.harness.replay.fixtures import fresh_library

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
HEADERS = {"x-api-key": "k"}


class FakeWatch:
    """A program whose quietness the test decides; counts the answers released to it."""

    def __init__(self, quiet) -> None:
        self.quiet = quiet
        self.releases = 0

    def released(self) -> None:
        self.releases += 1


def gate_with(quiet, per_inflight: float = 0.5, proxy_limit: int | None = None) -> tuple[VirtualTimeGate, Probe]:
    curve = Slowdown("linear", ((1, 1.0), (64, 1.0 + per_inflight * 63)))
    profile = LatencyProfile("flat", {"GET /assets/{id}": EndpointCost(1000.0)}, concurrency={"read": curve})
    probe = Probe()
    core = ReplayCore(ReplayServer(fresh_library()), LatencyModel(profile), observer=probe)
    watch = None if quiet is None else FakeWatch(quiet)
    return VirtualTimeGate(core, watch, proxy_limit=proxy_limit), probe


async def get(gate: VirtualTimeGate) -> int:
    reply, _extra = await gate.answer("GET", f"/assets/{ASSET}", b"", HEADERS, b"")
    gate.delivered()
    return reply.status


def test_without_a_quiet_test_requests_are_modeled_one_after_another() -> None:
    gate, probe = gate_with(None)

    async def main() -> None:
        for _ in range(3):
            assert await get(gate) == 200

    asyncio.run(main())
    assert gate.now == pytest.approx(3.0) and probe.total == 3
    assert [seconds for _n, seconds in probe.timeline] == pytest.approx([1.0, 2.0, 3.0])


def test_overlapping_requests_overlap_and_slow_each_other_as_the_async_transport_does() -> None:
    """Three requests issued together (the program is not quiet until all three are held) share the server: each
    runs at 1 / (1 + 0.5 x 2) of its speed, so all three end at 2 s."""
    held: list[int] = []
    gate, probe = gate_with(lambda: len(held) >= 3)

    async def one() -> None:
        held.append(1)
        await get(gate)

    async def main() -> None:
        await asyncio.gather(one(), one(), one())

    asyncio.run(main())
    gate.close()
    assert probe.total == 3
    assert sorted(probe.seconds.values()) == pytest.approx([2.0 + 2.0 + 2.0])
    assert gate.now == pytest.approx(2.0)
    assert gate.peak == 3
    # all three start at 0 and end at 2 s: in flight 2 s, not the 6 s their latencies add up to
    assert list(probe.intervals["GET /assets/{id}"]) == pytest.approx([0.0, 2.0, 0.0, 2.0, 0.0, 2.0])
    flight = probe.occupancy()
    assert flight.busy_s == pytest.approx(2.0) and flight.peak == 3
    assert flight.in_flight_s == {"GET /assets/{id}": pytest.approx(2.0)}


def test_a_program_that_never_goes_quiet_is_released_after_the_stall_limit() -> None:
    gate, probe = gate_with(lambda: False)
    gate.stall_s = 0.05

    async def main() -> None:
        await get(gate)

    asyncio.run(main())
    gate.close()
    assert probe.total == 1 and gate.forced == 1 and gate.now == pytest.approx(1.0)


def test_a_proxy_limit_answers_429_beyond_it() -> None:
    held: list[int] = []
    gate, probe = gate_with(lambda: len(held) >= 3, proxy_limit=2)

    async def one() -> int:
        held.append(1)
        return await get(gate)

    async def main() -> list[int]:
        return list(await asyncio.gather(one(), one(), one()))

    statuses = asyncio.run(main())
    gate.close()
    assert sorted(statuses) == [200, 200, 429]
    assert dict(probe.statuses) == {200: 2, 429: 1}


def test_a_request_sent_just_before_the_program_went_quiet_is_taken_in_before_the_release() -> None:
    """The second thread sends its request and blocks; the loop reads it only after the gate has found the program
    quiet. It must still be admitted at the instant it was sent (0 s), beside the first, not after the first's
    release (which happened one run in twenty on a busy machine while the gate drained before looking)."""
    gate: VirtualTimeGate
    late: list[asyncio.Task[int]] = []

    def quiet() -> bool:
        if not late:  # the first look: the second request is in the kernel, not yet read by the loop
            late.append(asyncio.get_running_loop().create_task(get(gate)))
        return True

    gate, probe = gate_with(quiet)

    async def main() -> None:
        await asyncio.gather(get(gate), asyncio.sleep(0))
        await late[0]

    asyncio.run(main())
    gate.close()
    assert probe.total == 2
    assert list(probe.intervals["GET /assets/{id}"]) == pytest.approx([0.0, 1.5, 0.0, 1.5])  # together, slowed
