"""`bench calibrate`: a profile from a cProfile file that runs as it is, and one timed from a live server that
recovers the profile that server answers with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.replay.latency import EndpointCost, LatencyProfile
from harness.replay.latency_profiles import loopback_profile
from tests.conftest import FIXTURES, SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench, serving

REFERENCE = FIXTURES / "jenkins-26562-assets.stats"


def test_a_profile_from_the_reference_cprofile_runs_the_seed_library_as_it_is(capsys, tmp_path: Path) -> None:
    profile = tmp_path / "reference.json"
    made = bench(capsys, "calibrate", str(REFERENCE), "--out", str(profile))
    assert made.code == 0, made.err
    data = json.loads(profile.read_text())
    sources = data["sources"]
    assert sources["GET /assets/{id}"].startswith("measured: 35,402 calls")
    for missing in ("GET /server/version", "PUT /tags", "PUT /tags/assets"):  # the reference never called them
        assert sources[missing] == "fallback: seed-2026-01", missing
        assert missing in made.out and "fallback: seed-2026-01" in made.out
    run = bench(
        capsys, "run", "index", "--library", "seed", "--assets", "1500", "--latency", str(profile),
        "--profile", "none", "--out", str(tmp_path / "run"),
    )  # fmt: skip
    assert run.code == 0, run.err


def scaled_profile(path: Path, factor: float) -> LatencyProfile:
    """The loopback profile ``factor`` times slower, written to ``path``."""
    base = loopback_profile()
    costs = {e: EndpointCost(c.base_ms * factor, c.per_item_ms * factor, c.zero_ms) for e, c in base.costs.items()}
    profile = LatencyProfile(f"x{factor}", costs, "test", base.concurrency)
    path.write_text(json.dumps(profile.to_json()))
    return profile


def calibrated_against(capsys, tmp_path: Path, profile: Path) -> dict[str, Any]:
    """``bench calibrate --url --writes`` against ``bench serve --realtime 1`` serving ``profile``; the server's
    tags are as they were afterwards (the scratch tag and its pairs undone)."""
    out = tmp_path / f"calibrated-{profile.stem}.json"
    args = ("--cassette", str(SMALL_CASSETTE), "--latency", str(profile), "--api-key", "k")
    with (
        serving(*args, "--realtime", "1") as url,
        httpx.Client(base_url=f"{url}/api", headers={"x-api-key": "k"}) as http,
    ):
        before = http.get("/tags").json()
        made = bench(
            capsys, "calibrate", "--url", url, "--api-key-env", "BENCH_TEST_KEY", "--repeat", "10", "--writes",
            "--out", str(out),
        )  # fmt: skip
        assert http.get("/tags").json() == before
    assert made.code == 0, made.err
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def single_ms(calibrated: dict[str, Any], endpoint: str, units: int = 1) -> float:
    cost = calibrated["endpoints"][endpoint]
    return float(cost["base_ms"] + cost["per_item_ms"] * units)


FLOOR_MS = 3.0  # the serving stack's own cost per request: uvicorn, JSON, loopback, asyncio's millisecond timers


def recovered(got: float, served: float) -> bool:
    """A client can never be faster than the served time, and is slower by at most 10 % and the serving floor."""
    return served - 0.05 <= got <= served * 1.10 + FLOOR_MS


@pytest.mark.slow
def test_calibrating_against_a_served_profile_recovers_it(capsys, monkeypatch, tmp_path: Path) -> None:
    """What a client times end to end is the served profile, plus this replay server's own floor (measured 0.5 to
    2.8 ms per request on loopback: what ``FLOOR_MS`` allows)."""
    monkeypatch.setenv("BENCH_TEST_KEY", "k")
    served = scaled_profile(tmp_path / "known.json", 10)
    calibrated = calibrated_against(capsys, tmp_path, tmp_path / "known.json")
    single = ("GET /assets/{id}", "GET /albums", "GET /tags", "GET /albums/{id}", "GET /users/me", "GET /server/about")
    misses = [
        (endpoint, single_ms(calibrated, endpoint), served.costs[endpoint].ms(1))
        for endpoint in single
        if not recovered(single_ms(calibrated, endpoint), served.costs[endpoint].ms(1))
    ]
    search = "POST /search/metadata"
    misses += [
        (f"{search} x{size}", single_ms(calibrated, search, size), served.costs[search].ms(size))
        for size in (25, 250, 300)  # the small library has 300 assets: a page of 1000 holds 300
        if not recovered(single_ms(calibrated, search, size), served.costs[search].ms(size))
    ]
    assert not misses
    write = calibrated["endpoints"]["PUT /tags/assets"]
    assert calibrated["sources"]["PUT /tags/assets"].startswith("measured: ")
    for pairs in (1, 10):
        assert recovered(write["base_ms"] + write["per_item_ms"] * pairs, served.costs["PUT /tags/assets"].ms(pairs))
    assert recovered(write["zero_ms"], served.costs["PUT /tags/assets"].ms(0))
    # Under concurrency the floor overlaps other requests' waits: the time per request at m clients at once,
    # T(m) = s(m) * T(1), is the served one within 10 %.
    probes = {"read": ("GET /assets/{id}", 1), "search": (search, 250), "list": ("GET /albums", 1)}
    for name, (endpoint, units) in probes.items():
        points = {int(m): s for m, s in calibrated["concurrency"][name]}
        for level in (4, 16):
            got = points[level] * single_ms(calibrated, endpoint, units)
            expected = served.concurrency[name].at(level) * served.costs[endpoint].ms(units)
            assert got == pytest.approx(expected, rel=0.10), (name, level)


def test_bad_calibrate_input(capsys, tmp_path: Path) -> None:
    assert_one_line_error(bench(capsys, "calibrate", "--out", str(tmp_path / "p.json")), "a cProfile FILE or --url")
    assert_one_line_error(
        bench(capsys, "calibrate", str(REFERENCE), "--url", "http://x", "--out", str(tmp_path / "p.json")), "one of"
    )
    assert_one_line_error(
        bench(capsys, "calibrate", "--url", "http://x", "--out", str(tmp_path / "p.json")), "--api-key-env"
    )
    assert not (tmp_path / "p.json").exists()
