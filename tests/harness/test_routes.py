from __future__ import annotations

import pytest

from harness.routes import ROUTES, endpoint_of, match

ID = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"
PATHS = [
    f"/assets/{ID}",
    "/assets/",
    "/assets",
    f"/assets/{ID}/",
    f"/assets/{ID}/thumbnail",
    f"/tags/{ID}",
    f"/tags/{ID}/assets",
    "/tags//assets",
    "/tags/assets",
    "/tags",
    f"/albums/{ID}/assets",
    f"/albums/{ID}",
    "/albums",
    "/search/metadata",
    "/server/version",
    "/",
    "",
    "assets/x",
]


def by_regex(method: str, path: str) -> tuple[str, str | None] | None:
    """The oracle: each template's own regex, tried in order."""
    for route in ROUTES:
        if route.method == method:
            found = route.pattern.match(path)
            if found is not None:
                return route.endpoint, found.groupdict().get("id")
    return None


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", PATHS)
def test_match_agrees_with_the_template_regexes(method: str, path: str) -> None:
    found = match(method, path)
    assert (None if found is None else (found[0].endpoint, found[1])) == by_regex(method, path)


def test_endpoint_of_strips_the_api_prefix_and_names_unknown_paths() -> None:
    assert endpoint_of("GET", f"/api/assets/{ID}") == "GET /assets/{id}"
    assert endpoint_of("GET", "/api/duplicates") == "GET /duplicates"
