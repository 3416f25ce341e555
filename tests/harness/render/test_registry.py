"""Every registered renderer, through the one interface, on one comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.judge.compare import Comparison
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.render.registry import RENDERERS
from tests.conftest import SMALL_CASSETTE


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Comparison:
    out = tmp_path_factory.mktemp("registry")
    small = WorkloadSpec(cassette=str(SMALL_CASSETTE))
    runs = [execute(RunSpec(subject=m, workload=small, out_dir=str(out))) for m in ("eager", "batch")]
    return Comparison.of(runs)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_each_renderer_shows_the_verdict_and_both_subjects(comparison: Comparison, name: str, tmp_path: Path) -> None:
    renderer = RENDERERS[name]
    assert renderer.name == name and renderer.extension.startswith(".")
    text = renderer.render(comparison, tmp_path / f"report{renderer.extension}")
    assert comparison.verdict.decision.upper() in text.upper()
    for run in comparison.runs:
        assert run.mode in text
    assert text == renderer.render(comparison, tmp_path / f"report{renderer.extension}")  # deterministic


def test_the_json_renderer_writes_the_compare_record(comparison: Comparison) -> None:
    record = json.loads(RENDERERS["json"].render(comparison))
    assert record == json.loads(json.dumps(comparison.to_json()))
