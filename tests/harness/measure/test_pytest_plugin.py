"""The pytest plugin: the ``immich_replay`` fixture and marker in this suite, and in a user's own suite run with
pytester, where one test stays within its budget and one goes over it."""

from __future__ import annotations

import asyncio
import json
import shutil
from importlib import metadata
from pathlib import Path

import httpx
import pytest

from harness import Budget, Replay, load_run
from harness.replay.latency_profiles import RECORDING_SURPLUS_MS
from tests.conftest import SMALL_CASSETTE

# What a tagger author's test module might look like: a tiny tagger, a test within budget and one over it.
USER_TESTS = """
import pytest
from harness import Budget


def read_library(http, reads_per_asset=1):
    ids, page = [], 1
    while page:
        assets = http.post("/search/metadata", json={"page": page, "size": 250}).json()["assets"]
        ids += [item["id"] for item in assets["items"]]
        page = assets["nextPage"] and int(assets["nextPage"])
    for asset_id in ids:
        for _ in range(reads_per_asset):
            http.get(f"/assets/{asset_id}").raise_for_status()
    return len(ids)


@pytest.mark.immich_replay(cassette="small-300.json.gz")
def test_one_read_per_asset(immich_replay):
    with immich_replay.client() as http:
        assert read_library(http) == 300
    Budget(per_asset={"GET /assets/{id}": 1}, modeled_wall_s=60).check(immich_replay.result())


@pytest.mark.immich_replay(cassette="small-300.json.gz")
def test_two_reads_per_asset(immich_replay):
    with immich_replay.client() as http:
        read_library(http, reads_per_asset=2)
    Budget(per_asset={"GET /assets/{id}": 1}, modeled_wall_s=60).check(immich_replay.result())
"""
QUIET = ["-p", "no:cacheprovider"]
for plugin in ("looptime_plugin", "looptime_chronometers", "looptime_timeproxies"):
    QUIET += ["-p", f"no:{plugin}"]


def test_the_plugin_is_installed_with_the_package() -> None:
    (entry,) = [e for e in metadata.entry_points(group="pytest11") if e.name == "autotag_bench"]
    assert entry.value == "harness.measure.pytest_plugin"


def test_a_users_suite_passes_within_budget_and_fails_over_it(pytester: pytest.Pytester) -> None:
    shutil.copy(SMALL_CASSETTE, pytester.path / "small-300.json.gz")
    pytester.makepyfile(test_my_tagger=USER_TESTS)
    result = pytester.runpytest(*QUIET, "--immich-replay-results", str(pytester.path / "runs"))
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*BudgetExceeded: test_two_reads_per_asset went over its budget:",
            "*GET /assets/{id}: 600 requests for 300 assets = 2.000 per asset, budget 1 per asset",
        ]
    )
    passed = load_run(pytester.path / "runs" / "test_one_read_per_asset.json")
    assert passed.by_endpoint == {"POST /search/metadata": 2, "GET /assets/{id}": 300}
    assert passed.mode == "test_one_read_per_asset" and passed.workload["source"].endswith("small-300.json.gz")
    assert load_run(pytester.path / "runs" / "test_two_reads_per_asset.json").by_endpoint["GET /assets/{id}"] == 600


def test_a_marker_with_positional_or_unknown_arguments_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.immich_replay("x.json.gz", size=3)
        def test_it(immich_replay):
            pass
        """
    )
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(errors=1)
    expected = "*@pytest.mark.immich_replay: takes keyword arguments cassette, library,*; not 'x.json.gz', size"
    result.stdout.fnmatch_lines([expected])


def test_without_a_marker_the_shipped_real_cassette_is_replayed(immich_replay: Replay) -> None:
    assert immich_replay.info["source"] == "cassettes/immich-3.1.0-3k.json.gz" and immich_replay.assets == 3000
    assert immich_replay.base_url.endswith("/api") and immich_replay.api_key
    with httpx.Client(base_url=immich_replay.base_url, transport=immich_replay.transport) as http:
        assert http.get("/users/me").status_code == 401  # the replay wants its key, as Immich does
        version = http.get("/server/version", headers={"x-api-key": immich_replay.api_key}).json()
    assert (version["major"], version["minor"]) == (3, 1)
    result = immich_replay.result()
    assert result.by_endpoint == {"GET /users/me": 1, "GET /server/version": 1}
    assert result.requests["statuses"] == {"401": 1, "200": 1}


@pytest.mark.immich_replay(cassette=str(SMALL_CASSETTE))
def test_modeled_time_is_the_recorded_durations(immich_replay: Replay) -> None:
    with immich_replay.client() as http:
        http.get("/server/version")
        http.get("/server/about")
    # 10.0 ms each as recorded, less what a recording carries beyond a lean client's wait
    assert immich_replay.result().modeled_wall_s == pytest.approx(2 * (0.010 - RECORDING_SURPLUS_MS / 1000))


@pytest.mark.immich_replay(library="demo", assets=120, seed=4, immich_version="2.7.5")
def test_the_marker_chooses_a_synthetic_library_and_a_version(immich_replay: Replay) -> None:
    assert immich_replay.assets == 120
    with immich_replay.client() as http:
        assert http.get("/server/version").json() == {"major": 2, "minor": 7, "patch": 5}
    assert immich_replay.result().workload["spec"]["preset"] == "demo"


@pytest.mark.immich_replay(cassette=str(SMALL_CASSETTE))
@pytest.mark.parametrize("write", [True, False])
def test_each_test_gets_a_fresh_library(immich_replay: Replay, write: bool) -> None:
    with immich_replay.client() as http:
        if write:
            tag = http.get("/tags").json()[0]["id"]
            asset = http.post("/search/metadata", json={"size": 1}).json()["assets"]["items"][0]["id"]
            assert http.put(f"/tags/{tag}/assets", json={"ids": [asset]}).status_code == 200
    result = immich_replay.result()
    changed = result.final_state_digest != result.workload["initial_state_digest"]
    assert changed is write


@pytest.mark.immich_replay(cassette=str(SMALL_CASSETTE))
def test_async_requests_overlap_in_modeled_time(immich_replay: Replay) -> None:
    async def main() -> None:
        async with immich_replay.async_client() as http:
            await asyncio.gather(*(http.get("/server/version") for _ in range(4)))

    immich_replay.run_async(main)
    result = immich_replay.result()
    assert result.by_endpoint == {"GET /server/version": 4}
    assert result.modeled_wall_s < sum(result.seconds_by_endpoint.values())  # overlapped, though each slowed


@pytest.mark.immich_replay(cassette=str(SMALL_CASSETTE))
def test_a_served_url_counts_like_the_transport(immich_replay: Replay) -> None:
    with immich_replay.serve() as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
        answer = httpx.get(f"{url}/server/about", headers={"x-api-key": immich_replay.api_key})
    assert answer.json()["version"] == "v3.1.0"
    with immich_replay.client() as http:
        http.get("/server/version")
    result = immich_replay.result()
    assert result.by_endpoint == {"GET /server/about": 1, "GET /server/version": 1}
    assert result.modeled_wall_s == pytest.approx(2 * (0.010 - RECORDING_SURPLUS_MS / 1000))  # as recorded, lean


def test_budgets_read_the_result_so_far(tmp_path: Path) -> None:
    from harness import open_replay

    with open_replay(cassette=str(SMALL_CASSETTE)) as replay, replay.client() as http:
        for _ in range(3):
            http.get("/server/version")
        Budget(requests={"GET /server/version": 3}).check(replay.result())
        http.get("/server/version")
        assert Budget(requests={"GET /server/version": 3}).breaches(replay.result()) == [
            "GET /server/version: 4 requests, budget 3"
        ]
    assert json.loads(json.dumps(replay.result().to_json()))["command"] == "(Python API)"
