"""``GET /duplicates``, ``GET /server/statistics``, ``GET /users`` and tag deletion, in both served versions."""

from __future__ import annotations

import pytest

from tests.harness.replay.fixtures import fresh_library, replay_client, validate

VERSIONS = ["3.1.0", "2.7.5"]
PEOPLE = "b26e12c3-d1b2-4689-96a9-7385e579bce9"
GROUP_A = "0f6a7d2c-9b1e-4c3d-8e5f-6a7b8c9d0e1f"
GROUP_B = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
GROUP_SOLO = "2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e"


def library_with_duplicates():
    """The real library with three duplicate groups: A (3 members, one hidden), B (2), and a singleton."""
    library = fresh_library()
    ids = list(library.assets)
    plan = {GROUP_A: ids[0:4], GROUP_B: ids[10:12], GROUP_SOLO: ids[20:21]}
    for group, members in plan.items():
        for asset_id in members:
            library.assets[asset_id]["duplicateId"] = group
    library.assets[ids[3]]["visibility"] = "hidden"  # not listed by Immich's duplicate query
    library.assets[ids[1]]["exifInfo"]["fileSizeInByte"] = 10**9  # the largest file: the one to keep
    return library, plan


@pytest.mark.parametrize("version", VERSIONS)
def test_duplicate_groups(version: str) -> None:
    library, plan = library_with_duplicates()
    http, transport = replay_client(library, immich_version=version)
    with http:
        response = http.get("/duplicates")
        validate(response, version)
    groups = response.json()
    assert [g["duplicateId"] for g in groups] == [GROUP_A, GROUP_B]
    a, b = groups
    assert sorted(x["id"] for x in a["assets"]) == sorted(plan[GROUP_A][:3])
    assert sorted(x["id"] for x in b["assets"]) == sorted(plan[GROUP_B])
    for group in groups:
        dates = [x["localDateTime"] for x in group["assets"]]
        assert dates == sorted(dates)
        for asset in group["assets"]:
            assert "exifInfo" in asset and "owner" not in asset
            assert [t["id"] for t in asset["tags"]] == library.asset_tags[asset["id"]]
            assert ("deviceId" in asset) == version.startswith("2.")
    assert a["suggestedKeepAssetIds"] == [plan[GROUP_A][1]]
    largest = max(b["assets"], key=lambda x: x["exifInfo"]["fileSizeInByte"])
    assert b["suggestedKeepAssetIds"] == [largest["id"]]
    assert transport.core.server.handle("GET", "/duplicates", {"x-api-key": "k"}, b"").units == 5


def test_no_duplicates_is_an_empty_list() -> None:
    http, _ = replay_client()
    with http:
        assert http.get("/duplicates").json() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_statistics_count_the_library(version: str) -> None:
    library = fresh_library()
    http, _ = replay_client(library, immich_version=version)
    with http:
        response = http.get("/server/statistics")
        validate(response, version)
    stats = response.json()
    assert stats["photos"] + stats["videos"] == len(library.assets)
    assert stats["photos"] == sum(a["type"] == "IMAGE" for a in library.assets.values())
    assert stats["usage"] == sum(a["exifInfo"]["fileSizeInByte"] for a in library.assets.values())
    assert stats["usage"] == stats["usagePhotos"] + stats["usageVideos"]
    (row,) = stats["usageByUser"]
    assert row["userId"] == library.user["id"] and row["photos"] == stats["photos"]


def test_statistics_are_admin_only() -> None:
    library = fresh_library()
    library.user["isAdmin"] = False
    http, _ = replay_client(library)
    with http:
        assert http.get("/server/statistics").status_code == 403


@pytest.mark.parametrize("version", VERSIONS)
def test_users_lists_the_librarys_user(version: str) -> None:
    library = fresh_library()
    http, _ = replay_client(library, immich_version=version)
    with http:
        response = http.get("/users")
        validate(response, version)
    (user,) = response.json()
    assert user == {k: library.user[k] for k in user} and set(user) < set(library.user)


@pytest.mark.parametrize("version", VERSIONS)
def test_deleting_a_parent_tag_deletes_its_children_and_their_pairs(version: str) -> None:
    library = fresh_library()
    before = library.state_digest()
    doomed = {PEOPLE} | {t for t, tag in library.tags.items() if tag.get("parentId") == PEOPLE}
    tagged = {a for a, tags in library.asset_tags.items() if doomed & set(tags)}
    http, _ = replay_client(library, immich_version=version)
    with http:
        assert http.get(f"/tags/{PEOPLE}").json()["value"] == "People"
        deleted = http.delete(f"/tags/{PEOPLE}")
        assert deleted.status_code == 204 and deleted.content == b""
        validate(deleted, version)
        assert http.get(f"/tags/{PEOPLE}").status_code == 400
        assert not doomed & {t["id"] for t in http.get("/tags").json()}
        for asset_id in sorted(tagged)[:20]:
            assert not doomed & {t["id"] for t in http.get(f"/assets/{asset_id}").json()["tags"]}
        assert http.delete(f"/tags/{PEOPLE}").status_code == 400
    assert sorted(library.deleted_tags) == sorted(doomed)
    assert not any(doomed & set(tags) for tags in library.asset_tags.values())
    assert library.state_digest() != before


def test_deleting_an_unused_tag_still_changes_the_digest() -> None:
    library = fresh_library()
    http, _ = replay_client(library)
    with http:
        created = http.post("/tags", json={"name": "Unused"}).json()
        assert library.state_digest() == fresh_library().state_digest()  # a created tag alone is not in it
        http.delete(f"/tags/{created['id']}")
    assert library.deleted_tags == {created["id"]: "Unused"}
    assert library.state_digest() != fresh_library().state_digest()
