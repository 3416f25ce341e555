from __future__ import annotations

import pytest

from harness.judge.compare import Comparison
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import SMALL_CASSETTE

FIVE = ("eager", "lazy", "batch", "index", "async")


@pytest.fixture(scope="session")
def five(tmp_path_factory) -> Comparison:
    """Every mode on the small cassette, under cProfile, compared in-process."""
    out = tmp_path_factory.mktemp("five")
    small = WorkloadSpec(cassette=str(SMALL_CASSETTE))
    return Comparison.of([execute(RunSpec(subject=m, workload=small, out_dir=str(out))) for m in FIVE])
