"""Budgets on a run's exact metrics, to assert in a test (what ``pytest-benchmark`` cannot: its fail rules see only
wall time, which moves run to run). A budget is deterministic on a replay: it passes or fails the same way on every
run and every machine.

    from harness import Budget

    Budget(per_asset={"GET /assets/{id}": 1}, modeled_wall_s=60).check(immich_replay.result())

``check`` raises ``BudgetExceeded`` (an ``AssertionError``, so pytest reports it as a failed assertion) with one line
per breach; ``breaches`` returns those lines. Endpoint keys are the spec's (``GET /assets/{id}``); a key that is
not one is refused when the budget is made, with the nearest real keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.endpoints import operations
from harness.measure.result import RunResult


class BudgetExceeded(AssertionError):
    """A run went over its budget; the message has one line per breach."""


@dataclass(frozen=True)
class Budget:
    """At most ``per_asset[endpoint]`` requests per asset of the library, ``requests[endpoint]`` requests in all,
    ``total_requests`` requests to all endpoints, and ``modeled_wall_s`` modeled seconds."""

    per_asset: Mapping[str, float] = field(default_factory=dict)
    requests: Mapping[str, int] = field(default_factory=dict)
    total_requests: int | None = None
    modeled_wall_s: float | None = None

    def __post_init__(self) -> None:
        known = set(operations().values())
        for endpoint in [*self.per_asset, *self.requests]:
            if endpoint not in known:
                near = difflib.get_close_matches(endpoint, sorted(known), n=3)
                hint = f"; did you mean {', '.join(near)}?" if near else " (write METHOD /path/{id}, without /api)"
                raise ValueError(f"unknown endpoint {endpoint!r} in a budget{hint}")

    def breaches(self, result: RunResult) -> list[str]:
        """What ``result`` spent beyond this budget, one line each (empty: within budget)."""
        found = []
        assets = int(result.workload.get("assets") or 0)
        for endpoint, allowed in self.per_asset.items():
            spent = requests_per_asset(result, endpoint)
            if spent > allowed:
                count = result.by_endpoint.get(endpoint, 0)
                found.append(
                    f"{endpoint}: {count:,} requests for {assets:,} assets = {spent:.3f} per asset, "
                    f"budget {allowed:g} per asset"
                )
        for endpoint, allowed_count in self.requests.items():
            count = result.by_endpoint.get(endpoint, 0)
            if count > allowed_count:
                found.append(f"{endpoint}: {count:,} requests, budget {allowed_count:,}")
        if self.total_requests is not None and result.total_requests > self.total_requests:
            found.append(f"all endpoints: {result.total_requests:,} requests, budget {self.total_requests:,}")
        if self.modeled_wall_s is not None and result.modeled_wall_s > self.modeled_wall_s:
            found.append(f"modeled wall time {result.modeled_wall_s:,.3f} s, budget {self.modeled_wall_s:g} s")
        return found

    def check(self, result: RunResult) -> None:
        """Raise ``BudgetExceeded`` naming every breach; nothing when ``result`` is within budget."""
        found = self.breaches(result)
        if found:
            raise BudgetExceeded(f"{result.mode} went over its budget:\n" + "\n".join(f"  {line}" for line in found))


def requests_per_asset(result: RunResult, endpoint: str) -> float:
    """Requests to ``endpoint`` per asset of the replayed library."""
    assets = int(result.workload.get("assets") or 0)
    return result.by_endpoint.get(endpoint, 0) / assets if assets else float(result.by_endpoint.get(endpoint, 0))
