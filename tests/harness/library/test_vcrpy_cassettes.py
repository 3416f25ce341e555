"""The shipped cassettes through vcrpy itself: why vcrpy alone reads a .json.gz as empty, the persister that makes
it read them, a recorded request replayed, and durations that survive a vcrpy re-save through the sidecar."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from harness.library.cassette import read_cassette
from harness.library.crawl_reader import load_library
from harness.library.vcr_persister import GzipPersister
from tests.conftest import DEFAULT_CASSETTE, SMALL_CASSETTE

MATCH_ON = ["method", "path", "query", "body"]


def player(**options: Any) -> vcr.VCR:
    """The configuration cassettes/README.md gives vcrpy users."""
    settings: dict[str, Any] = {"serializer": "json", "record_mode": "none", "match_on": MATCH_ON}
    recorder = vcr.VCR(**(settings | options))
    recorder.register_persister(GzipPersister)
    return recorder


def interactions(path: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(gzip.decompress(path.read_bytes()))["interactions"]
    return found


def test_vcrpys_own_persister_reads_a_gzip_cassette_as_empty() -> None:
    """The bug users hit: vcrpy opens the file as text, cannot decode gzip, and treats the cassette as empty."""
    plain = vcr.VCR(serializer="json", record_mode="none")
    with plain.use_cassette(str(SMALL_CASSETTE)) as cassette, httpx.Client() as http:
        assert len(cassette) == 0
        with pytest.raises(CannotOverwriteExistingCassetteException):
            http.get("http://immich.local:2283/api/server/version")


def test_vcrpy_replays_a_recorded_request_of_the_shipped_real_cassette() -> None:
    recorded = interactions(DEFAULT_CASSETTE)
    search = next(i for i in recorded if i["request"]["method"] == "POST")
    with player().use_cassette(str(DEFAULT_CASSETTE)) as cassette, httpx.Client() as http:
        assert len(cassette) == len(recorded) == 3137
        response = http.post(search["request"]["uri"], content=search["request"]["body"])
        assert cassette.play_count == 1
    assert response.status_code == search["response"]["status"]["code"]
    assert response.text == search["response"]["body"]["string"]


def test_a_vcrpy_resave_loses_inline_durations_but_not_the_sidecars(tmp_path: Path) -> None:
    """vcrpy appends a new episode and saves the cassette without ``duration_ms``; the sidecar still times every
    recorded interaction, and the new one has no duration rather than a wrong one."""
    cassette = tmp_path / "small-300.json.gz"
    shutil.copy(SMALL_CASSETTE, cassette)
    shutil.copy(SMALL_CASSETTE.with_name("small-300.timings.json"), tmp_path)
    before = read_cassette(cassette)

    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"new": True})

    with player(record_mode="new_episodes").use_cassette(str(cassette)) as recording:
        with httpx.Client(transport=httpx.MockTransport(server)) as http:
            assert http.get("http://immich.local:2283/api/server/statistics").json() == {"new": True}
        assert recording.dirty
    saved = interactions(cassette)
    assert len(saved) == len(before) + 1 and not any("duration_ms" in i for i in saved)
    after = read_cassette(cassette)
    assert [i.duration_ms for i in after[:-1]] == [i.duration_ms for i in before]
    assert after[-1].path == "/api/server/statistics" and after[-1].duration_ms is None
    library, recorded = load_library(cassette)
    assert library.state_digest() == load_library(SMALL_CASSETTE)[0].state_digest()
    assert len(recorded.exact) == len(load_library(SMALL_CASSETTE)[1].exact)


def test_a_sidecar_of_another_recording_is_refused(tmp_path: Path) -> None:
    from harness.errors import CassetteError

    cassette = tmp_path / "small-300.json.gz"
    data = json.loads(gzip.decompress(SMALL_CASSETTE.read_bytes()))
    for item in data["interactions"]:
        del item["duration_ms"]
    cassette.write_bytes(gzip.compress(json.dumps(data).encode()))
    shutil.copy(DEFAULT_CASSETTE.with_name("immich-3.1.0-3k.timings.json"), tmp_path / "small-300.timings.json")
    with pytest.raises(CassetteError, match="do not match the first of the cassette's 331 interactions"):
        read_cassette(cassette)


def test_the_persister_writes_gzip_for_gz_and_reads_both(tmp_path: Path) -> None:
    for name in ("copy.json.gz", "copy.json"):
        target = tmp_path / name
        with (
            player(record_mode="all").use_cassette(str(target)),
            httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": 1}))) as http,
        ):
            http.get("http://immich.local:2283/api/server/ping")
        raw = target.read_bytes()
        assert (raw[:2] == b"\x1f\x8b") == name.endswith(".gz")
        with player().use_cassette(str(target)) as cassette:
            assert len(cassette) == 1
