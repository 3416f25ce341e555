"""The synthetic ``demo`` and ``seed`` bodies (duplicates included) are valid answers of both served majors."""

from __future__ import annotations

import pytest

from harness.library.synthetic import generate_library
from tests.harness.replay.fixtures import replay_client, validate


@pytest.mark.parametrize("preset", ["demo", "seed"])
@pytest.mark.parametrize("version", ["3.1.0", "2.7.5"])
def test_synthetic_answers_validate(preset: str, version: str) -> None:
    library = generate_library(preset, assets=400, seed=1)
    asset = next(iter(library.assets))
    album = max(library.album_assets, key=lambda a: len(library.album_assets[a]))
    http, _ = replay_client(library, immich_version=version)
    with http:
        for method, path, body in [
            ("GET", "/users/me", None),
            ("GET", "/users", None),
            ("GET", "/server/about", None),
            ("GET", "/server/statistics", None),
            ("GET", "/tags", None),
            ("GET", "/albums", None),
            ("GET", f"/albums/{album}", None),
            ("GET", f"/assets/{asset}", None),
            ("POST", "/search/metadata", {"size": 100, "withExif": True}),
            ("GET", "/duplicates", None),
            ("POST", "/albums", {"albumName": "Temp", "assetIds": [asset]}),
        ]:
            response = http.request(method, path, json=body)
            assert 200 <= response.status_code < 300, (path, response.text)
            validate(response, version)
        duplicates = http.get("/duplicates").json()
        assert duplicates and all(len(group["assets"]) >= 2 for group in duplicates)
