from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest
import yaml

from harness.errors import CassetteError
from harness.library.crawl_reader import load_library
from harness.replay.latency import fitted_profile
from tests.conftest import DEFAULT_CASSETTE, ROOT

GROUND_TRUTH = ROOT / "cassettes" / "immich-3.1.0-3k.ground-truth.json.gz"


@pytest.fixture(scope="module")
def real():
    return load_library(DEFAULT_CASSETTE)


def test_real_cassette_matches_the_servers_ground_truth(real) -> None:
    library, _recorded = real
    truth = json.loads(gzip.decompress(GROUND_TRUTH.read_bytes()))
    assert len(library.assets) == truth["counts"]["assets"] == 3000
    tag_value = {t["id"]: t["value"] for t in library.tags.values()}
    for asset in truth["assets"]:
        assert sorted(tag_value[t] for t in library.asset_tags[asset["id"]]) == sorted(asset["tagValues"])
    for album in truth["albums"]:
        assert sorted(library.album_assets[album["id"]]) == sorted(album["assetIds"])
    assert {t["value"] for t in truth["tags"]} == set(tag_value.values())


def test_real_cassette_durations_are_read_from_the_sidecar(real) -> None:
    _library, recorded = real
    assert len(recorded.exact) == 3137
    profile = fitted_profile(recorded)
    assert 3.0 < profile.costs["GET /assets/{id}"].ms(1) < 6.0  # p50 4.3 ms on the real server


def interactions(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()))


def write(tmp_path: Path, data: dict, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def small(tmp_path: Path) -> dict:
    return interactions(ROOT / "cassettes" / "small-300.json.gz")


def test_yaml_and_plain_json_cassettes_load(tmp_path: Path) -> None:
    data = small(tmp_path)
    as_json = load_library(write(tmp_path, data))[0]
    yaml_path = tmp_path / "c.yaml"
    yaml_path.write_text(yaml.safe_dump(data))
    assert load_library(yaml_path)[0].state_digest() == as_json.state_digest()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.json", "not found"),
        (lambda p: p, "not a file"),
        (lambda p: (p / "x.json").write_text("{nope") and p / "x.json", "not valid JSON"),
        (lambda p: (p / "x.txt").write_text(":\n  - : ][") and p / "x.txt", "neither JSON nor YAML"),
        (
            lambda p: (p / "x.json.gz").write_bytes(gzip.compress(b'{"version": 1}' * 100)[:40]) and p / "x.json.gz",
            "truncated or corrupt gzip",
        ),
        (lambda p: (p / "x.json").write_text('{"hello": 1}') and p / "x.json", "not a vcrpy cassette"),
        (
            lambda p: (p / "x.json").write_text('{"version": 9, "interactions": []}') and p / "x.json",
            "unknown cassette version 9",
        ),
    ],
)
def test_bad_files(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(CassetteError, match=message):
        load_library(make(tmp_path))


def test_incomplete_crawl_names_the_missing_endpoint(tmp_path: Path) -> None:
    data = small(tmp_path)
    asset_gets = [i for i in data["interactions"] if "/api/assets/" in i["request"]["uri"]]
    data["interactions"] = [i for i in data["interactions"] if i not in asset_gets[:5]]
    with pytest.raises(CassetteError, match=r"5 of 300 assets .* have no GET /assets/\{id\}"):
        load_library(write(tmp_path, data))


def test_missing_album_member_search(tmp_path: Path) -> None:
    data = small(tmp_path)
    data["interactions"] = [i for i in data["interactions"] if "albumIds" not in (i["request"]["body"] or "")]
    with pytest.raises(CassetteError, match="albums have no POST /search/metadata"):
        load_library(write(tmp_path, data))


def test_a_crawl_of_another_major_is_refused(tmp_path: Path) -> None:
    data = small(tmp_path)
    data["interactions"][0]["response"]["body"]["string"] = '{"major":4,"minor":0,"patch":0}'
    with pytest.raises(CassetteError, match=r"Immich 4\.0\.0; crawls of Immich 2\.x and 3\.x load"):
        load_library(write(tmp_path, data))


@pytest.fixture(scope="module")
def crawl_as_2x():
    """The small cassette's library crawled while served as Immich 2.7.5, as ``bench generate`` writes crawls."""
    from harness.replay.synthetic_cassette import cassette_of

    original = load_library(ROOT / "cassettes" / "small-300.json.gz")[0]
    cassette = cassette_of(copy.deepcopy(original), latency="immich-3.1-loopback", immich_version="2.7.5")
    return original, cassette


def test_a_2x_crawl_uses_the_embedded_members_and_loads_into_the_same_library(crawl_as_2x, tmp_path: Path) -> None:
    original, cassette = crawl_as_2x
    uris = [i["request"]["uri"] for i in cassette["interactions"]]
    bodies = [i["request"]["body"] for i in cassette["interactions"]]
    assert not any("albumIds" in body for body in bodies)  # no member searches: the album reads embed them
    assert sum("/api/albums/" in uri for uri in uris) == len(original.albums)
    loaded = load_library(write(tmp_path, cassette))[0]
    assert loaded.version_string == "2.7.5"
    assert loaded.state_digest() == original.state_digest()
    assert loaded.summary() == original.summary()
    assert {a: sorted(m) for a, m in loaded.album_assets.items()} == {
        a: sorted(m) for a, m in original.album_assets.items()
    }


def test_a_2x_crawl_serves_its_recorded_bytes_and_the_original_3x_ones(crawl_as_2x, tmp_path: Path) -> None:
    from harness.replay.server import ReplayServer

    original, cassette = crawl_as_2x
    loaded = load_library(write(tmp_path, cassette))[0]
    recorded = {
        i["request"]["uri"].split("/api", 1)[1]: i["response"]["body"]["string"] for i in cassette["interactions"]
    }
    as_2, as_3 = ReplayServer(copy.deepcopy(loaded)), ReplayServer(loaded, immich_version="3.1.0")
    first = ReplayServer(copy.deepcopy(original))
    for asset_id in list(loaded.assets)[:50]:
        path = f"/assets/{asset_id}"
        assert as_2.handle("GET", path, {"x-api-key": "k"}, b"").content().decode() == recorded[path]
        assert (
            as_3.handle("GET", path, {"x-api-key": "k"}, b"").content()
            == first.handle("GET", path, {"x-api-key": "k"}, b"").content()
        )
    for album_id in loaded.albums:
        path = f"/albums/{album_id}"
        assert as_2.handle("GET", path, {"x-api-key": "k"}, b"").content().decode() == recorded[path]
        assert (
            as_3.handle("GET", path, {"x-api-key": "k"}, b"").content()
            == first.handle("GET", path, {"x-api-key": "k"}, b"").content()
        )


def test_a_2x_crawl_without_an_album_read_names_it(crawl_as_2x, tmp_path: Path) -> None:
    _original, cassette = crawl_as_2x
    data = copy.deepcopy(cassette)
    data["interactions"] = [i for i in data["interactions"] if "/api/albums/" not in i["request"]["uri"]]
    with pytest.raises(CassetteError, match=r"nor an Immich 2\.x GET /albums/\{id\} embedding its members"):
        load_library(write(tmp_path, data))


def test_loading_is_linear_enough(tmp_path: Path) -> None:
    """Counts, not time: the loader visits each interaction once (a dict per endpoint, no rescans)."""
    from harness.library import crawl_reader as snapshot

    calls = 0
    original = snapshot.CrawlReader.add

    def counting(self, interaction):
        nonlocal calls
        calls += 1
        return original(self, interaction)

    snapshot.CrawlReader.add = counting  # type: ignore[method-assign]
    try:
        load_library(ROOT / "cassettes" / "small-300.json.gz")
    finally:
        snapshot.CrawlReader.add = original  # type: ignore[method-assign]
    assert calls == len(small(tmp_path)["interactions"])
