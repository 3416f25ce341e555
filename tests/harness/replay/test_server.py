"""Each Immich 3.1 behaviour of DESIGN section 6, against the replay of the real cassette."""

from __future__ import annotations

import pytest

from harness.errors import ReplayMiss
from tests.conftest import sample
from tests.harness.replay.fixtures import fresh_library, replay_client, validate

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"  # in the real samples: 3 direct tags
KYOTO = "118056bb-c787-4873-869e-29ab8a26a42c"
PEOPLE = "b26e12c3-d1b2-4689-96a9-7385e579bce9"
WEDDING_ALBUM = "235e1c2a-1704-4a8b-bb15-5da41355e925"
UNKNOWN = "8f0c3a3e-5b1d-4c8e-9a6f-2d7b1e4c9a10"


@pytest.fixture
def client():
    http, _transport = replay_client()
    with http:
        yield http


def search(client, **body):
    response = client.post("/search/metadata", json=body)
    assert response.status_code == 200, response.text
    validate(response)
    return response.json()["assets"]


def all_pages(client, **body):
    ids, page = [], 1
    while page:
        result = search(client, **body, page=page)
        ids += [item["id"] for item in result["items"]]
        page = int(result["nextPage"]) if result["nextPage"] else None
    return ids


def test_paging_order_and_page_counts(client) -> None:
    first = search(client, page=1, size=250)
    assert first["nextPage"] == "2" and first["total"] == first["count"] == 250
    items = first["items"]
    keys = [(i["fileCreatedAt"], i["id"]) for i in items]
    assert keys == sorted(keys, reverse=True)
    asc = search(client, page=1, size=5, order="asc")["items"]
    assert [(i["fileCreatedAt"], i["id"]) for i in asc] == sorted((i["fileCreatedAt"], i["id"]) for i in asc)
    last = search(client, page=12, size=250)
    assert last["nextPage"] is None and last["count"] == 250
    assert len(set(all_pages(client, size=1000))) == 3000


def test_same_first_page_as_the_real_server(client) -> None:
    """Field for field, except updatedAt: the samples were taken after later (undone) writes on that server."""
    real = sample("search-metadata-page")["body"]["assets"]["items"]
    replayed = search(client, page=1, size=250, withExif=True)["items"][:3]
    assert [{**item, "updatedAt": None} for item in replayed] == [{**item, "updatedAt": None} for item in real]


def test_items_carry_no_tags_and_exif_only_when_asked(client) -> None:
    plain = search(client, page=1, size=10)["items"]
    assert all("tags" not in i and "exifInfo" not in i for i in plain)
    with_exif = search(client, page=1, size=10, withExif=True)["items"]
    assert all("exifInfo" in i and "tags" not in i for i in with_exif)


@pytest.mark.parametrize("size", [0, 1001, "x"])
def test_size_limits(client, size) -> None:
    response = client.post("/search/metadata", json={"page": 1, "size": size})
    assert response.status_code == 400
    assert response.json()["message"] == "Validation failed"


def test_size_1001_answers_like_the_real_server(client) -> None:
    real = sample("error-400-validation-size-1001")
    response = client.post("/search/metadata", json=real["request"]["body"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == real["body"]["errors"][0]["path"]


def test_album_ids_filter_and_and(client) -> None:
    members = all_pages(client, albumIds=[WEDDING_ALBUM], size=1000)
    assert len(members) == 80  # sample: 'Wedding Ana & Luis' has 80 assets
    lib = fresh_library()
    other = next(a for a, m in lib.album_assets.items() if set(m) & set(members) and a != WEDDING_ALBUM)
    both = all_pages(client, albumIds=[WEDDING_ALBUM, other], size=1000)
    assert set(both) == set(members) & set(lib.album_assets[other])


def test_tag_ids_are_hierarchical_and_and(client) -> None:
    kyoto = all_pages(client, tagIds=[KYOTO], size=1000)
    assert len(kyoto) == 80
    people = all_pages(client, tagIds=[PEOPLE], size=1000)
    assert len(people) == 580  # parent People matches every People/* child (sample)
    both = all_pages(client, tagIds=[PEOPLE, KYOTO], size=1000)
    assert set(both) == set(people) & set(kyoto)


def test_tag_ids_null_is_the_untagged_assets(client) -> None:
    untagged = all_pages(client, tagIds=None, size=1000)
    assert len(untagged) == 1719  # ground truth: assets_without_any_tag
    assert (
        client.post("/search/metadata", json={"tagIds": None, "page": 1, "size": 1000}).json()["assets"]["nextPage"]
        == "2"
    )


def test_statistics_and_not_in_album(client) -> None:
    response = client.post("/search/statistics", json={"tagIds": [KYOTO]})
    validate(response)
    assert response.json() == sample("search-statistics-tag")["body"]
    assert len(all_pages(client, isNotInAlbum=True, size=1000)) == 1037


def test_asset_detail_is_the_recorded_body_byte_for_byte(client) -> None:
    from harness.library.cassette import read_cassette
    from tests.conftest import DEFAULT_CASSETTE

    recorded = next(i for i in read_cassette(DEFAULT_CASSETTE) if i.path == f"/api/assets/{ASSET}")
    response = client.get(f"/assets/{ASSET}")
    validate(response)
    assert response.content == recorded.response_body.encode()
    assert [t["value"] for t in response.json()["tags"]] == ["People/Carmen", "Places/Paris", "People/David"]


def test_albums_list_newest_first_without_assets_and_album_detail(client) -> None:
    albums = client.get("/albums")
    validate(albums)
    created = [a["createdAt"] for a in albums.json()]
    assert created == sorted(created, reverse=True)
    detail = client.get(f"/albums/{WEDDING_ALBUM}")
    validate(detail)
    assert "assets" not in detail.json() and detail.json()["assetCount"] == 80


def test_bad_ids(client) -> None:
    malformed = client.get("/assets/not-a-uuid")
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["message"] == "Invalid UUID"
    unknown = client.get(f"/assets/{UNKNOWN}")
    assert unknown.status_code == 400 and unknown.json() == sample("error-400-asset-not-found")["body"]
    assert client.get(f"/albums/{UNKNOWN}").status_code == 400
    assert client.put(f"/tags/{UNKNOWN}/assets", json={"ids": [ASSET]}).json()["message"] == (
        "Not found or no tag.asset access"
    )


def test_401_without_key_but_version_is_public() -> None:
    http, _ = replay_client(key=None)
    with http:
        assert http.get("/albums").json() == sample("error-401-missing-key")["body"]
        assert http.get("/albums").status_code == 401
        assert http.get("/server/version").status_code == 200


def test_per_id_tag_writes_answer_like_the_real_server(client) -> None:
    tag = next(t for t in fresh_library().tags.values() if t["value"] == "Beach")["id"]
    other = "51f88558-46c4-4695-a583-8b5167af4416"
    put = client.put(f"/tags/{tag}/assets", json={"ids": [other, other, UNKNOWN]})
    validate(put)
    assert put.json() == [
        {"id": other, "success": True},
        {"id": other, "success": False, "error": "duplicate"},
        {"id": UNKNOWN, "success": False, "error": "no_permission"},
    ]
    assert "Beach" in [t["value"] for t in client.get(f"/assets/{other}").json()["tags"]]
    assert other in all_pages(client, tagIds=[tag], size=1000)  # reads see writes at once
    delete = client.request("DELETE", f"/tags/{tag}/assets", json={"ids": [other, other, UNKNOWN]})
    validate(delete)
    assert [r.get("error") for r in delete.json()] == [None, "not_found", "not_found"]


def test_bulk_tag_write_counts_only_new_pairs(client) -> None:
    real = sample("tags-assets-bulk-new")["request"]["body"]
    first = client.put("/tags/assets", json=real)
    validate(first)
    assert first.json() == {"count": 2}
    assert client.put("/tags/assets", json=real).json() == {"count": 0}
    mixed = {"tagIds": real["tagIds"], "assetIds": [*real["assetIds"], UNKNOWN, ASSET]}
    assert client.put("/tags/assets", json=mixed).json() == {"count": 1}


def test_upsert_creates_missing_parents_without_returning_them(client) -> None:
    response = client.put("/tags", json={"tags": ["New/Child", "autotag_output_unknown"]})
    validate(response)
    assert [t["value"] for t in response.json()] == ["New/Child", "autotag_output_unknown"]
    values = [t["value"] for t in client.get("/tags").json()]
    assert "New" in values and values == sorted(values)
    assert client.post("/tags", json={"name": "New"}).json()["message"] == "A tag with that name already exists"
    created = client.post("/tags", json={"name": "Fresh"})
    assert created.status_code == 201 and created.json()["value"] == "Fresh"


def test_album_writes(client) -> None:
    real = sample("album-id-assets-put")
    response = client.put(real["request"]["path"].removeprefix("/api"), json=real["request"]["body"])
    validate(response)
    assert response.json() == real["body"]
    assert client.put(f"/albums/{UNKNOWN}/assets", json={"ids": [ASSET]}).json()["message"] == "Album not found"


def test_a_request_it_cannot_serve_is_a_clear_miss(client) -> None:
    with pytest.raises(ReplayMiss, match=r"search/metadata with city.*it serves albumIds"):
        client.post("/search/metadata", json={"city": "Paris"})
    with pytest.raises(ReplayMiss, match=r"cannot serve GET /api/people.*GET /assets/\{id\}"):
        client.get("/people")


def test_lookups_are_indexed() -> None:
    """The replay's work per request does not grow with the library: count dictionary reads per GET."""
    from harness.replay.server import ReplayServer

    lib = fresh_library()
    server = ReplayServer(lib)

    class Counting(dict):
        reads = 0

        def get(self, key, default=None):
            Counting.reads += 1
            return super().get(key, default)

        def __getitem__(self, key):
            Counting.reads += 1
            return super().__getitem__(key)

    lib.assets = Counting(lib.assets)
    server.lib = lib
    server.handle("GET", f"/assets/{ASSET}", {"x-api-key": "k"}, b"")
    assert Counting.reads <= 2
