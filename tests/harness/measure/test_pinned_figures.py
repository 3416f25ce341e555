"""Every exact figure of every mode, pinned: requests per endpoint and status, modeled seconds, final state, plan.

A refactoring must leave these byte-identical; a change that moves one must say so and refresh the pin on purpose:

    python -c "from tests.harness.measure.test_pinned_figures import write; write()"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autotag import MODES
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import FIXTURES

PINNED = FIXTURES / "pinned-figures.json"
WORKLOADS = {
    "default-cassette": WorkloadSpec(),
    "seed-4000": WorkloadSpec(preset="seed", assets=4000),
}


def figures(workload: WorkloadSpec, mode: str) -> dict[str, Any]:
    result = execute(RunSpec(subject=mode, workload=workload, profiler="none"))
    return {
        "requests": result.requests,
        "modeled": result.modeled,
        "final_state_digest": result.final_state_digest,
        "decisions_digest": result.plan["decisions_digest"],
        "counters": result.counters,
        "timeline": result.timeline,
    }


def write(path: Path = PINNED) -> None:
    pins = {name: {mode: figures(spec, mode) for mode in MODES} for name, spec in WORKLOADS.items()}
    path.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_exact_figures_are_as_pinned(workload: str, mode: str) -> None:
    pinned = json.loads(PINNED.read_text())[workload][mode]
    assert json.loads(json.dumps(figures(WORKLOADS[workload], mode))) == pinned
