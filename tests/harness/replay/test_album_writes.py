"""Album create, delete, bulk add and share, in both served versions, against the real cassette."""

from __future__ import annotations

import pytest

from tests.harness.replay.fixtures import fresh_library, replay_client, validate

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
OTHER = "51f88558-46c4-4695-a583-8b5167af4416"
UNKNOWN = "8f0c3a3e-5b1d-4c8e-9a6f-2d7b1e4c9a10"
WEDDING_ALBUM = "235e1c2a-1704-4a8b-bb15-5da41355e925"
FRIEND = {
    "id": "0b8d2f5e-3c1a-4e6b-9f7d-1a2b3c4d5e6f",
    "email": "friend@example.test",
    "name": "Friend",
    "profileImagePath": "",
    "avatarColor": "blue",
    "profileChangedAt": "2026-11-24T22:58:52.685057+00:00",
}
VERSIONS = ["3.1.0", "2.7.5"]


def members(client, album_id: str) -> list[str]:
    result = client.post("/search/metadata", json={"albumIds": [album_id], "size": 1000})
    return [item["id"] for item in result.json()["assets"]["items"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_create_lists_the_album_first_with_its_known_members(version: str) -> None:
    library = fresh_library()
    before = library.state_digest()
    http, _ = replay_client(library, immich_version=version)
    with http:
        created = http.post("/albums", json={"albumName": "Temp", "assetIds": [ASSET, UNKNOWN, ASSET]})
        assert created.status_code == 201
        validate(created, version)
        album = created.json()
        assert album["albumName"] == "Temp" and album["assetCount"] == 1
        assert album["albumThumbnailAssetId"] == ASSET
        if version.startswith("2."):
            assert [a["id"] for a in album["assets"]] == [ASSET] and album["albumUsers"] == []
        else:
            assert "assets" not in album and [u["role"] for u in album["albumUsers"]] == ["owner"]
        listed = http.get("/albums").json()
        assert listed[0]["id"] == album["id"] and len(listed) == len(fresh_library().albums) + 1
        created_at = [a["createdAt"] for a in listed]
        assert created_at == sorted(created_at, reverse=True)
        assert members(http, album["id"]) == [ASSET]
        empty = http.post("/albums", json={"albumName": "Empty"})
        assert empty.status_code == 201 and empty.json()["assetCount"] == 0
    assert library.state_digest() != before
    assert library.album_assets[album["id"]] == [ASSET] and library.album_assets[empty.json()["id"]] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"description": "no name"}, 400, "Validation failed"),
        ({"albumName": "x", "assetIds": ["nope"]}, 400, "Validation failed"),
        ({"albumName": "x", "albumUsers": [{"userId": UNKNOWN}]}, 400, "User not found"),
        ({"albumName": "x", "albumUsers": [{"userId": FRIEND["id"], "role": "owner"}]}, 400, "Validation failed"),
    ],
)
def test_create_refuses_what_immich_refuses(body, status, message) -> None:
    http, _ = replay_client()
    with http:
        answer = http.post("/albums", json=body)
        assert (answer.status_code, answer.json()["message"]) == (status, message)
        owner = fresh_library().user["id"]
        assert http.post("/albums", json={"albumName": "x", "albumUsers": [{"userId": owner}]}).json() == {
            "message": "Cannot be shared with owner"
        }


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_removes_the_album_and_its_memberships(version: str) -> None:
    library = fresh_library()
    http, _ = replay_client(library, immich_version=version)
    with http:
        deleted = http.delete(f"/albums/{WEDDING_ALBUM}")
        assert deleted.status_code == 204 and deleted.content == b""
        validate(deleted, version)
        assert http.get(f"/albums/{WEDDING_ALBUM}").status_code == 400
        assert WEDDING_ALBUM not in {a["id"] for a in http.get("/albums").json()}
        assert http.post("/search/metadata", json={"albumIds": [WEDDING_ALBUM]}).status_code == 400
        assert http.delete(f"/albums/{WEDDING_ALBUM}").status_code == 400
    assert WEDDING_ALBUM not in library.album_assets


def test_bulk_add_answers_like_the_real_server() -> None:
    http, _ = replay_client()
    other_album = next(a for a in fresh_library().albums if a != WEDDING_ALBUM)
    with http:
        body = {"albumIds": [WEDDING_ALBUM, other_album], "assetIds": [ASSET, OTHER]}
        first = http.put("/albums/assets", json=body)
        validate(first)
        assert first.json() == {"success": True}
        assert {ASSET, OTHER} <= set(members(http, WEDDING_ALBUM)) & set(members(http, other_album))
        assert http.put("/albums/assets", json=body).json() == {"success": False, "error": "duplicate"}
        only_unknown_albums = {"albumIds": [UNKNOWN], "assetIds": [ASSET]}
        assert http.put("/albums/assets", json=only_unknown_albums).json() == {
            "success": False,
            "error": "no_permission",
        }
        only_unknown_assets = {"albumIds": [WEDDING_ALBUM], "assetIds": [UNKNOWN]}
        assert http.put("/albums/assets", json=only_unknown_assets).json()["error"] == "no_permission"


def test_bulk_add_units_are_the_pairs_added() -> None:
    _http, transport = replay_client()
    server = transport.core.server
    other_album = next(a for a in fresh_library().albums if a != WEDDING_ALBUM)
    new_pairs = sum(
        asset not in server.lib.album_assets[album]
        for album in (WEDDING_ALBUM, other_album)
        for asset in (ASSET, OTHER)
    )
    body = b'{"albumIds":["%s","%s"],"assetIds":["%s","%s"]}' % tuple(
        x.encode() for x in (WEDDING_ALBUM, other_album, ASSET, OTHER)
    )
    assert server.handle("PUT", "/albums/assets", {"x-api-key": "k"}, body).units == new_pairs


def library_with_a_friend():
    """The real library, with one album shared with a second user (so ``GET /users`` knows two)."""
    library = fresh_library()
    shared = library.albums[WEDDING_ALBUM]
    shared["albumUsers"] = [*shared["albumUsers"], {"user": FRIEND, "role": "viewer"}]
    shared["shared"] = True
    return library


@pytest.mark.parametrize("version", VERSIONS)
def test_share_an_album_with_a_known_user(version: str) -> None:
    library = library_with_a_friend()
    before = library.state_digest()
    target = next(a for a in library.albums if a != WEDDING_ALBUM)
    http, _ = replay_client(library, immich_version=version)
    with http:
        users = http.get("/users")
        validate(users, version)
        assert [u["id"] for u in users.json()] == [library.user["id"], FRIEND["id"]]
        shared = http.put(f"/albums/{target}/users", json={"albumUsers": [{"userId": FRIEND["id"]}]})
        validate(shared, version)
        album = shared.json()
        assert album["shared"] is True
        assert {"user": FRIEND, "role": "editor"} in album["albumUsers"]
        if version.startswith("2."):
            assert album["albumUsers"] == [{"user": FRIEND, "role": "editor"}] and album["assets"] == []
        again = http.put(f"/albums/{target}/users", json={"albumUsers": [{"userId": FRIEND["id"]}]})
        assert (again.status_code, again.json()["message"]) == (400, "User already added")
        stranger = http.put(f"/albums/{target}/users", json={"albumUsers": [{"userId": UNKNOWN}]})
        assert stranger.json()["message"] == "User not found"
        assert http.put(f"/albums/{UNKNOWN}/users", json={"albumUsers": []}).status_code == 400
        listed = next(a for a in http.get("/albums").json() if a["id"] == target)
        assert {"user": FRIEND, "role": "editor"} in listed["albumUsers"]
    assert library.album_shares == {target: {FRIEND["id"]: "editor"}}
    assert library.state_digest() != before
