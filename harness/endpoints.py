"""Endpoint keys: a concrete request -> the OpenAPI method and path template without ``/api`` (``GET /assets/{id}``).

``Router`` matches paths against a set of templates by lookup rather than by trying each template's regex: static
paths by (method, path), templates ending in one parameter by (method, the path before it), the rest by (method,
segment count, first segment). Each ``Route`` keeps its regex as the oracle the tests compare with.

``IMMICH`` knows every endpoint of the Immich OpenAPI specs the harness ships (3.1.0 and 2.7.5), so a cassette
or a profile names any request the way the specs do; the replay builds its own, smaller router from the endpoints
it serves (``harness.replay.routes``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

UUID_V4 = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
API_PREFIX = "/api"
PARAM = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Route:
    """One endpoint: its method and path template, and the template's regex (the tests' oracle)."""

    method: str
    template: str
    pattern: re.Pattern[str]

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.template}"

    @classmethod
    def of(cls, endpoint: str) -> Route:
        """``Route.of("GET /assets/{id}")``; every ``{name}`` matches one non-empty path segment."""
        method, template = endpoint.split(" ", 1)
        regex = "^" + PARAM.sub(lambda m: f"(?P<{m.group(0)[1:-1]}>[^/]+)", template.replace(".", r"\.")) + "$"
        return cls(method, template, re.compile(regex))


Match = tuple[Route, tuple[str, ...]]


class Router:
    """Finds the route of ``method path`` (path relative to ``/api``) and its parameter values, in path order."""

    def __init__(self, endpoints: Iterable[str]) -> None:
        self.routes: tuple[Route, ...] = tuple(Route.of(e) for e in dict.fromkeys(endpoints))
        self._static: dict[tuple[str, str], Route] = {}
        self._trailing: dict[tuple[str, str], Route] = {}
        self._shaped: dict[tuple[str, int, str], list[tuple[Route, list[str]]]] = {}
        for route in self.routes:
            params = PARAM.findall(route.template)
            head, _, tail = route.template.rpartition("/")
            if not params:
                self._static.setdefault((route.method, route.template), route)
            elif len(params) == 1 and PARAM.fullmatch(tail):
                self._trailing.setdefault((route.method, head), route)
            else:
                parts = route.template.split("/")
                self._shaped.setdefault((route.method, len(parts), parts[1]), []).append((route, parts))

    def match(self, method: str, path: str) -> Match | None:
        """The route of ``method path`` and its parameter values, or None."""
        static = self._static.get((method, path))
        if static is not None:
            return static, ()
        head, _, tail = path.rpartition("/")
        if tail:
            trailing = self._trailing.get((method, head))
            if trailing is not None:
                return trailing, (tail,)
        parts = path.split("/")
        if len(parts) < 2:
            return None
        for route, template in self._shaped.get((method, len(parts), parts[1]), ()):
            values: list[str] = []
            for part, want in zip(parts, template, strict=True):
                if PARAM.fullmatch(want):
                    if not part:
                        break
                    values.append(part)
                elif part != want:
                    break
            else:
                return route, tuple(values)
        return None

    def endpoint_of(self, method: str, path: str) -> str:
        """The endpoint key of a request, or ``METHOD path`` when no route knows it."""
        path = strip_prefix(path)
        found = self.match(method, path)
        return found[0].endpoint if found else f"{method} {path}"


def strip_prefix(path: str) -> str:
    """The path without the ``/api`` prefix."""
    return path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path


@cache
def operations() -> dict[str, str]:
    """operationId (snake case, as openapi-python-client names its modules) -> endpoint key, both specs."""
    data: dict[str, str] = json.loads(resources.files("harness.data").joinpath("operations.json").read_text())
    return data


@cache
def immich() -> Router:
    """A router over every endpoint of the shipped Immich specs."""
    return Router(sorted(set(operations().values())))


def endpoint_of(method: str, path: str) -> str:
    """The spec's endpoint key of a request (``GET /api/assets/x`` -> ``GET /assets/{id}``)."""
    return immich().endpoint_of(method, path)
