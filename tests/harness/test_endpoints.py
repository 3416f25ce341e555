from __future__ import annotations

import pytest

from harness.endpoints import PARAM, Route, Router, endpoint_of, immich
from harness.replay.server import ROUTES

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
    f"/albums/{ID}/user/{ID}",
    f"/albums/{ID}/user/",
    "/duplicates",
    "/server/statistics",
    f"/assets/{ID}/video/stream/{ID}",
]


def precedence(route: Route) -> int:
    """What the router tries first: static templates, then one trailing parameter, then the rest."""
    params = PARAM.findall(route.template)
    if not params:
        return 0
    return 1 if len(params) == 1 and PARAM.fullmatch(route.template.rpartition("/")[2]) else 2


def by_regex(router: Router, method: str, path: str) -> tuple[str, tuple[str, ...]] | None:
    """The oracle: each template's own regex, tried in order of precedence."""
    for route in sorted(router.routes, key=precedence):
        if route.method == method:
            found = route.pattern.match(path)
            if found is not None:
                return route.endpoint, tuple(found.groups())
    return None


@pytest.mark.parametrize("router", [ROUTES.router, immich()], ids=["replay", "immich"])
@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", PATHS)
def test_match_agrees_with_the_template_regexes(router: Router, method: str, path: str) -> None:
    found = router.match(method, path)
    assert (None if found is None else (found[0].endpoint, found[1])) == by_regex(router, method, path)


def test_endpoint_of_strips_the_api_prefix_and_names_unknown_paths() -> None:
    assert endpoint_of("GET", f"/api/assets/{ID}") == "GET /assets/{id}"
    assert endpoint_of("GET", "/api/duplicates") == "GET /duplicates"
    assert endpoint_of("PUT", f"/api/albums/{ID}/user/{ID}") == "PUT /albums/{id}/user/{userId}"
    assert endpoint_of("GET", "/api/no/such/thing") == "GET /no/such/thing"
