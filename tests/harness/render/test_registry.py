"""Every registered renderer, through the one interface, on one comparison."""

from __future__ import annotations

import json
import re
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


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_no_renderer_signs_a_percent_change(five: Comparison, name: str) -> None:
    text = RENDERERS[name].render(five)
    assert not re.search(r"[-+]\d[\d.,]* ?%", text)
    assert "improvement" not in text.lower()
    assert five.verdict.direction == "faster"
    assert five.verdict.change in text or f'"change_pct": {round(five.verdict.saved_pct, 3)}' in text


def test_markdown_has_every_verdict_and_the_overlap_labelled(five: Comparison) -> None:
    text = RENDERERS["markdown"].render(five)
    assert five.verdict.mode == "index"  # the most modeled time saved of the four
    assert f"**MERGE** index, {five.verdict.change} than eager (the best of 4 subjects)" in text
    for subject, verdict in (("lazy", "PIVOT"), ("batch", "MERGE"), ("async", "MERGE")):
        assert re.search(rf"\| {subject} \| {verdict} \|", text)
    assert "summed latency" in text and "| PUT /tags/assets |" in text and "(new)" in text and "gone" in text


def test_the_html_page_reads_with_separators_and_flame_graphs(five: Comparison, tmp_path: Path) -> None:
    text = RENDERERS["html"].render(five, tmp_path / "report.html")
    assert "300 assets" in text and "<script" not in text
    assert re.search(r"<td>\d{1,3},\d{3}</td>", text)  # thousands separated in the tables
    assert text.count('class="flame"') == 6  # the differential and one per subject
    assert 'id="flame-diff"' in text and "[bench: harness, replay" in text
    assert text.count("<details>") == 3  # the subjects other than the baseline and the judged one
