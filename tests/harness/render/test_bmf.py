"""Bencher Metric Format: the exact metrics of runs, valid by BMF's JSON schema, from the API and from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.library.workload import WorkloadSpec
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.render.bmf import bencher_metrics
from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import bench

# Bencher's published schema for BMF, restated: benchmark -> measure -> {value, lower_value?, upper_value?}
METRIC = {
    "type": "object",
    "properties": {"value": {"type": "number"}, "lower_value": {"type": "number"}, "upper_value": {"type": "number"}},
    "required": ["value"],
}
BMF_SCHEMA = {
    "type": "object",
    "patternProperties": {".+": {"type": "object", "patternProperties": {".+": METRIC}}},
}
SMALL = ("--cassette", str(SMALL_CASSETTE), "--profile", "none")


@pytest.fixture(scope="module")
def lazy() -> RunResult:
    return execute(RunSpec(subject="lazy", workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), profiler="none"))


def test_bmf_holds_each_subjects_totals_and_each_endpoint(lazy: RunResult) -> None:
    document = bencher_metrics([lazy])
    jsonschema.validate(document, BMF_SCHEMA)
    assert document["lazy"] == {
        "requests": {"value": lazy.total_requests},
        "modeled-seconds": {"value": lazy.modeled_wall_s},
    }
    assert document["lazy GET /assets/{id}"]["requests"] == {"value": 300}
    endpoints = {name.removeprefix("lazy ") for name in document if name != "lazy"}
    assert endpoints == set(lazy.by_endpoint)
    for endpoint, seconds in lazy.seconds_by_endpoint.items():
        assert document[f"lazy {endpoint}"]["modeled-seconds"]["value"] == round(seconds, 6)
    assert all(len(measure) <= 64 for bench_ in document.values() for measure in bench_)  # Bencher's slug limit


def test_run_and_compare_write_bmf(capsys, tmp_path: Path, lazy: RunResult) -> None:
    single = bench(capsys, "run", "lazy", *SMALL, "--out", str(tmp_path / "r"), "--bmf", str(tmp_path / "r.json"))
    assert single.code == 0, single.err
    assert json.loads((tmp_path / "r.json").read_text()) == bencher_metrics([lazy])
    both = bench(
        capsys, "compare", "eager", "lazy", *SMALL, "--out", str(tmp_path / "c"), "--bmf", str(tmp_path / "c.json")
    )
    assert both.code == 0, both.err
    document = json.loads((tmp_path / "c.json").read_text())
    jsonschema.validate(document, BMF_SCHEMA)
    assert document["lazy"] == bencher_metrics([lazy])["lazy"] and "eager" in document
