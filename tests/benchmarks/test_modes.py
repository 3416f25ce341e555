"""Each mode on the shipped default cassette, timed by pytest-benchmark (profiling off, in process).

Use it to catch CPU regressions of the tagger itself between commits, on the same machine:

    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-autosave
    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-compare --benchmark-compare-fail=median:10%
"""

from __future__ import annotations

import copy

import pytest

from autotag.modes import MODES
from harness.latency import LatencyModel, loopback_profile
from harness.runner import Replayed, RunSpec, replay_once
from harness.snapshot import load_library
from tests.conftest import DEFAULT_CASSETTE


@pytest.fixture(scope="module")
def snapshot():
    library, recorded = load_library(DEFAULT_CASSETTE)
    return library, LatencyModel(recorded.profile("recorded"), recorded, fallback=loopback_profile())


@pytest.mark.parametrize("mode", list(MODES))
def test_mode_on_default_cassette(benchmark, snapshot, mode: str) -> None:
    """The same path as `bench run` (sync modes on the virtual clock, `async` on the virtual-time event loop)."""
    library, model = snapshot
    spec = RunSpec(mode, profiler="none")

    def fresh():
        return (copy.deepcopy(library),), {}

    def run(lib) -> Replayed:
        return replay_once(spec, lib, model, lambda func: func())

    done = benchmark.pedantic(run, setup=fresh, rounds=1 if benchmark.disabled else 5)
    benchmark.extra_info["requests"] = done.transport.probe.total
    benchmark.extra_info["modeled_s"] = round(done.transport.clock.now, 3)
    assert len(done.plan.decisions) == 3000
