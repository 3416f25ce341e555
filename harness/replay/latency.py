"""Latency models: how many modeled seconds each request takes, and the profiles they come from.

A request's latency means what a lean client on a keep-alive connection waits for it, end to end (its HTTP
library's own work included; the tagger's CPU beyond that is measured and reported beside). It is, in order of
preference:

1. the recorded duration of the identical request, when the cassette carries durations (``duration_ms`` per
   interaction, or a ``<name>.timings.json`` sidecar with ``net_ms`` rows), less what a recording carries beyond
   that (``harness.replay.latency_profiles.RECORDING_SURPLUS_MS``), unless the served Immich version answers that
   endpoint with another body than the recorded one (``reshaped``: album reads across majors);
2. the endpoint's cost ``base_ms + per_item_ms * units`` from the active profile (``zero_ms`` instead when a write
   changed nothing), where ``units`` is what the response carried (items of a search page, pairs a write really
   changed, members a 2.x album embeds). For a recorded cassette the profile is fitted to its own durations (least
   squares on units), and endpoints it never recorded (writes, in a crawl) come from the fallback profile;
3. nothing: a profile that lacks an endpoint a run needs is an error naming that endpoint, never a guess.

How concurrent requests share the server is each profile's ``concurrency`` curves (``harness.replay.concurrency``).
The shipped profiles and how they were made: ``harness.replay.latency_profiles``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.errors import LatencyError
from harness.library.recorded_timings import Recorded
from harness.replay.concurrency import Slowdown, endpoint_class, slowdowns


@dataclass(frozen=True)
class EndpointCost:
    """``base_ms + per_item_ms * units`` milliseconds for one request; ``zero_ms`` instead, when given, for a
    request that carried nothing (a write that changed no pair: measured at about half a write's base)."""

    base_ms: float
    per_item_ms: float = 0.0
    zero_ms: float | None = None

    def ms(self, units: int) -> float:
        if units <= 0 and self.zero_ms is not None:
            return self.zero_ms
        return self.base_ms + self.per_item_ms * max(units, 0)

    def to_json(self) -> dict[str, float]:
        data = {"base_ms": self.base_ms, "per_item_ms": self.per_item_ms}
        return data if self.zero_ms is None else {**data, "zero_ms": self.zero_ms}


@dataclass
class LatencyProfile:
    """Named per-endpoint costs, and the slowdown curve of each endpoint class under concurrency (the measured
    curves of ``harness.replay.concurrency`` unless the profile carries its own, as ``bench calibrate --url``
    writes)."""

    name: str
    costs: dict[str, EndpointCost]
    description: str = ""
    concurrency: dict[str, Slowdown] = field(default_factory=lambda: dict(slowdowns()))
    sources: dict[str, str] = field(default_factory=dict)  # endpoint -> where its cost comes from, when mixed

    def cost(self, endpoint: str) -> EndpointCost | None:
        """The cost of ``endpoint``, or None when the profile lacks it."""
        return self.costs.get(endpoint)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "autotag-bench/latency/1",
            "name": self.name,
            "description": self.description,
            "endpoints": {e: c.to_json() for e, c in self.costs.items()},
            "sources": self.sources,
            "concurrency": {name: curve.to_json() for name, curve in self.concurrency.items()},
        }

    @classmethod
    def from_json(cls, data: Any, source: str) -> LatencyProfile:
        if not isinstance(data, dict) or not isinstance(data.get("endpoints"), dict):
            raise LatencyError(f"{source}: not a latency profile (expected an 'endpoints' mapping)")
        costs = {}
        for endpoint, spec in data["endpoints"].items():
            try:
                if isinstance(spec, int | float):
                    costs[endpoint] = EndpointCost(float(spec))
                else:
                    zero = spec.get("zero_ms")
                    costs[endpoint] = EndpointCost(
                        float(spec["base_ms"]),
                        float(spec.get("per_item_ms", 0.0)),
                        None if zero is None else float(zero),
                    )
            except (KeyError, TypeError, ValueError):
                raise LatencyError(
                    f"{source}: endpoint {endpoint!r} needs a number or {{base_ms, per_item_ms}}"
                ) from None
        sources = data.get("sources") or {}
        if not isinstance(sources, dict):
            raise LatencyError(f"{source}: 'sources' must map endpoints to where their cost comes from")
        name, description = str(data.get("name", source)), str(data.get("description", ""))
        return cls(name, costs, description, _curves(data, source), {str(k): str(v) for k, v in sources.items()})


def _curves(data: dict[str, Any], source: str) -> dict[str, Slowdown]:
    """A profile's own slowdown curves (``concurrency``: class -> [[m, s], ...]), over the shipped ones."""
    curves = dict(slowdowns())
    given = data.get("concurrency", {})
    if not isinstance(given, dict):
        raise LatencyError(f"{source}: 'concurrency' must map endpoint classes to [[m, s], ...] points")
    for name, points in given.items():
        try:
            pairs = tuple((int(m), float(s)) for m, s in points)
        except (TypeError, ValueError):
            raise LatencyError(f"{source}: concurrency curve {name!r} needs [[m, s], ...] points") from None
        if name not in curves or not pairs or pairs[0] != (1, 1.0) or any(s < 1 for _m, s in pairs):
            raise LatencyError(
                f"{source}: concurrency curve {name!r}: a class of {', '.join(curves)}, starting at [1, 1.0]"
            )
        curves[name] = Slowdown(name, pairs)
    return curves


def fit(points: list[tuple[float, float]], relative: bool = False) -> EndpointCost:
    """Least-squares ``ms = base + per_item * units`` over (units, ms); a flat mean when units do not vary.

    ``relative`` weighs each point by 1/ms², minimising relative rather than absolute error, so that a fit over
    1, 100 and 1000 ids is right for the 1-id request too, not only for the 1000-id one."""
    weights = [1.0 / (ms * ms) if relative and ms > 0 else 1.0 for _, ms in points]
    total = sum(weights)
    mean_u = sum(w * u for w, (u, _) in zip(weights, points, strict=True)) / total
    mean_ms = sum(w * ms for w, (_, ms) in zip(weights, points, strict=True)) / total
    var = sum(w * (u - mean_u) ** 2 for w, (u, _) in zip(weights, points, strict=True))
    if var == 0:
        return EndpointCost(round(mean_ms, 4))
    slope = sum(w * (u - mean_u) * (ms - mean_ms) for w, (u, ms) in zip(weights, points, strict=True)) / var
    slope = max(slope, 0.0)
    return EndpointCost(round(max(mean_ms - slope * mean_u, 0.0), 4), round(slope, 6))


class LatencyModel:
    """Turns (request key, endpoint, units) into modeled seconds; see the module docstring for the order."""

    def __init__(
        self,
        profile: LatencyProfile,
        recorded: Recorded | None = None,
        fallback: LatencyProfile | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        self.profile = profile
        self.recorded = recorded or Recorded()
        self.fallback = fallback
        self.name = profile.name if fallback is None else f"{profile.name} + {fallback.name}"
        self.source = {"name": self.name, **(source or {"profile": profile.name})}  # stored in each RunResult
        self._modeled: dict[tuple[str, int], float] = {}  # (endpoint, units) -> seconds: the same every time

    def slowdown(self, endpoint: str, units: int) -> Slowdown:
        """The curve a request of ``endpoint`` carrying ``units`` follows under concurrency."""
        return (self.fallback or self.profile).concurrency[endpoint_class(endpoint, units)]

    def seconds(self, key: str, endpoint: str, units: int) -> float:
        """Modeled seconds of one request: its recorded duration, else its endpoint's cost for ``units``."""
        if key:
            exact = self.recorded.exact.get(key)
            if exact is not None:
                return exact / 1000.0
        known = self._modeled.get((endpoint, units))
        if known is not None:
            return known
        self._modeled[(endpoint, units)] = seconds = self._from_profile(endpoint, units)
        return seconds

    def _from_profile(self, endpoint: str, units: int) -> float:
        cost = self.profile.cost(endpoint) or (self.fallback.cost(endpoint) if self.fallback else None)
        if cost is None:
            raise LatencyError(
                f"latency profile {self.name!r} has no entry for {endpoint}, which this run sends; "
                "add it to the profile (or use a shipped profile)"
            )
        return cost.ms(units) / 1000.0


def fitted_profile(recorded: Recorded, name: str = "recorded") -> LatencyProfile:
    """A profile fitted to a cassette's recorded durations, per endpoint (least squares on units)."""
    return LatencyProfile(
        name, {e: fit(p) for e, p in recorded.points.items()}, description="fitted to recorded durations"
    )
