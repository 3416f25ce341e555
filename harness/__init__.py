"""autotag-bench's public Python API: replay an Immich library for any client, measure a subject, compare runs.

    import httpx
    from harness import Budget, compare, open_replay, run

    with open_replay(cassette="cassettes/small-300.json.gz") as replay:     # a fresh replay of a workload
        with replay.client() as http:                                      # httpx on its transport
            http.get("/server/version")                                    # (or replay.serve(): a loopback URL)
        result = replay.result()                                           # its RunResult so far
    Budget(per_asset={"GET /assets/{id}": 1}).check(result)

    lazy = run("lazy")                                                     # a mode, or "NAME=COMMAND"
    mine = run("mine=python -m my_tagger --apply", profiler="cprofile", out_dir="reports/mine")
    print(compare([lazy, mine]).verdict.decision)

Everything here is one of the pipeline's stages re-exported (``library`` -> ``replay`` -> ``measure`` -> ``judge`` ->
``render``): this root composes them and no stage imports it. Names load on first use, so importing ``harness`` (or
any of its modules) stays cheap. Anything not in ``__all__`` is internal and may change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.errors import HarnessError
    from harness.judge.budgets import Budget, BudgetExceeded, requests_per_asset
    from harness.judge.compare import Comparison, compare
    from harness.judge.gate import GateThresholds
    from harness.library.workload import WorkloadSpec
    from harness.measure.open_replay import Replay, open_replay
    from harness.measure.result import RunResult, load_run, load_runs
    from harness.measure.subject_runs import run
    from harness.render.bmf import bencher_metrics

EXPORTS = {
    "Budget": "harness.judge.budgets",
    "BudgetExceeded": "harness.judge.budgets",
    "Comparison": "harness.judge.compare",
    "GateThresholds": "harness.judge.gate",
    "HarnessError": "harness.errors",
    "Replay": "harness.measure.open_replay",
    "RunResult": "harness.measure.result",
    "WorkloadSpec": "harness.library.workload",
    "bencher_metrics": "harness.render.bmf",
    "compare": "harness.judge.compare",
    "load_run": "harness.measure.result",
    "load_runs": "harness.measure.result",
    "open_replay": "harness.measure.open_replay",
    "requests_per_asset": "harness.judge.budgets",
    "run": "harness.measure.subject_runs",
}
__all__ = [
    "Budget",
    "BudgetExceeded",
    "Comparison",
    "GateThresholds",
    "HarnessError",
    "Replay",
    "RunResult",
    "WorkloadSpec",
    "bencher_metrics",
    "compare",
    "load_run",
    "load_runs",
    "open_replay",
    "requests_per_asset",
    "run",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its stage on first use (PEP 562)."""
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
