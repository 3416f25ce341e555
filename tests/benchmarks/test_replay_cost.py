"""The replay's cost per request against the floor: httpx.MockTransport answering from a dict, in the same run.

Target (issue 3): at most 1.5x the floor at 40,000 requests, and flat as the library grows, with the requests sent
by a plain ``httpx.Client`` (the setup the target was set for). The same ratio through the tagger's own lighter
request path (``autotag.session.Session``) is measured and recorded too, not asserted: that client costs a third of
``httpx.Client`` per request, so the replay's own work weighs more in the ratio (README: "Benchmarks"). Ratios are
asserted only when benchmarks are enabled (`pytest tests/benchmarks --benchmark-enable`); the plain test run
executes each benchmark once to prove it still works.
"""

from __future__ import annotations

import time

import httpx
import pytest

from autotag.session import Session
from harness.library.synthetic import generate_library
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import seed_profile
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore, ReplayTransport

HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


def asset_ids(library, n: int) -> list[str]:
    ids = list(library.assets)
    return [ids[i % len(ids)] for i in range(n)]


Sender = httpx.Client | Session


def floor_transport(library) -> httpx.MockTransport:
    """The cheapest honest answer: precomputed bodies in a dict, behind httpx's own MockTransport."""
    import json

    bodies = {f"/api/assets/{a}": json.dumps(d, separators=(",", ":")).encode() for a, d in library.assets.items()}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(bodies[request.url.path]), headers=HEADERS)

    return httpx.MockTransport(answer)


def replay_transport(library) -> ReplayTransport:
    return ReplayTransport(ReplayCore(ReplayServer(library), LatencyModel(seed_profile())))


def sender(kind: str, transport: httpx.BaseTransport) -> Sender:
    if kind == "session":
        return Session("http://replay/api", "k", transport=transport)
    return httpx.Client(transport=transport, base_url="http://replay/api", headers={"x-api-key": "k"})


def floor_client(library, kind: str = "httpx.Client") -> Sender:
    return sender(kind, floor_transport(library))


def replay_client(library, kind: str = "httpx.Client") -> Sender:
    return sender(kind, replay_transport(library))


def drive(client: Sender, ids: list[str]) -> None:
    if isinstance(client, Session):
        for asset_id in ids:
            client.send("GET", f"/assets/{asset_id}")
        return
    for asset_id in ids:
        client.get(f"/assets/{asset_id}").read()


def seconds_per_request(client: Sender, ids: list[str]) -> float:
    start = time.perf_counter()
    drive(client, ids)
    return (time.perf_counter() - start) / len(ids)


def cost_ratio(a: Sender, ids_a: list[str], b: Sender, ids_b: list[str], rounds: int = 3) -> float:
    """Per-request cost of ``a`` over ``b``: the best of ``rounds`` for each, measured in alternation so that a slow
    spell of a shared machine falls on both sides rather than on one (the same ratio once read 1.59x in one CI run
    and 0.84-1.03x here when measured side after side)."""
    drive(a, ids_a)  # first use fills the caches (each asset serialised once)
    drive(b, ids_b)
    best_a = best_b = float("inf")
    for _ in range(rounds):
        best_a = min(best_a, seconds_per_request(a, ids_a))
        best_b = min(best_b, seconds_per_request(b, ids_b))
    return best_a / best_b


@pytest.fixture(scope="module")
def demo():
    return generate_library("demo")


@pytest.mark.parametrize("n", [5_000, 40_000])
def test_replay_vs_floor(benchmark, demo, n: int) -> None:
    ids = asset_ids(demo, n)
    replay, floor = replay_client(demo), floor_client(demo)
    benchmark.extra_info["requests"] = n
    benchmark.pedantic(drive, args=(replay, ids), rounds=1 if benchmark.disabled else 3, iterations=1)
    if benchmark.disabled:
        return
    ratio = cost_ratio(replay, ids, floor, ids)
    lean = cost_ratio(replay_client(demo, "session"), ids, floor_client(demo, "session"), ids)
    benchmark.extra_info.update(ratio_to_floor=round(ratio, 3), ratio_to_floor_via_session=round(lean, 3))
    print(f"\nreplay/floor at {n:,} requests: {ratio:.2f}x with httpx.Client, {lean:.2f}x with autotag's Session")
    if n == 40_000:
        assert ratio <= 1.5, f"replay costs {ratio:.2f}x the MockTransport floor"


def test_replay_cost_is_flat_as_the_library_grows(benchmark) -> None:
    small, large = generate_library("demo", assets=2_000), generate_library("seed", assets=50_000)
    n = 10_000
    benchmark.pedantic(drive, args=(replay_client(large), asset_ids(large, n)), rounds=1, iterations=1)
    if benchmark.disabled:
        return
    growth = cost_ratio(replay_client(large), asset_ids(large, n), replay_client(small), asset_ids(small, n), rounds=5)
    benchmark.extra_info["cost_growth_25x_library"] = round(growth, 3)
    print(f"\nper-request cost, 50,000 vs 2,000 assets: {growth:.2f}x")
    assert growth < 1.3
