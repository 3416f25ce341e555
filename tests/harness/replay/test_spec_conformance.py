"""Every endpoint the replay serves, answered as every served major, validates against that version's official spec
(object schemas closed: no key the spec does not know)."""

from __future__ import annotations

import pytest

from harness.replay.server import ROUTES
from tests.harness.replay.fixtures import SPECS, fresh_library, replay_client, spec, spec_of, validate

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
OTHER = "51f88558-46c4-4695-a583-8b5167af4416"
KYOTO = "118056bb-c787-4873-869e-29ab8a26a42c"
TAG_BEACH = "e72fd68e-bb3e-4ef6-8965-ffac42d5f163"
WEDDING_ALBUM = "235e1c2a-1704-4a8b-bb15-5da41355e925"
GROUP = "0f6a7d2c-9b1e-4c3d-8e5f-6a7b8c9d0e1f"
VERSIONS = ["3.1.0", "2.7.5", "2.6.3"]

REQUESTS = [
    ("GET", "/server/version", None),
    ("GET", "/server/ping", None),
    ("GET", "/server/about", None),
    ("GET", "/server/statistics", None),
    ("GET", "/users/me", None),
    ("GET", "/users", None),
    ("GET", "/tags", None),
    ("GET", f"/tags/{TAG_BEACH}", None),
    ("DELETE", f"/tags/{TAG_BEACH}", None),
    ("POST", "/tags", {"name": "brand-new"}),
    ("PUT", "/tags", {"tags": ["a/b"]}),
    ("PUT", "/tags/assets", {"tagIds": [TAG_BEACH], "assetIds": [ASSET]}),
    ("PUT", f"/tags/{TAG_BEACH}/assets", {"ids": [ASSET]}),
    ("DELETE", f"/tags/{TAG_BEACH}/assets", {"ids": [ASSET]}),
    ("GET", "/albums", None),
    ("POST", "/albums", {"albumName": "Temp", "assetIds": [ASSET]}),
    ("GET", f"/albums/{WEDDING_ALBUM}", None),
    ("DELETE", f"/albums/{WEDDING_ALBUM}", None),
    ("PUT", "/albums/assets", {"albumIds": [WEDDING_ALBUM], "assetIds": [ASSET]}),
    ("PUT", f"/albums/{WEDDING_ALBUM}/assets", {"ids": [ASSET]}),
    ("DELETE", f"/albums/{WEDDING_ALBUM}/assets", {"ids": [ASSET]}),
    ("PUT", f"/albums/{WEDDING_ALBUM}/users", {"albumUsers": []}),
    ("POST", "/search/metadata", {"page": 1, "size": 5, "withExif": True}),
    ("POST", "/search/statistics", {"tagIds": [KYOTO]}),
    ("GET", f"/assets/{ASSET}", None),
    ("PUT", f"/assets/{ASSET}", {"isFavorite": True, "description": "x"}),
    ("PUT", "/assets", {"ids": [ASSET, OTHER], "rating": 3}),
    ("GET", "/duplicates", None),
]


def test_the_requests_cover_every_served_endpoint_and_each_exists_in_every_spec() -> None:
    from harness.endpoints import Router

    covered = {Router(ROUTES.endpoints).endpoint_of(method, path) for method, path, _ in REQUESTS}
    assert covered == set(ROUTES.endpoints)
    for version in SPECS:
        paths = spec(version)["paths"]
        for route in ROUTES.router.routes:
            assert route.method.lower() in paths[route.template], (version, route.endpoint)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_every_served_endpoint_validates_against_the_spec_of_its_version(version, method, path, body) -> None:
    library = fresh_library()
    for asset_id in (ASSET, OTHER):
        library.assets[asset_id]["duplicateId"] = GROUP  # so that GET /duplicates has a group to answer
    http, _ = replay_client(library, immich_version=version)
    with http:
        response = http.request(method, path, json=body)
    assert 200 <= response.status_code < 300, response.text
    assert validate(response, version) == ROUTES.router.endpoint_of(method, path)
    if method == "GET" and response.content and spec_of(version) == "2.7.5":
        assert b'"prerelease"' not in response.content and b'"role":"owner"' not in response.content
