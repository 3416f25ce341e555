"""bench record against bench serve over real loopback HTTP: round trip, key scrubbing, vcrpy compatibility."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from harness.library.crawl_reader import load_library
from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench, serving

KEY = "k3y-that-must-never-be-written-0123456789"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """``bench record --format json`` of a served small library: the .json.gz, its plain copy and its sidecar."""
    from click.testing import CliRunner

    from harness.cli import cli

    out = tmp_path_factory.mktemp("record") / "crawl.json.gz"
    with serving("--cassette", str(SMALL_CASSETTE), "--api-key", KEY) as url:
        args = ["record", "--url", url, "--api-key-env", "K", "--out", str(out), "--format", "json"]
        result = CliRunner().invoke(cli, args, env={"K": KEY})
    assert result.exit_code == 0, result.output
    assert f"plain JSON copy: {out.with_name('crawl.json')}" in result.output
    return out


def test_round_trip_keeps_the_library(recorded: Path) -> None:
    assert load_library(recorded)[0].state_digest() == load_library(SMALL_CASSETTE)[0].state_digest()


def test_no_written_file_contains_the_key(recorded: Path) -> None:
    for path in recorded.parent.rglob("*"):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        assert KEY.encode() not in data, path
        assert b"x-api-key" not in data.lower(), path


def test_durations_and_metadata_are_extras(recorded: Path) -> None:
    data = json.loads(gzip.decompress(recorded.read_bytes()))
    assert data["version"] == 1
    assert data["recorded_with"]["immich_version"] == "3.1.0"
    assert all(i["duration_ms"] > 0 for i in data["interactions"])
    _library, latencies = load_library(recorded)
    assert len(latencies.exact) == len(data["interactions"])


def test_vcrpy_itself_loads_and_plays_the_file(recorded: Path, tmp_path: Path) -> None:
    import vcr

    plain = recorded.with_name("crawl.json")  # --format json: vcrpy's own persister reads it as it is
    assert plain.read_bytes() == gzip.decompress(recorded.read_bytes())
    data = json.loads(plain.read_text())
    asset_uri = next(i["request"]["uri"] for i in data["interactions"] if "/api/assets/" in i["request"]["uri"])
    expected = next(i["response"]["body"]["string"] for i in data["interactions"] if i["request"]["uri"] == asset_uri)
    player = vcr.VCR(serializer="json", record_mode="none")
    with player.use_cassette(str(plain)) as cassette, httpx.Client() as http:
        response = http.get(asset_uri)
        assert cassette.play_count == 1
    assert response.text == expected


def test_the_sidecar_holds_every_duration(recorded: Path) -> None:
    data = json.loads(gzip.decompress(recorded.read_bytes()))
    sidecar = json.loads(recorded.with_name("crawl.timings.json").read_text())
    assert sidecar["interactions"] == len(data["interactions"]) == len(sidecar["rows"])
    for row, interaction in zip(sidecar["rows"], data["interactions"], strict=True):
        assert row["net_ms"] == interaction["duration_ms"]
        assert row["method"] == interaction["request"]["method"]
        assert urlsplit(interaction["request"]["uri"]).path == "/api" + row["path"]


def test_crawl_order_follows_the_design(recorded: Path) -> None:
    data = json.loads(gzip.decompress(recorded.read_bytes()))
    paths = [i["request"]["uri"].split("/api", 1)[1] for i in data["interactions"]]
    assert paths[:5] == ["/server/version", "/server/about", "/users/me", "/tags", "/albums"]
    assert paths[5].startswith("/albums/") and paths[6] == "/search/metadata"
    assert all(p.startswith("/assets/") for p in paths[-300:])


def test_record_bad_input(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    result = bench(
        capsys, "record", "--url", "http://127.0.0.1:9", "--api-key-env", "NOPE", "--out", str(tmp_path / "x.json")
    )
    assert_one_line_error(result, "NOPE is not set")
    existing = tmp_path / "exists.json"
    existing.write_text("{}")
    monkeypatch.setenv("K", "x")
    result = bench(capsys, "record", "--url", "http://127.0.0.1:9", "--api-key-env", "K", "--out", str(existing))
    assert_one_line_error(result, "exists", "--force")
    result = bench(
        capsys, "record", "--url", "http://127.0.0.1:9", "--api-key-env", "K", "--out", str(tmp_path / "new.json")
    )
    assert result.code == 3
    assert result.err.strip().startswith("bench: error: ServerFailure: cannot reach http://127.0.0.1:9")
    assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "new.json").exists()


@pytest.fixture(scope="module")
def recorded_2x(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("record-2x") / "crawl.json.gz"
    from harness.library.record import record

    with serving("--cassette", str(SMALL_CASSETTE), "--api-key", KEY, "--immich-version", "2.7.5") as url:
        record(url + "/api", KEY, out)
    return out


def test_round_trip_through_a_2x_server_keeps_the_library(recorded_2x: Path) -> None:
    """bench serve --immich-version 2.7.5, bench record, load: the same library, crawled the 2.x way."""
    data = json.loads(gzip.decompress(recorded_2x.read_bytes()))
    assert data["recorded_with"]["immich_version"] == "2.7.5"
    assert not any("albumIds" in (i["request"]["body"] or "") for i in data["interactions"])
    loaded, original = load_library(recorded_2x)[0], load_library(SMALL_CASSETTE)[0]
    assert loaded.version_string == "2.7.5"
    assert loaded.state_digest() == original.state_digest()
    assert loaded.summary() == original.summary()


def test_a_crawl_through_faults_records_the_same_library(tmp_path: Path) -> None:
    """bench serve injecting 5xx, 429 and resets into 5 % of the answers: the crawl retries each read and the
    cassette loads as the library itself (the failed attempts are recorded, and ignored on reading)."""
    from autotag.retry import RetryLog
    from harness.library.record import record

    out, waits, log = tmp_path / "crawl.json.gz", [], RetryLog()
    faults = "500:1%,502:1%,503:1%,429:1%,reset:1%"
    with serving("--cassette", str(SMALL_CASSETTE), "--api-key", KEY, "--faults", faults) as url:
        seen = record(url + "/api", KEY, out, sleep=waits.append, retry_log=log)
    loaded, original = load_library(out)[0], load_library(SMALL_CASSETTE)[0]
    assert seen["assets"] == original.summary()["assets"]
    assert loaded.state_digest() == original.state_digest()
    assert log.retried == len(waits) >= 5 and log.exhausted == 0
    assert set(log.reasons) <= {"500", "502", "503", "429", "reset"} and len(log.reasons) >= 3
    interactions = json.loads(gzip.decompress(out.read_bytes()))["interactions"]
    assert all(i["duration_ms"] > 0 for i in interactions)  # a reset is neither recorded nor timed: still aligned
    statuses = [i["response"]["status"]["code"] for i in interactions]
    assert sum(code >= 500 or code == 429 for code in statuses) == log.retried - log.reasons["reset"]
