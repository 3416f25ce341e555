"""``PUT /assets/{id}`` and ``PUT /assets``: later reads show the update, the digest covers it, bad input is 400."""

from __future__ import annotations

import pytest

from harness.errors import ReplayMiss
from tests.harness.replay.fixtures import fresh_library, replay_client, validate

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
OTHER = "51f88558-46c4-4695-a583-8b5167af4416"
UNKNOWN = "8f0c3a3e-5b1d-4c8e-9a6f-2d7b1e4c9a10"
VERSIONS = ["3.1.0", "2.7.5"]
UPDATE = {
    "isFavorite": True,
    "description": "fixed by a tagger",
    "dateTimeOriginal": "2020-01-02T03:04:05.000Z",
    "rating": 4,
    "latitude": 48.85,
    "longitude": 2.35,
}


def page_item(client, asset_id: str) -> dict:
    result = client.post("/search/metadata", json={"id": asset_id, "withExif": True}).json()
    return next(iter(result["assets"]["items"]), {})


@pytest.mark.parametrize("version", VERSIONS)
def test_update_shows_in_every_later_read_and_in_the_digest(version: str) -> None:
    library = fresh_library()
    before = library.state_digest()
    http, _ = replay_client(library, immich_version=version)
    with http:
        answer = http.put(f"/assets/{ASSET}", json=UPDATE)
        validate(answer, version)
        for body in (answer.json(), http.get(f"/assets/{ASSET}").json(), page_item(http, ASSET)):
            assert body["isFavorite"] is True
            exif = body["exifInfo"]
            assert exif["description"] == "fixed by a tagger" and exif["rating"] == 4
            assert exif["dateTimeOriginal"] == "2020-01-02T03:04:05+00:00"  # as PostgreSQL's JSON writes it
            assert (exif["latitude"], exif["longitude"]) == (48.85, 2.35)
        assert [t["value"] for t in answer.json()["tags"]] == [t["value"] for t in library.assets[ASSET]["tags"]]
    assert library.state_digest() != before


def test_an_update_undone_leaves_the_digest_as_it_was() -> None:
    library = fresh_library()
    before = library.state_digest()
    undoable = ("isFavorite", "description", "dateTimeOriginal", "rating")  # latitude cannot be set back to null
    http, _ = replay_client(library)
    with http:
        assert http.put(f"/assets/{ASSET}", json={k: UPDATE[k] for k in undoable}).status_code == 200
        assert library.state_digest() != before
        originals = {path.split(".")[-1]: value for path, value in library.asset_edits[ASSET].items()}
        assert http.put(f"/assets/{ASSET}", json=originals).status_code == 200
    assert library.state_digest() == before  # every field back where it was: the same state


def test_visibility_moves_an_asset_out_of_the_listing() -> None:
    library = fresh_library()
    http, _ = replay_client(library)
    with http:
        total = len(library.assets)
        archived = http.put(f"/assets/{ASSET}", json={"visibility": "archive"}).json()
        assert archived["visibility"] == "archive" and archived["isArchived"] is True
        assert page_item(http, ASSET)["visibility"] == "archive"  # archived assets stay in searches
        http.put(f"/assets/{ASSET}", json={"visibility": "locked"})
        listed = http.post("/search/statistics", json={}).json()["total"]
        assert listed == total - 1 and page_item(http, ASSET) == {}


@pytest.mark.parametrize("version", VERSIONS)
def test_bulk_update_writes_every_asset_or_none(version: str) -> None:
    library = fresh_library()
    http, _ = replay_client(library, immich_version=version)
    group = "0f6a7d2c-9b1e-4c3d-8e5f-6a7b8c9d0e1f"
    with http:
        done = http.put("/assets", json={"ids": [ASSET, OTHER, ASSET], "isFavorite": True, "duplicateId": group})
        assert done.status_code == 204 and done.content == b""
        validate(done, version)
        for asset_id in (ASSET, OTHER):
            body = http.get(f"/assets/{asset_id}").json()
            assert body["isFavorite"] is True and body["duplicateId"] == group
        duplicates = http.get("/duplicates").json()
        assert [(d["duplicateId"], sorted(a["id"] for a in d["assets"])) for d in duplicates] == [
            (group, sorted([ASSET, OTHER]))
        ]
        refused = http.put("/assets", json={"ids": [ASSET, UNKNOWN], "description": "never"})
        assert refused.status_code == 400 and refused.json()["message"] == "Not found or no asset.update access"
        assert http.get(f"/assets/{ASSET}").json()["exifInfo"]["description"] != "never"


@pytest.mark.parametrize(
    "body", [{"isFavorite": "yes"}, {"rating": 9}, {"latitude": 91}, {"visibility": "gone"}, {"dateTimeOriginal": "x"}]
)
def test_invalid_updates_are_400(body) -> None:
    library = fresh_library()
    http, _ = replay_client(library)
    with http:
        answer = http.put(f"/assets/{ASSET}", json=body)
        assert answer.status_code == 400 and answer.json()["message"] == "Validation failed"
        assert http.put(f"/assets/{UNKNOWN}", json={"isFavorite": True}).status_code == 400
    assert library.asset_edits == {}


def test_fields_it_does_not_serve_are_a_clear_miss() -> None:
    http, _ = replay_client()
    with http, pytest.raises(ReplayMiss, match="dateTimeRelative"):
        http.put("/assets", json={"ids": [ASSET], "dateTimeRelative": 60})
