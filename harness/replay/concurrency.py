"""How concurrent requests share the server: processor sharing on virtual time, with a measured slowdown curve.

A request's modeled latency ``L`` is what it takes alone. With ``m`` requests in flight (itself included), each
progresses at ``1 / s(m)`` of that speed, where ``s`` is its endpoint class's slowdown curve; when ``m`` changes (a
request arrives or completes), every request in flight continues at the new rate. A request that stays among ``m``
therefore takes ``L x s(m)``, and ``m`` of them complete ``m / (L x s(m))`` per second: the curve *is* the server's
throughput curve. Requests issued at the same virtual instant are treated alike whatever order they arrive in, so the
outcome does not depend on how a program's threads happen to be scheduled.

The curves (``SLOWDOWN``) are measured, not assumed: ``s(m) = T(m) / T(1)`` with ``T(m) = m / throughput(m)``, from
the real Immich 3.1.0 under 1, 4, 16 and 64 concurrent requests of one kind (``harness/data/immich-3.1.0-latency.json``,
``shared/immich-api/latency.md``), interpolated linearly between those points and extended along the last segment
beyond 64. Reads saturate near 16 in flight and fall at 64 (GET /assets/{id}: 223, 325, 395, 198 requests/s);
searches and lists saturate earlier; writes keep gaining up to 64. A request of one class is slowed by the total
number in flight, whatever their classes.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

Key = tuple[str, bytes, int]  # a request's path and query, body, and arrival number: ties are broken by it


@dataclass(frozen=True)
class Slowdown:
    """``s(m)`` as measured points ``(m, s)`` starting at ``(1, 1.0)``; linear between them and past the last."""

    name: str
    points: tuple[tuple[int, float], ...]
    _memo: dict[int, float] = field(default_factory=dict, compare=False, repr=False)

    def at(self, m: int) -> float:
        known = self._memo.get(m)
        if known is not None:
            return known
        if m <= 1 or len(self.points) < 2:
            value = 1.0
        else:
            ms = [p[0] for p in self.points]
            i = min(max(bisect.bisect_right(ms, m) - 1, 0), len(ms) - 2)
            (m0, s0), (m1, s1) = self.points[i], self.points[i + 1]
            value = max(1.0, s0 + (s1 - s0) * (m - m0) / (m1 - m0))
        self._memo[m] = value
        return value

    def to_json(self) -> list[list[float]]:
        return [[m, s] for m, s in self.points]


def _measured(case: str) -> Slowdown:
    cases = json.loads(resources.files("harness.data").joinpath("immich-3.1.0-latency.json").read_text())["cases"]
    rows = {int(c): row for c, row in cases[case].items() if isinstance(row, dict) and row.get("throughput_rps")}
    time = {m: m / float(row["throughput_rps"]) for m, row in sorted(rows.items())}
    return Slowdown(case, tuple((m, round(t / time[1], 4)) for m, t in time.items()))


@cache
def slowdowns() -> dict[str, Slowdown]:
    """The measured curve of each endpoint class."""
    return {
        "read": _measured("GET /assets/{id}"),
        "search": _measured("POST /search/metadata size=250 withExif"),
        "large search": _measured("POST /search/metadata size=1000 withExif"),
        "list": _measured("GET /albums"),
        "write": _measured("PUT /tags/assets ids=1 (new rows)"),
        "large write": _measured("PUT /tags/assets ids=100 (new rows)"),
        "no-op write": _measured("PUT /tags/assets ids=1000 (repeat, count 0)"),
    }


LISTS = frozenset({"GET /albums", "GET /tags", "GET /duplicates", "GET /users", "GET /server/statistics"})


def endpoint_class(endpoint: str, units: int) -> str:
    """The class whose measured curve a request follows: by method and path, and by what it carried."""
    method, path = endpoint.split(" ", 1)
    if path.startswith("/search/"):
        return "large search" if units > 500 else "search"
    if endpoint in LISTS:
        return "list"
    if method == "GET":
        return "read"
    if units <= 0:
        return "no-op write"
    return "large write" if units >= 50 else "write"


@dataclass
class _Flight:
    remaining: float  # seconds of work left at concurrency 1
    slowdown: Slowdown
    key: Key


@dataclass
class SharedServer:
    """Processor sharing on virtual time: ``admit`` requests, ask ``next_completion``, ``complete`` it."""

    now: float = 0.0
    _flights: dict[Key, _Flight] = field(default_factory=dict)

    @property
    def inflight(self) -> int:
        return len(self._flights)

    def admit(self, now: float, key: Key, seconds: float, slowdown: Slowdown) -> None:
        """A request of ``seconds`` alone arrives at ``now`` (not before the last event)."""
        self._advance(now)
        self._flights[key] = _Flight(seconds, slowdown, key)

    def next_completion(self) -> tuple[float, Key] | None:
        """When the next request completes if nothing else arrives, and which; ties by key."""
        if not self._flights:
            return None
        m = len(self._flights)
        return min((self.now + f.remaining * f.slowdown.at(m), f.key) for f in self._flights.values())

    def complete(self, now: float, key: Key) -> None:
        """``key`` completes at ``now``: the others advance to ``now`` at the rate they had."""
        self._advance(now)
        del self._flights[key]

    def _advance(self, now: float) -> None:
        elapsed = now - self.now
        if elapsed > 0 and self._flights:
            m = len(self._flights)
            for flight in self._flights.values():
                flight.remaining = max(0.0, flight.remaining - elapsed / flight.slowdown.at(m))
        self.now = max(self.now, now)
