"""Each mode on the shipped default cassette, timed by pytest-benchmark (profiling off, in process).

Use it to catch CPU regressions of the tagger itself between commits, on the same machine:

    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-autosave
    pytest tests/benchmarks/test_modes.py --benchmark-enable --benchmark-compare --benchmark-compare-fail=median:10%
"""

from __future__ import annotations

import copy

import httpx
import pytest

from autotag import ImmichClient, Tagger, get_mode, load_rules
from autotag.modes import MODES
from harness.latency import LatencyModel, loopback_profile
from harness.replay import ReplayServer
from harness.snapshot import load_library
from harness.transport import ReplayTransport
from harness.workload import DEFAULT_RULES
from tests.conftest import DEFAULT_CASSETTE


@pytest.fixture(scope="module")
def snapshot():
    library, recorded = load_library(DEFAULT_CASSETTE)
    return library, LatencyModel(recorded.profile("recorded"), recorded, fallback=loopback_profile())


@pytest.mark.parametrize("mode", list(MODES))
def test_mode_on_default_cassette(benchmark, snapshot, mode: str) -> None:
    library, model = snapshot
    rules = load_rules(DEFAULT_RULES)

    def fresh():
        transport = ReplayTransport(ReplayServer(copy.deepcopy(library)), model)
        http = httpx.Client(transport=transport, base_url="http://replay/api", headers={"x-api-key": "k"})
        return (Tagger(ImmichClient(http), rules, get_mode(mode), apply=True), transport), {}

    def run(tagger, transport):
        return tagger.run(), transport

    plan, transport = benchmark.pedantic(run, setup=fresh, rounds=1 if benchmark.disabled else 5)
    benchmark.extra_info["requests"] = transport.probe.total
    benchmark.extra_info["modeled_s"] = round(transport.clock.now, 3)
    assert len(plan.decisions) == 3000
