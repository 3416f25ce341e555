"""Latency models: how many modeled seconds each request takes.

A request's latency is, in order of preference:

1. the recorded duration of the identical request, when the cassette carries durations (``duration_ms`` per
   interaction, or a ``<name>.timings.json`` sidecar with ``net_ms`` rows), unless the served Immich version answers
   that endpoint with another body than the recorded one (``reshaped``: album reads across majors, see below);
2. the endpoint's cost ``base_ms + per_item_ms * units`` from the active profile, where ``units`` is what the
   response carried (items of a search page, pairs a write really changed, members a 2.x album embeds). For a
   recorded cassette the profile is fitted to its own durations (least squares on units), and endpoints it never
   recorded (writes, in a crawl) come from the fallback profile;
3. nothing: a profile that lacks an endpoint a run needs is an error naming that endpoint, never a guess.

Shipped profiles:

- ``seed-2026-01``: the reference run's per-endpoint means (``seed-profiles/jenkins-26562-assets.stats``, DESIGN 7
  and ``reference/immich-autotag.md`` 6.1): POST /albums 76 ms, GET /server/statistics 960 ms, PUT /assets/{id}
  190.5 ms, album add 281.5 ms, users/me 10 ms. Per-item terms are the loopback ones below, so a 1-id write still
  costs the reference mean. GET /duplicates: 35.54 s for the 161,317 assets of its 51,399 groups, i.e. 10 ms +
  0.2203 ms per asset listed. Estimates where the reference has no figure: GET /users as users/me (10 ms),
  DELETE /tags/{id} as POST /tags (5 ms), DELETE /albums/{id} and PUT /albums/{id}/users as POST /albums (76 ms).
- ``immich-3.1-loopback``: fitted to ``immich-api/latency.json`` (real Immich 3.1.0 on loopback, concurrency 1).
  Tag writes: 14.3 ms + 6.23 ms per newly tagged asset (fit over 1, 100 and 1000 ids, relative error);
  search: 17.2 ms + 0.0273 ms per item (fit over size 250 and 1000). How requests in flight share the server
  is ``harness.replay.concurrency``'s measured curves. Endpoints that file does not measure are honest estimates
  from the nearest measured one: album writes (create, bulk add, delete, share) and asset updates as a tag write (a row
  write that queues a sidecar job), per member or asset as its per-asset term; GET /duplicates as a search (one
  aggregating query, per asset listed as a search item with EXIF, times the 2.x/3.x size ratio below);
  GET /server/statistics as GET /albums (the measured aggregate over the library, 9.9 ms); GET /users as
  users/me; DELETE /tags/{id} as POST /tags.

Album reads and the served version (``GET /albums/{id}``): a 3.x answer holds the album alone and counts one unit;
a 2.x answer embeds every member and counts one unit per member. The cost is ``base + per_item * units`` with
``base + per_item`` equal to the profile's former flat figure, so every 3.1 figure is what it was:

- seed: per member 0.1215 ms, from the reference's two facts about 2.x album reads (its mean, 241.4 ms over 3,377
  reads embedding 288,686 members, i.e. 85.5 each; its 101,000-member album, 12.5 s): (12,500 - 241.4) /
  (101,000 - 85.5). With 3.1's unit kept at 241.4 ms, a 2.x read of the reference's mean size models 251.7 ms,
  4 % above its measured mean: the price of leaving the 3.1 figures untouched.
- loopback: per member the search's per-item cost (0.0273 ms per 3.1 item with EXIF) times the size of a 2.x
  embedded member over a 3.1 search item (1,366.7 / 1,287.3 bytes on the shipped cassette: ``V2_ITEM_SIZE``),
  0.029 ms; base 5.0 ms minus that (the recorded 3.1 album read).

A cassette recorded from one major and served as the other never uses its recorded album-read durations
(``reshaped``): the embedded members change what the answer costs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import LatencyError
from harness.library.recorded_timings import Recorded
from harness.replay.concurrency import Slowdown, endpoint_class, slowdowns


@dataclass(frozen=True)
class EndpointCost:
    """``base_ms + per_item_ms * units`` milliseconds for one request."""

    base_ms: float
    per_item_ms: float = 0.0

    def ms(self, units: int) -> float:
        return self.base_ms + self.per_item_ms * max(units, 0)


@dataclass
class LatencyProfile:
    """Named per-endpoint costs, and the slowdown curve of each endpoint class under concurrency (the measured
    curves of ``harness.replay.concurrency`` unless the profile carries its own, as ``bench calibrate --url``
    writes)."""

    name: str
    costs: dict[str, EndpointCost]
    description: str = ""
    concurrency: dict[str, Slowdown] = field(default_factory=lambda: dict(slowdowns()))

    def cost(self, endpoint: str) -> EndpointCost | None:
        """The cost of ``endpoint``, or None when the profile lacks it."""
        return self.costs.get(endpoint)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "autotag-bench/latency/1",
            "name": self.name,
            "description": self.description,
            "endpoints": {e: {"base_ms": c.base_ms, "per_item_ms": c.per_item_ms} for e, c in self.costs.items()},
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
                    costs[endpoint] = EndpointCost(float(spec["base_ms"]), float(spec.get("per_item_ms", 0.0)))
            except (KeyError, TypeError, ValueError):
                raise LatencyError(
                    f"{source}: endpoint {endpoint!r} needs a number or {{base_ms, per_item_ms}}"
                ) from None
        return cls(str(data.get("name", source)), costs, str(data.get("description", "")), _curves(data, source))


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


def _tag_writes(base: float, per_item: float) -> dict[str, EndpointCost]:
    return {
        "PUT /tags/{id}/assets": EndpointCost(base, per_item),
        "DELETE /tags/{id}/assets": EndpointCost(base, per_item),
        "PUT /tags/assets": EndpointCost(base, per_item),
    }


def _fit(points: list[tuple[float, float]], relative: bool = False) -> EndpointCost:
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


V2_ITEM_SIZE = 1366.7 / 1287.3  # mean bytes: a 2.x embedded album member / a 3.1 search item with EXIF (3k cassette)
SEED_ALBUM_MEMBER_MS = round((12_500 - 241.4) / (101_000 - 288_686 / 3_377), 4)  # reference: 2.x album reads
SEED_DUPLICATE_ASSET_MS = round((35_540 - 10) / 161_317, 5)  # reference: GET /duplicates, 161,317 assets listed


def per_member(flat_ms: float, member_ms: float) -> EndpointCost:
    """An album read whose one 3.x unit costs ``flat_ms`` and whose 2.x answer adds ``member_ms`` per member."""
    return EndpointCost(round(flat_ms - member_ms, 6), member_ms)


def loopback_profile() -> LatencyProfile:
    """Fit the shipped real measurements (``harness/data/immich-3.1.0-latency.json``) at concurrency 1."""
    raw = json.loads(resources.files("harness.data").joinpath("immich-3.1.0-latency.json").read_text())
    cases = raw["cases"]

    def mean(case: str) -> float:
        return float(cases[case]["1"]["mean_ms"])

    search = _fit(
        [
            (250, mean("POST /search/metadata size=250 withExif")),
            (1000, mean("POST /search/metadata size=1000 withExif")),
        ]
    )
    writes = _fit([(n, mean(f"PUT /tags/assets ids={n} (new rows)")) for n in (1, 100, 1000)], relative=True)
    member = round(search.per_item_ms * V2_ITEM_SIZE, 6)
    costs = {
        "GET /assets/{id}": EndpointCost(mean("GET /assets/{id}")),
        "POST /search/metadata": search,
        "POST /search/statistics": EndpointCost(search.base_ms),
        "GET /albums": EndpointCost(mean("GET /albums")),
        # Not in latency.json; from the crawl cassette's recorded timings (README of shared/cassettes).
        "GET /albums/{id}": per_member(5.0, member),
        "GET /tags": EndpointCost(4.9),
        "GET /tags/{id}": EndpointCost(4.0),
        "PUT /tags": EndpointCost(10.0),
        "POST /tags": EndpointCost(10.0),
        "GET /server/version": EndpointCost(3.3),
        "GET /server/ping": EndpointCost(3.3),
        "GET /server/about": EndpointCost(5.0),
        "GET /users/me": EndpointCost(5.2),
        "PUT /albums/{id}/assets": writes,
        "DELETE /albums/{id}/assets": writes,
        **_tag_writes(writes.base_ms, writes.per_item_ms),
        # Estimates from the nearest measured endpoint (module docstring).
        "GET /users": EndpointCost(5.2),
        "GET /server/statistics": EndpointCost(mean("GET /albums")),
        "GET /duplicates": EndpointCost(search.base_ms, member),
        "DELETE /tags/{id}": EndpointCost(10.0),
        "POST /albums": writes,
        "PUT /albums/assets": writes,
        "DELETE /albums/{id}": EndpointCost(writes.base_ms),
        "PUT /albums/{id}/users": EndpointCost(writes.base_ms),
        "PUT /assets/{id}": EndpointCost(writes.ms(1)),
        "PUT /assets": writes,
    }
    return LatencyProfile(
        "immich-3.1-loopback",
        costs,
        "real Immich 3.1.0 on loopback, concurrency 1 (shared/immich-api/latency.json)",
    )


def seed_profile() -> LatencyProfile:
    """The reference run's per-endpoint means (DESIGN section 7), per-item shape from the loopback fit."""
    loop = loopback_profile()
    search_loop = loop.costs["POST /search/metadata"]
    scale = 66.9 / search_loop.ms(250)
    write_item = loop.costs["PUT /tags/assets"].per_item_ms
    costs = {
        "GET /assets/{id}": EndpointCost(36.8),
        "POST /search/metadata": EndpointCost(search_loop.base_ms * scale, search_loop.per_item_ms * scale),
        "POST /search/statistics": EndpointCost(search_loop.base_ms * scale),
        "GET /albums/{id}": per_member(241.4, SEED_ALBUM_MEMBER_MS),
        "GET /albums": EndpointCost(3790.0),
        "GET /tags": EndpointCost(83.0),
        "GET /tags/{id}": EndpointCost(10.0),
        "PUT /tags": EndpointCost(83.0),
        "POST /tags": EndpointCost(5.0),
        "GET /server/version": EndpointCost(10.0),
        "GET /server/ping": EndpointCost(10.0),
        "GET /server/about": EndpointCost(10.0),
        "GET /users/me": EndpointCost(10.0),
        "PUT /tags/{id}/assets": EndpointCost(149.5 - write_item, write_item),
        "PUT /tags/assets": EndpointCost(149.5 - write_item, write_item),
        "DELETE /tags/{id}/assets": EndpointCost(200.5 - write_item, write_item),
        "PUT /albums/{id}/assets": EndpointCost(281.5 - write_item, write_item),
        "DELETE /albums/{id}/assets": EndpointCost(281.5 - write_item, write_item),
        "PUT /assets/{id}": EndpointCost(190.5),
        "PUT /assets": EndpointCost(190.5 - write_item, write_item),
        "PUT /albums/assets": EndpointCost(281.5 - write_item, write_item),
        "POST /albums": EndpointCost(76.0, write_item),
        "GET /server/statistics": EndpointCost(960.0),
        "GET /duplicates": EndpointCost(10.0, SEED_DUPLICATE_ASSET_MS),
        # Estimates: the reference has no figure for these (module docstring).
        "GET /users": EndpointCost(10.0),
        "DELETE /tags/{id}": EndpointCost(5.0),
        "DELETE /albums/{id}": EndpointCost(76.0),
        "PUT /albums/{id}/users": EndpointCost(76.0),
    }
    return LatencyProfile(
        "seed-2026-01",
        costs,
        "reference run, 26,562 assets, Jenkins, Jan 2026 (seed-profiles/jenkins-26562-assets.stats)",
    )


PROFILES = {"seed-2026-01": seed_profile, "immich-3.1-loopback": loopback_profile}


def load_profile(name_or_path: str) -> LatencyProfile:
    """A shipped profile by name, or a profile JSON file (as ``bench calibrate`` writes)."""
    if name_or_path in PROFILES:
        return PROFILES[name_or_path]()
    path = Path(name_or_path)
    if not path.is_file():
        raise LatencyError(
            f"unknown latency profile {name_or_path!r}: not a file, and not one of {', '.join(PROFILES)}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LatencyError(f"{path}: not a JSON latency profile ({exc})") from None
    return LatencyProfile.from_json(data, str(path))


class LatencyModel:
    """Turns (request key, endpoint, units) into modeled seconds; see the module docstring for the order."""

    def __init__(
        self, profile: LatencyProfile, recorded: Recorded | None = None, fallback: LatencyProfile | None = None
    ) -> None:
        self.profile = profile
        self.recorded = recorded or Recorded()
        self.fallback = fallback
        self.name = profile.name if fallback is None else f"{profile.name} + {fallback.name}"
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
        name, {e: _fit(p) for e, p in recorded.points.items()}, description="fitted to recorded durations"
    )


def model_for(latency: str | None, recorded: Recorded, reshaped: Iterable[str] = ()) -> LatencyModel:
    """The latency model of a run: ``--latency`` when given; otherwise the cassette's recorded durations (but none
    of the ``reshaped`` endpoints, which the served version answers differently) with ``immich-3.1-loopback`` for
    what it never recorded; otherwise (a synthetic library) ``seed-2026-01``."""
    if latency is not None:
        return LatencyModel(load_profile(latency))
    recorded = recorded.without(frozenset(reshaped))
    if recorded:
        return LatencyModel(fitted_profile(recorded), recorded, fallback=loopback_profile())
    return LatencyModel(load_profile("seed-2026-01"))
