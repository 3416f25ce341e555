"""Each mode on the shipped default cassette, timed by pytest-benchmark (profiling off, in process).

Use it to catch CPU regressions of the tagger itself between commits, on the same machine:

    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-autosave
    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-compare --benchmark-compare-fail=median:10%
"""

from __future__ import annotations

import copy

import pytest

from autotag.modes import MODES
from harness.library.crawl_reader import load_library
from harness.measure.run_spec import RunSpec
from harness.measure.runner import ReplayRun, replay_once
from harness.replay.latency_profiles import model_for
from tests.conftest import DEFAULT_CASSETTE


@pytest.fixture(scope="module")
def snapshot():
    library, recorded = load_library(DEFAULT_CASSETTE)
    return library, model_for(None, recorded)


@pytest.mark.parametrize("mode", list(MODES))
def test_mode_on_default_cassette(benchmark, snapshot, mode: str) -> None:
    """The same path as `bench run` (sync modes on the virtual clock, `async` on the virtual-time event loop)."""
    library, model = snapshot
    spec = RunSpec(subject=mode, profiler="none")

    def fresh():
        return (copy.deepcopy(library),), {}

    def run(lib) -> ReplayRun:
        return replay_once(spec, lib, model, lambda func: func())

    done = benchmark.pedantic(run, setup=fresh, rounds=1 if benchmark.disabled else 5)
    benchmark.extra_info["requests"] = done.probe.total
    benchmark.extra_info["modeled_s"] = round(done.core.clock.now, 3)
    assert len(done.plan.decisions) == 3000
