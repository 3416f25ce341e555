"""Durations a cassette recorded: exact per request, and per endpoint as (units, ms) points for fitting.

``request_key`` is a request's identity for exact matching (method, path, query, canonical JSON body);
``response_units`` is what a response carried, counted as the replay counts it (items, changed pairs, embedded
album members, or 1).
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from harness.endpoints import endpoint_of


@dataclass
class Recorded:
    """Durations from a cassette: exact per request, and per endpoint as (units, ms) points."""

    exact: dict[str, float] = field(default_factory=dict)
    points: defaultdict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: str, endpoint: str, units: int, ms: float) -> None:
        self.exact.setdefault(key, ms)
        self.points[endpoint].append((float(units), ms))

    def __bool__(self) -> bool:
        return bool(self.exact)

    def shifted(self, ms: float, floor: float) -> Recorded:
        """These durations moved by ``ms`` (never below ``floor``)."""
        moved = Recorded()
        moved.exact = {key: max(value + ms, floor) for key, value in self.exact.items()}
        for endpoint, points in self.points.items():
            moved.points[endpoint] = [(units, max(value + ms, floor)) for units, value in points]
        return moved

    def without(self, endpoints: frozenset[str]) -> Recorded:
        """These durations without those of ``endpoints`` (itself when there are none to drop)."""
        if not endpoints or not endpoints & set(self.points):
            return self
        kept = Recorded()
        for key, ms in self.exact.items():
            method, rest = key.split(" ", 1)
            if endpoint_of(method, rest.split("?", 1)[0]) not in endpoints:
                kept.exact[key] = ms
        for endpoint, points in self.points.items():
            if endpoint not in endpoints:
                kept.points[endpoint] = list(points)
        return kept


def request_key(method: str, path: str, query: str, body: str | bytes) -> str:
    """The identity of a request for exact latency matching: method, path, query and canonical JSON body."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if text:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    return f"{method} {path}?{query} {text}"


def response_units(body: Any) -> int:
    """What a response carried, as the replay counts it: items, changed pairs, or 1."""
    if isinstance(body, list):
        if body and isinstance(body[0], dict) and "success" in body[0]:
            return sum(1 for item in body if item.get("success"))
        return len(body)
    if isinstance(body, dict):
        if isinstance(body.get("assets"), dict):
            return len(body["assets"].get("items", ()))
        if isinstance(body.get("assets"), list) and "albumName" in body:  # a 2.x album embedding its members
            return len(body["assets"])
        if isinstance(body.get("count"), int) and len(body) == 1:
            return int(body["count"])
    return 1
