"""The documented Python API (``harness.__all__``): open a replay, run subjects, read and compare RunResults."""

from __future__ import annotations

from pathlib import Path

import httpx

import harness
from harness import Comparison, RunResult, WorkloadSpec, bencher_metrics, compare, load_run, load_runs, open_replay, run
from harness.atomic_write import write_json
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.replay.latency_profiles import RECORDING_SURPLUS_MS
from tests.conftest import SMALL_CASSETTE

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))


def test_every_public_name_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    assert [name for name in harness.__all__ if f"`{name}" not in section] == []


def test_run_measures_a_subject_as_bench_run_does(tmp_path: Path) -> None:
    by_api = run("batch", SMALL, profiler="cprofile", out_dir=tmp_path)
    direct = execute(RunSpec(subject="batch", workload=SMALL, profiler="none"))
    assert (by_api.requests, by_api.modeled, by_api.final_state_digest) == (
        direct.requests,
        direct.modeled,
        direct.final_state_digest,
    )
    assert Path(by_api.artifacts["pstats"]).parent == tmp_path
    assert run("batch", cassette=str(SMALL_CASSETTE)).requests == direct.requests  # fields instead of a spec


def test_results_are_read_back_and_compared(tmp_path: Path) -> None:
    eager, index = run("eager", SMALL), run("index", SMALL)
    write_json(tmp_path / "eager.json", eager.to_json())
    assert load_run(tmp_path / "eager.json") == eager and load_runs(tmp_path / "eager.json") == [eager]
    comparison = compare([eager, index])
    assert isinstance(comparison, Comparison) and comparison.verdict.decision == "merge"
    assert comparison.equivalence.equivalent
    assert bencher_metrics([index])["index"]["requests"] == {"value": index.total_requests}


def test_a_replay_serves_any_client_and_reports_what_it_did() -> None:
    with open_replay(SMALL, name="mine") as replay:
        with replay.serve() as url:
            about = httpx.get(f"{url}/server/about", headers={"x-api-key": replay.api_key}).json()
        result = replay.result()
    assert about["version"] == "v3.1.0"
    assert isinstance(result, RunResult) and result.mode == "mine"
    assert result.by_endpoint == {"GET /server/about": 1}
    assert result.modeled_wall_s == round(0.010 - RECORDING_SURPLUS_MS / 1000, 6)  # recorded 10 ms, as a client waits
    assert result.final_state_digest == result.workload["initial_state_digest"]
    assert result.environment["commit"]["id"]
