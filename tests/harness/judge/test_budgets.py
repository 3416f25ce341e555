"""Budgets on exact metrics: each breach named exactly, endpoint typos refused when the budget is made."""

from __future__ import annotations

import pytest

from harness import Budget, BudgetExceeded, RunResult, requests_per_asset, run
from tests.conftest import SMALL_CASSETTE


@pytest.fixture(scope="module")
def eager() -> RunResult:
    return run("eager", cassette=str(SMALL_CASSETTE))


def test_a_run_within_budget_passes(eager: RunResult) -> None:
    assert requests_per_asset(eager, "GET /assets/{id}") == 1.0
    budget = Budget(
        per_asset={"GET /assets/{id}": 1},
        requests={"GET /albums/{id}": 12},
        total_requests=eager.total_requests,
        modeled_wall_s=eager.modeled_wall_s,
    )
    assert budget.breaches(eager) == []
    budget.check(eager)


def test_every_breach_is_one_exact_line(eager: RunResult) -> None:
    budget = Budget(
        per_asset={"GET /assets/{id}": 0.5},
        requests={"GET /albums/{id}": 11, "PUT /tags": 5},
        total_requests=100,
        modeled_wall_s=1.5,
    )
    with pytest.raises(BudgetExceeded) as raised:
        budget.check(eager)
    assert isinstance(raised.value, AssertionError)
    assert str(raised.value).splitlines() == [
        "eager went over its budget:",
        "  GET /assets/{id}: 300 requests for 300 assets = 1.000 per asset, budget 0.5 per asset",
        "  GET /albums/{id}: 12 requests, budget 11",
        f"  all endpoints: {eager.total_requests:,} requests, budget 100",
        f"  modeled wall time {eager.modeled_wall_s:,.3f} s, budget 1.5 s",
    ]


def test_an_endpoint_that_is_not_one_is_refused_with_the_nearest() -> None:
    nearest = r"unknown endpoint 'GET /asset/\{id\}' in a budget; did you mean GET /assets/\{id\}"
    with pytest.raises(ValueError, match=nearest):
        Budget(per_asset={"GET /asset/{id}": 1})
    with pytest.raises(ValueError, match="without /api"):
        Budget(requests={"nonsense": 1})
