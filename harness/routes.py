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

# Lookups instead of trying each template's regex: static paths by (method, path), templates ending in {id} by
# (method, the path before it), the rest by (method, segment count, first segment). The regexes stay as the oracle
# the tests compare with.
_STATIC = {(r.method, r.template): r for r in ROUTES if "{" not in r.template}
_TRAILING_ID = {
    (r.method, r.template.removesuffix("/{id}")): r
    for r in ROUTES
    if r.template.endswith("/{id}") and r.template.count("{") == 1
}
_SHAPED: dict[tuple[str, int, str], list[tuple[Route, list[str]]]] = {}
for _r in ROUTES:
    if "{" in _r.template and not _r.template.endswith("/{id}"):
        _parts = _r.template.split("/")
        _SHAPED.setdefault((_r.method, len(_parts), _parts[1]), []).append((_r, _parts))


def strip_prefix(path: str) -> str:
    return path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path


def match(method: str, path: str) -> tuple[Route, str | None] | None:
    """The route serving ``method path`` (path relative to ``/api``) and its ``{id}``, or None."""
    static = _STATIC.get((method, path))
    if static is not None:
        return static, None
    head, _, tail = path.rpartition("/")
    if tail:
        trailing = _TRAILING_ID.get((method, head))
        if trailing is not None:
            return trailing, tail
    parts = path.split("/")
    if len(parts) < 2:
        return None
    for route, template in _SHAPED.get((method, len(parts), parts[1]), ()):
        found: str | None = None
        for part, want in zip(parts, template, strict=True):
            if want == "{id}":
                if not part:
                    break
                found = part
            elif part != want:
                break
        else:
            return route, found
    return None


def endpoint_of(method: str, path: str) -> str:
    """The endpoint key of a request, or ``METHOD path`` when no route knows it."""
    path = strip_prefix(path)
    found = match(method, path)
    return found[0].endpoint if found else f"{method} {path}"
