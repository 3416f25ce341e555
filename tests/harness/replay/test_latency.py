from __future__ import annotations

import httpx
import pytest

from harness.errors import LatencyError
from harness.library.recorded_timings import Recorded
from harness.replay.latency import EndpointCost, LatencyModel, fitted_profile
from harness.replay.latency_profiles import (
    RECORDING_SURPLUS_MS,
    corrected,
    load_profile,
    loopback_profile,
    seed_profile,
)


def test_seed_profile_has_the_reference_means() -> None:
    profile = seed_profile()
    assert profile.costs["GET /assets/{id}"].ms(1) == pytest.approx(36.8)
    assert profile.costs["GET /albums/{id}"].ms(1) == pytest.approx(241.4)
    assert profile.costs["PUT /tags/{id}/assets"].ms(1) == pytest.approx(149.5)
    assert profile.costs["DELETE /tags/{id}/assets"].ms(1) == pytest.approx(200.5)
    assert profile.costs["POST /search/metadata"].ms(250) == pytest.approx(66.9)
    assert profile.costs["GET /albums"].ms(1) == pytest.approx(3790.0)


def test_loopback_profile_is_fitted_to_the_real_measurements_as_a_lean_client_waits() -> None:
    profile = loopback_profile()
    lean = RECORDING_SURPLUS_MS
    writes = profile.costs["PUT /tags/assets"]
    assert writes.ms(1) == pytest.approx(20.5 - lean, abs=3)  # measured mean 20.5 ms for 1 id
    assert writes.ms(100) == pytest.approx(646.3 - lean, rel=0.06)
    assert writes.ms(1000) == pytest.approx(6158.2 - lean, rel=0.02)
    assert writes.ms(0) == pytest.approx(7.2 - lean, abs=0.05)  # a write that changes nothing: half the base
    assert profile.costs["GET /assets/{id}"].ms(1) == pytest.approx(4.48 - lean)
    assert profile.costs["GET /assets/{id}"].ms(1) == pytest.approx(3.15, rel=0.03)  # a sequential client, alone
    assert profile.concurrency["read"].at(16) == pytest.approx(16 / 395.1 / (1 / 222.9), rel=1e-3)


def test_the_recorded_sequence_models_what_a_real_client_measured_end_to_end() -> None:
    """A sequential httpx.Client on the recording machine: 12 library pages (size 250, EXIF), then GET
    /assets/{id} for all 3,000 assets, in 9.774 s (median of 3), the GETs in 9.439 s. The same requests, replayed
    one after another on the shipped cassette's corrected durations, model the same within 3 %."""
    from harness.library.crawl_reader import load_library
    from harness.measure.probes import Probe
    from harness.replay.latency_profiles import model_for
    from harness.replay.server import ReplayServer
    from harness.replay.transports import ReplayCore, ReplayTransport
    from tests.conftest import DEFAULT_CASSETTE

    library, recorded = load_library(DEFAULT_CASSETTE)
    probe = Probe()
    core = ReplayCore(ReplayServer(library), model_for(None, recorded, synthetic=False), observer=probe)
    with httpx.Client(transport=ReplayTransport(core), base_url="http://r/api", headers={"x-api-key": "k"}) as http:
        ids: list[str] = []
        page: int | None = 1
        while page is not None:
            found = http.post("/search/metadata", json={"page": page, "size": 250, "withExif": True}).json()
            ids += [item["id"] for item in found["assets"]["items"]]
            page = int(found["assets"]["nextPage"]) if found["assets"]["nextPage"] else None
        for asset_id in ids:
            http.get(f"/assets/{asset_id}").raise_for_status()
    assert probe.total == 3012 and len(ids) == 3000
    assert core.clock.now == pytest.approx(9.774, rel=0.03)
    assert probe.seconds["GET /assets/{id}"] == pytest.approx(9.439, rel=0.03)


def test_recorded_durations_win_then_the_fitted_profile_then_the_fallback() -> None:
    recorded = Recorded()
    recorded.add("GET /assets/a? ", "GET /assets/{id}", 1, 7.0)
    recorded.add("GET /assets/b? ", "GET /assets/{id}", 1, 3.0)
    model = LatencyModel(fitted_profile(recorded, "rec"), recorded, fallback=seed_profile())
    assert model.seconds("GET /assets/a? ", "GET /assets/{id}", 1) == pytest.approx(0.007)
    assert model.seconds("GET /assets/zzz? ", "GET /assets/{id}", 1) == pytest.approx(0.005)
    assert model.seconds("x", "PUT /tags/{id}/assets", 1) == pytest.approx(0.1495)


def test_unknown_profile_and_missing_endpoint() -> None:
    with pytest.raises(LatencyError, match="unknown latency profile 'nope'"):
        load_profile("nope")
    model = LatencyModel(seed_profile().__class__("tiny", {"GET /tags": EndpointCost(1.0)}))
    with pytest.raises(LatencyError, match="no entry for GET /assets/\\{id\\}"):
        model.seconds("", "GET /assets/{id}", 1)


def test_album_reads_keep_their_3x_cost_and_grow_with_members_in_2x() -> None:
    for profile, flat in ((loopback_profile(), corrected(5.0)), (seed_profile(), 241.4)):
        cost = profile.costs["GET /albums/{id}"]
        assert cost.ms(1) == flat  # exactly: a 3.x album read (one unit) costs what it did
        assert cost.ms(101) == pytest.approx(flat + 100 * cost.per_item_ms)
        assert 0 < cost.per_item_ms < flat


def test_the_seed_profile_reproduces_the_reference_duplicates_and_album_figures() -> None:
    profile = seed_profile()
    assert profile.costs["GET /duplicates"].ms(161_317) == pytest.approx(35_540, abs=1)
    album = profile.costs["GET /albums/{id}"]
    assert album.ms(101_000) == pytest.approx(12_500, rel=0.002)  # the reference's 101k-member album
    assert profile.costs["POST /albums"].ms(0) == 76.0
    assert profile.costs["GET /server/statistics"].ms(1) == 960.0
    assert profile.costs["PUT /assets/{id}"].ms(1) == 190.5
    assert profile.costs["PUT /albums/assets"].ms(1) == pytest.approx(281.5)


def test_a_library_served_in_the_other_major_models_its_album_reads() -> None:
    from harness.library.crawl_reader import load_library
    from harness.library.recorded_timings import request_key
    from harness.replay.latency_profiles import model_for
    from harness.replay.server import ReplayServer
    from harness.replay.versions import parse_version, reshaped
    from tests.conftest import SMALL_CASSETTE

    library, recorded = load_library(SMALL_CASSETTE)
    as_2 = model_for(None, recorded, reshaped(library.version_string, parse_version("2.7.5")))
    as_3 = model_for(None, recorded, reshaped(library.version_string, parse_version("3.1.0")))
    server = ReplayServer(library, immich_version="2.7.5")
    cost = loopback_profile().costs["GET /albums/{id}"]
    for album_id, members in library.album_assets.items():
        reply = server.handle("GET", f"/albums/{album_id}", {"x-api-key": "k"}, b"")
        key = request_key("GET", f"/albums/{album_id}", "", b"")
        assert reply.units == len(members)
        assert as_2.seconds(key, reply.endpoint, reply.units) == pytest.approx(cost.ms(len(members)) / 1000)
        assert as_3.seconds(key, reply.endpoint, 1) == corrected_exactly(recorded.exact[key]) / 1000
    other = next(k for k in recorded.exact if k.startswith("GET /assets/"))
    assert as_2.seconds(other, "GET /assets/{id}", 1) == corrected_exactly(recorded.exact[other]) / 1000  # as recorded


def corrected_exactly(ms: float) -> float:
    """A recorded duration as the model uses it: less the recording's surplus, never under the floor."""
    from harness.replay.latency_profiles import MIN_MS

    return max(ms - RECORDING_SURPLUS_MS, MIN_MS)
