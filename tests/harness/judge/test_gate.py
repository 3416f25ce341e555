from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from autotag.tagger import Tagger
from harness.judge.gate import GateThresholds, judge
from harness.library.workload import WorkloadSpec
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.measure.subjects import Mode
from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))


@pytest.fixture(scope="module")
def baseline_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gate") / "lazy.json"
    from harness.cli.gate import update_baseline

    update_baseline(path, Mode("lazy"), {"cassette": SMALL_CASSETTE}, repeats=3, in_process=True)
    return path


def base(path: Path) -> RunResult:
    return RunResult.from_json(json.loads(path.read_text()))


def runs(tmp_path: Path, n: int = 3) -> list[RunResult]:
    return [
        execute(RunSpec(subject="lazy", workload=SMALL, profiler="none", out_dir=str(tmp_path / str(i))))
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def spawned_baseline(tmp_path_factory) -> Path:
    """A baseline measured as in production: each run in its own process, 5 samples."""
    path = tmp_path_factory.mktemp("gate-spawned") / "lazy.json"
    from harness.cli.gate import update_baseline

    update_baseline(path, Mode("lazy"), {"cassette": SMALL_CASSETTE}, repeats=5, in_process=False)
    return path


@pytest.mark.slow
def test_unchanged_code_passes_ten_times_out_of_ten(capsys, spawned_baseline: Path) -> None:
    """Spawned runs and the default 5 repeats, as CI runs it: noise must not fail an unchanged tagger."""
    outcomes = []
    for _ in range(10):
        result = bench(capsys, "gate", "--baseline", str(spawned_baseline))
        outcomes.append((result.code, result.out.strip().splitlines()[-1]))
    assert all(code == 0 for code, _ in outcomes), outcomes
    assert all(line.endswith(("PASS", "WARN")) for _, line in outcomes)


def test_one_extra_asset_read_per_100_assets_fails_naming_the_endpoint(
    capsys, baseline_file: Path, monkeypatch
) -> None:
    original = Tagger._decide
    count = {"n": 0}

    def nosy(self, asset, albums, output_tags, writer):
        count["n"] += 1
        if count["n"] % 100 == 0:
            self.client.get_asset(asset.id)
        return original(self, asset, albums, output_tags, writer)

    monkeypatch.setattr(Tagger, "_decide", nosy)
    result = bench(
        capsys,
        "gate",
        "--baseline",
        str(baseline_file),
        "--repeats",
        "1",
        "--in-process",
        "--junit",
        str(baseline_file.with_name("junit.xml")),
    )
    assert result.code == 1
    assert "FAIL  GET /assets/{id}: 303 requests, baseline 300 (+3)" in result.out
    assert "PASS  GET /server/version: 1 request, as the baseline" in result.out
    assert "gate lazy: FAIL" in result.out
    assert '<failure message="GET /assets/{id}: 303 requests' in baseline_file.with_name("junit.xml").read_text()


def test_a_tagger_that_tags_differently_fails_on_the_digest(capsys, baseline_file: Path, monkeypatch) -> None:
    """Same requests, other tags: it adds the unknown tag to the wrong asset of each pair it writes."""
    from autotag.writers import ImmediateWriter

    original = ImmediateWriter.add

    def misplaced(self, tag, asset_id):
        return original(self, tag, asset_id[:-1] + ("0" if asset_id[-1] != "0" else "1"))

    monkeypatch.setattr(ImmediateWriter, "add", misplaced)
    result = bench(capsys, "gate", "--baseline", str(baseline_file), "--repeats", "1", "--in-process")
    assert result.code == 1
    assert "FAIL  final state digest changed" in result.out


def test_a_baseline_with_one_request_fewer_fails(capsys, baseline_file: Path, tmp_path: Path) -> None:
    data = json.loads(baseline_file.read_text())
    data["requests"]["by_endpoint"]["POST /search/metadata"] -= 1
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    result = bench(capsys, "gate", "--baseline", str(edited), "--repeats", "1", "--in-process")
    assert result.code == 1 and "FAIL  POST /search/metadata" in result.out


def test_modeled_wall_beyond_the_threshold_fails(baseline_file: Path, tmp_path: Path) -> None:
    current = runs(tmp_path, 1)
    slower = copy.deepcopy(current[0])
    slower.modeled["wall_s"] = base(baseline_file).modeled_wall_s * 1.021
    report = judge(base(baseline_file), [slower])
    assert report.outcome == "fail"
    (wall,) = [check for check in report.checks if check.name == "modeled wall time"]
    assert wall.message.endswith("(2.10 % slower; the limit is 2 % slower)")
    slower.modeled["wall_s"] = base(baseline_file).modeled_wall_s * 1.019
    assert judge(base(baseline_file), [slower]).outcome in ("pass", "warn")


def test_noisy_metrics_warn_beyond_the_factor_and_fail_when_significant(baseline_file: Path, tmp_path: Path) -> None:
    reference = base(baseline_file)
    reference.samples = {"cpu_s": [1.0, 1.01, 0.99, 1.02, 0.98], "peak_rss_mb": [100.0] * 5}
    current = runs(tmp_path, 1)[0]
    slow = [copy.deepcopy(current) for _ in range(5)]
    for i, run in enumerate(slow):
        run.cpu_s, run.peak_rss_mb = 2.0 + i / 100, 100.0
    report = judge(reference, slow, GateThresholds())
    assert {c.name: c.level for c in report.checks}["cpu_s"] == "fail"
    one = judge(reference, slow[:1], GateThresholds())
    assert {c.name: c.level for c in one.checks}["cpu_s"] == "warn"  # one sample: beyond the factor, no test
    assert one.exit_code == 0
    tiny = copy.deepcopy(reference)
    tiny.samples = {"cpu_s": [0.08] * 5, "peak_rss_mb": [100.0] * 5}
    for run in slow:
        run.cpu_s = 0.13  # x1.6, but 50 ms: under the noise floor
    assert {c.name: c.level for c in judge(tiny, slow).checks}["cpu_s"] == "pass"


def test_non_deterministic_runs_fail(baseline_file: Path, tmp_path: Path) -> None:
    current = runs(tmp_path, 2)
    current[1].final_state_digest = "sha256:other"
    assert {c.name: c.level for c in judge(base(baseline_file), current).checks}["determinism"] == "fail"


def test_bad_input(capsys, baseline_file: Path, tmp_path: Path) -> None:
    assert_one_line_error(bench(capsys, "gate", "--baseline", str(tmp_path / "missing.json")), "not found")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema": "autotag-bench/compare/1"}))
    assert_one_line_error(bench(capsys, "gate", "--baseline", str(other)), "schema")
    assert_one_line_error(
        bench(capsys, "gate", "--baseline", str(baseline_file), "--mode", "batch"), "baseline is of subject 'lazy'"
    )
    assert_one_line_error(
        bench(
            capsys,
            "gate",
            "--baseline",
            str(baseline_file),
            "--library",
            "demo",
            "--assets",
            "50",
            "--repeats",
            "1",
            "--in-process",
        ),
        "another workload",
    )
    assert_one_line_error(bench(capsys, "gate"), "--baseline")
    assert_one_line_error(
        bench(capsys, "gate", "--update-baseline", str(tmp_path / "b.json"), "--mode", "nope", "--in-process"),
        "unknown subject 'nope'",
    )


def test_a_tagger_that_holds_more_memory_fails_on_the_growth_during_the_run(
    baseline_file: Path, tmp_path: Path, monkeypatch
) -> None:
    """The worker's peak is mostly the snapshot; what the tagger itself holds shows in the growth while it runs."""
    reference = base(baseline_file)
    assert reference.run_rss_mb is not None and reference.run_rss_mb < 5
    reference.samples["run_rss_mb"] = [reference.run_rss_mb] * 5
    original = Tagger.run

    def hoarding(self):
        held = b"x" * (40 * 1024 * 1024)  # written, so resident
        try:
            return original(self)
        finally:
            del held

    monkeypatch.setattr(Tagger, "run", hoarding)
    hoarders = runs(tmp_path, 4)
    grown = [run.run_rss_mb for run in hoarders]
    assert all(mb is not None and mb >= 35 for mb in grown), grown
    checks = {c.name: c for c in judge(reference, hoarders).checks}
    assert checks["run_rss_mb"].level == "fail", checks["run_rss_mb"].message
    monkeypatch.setattr(Tagger, "run", original)
    assert {c.name: c.level for c in judge(reference, runs(tmp_path / "plain", 4)).checks}["run_rss_mb"] == "pass"


def test_a_baseline_without_the_growth_is_not_judged_on_it(baseline_file: Path, tmp_path: Path) -> None:
    old = base(baseline_file)
    old.run_rss_mb, old.samples = None, {k: v for k, v in old.samples.items() if k != "run_rss_mb"}
    check = {c.name: c for c in judge(old, runs(tmp_path, 1)).checks}["run_rss_mb"]
    assert check.level == "pass" and "not measured in the baseline" in check.message


def test_a_baseline_modeled_with_other_latency_is_warned_about_not_judged(baseline_file: Path, tmp_path: Path) -> None:
    """A baseline from before the latency model changed (its durations not corrected by the recording surplus) once
    passed as 13 % faster; its seconds do not compare, so the gate says so instead of judging them."""
    old = base(baseline_file)
    old.latency_source = {**old.latency_source, "recording_surplus_ms": 0.0}
    old.modeled["wall_s"] = old.modeled_wall_s * 0.5  # would fail by far if it were judged
    report = judge(old, runs(tmp_path, 1))
    (wall,) = [check for check in report.checks if check.name == "modeled wall time"]
    assert wall.level == "warn" and "not judged, the baseline was modeled with other latency" in wall.message
    assert "less 1.37 ms each" not in wall.message.split("; now ")[0]
    assert report.outcome == "warn" and report.exit_code == 0
