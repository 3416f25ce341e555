"""The replay's cost per request against the floor: httpx.MockTransport answering from a dict, in the same run.

Target (issue 3): at most 1.5x the floor at 40,000 requests, and flat as the library grows. The ratio is asserted
only when benchmarks are enabled (`pytest tests/benchmarks --benchmark-enable`); the plain test run executes each
benchmark once to prove it still works.
"""

from __future__ import annotations

import time

import httpx
import pytest

from harness.latency import LatencyModel, seed_profile
from harness.replay import ReplayServer
from harness.synth import generate_library
from harness.transport import ReplayTransport

HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


def asset_ids(library, n: int) -> list[str]:
    ids = list(library.assets)
    return [ids[i % len(ids)] for i in range(n)]


def floor_client(library) -> httpx.Client:
    """The cheapest honest answer: precomputed bodies in a dict, behind httpx's own MockTransport."""
    import json

    bodies = {f"/api/assets/{a}": json.dumps(d, separators=(",", ":")).encode() for a, d in library.assets.items()}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(bodies[request.url.path]), headers=HEADERS)

    return httpx.Client(transport=httpx.MockTransport(answer), base_url="http://replay/api", headers={"x-api-key": "k"})


def replay_client(library) -> httpx.Client:
    transport = ReplayTransport(ReplayServer(library), LatencyModel(seed_profile()))
    return httpx.Client(transport=transport, base_url="http://replay/api", headers={"x-api-key": "k"})


def drive(client: httpx.Client, ids: list[str]) -> None:
    for asset_id in ids:
        client.get(f"/assets/{asset_id}").read()


def per_request(client: httpx.Client, ids: list[str], rounds: int = 3) -> float:
    drive(client, ids[:500])  # warm caches (first serialisation of each asset)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        drive(client, ids)
        best = min(best, time.perf_counter() - start)
    return best / len(ids)


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
    ratio = per_request(replay, ids) / per_request(floor, ids)
    benchmark.extra_info["ratio_to_floor"] = round(ratio, 3)
    print(f"\nreplay/floor at {n:,} requests: {ratio:.2f}x")
    if n == 40_000:
        assert ratio <= 1.5, f"replay costs {ratio:.2f}x the MockTransport floor"


def test_replay_cost_is_flat_as_the_library_grows(benchmark) -> None:
    small, large = generate_library("demo", assets=2_000), generate_library("seed", assets=50_000)
    n = 10_000
    benchmark.pedantic(drive, args=(replay_client(large), asset_ids(large, n)), rounds=1, iterations=1)
    if benchmark.disabled:
        return
    growth = per_request(replay_client(large), asset_ids(large, n)) / per_request(
        replay_client(small), asset_ids(small, n)
    )
    benchmark.extra_info["cost_growth_25x_library"] = round(growth, 3)
    print(f"\nper-request cost, 50,000 vs 2,000 assets: {growth:.2f}x")
    assert growth < 1.3
