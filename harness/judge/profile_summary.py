"""A cProfile summary (``bench stats``): any cProfile file read the way the reference team read theirs by hand:
time per Immich endpoint, socket share, top functions; and turn it into a latency profile (``bench calibrate``).

Endpoints are recognised from the reference tool's generated client
(``immich_client/api/<group>/<operation>.py(sync_detailed)``, operation -> endpoint through the OpenAPI specs'
operationIds) and from this project's client (``autotag/client.py`` methods). An endpoint's time is the
cumulative time of that function, so it includes parsing the response, as the reference team measured it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from autotag import METHOD_ENDPOINTS, ImmichClient
from harness.endpoints import operations
from harness.judge.pstats_rows import load_stats, rows
from harness.replay.latency import EndpointCost, LatencyProfile

GENERATED = re.compile(r"immich_client/api/[^/]+/(?P<op>[a-z0-9_]+)\.py$")
SOCKET_READS = re.compile(r"<method '(recv|recv_into|read)' of '(_socket\.socket|_ssl\._SSLSocket)' objects>")


@dataclass
class StatsSummary:
    """A cProfile file's time per Immich endpoint, socket reads and top functions."""

    path: str
    total_s: float
    endpoints: pd.DataFrame  # endpoint, calls, seconds, ms_per_call, share_pct
    socket_calls: int
    socket_s: float
    top_cumulative: pd.DataFrame
    top_own: pd.DataFrame

    @property
    def socket_share_pct(self) -> float:
        return 100.0 * self.socket_s / self.total_s if self.total_s else 0.0

    @property
    def requests(self) -> int:
        return int(self.endpoints["calls"].sum()) if len(self.endpoints) else 0


def _client_methods() -> dict[tuple[int, str], str]:
    """(first line, name) of each ImmichClient endpoint method: ``Calls`` in the same file has namesakes."""
    return {
        (getattr(ImmichClient, name).__code__.co_firstlineno, name): endpoint
        for name, endpoint in METHOD_ENDPOINTS.items()
    }


CLIENT_METHODS = _client_methods()


def endpoint_of(file: str, line: int, func: str, ops: dict[str, str]) -> str | None:
    """The Immich endpoint a profiled function calls, or None when it calls none."""
    path = file.replace("\\", "/")
    generated = GENERATED.search(path)
    if generated and func == "sync_detailed":
        return ops.get(generated.group("op"), f"? {generated.group('op')}")
    if path.endswith("autotag/client.py"):
        return CLIENT_METHODS.get((line, func))
    return None


def summarize(path: Path, top: int = 15) -> StatsSummary:
    """Time per Immich endpoint, socket reads and the top functions of the cProfile file at ``path``."""
    stats = load_stats(path)
    ops = operations()
    table: dict[str, list[float]] = {}
    socket_calls, socket_s = 0, 0.0
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        endpoint = endpoint_of(file, line, func, ops)
        if endpoint is not None:
            calls, seconds = table.get(endpoint, [0, 0.0])
            table[endpoint] = [calls + nc, seconds + ct]
        elif file == "~" and SOCKET_READS.match(func):
            socket_calls += nc
            socket_s += tt
    total = float(stats.total_tt)  # type: ignore[attr-defined]
    endpoints = pd.DataFrame.from_records(
        [
            {
                "endpoint": e,
                "calls": int(c),
                "seconds": s,
                "ms_per_call": 1000 * s / c if c else 0.0,
                "share_pct": 100 * s / total if total else 0.0,
            }
            for e, (c, s) in table.items()
        ],
        columns=["endpoint", "calls", "seconds", "ms_per_call", "share_pct"],
    ).sort_values("seconds", ascending=False, ignore_index=True)
    functions = rows(stats)
    return StatsSummary(
        path=str(path),
        total_s=total,
        endpoints=endpoints,
        socket_calls=socket_calls,
        socket_s=socket_s,
        top_cumulative=functions.sort_values("cumtime", ascending=False).head(top).reset_index(drop=True),
        top_own=functions.sort_values("tottime", ascending=False).head(top).reset_index(drop=True),
    )


def calibrate(summary: StatsSummary, name: str, fallback: LatencyProfile) -> LatencyProfile:
    """A latency profile with each endpoint's mean time per call in the profile, and every endpoint the profile
    does not show from ``fallback``: usable as it is, each endpoint's source listed (``sources``)."""
    records = [r for r in summary.endpoints.to_dict(orient="records") if not str(r["endpoint"]).startswith("?")]
    costs = {str(r["endpoint"]): EndpointCost(round(float(r["ms_per_call"]), 4)) for r in records}
    sources = {str(r["endpoint"]): f"measured: {int(r['calls']):,} calls in {summary.path}" for r in records}
    for endpoint, cost in fallback.costs.items():
        if endpoint not in costs:
            costs[endpoint], sources[endpoint] = cost, f"fallback: {fallback.name}"
    description = f"calibrated from {summary.path} (mean per endpoint), the rest from {fallback.name}"
    return LatencyProfile(name, costs, description, dict(fallback.concurrency), sources)
