"""``bench calibrate --url``: time a live Immich as a lean client sees it, and write the latency profile it implies.

Read-only by default. Sequentially, on one keep-alive ``httpx.Client`` (what every modeled figure means: a request's
time end to end, its HTTP library included), ``repeat`` times each: ``GET /server/version``, ``/server/about``,
``/users/me``, ``/tags``, ``/albums``, ``/albums/{id}`` (as many albums as there are, up to ``repeat``),
``POST /search/metadata`` at sizes 25, 250 and 1000 with EXIF (a base and a per-item cost), ``POST /search/statistics``
and ``GET /assets/{id}`` for as many assets. Then, for one endpoint of each class the replay models under
concurrency (a read, a search, a list), ``1, 4, 16`` clients at once in a closed loop (``asyncio`` and one
``httpx.AsyncClient`` per level, the way ``shared/immich-api/latency.json`` was measured): the slowdown curve
``s(m) = T(m) / T(1)``, ``T(m) = m / throughput(m)``.

With ``writes=True`` (``--writes``) it also times tag writes on a scratch tag it creates, ``PUT /tags/assets`` with
new pairs (a base and a per-pair cost) and again with no new pair (``zero_ms``), and undoes them: the pairs removed,
the scratch tag deleted. Every endpoint it did not time comes from a named fallback profile and is listed as such.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.errors import HarnessError
from harness.library.recorded_timings import response_units
from harness.replay.concurrency import Slowdown, slowdowns
from harness.replay.latency import EndpointCost, LatencyProfile, fit

LEVELS = (1, 4, 16)
SEARCH_SIZES = (25, 250, 1000)  # a wide spread of page sizes: the per-item cost is a slope, not an extrapolation
SCRATCH_TAG = "autotag-bench-calibration"
Report = Callable[[str], None]


@dataclass
class Timings:
    """What was timed: milliseconds per endpoint and units, and throughput per class and level."""

    points: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    curves: dict[str, Slowdown] = field(default_factory=dict)

    def add(self, endpoint: str, units: int, ms: float) -> None:
        self.points.setdefault(endpoint, []).append((float(units), ms))


class LiveServer:
    """A live Immich behind one keep-alive client; each call returns its JSON and adds its time to ``timings``."""

    def __init__(self, http: httpx.Client, timings: Timings) -> None:
        self.http = http
        self.timings = timings

    def call(self, method: str, path: str, endpoint: str, body: Any = None) -> Any:
        """Send one request, time it end to end, and record it with the units the replay would count."""
        started = time.perf_counter()
        response = self.http.request(method, path, json=body)
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            raise HarnessError(f"calibrate: {method} /api{path} answered {response.status_code}: {response.text[:200]}")
        answer = response.json() if response.content else None
        self.timings.add(endpoint, response_units(answer), elapsed)
        return answer


def sequential(server: LiveServer, repeat: int, report: Report) -> dict[str, list[str]]:
    """Time the read-only endpoints one request at a time; returns the ids it found (albums, assets)."""
    for path in ("/server/version", "/server/about", "/users/me"):
        for _ in range(repeat):
            server.call("GET", path, f"GET {path}")
    for _ in range(repeat):
        tags = server.call("GET", "/tags", "GET /tags")
        albums = server.call("GET", "/albums", "GET /albums")
    report(f"{len(albums)} albums, {len(tags)} tags")
    album_ids = [album["id"] for album in albums][:repeat]
    for album_id in album_ids:
        server.call("GET", f"/albums/{album_id}", "GET /albums/{id}")
    asset_ids: list[str] = []
    for size in SEARCH_SIZES:
        for _ in range(repeat):
            page = server.call("POST", "/search/metadata", "POST /search/metadata", {"size": size, "withExif": True})
            asset_ids = asset_ids or [item["id"] for item in page["assets"]["items"]]
    for _ in range(repeat):
        server.call("POST", "/search/statistics", "POST /search/statistics", {})
    for asset_id in asset_ids[:repeat]:
        server.call("GET", f"/assets/{asset_id}", "GET /assets/{id}")
    report(f"timed {sum(len(p) for p in server.timings.points.values())} requests one at a time")
    return {"albums": album_ids, "assets": asset_ids}


def writes(server: LiveServer, assets: list[str], repeat: int) -> None:
    """Time tag writes on a scratch tag (new pairs, then no new pair) and undo them."""
    (tag,) = server.call("PUT", "/tags", "PUT /tags", {"tags": [SCRATCH_TAG]})
    chosen = assets[: max(repeat, 2)]
    try:
        body = {"tagIds": [tag["id"]], "assetIds": chosen}
        for count in (1, len(chosen)):
            batch = {"tagIds": [tag["id"]], "assetIds": chosen[:count]}
            server.call("PUT", "/tags/assets", "PUT /tags/assets", batch)
            server.call("DELETE", f"/tags/{tag['id']}/assets", "DELETE /tags/{id}/assets", {"ids": chosen[:count]})
        server.call("PUT", "/tags/assets", "PUT /tags/assets", body)
        for _ in range(repeat):
            server.call("PUT", "/tags/assets", "PUT /tags/assets (no-op)", body)
    finally:
        server.http.request("DELETE", f"/tags/{tag['id']}/assets", json={"ids": chosen})
        server.http.request("DELETE", f"/tags/{tag['id']}")


async def _throughput(
    base_url: str, headers: dict[str, str], request: tuple[str, str, Any], level: int, n: int
) -> float:
    """Requests per second with ``level`` clients at once, ``n`` requests in all."""
    method, path, body = request
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(n):
        queue.put_nowait(index)
    limits = httpx.Limits(max_connections=level, max_keepalive_connections=level)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=120) as http:
        await http.request(method, path, json=body)  # warm the connection

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                (await http.request(method, path, json=body)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(level)))
        return n / (time.perf_counter() - started)


def concurrency(
    base_url: str, headers: dict[str, str], found: dict[str, list[str]], n: int, report: Report
) -> dict[str, Slowdown]:
    """The slowdown curve of a read, a search and a list, measured at ``LEVELS``."""
    probes = {
        "read": ("GET", f"/assets/{found['assets'][0]}", None),
        "search": ("POST", "/search/metadata", {"size": 250, "withExif": True}),
        "list": ("GET", "/albums", None),
    }
    curves: dict[str, Slowdown] = {}
    for name, request in probes.items():
        rates = {
            level: asyncio.run(_throughput(base_url, headers, request, level, max(n, level * 4))) for level in LEVELS
        }
        time_at = {level: level / rate for level, rate in rates.items()}
        curves[name] = Slowdown(
            name, tuple((level, round(max(time_at[level] / time_at[1], 1.0), 4)) for level in LEVELS)
        )
        report(f"{name}: " + ", ".join(f"{rate:,.0f} req/s at {level}" for level, rate in rates.items()))
    return curves


def profile_of(timings: Timings, name: str, fallback: LatencyProfile, source: str) -> LatencyProfile:
    """The profile the timings imply, completed from ``fallback`` (each endpoint's source listed)."""
    costs: dict[str, EndpointCost] = {}
    sources: dict[str, str] = {}
    for endpoint, points in timings.points.items():
        if endpoint.endswith("(no-op)"):
            continue
        costs[endpoint] = (
            fit(points)
            if len({u for u, _ in points}) > 1
            else EndpointCost(round(statistics.median(ms for _, ms in points), 4))
        )
        sources[endpoint] = f"measured: {len(points)} requests to {source}"
    noop = timings.points.get("PUT /tags/assets (no-op)")
    if noop and "PUT /tags/assets" in costs:
        write = costs["PUT /tags/assets"]
        costs["PUT /tags/assets"] = EndpointCost(
            write.base_ms, write.per_item_ms, round(statistics.median(ms for _, ms in noop), 4)
        )
    for endpoint, cost in fallback.costs.items():
        if endpoint not in costs:
            costs[endpoint] = cost
            sources[endpoint] = f"fallback: {fallback.name}"
    curves = {**slowdowns(), **fallback.concurrency, **timings.curves}
    return LatencyProfile(name, costs, f"calibrated against {source}", curves, sources)
