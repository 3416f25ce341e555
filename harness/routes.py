"""Endpoint templates: a concrete request path -> the OpenAPI method and path template (``GET /assets/{id}``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

UUID_V4 = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
API_PREFIX = "/api"


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.template}"


def _route(method: str, template: str) -> Route:
    regex = "^" + re.sub(r"\\\{id\\\}", r"(?P<id>[^/]+)", re.escape(template)) + "$"
    return Route(method, template, re.compile(regex))


ROUTES: tuple[Route, ...] = tuple(
    _route(method, template)
    for method, template in (
        ("GET", "/server/version"),
        ("GET", "/server/ping"),
        ("GET", "/server/about"),
        ("GET", "/users/me"),
        ("GET", "/tags"),
        ("PUT", "/tags"),
        ("POST", "/tags"),
        ("PUT", "/tags/assets"),
        ("GET", "/tags/{id}"),
        ("PUT", "/tags/{id}/assets"),
        ("DELETE", "/tags/{id}/assets"),
        ("GET", "/albums"),
        ("GET", "/albums/{id}"),
        ("PUT", "/albums/{id}/assets"),
        ("DELETE", "/albums/{id}/assets"),
        ("POST", "/search/metadata"),
        ("POST", "/search/statistics"),
        ("GET", "/assets/{id}"),
    )
)

_BY_METHOD: dict[str, list[Route]] = {}
for _r in ROUTES:
    _BY_METHOD.setdefault(_r.method, []).append(_r)

_STATIC = {(r.method, r.template): r for r in ROUTES if "{" not in r.template}


def strip_prefix(path: str) -> str:
    return path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path


def match(method: str, path: str) -> tuple[Route, str | None] | None:
    """The route serving ``method path`` (path relative to ``/api``) and its ``{id}``, or None."""
    static = _STATIC.get((method, path))
    if static is not None:
        return static, None
    for route in _BY_METHOD.get(method, ()):
        m = route.pattern.match(path)
        if m is not None:
            return route, m.groupdict().get("id")
    return None


def endpoint_of(method: str, path: str) -> str:
    """The endpoint key of a request, or ``METHOD path`` when no route knows it."""
    path = strip_prefix(path)
    found = match(method, path)
    return found[0].endpoint if found else f"{method} {path}"
