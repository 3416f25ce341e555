"""Running modes on a replay: determinism, equivalence, and what a RunResult holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autotag.tagger import Tagger
from harness.judge.compare import Comparison
from harness.library.workload import WorkloadSpec
from harness.measure.isolation import run_isolated
from harness.measure.result import RunResult, load_runs
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import SMALL_CASSETTE

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))


def run(mode: str, out: Path, profiler: str = "cprofile") -> RunResult:
    return execute(RunSpec(subject=mode, workload=SMALL, profiler=profiler, out_dir=str(out)))


def exact(result: RunResult) -> tuple:
    return (result.requests, result.modeled, result.final_state_digest, result.counters, result.timeline)


def test_modeled_figures_are_identical_run_to_run(tmp_path: Path) -> None:
    first = run("batch", tmp_path / "a", profiler="none")
    second = run("batch", tmp_path / "b", profiler="none")
    assert exact(first) == exact(second)


def test_isolated_run_matches_in_process_run(tmp_path: Path) -> None:
    spawned = run_isolated(RunSpec(subject="lazy", workload=SMALL, profiler="none", out_dir=str(tmp_path / "s")))
    local = run("lazy", tmp_path / "l", profiler="none")
    assert exact(spawned) == exact(local)


def test_run_result_holds_the_design_fields(tmp_path: Path) -> None:
    result = run("lazy", tmp_path)
    data = json.loads(json.dumps(result.to_json()))
    assert data["schema"] == "autotag-bench/run/1"
    assert data["workload"]["assets"] == 300 and len(data["workload"]["sha256"]) == 64
    assert data["requests"]["by_endpoint"]["GET /assets/{id}"] == 300
    assert data["requests"]["total"] == sum(data["requests"]["by_endpoint"].values())
    assert data["modeled"]["wall_s"] == pytest.approx(sum(data["modeled"]["by_endpoint_s"].values()), abs=1e-5)
    assert data["final_state_digest"].startswith("sha256:")
    assert data["counters"]["asset_loads"] == 300
    assert Path(data["artifacts"]["pstats"]).is_file()
    assert RunResult.from_json(data) == result


def test_pstats_opens_in_the_stdlib(tmp_path: Path) -> None:
    import pstats

    result = run("eager", tmp_path)
    stats = pstats.Stats(result.artifacts["pstats"])
    assert any(func == "get_asset" for (_f, _l, func) in stats.stats)  # type: ignore[attr-defined]


def test_pyinstrument_profile_is_written(tmp_path: Path) -> None:
    result = run("batch", tmp_path, profiler="pyinstrument")
    html = Path(result.artifacts["pyinstrument"]).read_text()
    assert "pyinstrument" in html.lower() and "pstats" not in result.artifacts


def test_equivalence_catches_a_mode_that_writes_one_tag_differently(tmp_path: Path, monkeypatch) -> None:
    base = run("lazy", tmp_path / "base", profiler="none")
    original = Tagger._decide
    seen = {"n": 0}

    def off_by_one(self, asset, albums, output_tags, writer):
        decision = original(self, asset, albums, output_tags, writer)
        seen["n"] += 1
        if seen["n"] == 7:  # one asset gets the unknown tag it should not get
            writer.add(output_tags[self.rules.output.unknown], asset.id)
        return decision

    monkeypatch.setattr(Tagger, "_decide", off_by_one)
    wrong = execute(RunSpec(subject="batch", workload=SMALL, profiler="none", out_dir=str(tmp_path / "wrong")))
    comparison = Comparison.of([base, wrong])
    eq = comparison.equivalence
    assert not eq.equivalent
    assert eq.differences["batch"][0].startswith("1 asset; the first, ")
    assert "autotag_output_unknown" in eq.differences["batch"][0]
    verdict = comparison.verdict
    assert verdict.decision == "reject" and "another final state" in verdict.why


def test_compare_record_round_trips(tmp_path: Path) -> None:
    runs = [run("eager", tmp_path), run("index", tmp_path)]
    record = Comparison.of(runs).to_json()
    assert record["schema"] == "autotag-bench/compare/2"
    assert record["equivalent"] is True
    assert record["verdict"]["decision"] in {"merge", "incremental", "pivot", "reject"}
    path = tmp_path / "compare.json"
    path.write_text(json.dumps(record))
    again = Comparison.of(load_runs(path))
    path.write_text(json.dumps({**record, "schema": "autotag-bench/compare/1"}))  # an older record's runs load too
    assert [r.mode for r in load_runs(path)] == ["eager", "index"]
    assert again.to_json()["verdict"] == record["verdict"]
    assert again.endpoints.equals(Comparison.of(runs).endpoints)
