"""The real cassette (recorded from 3.1.0) served as Immich 2.7.5: album and asset shapes, embedded members, and the
conversions both ways."""

from __future__ import annotations

import pytest

from harness.replay.shapes import album_v2, album_v3, asset_v2, asset_v3, v2_duration, v3_duration
from tests.harness.replay.fixtures import fresh_library, replay_client, validate

V2 = "2.7.5"
WEDDING_ALBUM = "235e1c2a-1704-4a8b-bb15-5da41355e925"
ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
UNKNOWN = "8f0c3a3e-5b1d-4c8e-9a6f-2d7b1e4c9a10"


@pytest.fixture
def client():
    http, _transport = replay_client(immich_version=V2)
    with http:
        yield http


def album_search(client, album_id: str) -> list[str]:
    ids, page = [], 1
    while page:
        result = client.post("/search/metadata", json={"albumIds": [album_id], "page": page, "size": 1000})
        assets = result.json()["assets"]
        ids += [item["id"] for item in assets["items"]]
        page = int(assets["nextPage"]) if assets["nextPage"] else None
    return ids


def test_albums_list_as_2x(client) -> None:
    response = client.get("/albums")
    validate(response, V2)
    albums = response.json()
    library = fresh_library()
    assert [a["id"] for a in albums] == list(library.albums)
    for album in albums:
        assert album["assets"] == []
        assert album["ownerId"] == album["owner"]["id"] == library.user["id"]
        assert all(entry["role"] != "owner" for entry in album["albumUsers"])
        assert album["assetCount"] == len(library.album_assets[album["id"]])


def test_album_detail_embeds_every_member_in_search_order_without_tags(client) -> None:
    response = client.get(f"/albums/{WEDDING_ALBUM}")
    validate(response, V2)
    album = response.json()
    members = album_search(client, WEDDING_ALBUM)
    assert [a["id"] for a in album["assets"]] == members
    assert len(members) == album["assetCount"] == len(fresh_library().album_assets[WEDDING_ALBUM])
    for asset in album["assets"]:
        assert "tags" not in asset and "owner" not in asset
        assert asset["deviceId"] == "WEB" and asset["deviceAssetId"].startswith("web-")
        assert asset["duration"] == "0:00:00.00000"
    without = client.get(f"/albums/{WEDDING_ALBUM}", params={"withoutAssets": "true"})
    validate(without, V2)
    assert without.json() == {**album, "assets": []}
    assert client.get(f"/albums/{WEDDING_ALBUM}", params={"withoutAssets": "false"}).json() == album
    assert client.get(f"/albums/{WEDDING_ALBUM}", params={"withoutAssets": "maybe"}).status_code == 400


def test_album_detail_follows_album_writes(client) -> None:
    before = [a["id"] for a in client.get(f"/albums/{WEDDING_ALBUM}").json()["assets"]]
    newcomer = next(a for a in fresh_library().assets if a not in before)
    assert client.put(f"/albums/{WEDDING_ALBUM}/assets", json={"ids": [newcomer]}).json()[0]["success"]
    after = client.get(f"/albums/{WEDDING_ALBUM}").json()
    assert [a["id"] for a in after["assets"]] == album_search(client, WEDDING_ALBUM)
    assert set(a["id"] for a in after["assets"]) == {*before, newcomer}
    assert after["assetCount"] == len(before) + 1
    client.request("DELETE", f"/albums/{WEDDING_ALBUM}/assets", json={"ids": [before[0], newcomer]})
    assert [a["id"] for a in client.get(f"/albums/{WEDDING_ALBUM}").json()["assets"]] == before[1:]


def test_album_read_units_are_the_embedded_members() -> None:
    http, transport = replay_client(immich_version=V2)
    server = transport.core.server
    members = len(fresh_library().album_assets[WEDDING_ALBUM])
    assert server.handle("GET", f"/albums/{WEDDING_ALBUM}", {"x-api-key": "k"}, b"").units == members
    quiet = server.handle("GET", f"/albums/{WEDDING_ALBUM}", {"x-api-key": "k"}, b"", b"withoutAssets=true")
    assert quiet.units == 0
    _http3, transport3 = replay_client()
    assert transport3.core.server.handle("GET", f"/albums/{WEDDING_ALBUM}", {"x-api-key": "k"}, b"").units == 1
    http.close()


def test_assets_carry_device_fields_and_a_string_duration(client) -> None:
    detail = client.get(f"/assets/{ASSET}")
    validate(detail, V2)
    body = detail.json()
    assert list(body)[:6] == ["id", "createdAt", "deviceAssetId", "ownerId", "owner", "deviceId"]
    assert body["duration"] == "0:00:00.00000" and [t["value"] for t in body["tags"]]
    page = client.post("/search/metadata", json={"page": 1, "size": 50, "withExif": True})
    validate(page, V2)
    for item in page.json()["assets"]["items"]:
        assert {"deviceAssetId", "deviceId"} <= set(item) and isinstance(item["duration"], str)
        assert "tags" not in item


def test_conversions_round_trip_every_body_of_the_cassette() -> None:
    library = fresh_library()
    owner = {k: library.user[k] for k in ("id", "email", "name", "profileImagePath", "avatarColor")}
    for asset in library.assets.values():
        assert asset_v3(asset_v2(asset)) == asset
    for album in library.albums.values():
        assert album_v3(album_v2(album, owner), owner) == album


@pytest.mark.parametrize(
    ("ms", "text"), [(None, "0:00:00.00000"), (12_345, "00:00:12.345"), (3_723_004, "01:02:03.004")]
)
def test_durations(ms, text) -> None:
    assert v2_duration(ms) == text
    assert v3_duration(text, "VIDEO" if ms else "IMAGE") == ms


def test_album_list_filters(client) -> None:
    library = fresh_library()
    containing = [a for a, members in library.album_assets.items() if ASSET in members]
    assert [a["id"] for a in client.get("/albums", params={"assetId": ASSET}).json()] == containing
    assert client.get("/albums", params={"assetId": UNKNOWN}).json() == []
    assert client.get("/albums", params={"assetId": "nope"}).status_code == 400
    assert len(client.get("/albums", params={"shared": "false"}).json()) == len(library.albums)
    assert client.get("/albums", params={"shared": "true"}).json() == []
    assert len(client.get("/albums", params={"isShared": "true"}).json()) == len(library.albums)  # a 3.x filter


def test_album_list_filters_of_3x() -> None:
    http, _ = replay_client()
    library = fresh_library()
    name = library.albums[WEDDING_ALBUM]["albumName"]
    with http:
        assert [a["id"] for a in http.get("/albums", params={"name": name}).json()] == [WEDDING_ALBUM]
        assert [a["id"] for a in http.get("/albums", params={"id": WEDDING_ALBUM}).json()] == [WEDDING_ALBUM]
        assert len(http.get("/albums", params={"isOwned": "true"}).json()) == len(library.albums)
        assert http.get("/albums", params={"isOwned": "false"}).json() == []
        assert http.get("/albums", params={"isShared": "true"}).json() == []
        assert http.get("/albums", params={"isOwned": "yes"}).status_code == 400
        detail = http.get(f"/albums/{WEDDING_ALBUM}", params={"withoutAssets": "false"})
        assert "assets" not in detail.json()  # 3.x ignores it
