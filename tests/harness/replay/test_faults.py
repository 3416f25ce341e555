"""Faults injected at the replay: the spec, the deterministic draw, and how each kind is acted out in process."""

from __future__ import annotations

import asyncio

import httpx
import looptime
import pytest

from harness.replay.faults import FaultPlan, FaultSpec, FaultSpecError
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import loopback_profile
from harness.replay.server import ReplayServer
from harness.replay.transports import AsyncReplayTransport, ReplayCore, ReplayTransport
from tests.harness.replay.fixtures import fresh_library

ASSET_PATH = "/api/assets/{}"


def test_a_spec_parses_to_its_canonical_text() -> None:
    spec = FaultSpec.parse("timeout:0.5%, 500:1%,reset:0.5%,429:1%")
    assert spec.text() == "500:1%,429:1%,reset:0.5%,timeout:0.5%"
    assert dict(spec.rates) == {"500": 0.01, "429": 0.01, "reset": 0.005, "timeout": 0.005}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("503", "not KIND:RATE%"),
        ("503:1", "not KIND:RATE%"),
        ("418:1%", "unknown kind '418'"),
        ("503:1%,503:2%", "given twice"),
        ("503:60%,reset:50%", "more than 100 %"),
        ("503:-1%", "not KIND:RATE%"),
    ],
)
def test_bad_specs_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError, match=fragment):
        FaultSpec.parse(text)


def test_the_draw_depends_on_the_request_and_its_repeats_not_on_arrival_order() -> None:
    requests = [("GET", f"/assets/{n}", b"", b"") for n in range(2000)]

    def faults(order: list[tuple[str, str, bytes, bytes]], seed: int = 7) -> dict[str, str | None]:
        plan = FaultPlan(FaultSpec.parse("503:10%,reset:10%"), seed)
        return {path: plan.decide(method, path, query, body) for method, path, query, body in order}

    forward = faults(requests)
    assert forward == faults(list(reversed(requests)))  # concurrent subjects see the same faults
    assert forward != faults(requests, seed=8)
    share = sum(kind is not None for kind in forward.values()) / len(forward)
    assert 0.15 < share < 0.25
    plan = FaultPlan(FaultSpec.parse("503:50%"), 1)
    repeats = [plan.decide("GET", "/assets/x", b"", b"") for _ in range(40)]
    assert len(set(repeats)) == 2  # a retry of the same request draws again
    assert plan.counts() == {"503": repeats.count("503")}


def core_with(kind: str) -> tuple[ReplayCore, ReplayServer]:
    server = ReplayServer(fresh_library())
    plan = FaultPlan(FaultSpec.parse(f"{kind}:100%"))
    return ReplayCore(server, LatencyModel(loopback_profile()), faults=plan), server


def tag_write(client: httpx.Client, server: ReplayServer) -> tuple[str, str, httpx.Request]:
    tag = next(iter(server.lib.tags))
    asset = next(a for a in server.lib.assets if tag not in server.lib.asset_tags.get(a, []))
    request = client.build_request("PUT", f"/api/tags/{tag}/assets", json={"ids": [asset]})
    return tag, asset, request


@pytest.mark.parametrize(
    ("kind", "status", "applied"),
    [("500", 500, False), ("503", 503, False), ("429", 429, False), ("502", 502, True), ("504", 504, True)],
)
def test_an_answered_fault_is_given_before_or_after_applying(kind: str, status: int, applied: bool) -> None:
    core, server = core_with(kind)
    with httpx.Client(transport=ReplayTransport(core), base_url="http://r", headers={"x-api-key": "k"}) as client:
        tag, asset, request = tag_write(client, server)
        response = client.send(request)
    assert response.status_code == status
    assert "injected" in response.json()["message"]
    assert (tag in server.lib.asset_tags.get(asset, [])) is applied
    assert (response.headers.get("retry-after") == "1") is (kind == "429")
    assert core.faults is not None and core.faults.counts() == {kind: 1}


def test_a_reset_is_applied_then_lost_mid_answer() -> None:
    core, server = core_with("reset")
    with httpx.Client(transport=ReplayTransport(core), base_url="http://r", headers={"x-api-key": "k"}) as client:
        tag, asset, request = tag_write(client, server)
        with pytest.raises(httpx.ReadError, match="injected"):
            client.send(request)
    assert tag in server.lib.asset_tags[asset]
    assert core.clock.now > 0


def test_a_timeout_costs_the_clients_own_timeout_on_the_virtual_clock() -> None:
    core, server = core_with("timeout")
    transport = ReplayTransport(core)
    with httpx.Client(transport=transport, base_url="http://r", headers={"x-api-key": "k"}, timeout=12.5) as client:
        tag, asset, request = tag_write(client, server)
        with pytest.raises(httpx.ReadTimeout):
            client.send(request)
    assert core.clock.now == pytest.approx(12.5)
    assert tag in server.lib.asset_tags[asset]  # the server did it; the answer came too late


@pytest.mark.parametrize(("kind", "error"), [("reset", httpx.ReadError), ("timeout", httpx.ReadTimeout)])
def test_the_async_transport_acts_out_lost_answers_on_its_loop(kind: str, error: type[Exception]) -> None:
    core, server = core_with(kind)
    transport = AsyncReplayTransport(core)

    async def main() -> float:
        async with httpx.AsyncClient(transport=transport, base_url="http://r", timeout=7.0) as client:
            asset = next(iter(server.lib.assets))
            with pytest.raises(error):
                await client.get(f"/api/assets/{asset}", headers={"x-api-key": "k"})
        return asyncio.get_running_loop().time()

    loop = looptime.new_event_loop(start=0.0, noop_cycles=2)
    try:
        ended = loop.run_until_complete(main())
    finally:
        loop.close()
    if kind == "timeout":
        assert ended == pytest.approx(7.0)
    assert core.faults is not None and core.faults.counts() == {kind: 1}
