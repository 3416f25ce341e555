"""The markdown report (what a PR comment shows): function table and artifact links."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.judge.compare import Comparison
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.render.registry import RENDERERS
from tests.conftest import SMALL_CASSETTE

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))


def compared(out: Path, profiler: str) -> Comparison:
    runs = [execute(RunSpec(subject=m, workload=SMALL, profiler=profiler, out_dir=str(out))) for m in ("eager", "lazy")]
    return Comparison.of(runs, top=5)


@pytest.fixture(scope="module")
def profiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Comparison, Path]:
    out = tmp_path_factory.mktemp("md")
    comparison = compared(out, "both")
    (out / "report.html").write_text(RENDERERS["html"].render(comparison, out / "report.html"))
    return comparison, out


def test_the_markdown_carries_the_function_table(profiled: tuple[Comparison, Path]) -> None:
    comparison, out = profiled
    text = RENDERERS["markdown"].render(comparison, out / "report.md")
    lines = text.splitlines()
    start = lines.index("### Functions, eager -> lazy: top 5 by |Δ cumtime| (cProfile wall-clock seconds)")
    header, align, *rows = lines[start + 2 : start + 2 + 2 + 5]
    assert header == (
        "| function | ncalls eager | ncalls lazy | ncalls Δ | tottime Δ | cumtime eager | cumtime lazy | cumtime Δ |"
    )
    assert align == "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    view = comparison.function_view
    assert view is not None
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [
        name.replace("<", "&lt;").replace(">", "&gt;") for name in view["function"]
    ]


def test_the_markdown_links_every_artifact_relative_to_itself(profiled: tuple[Comparison, Path]) -> None:
    comparison, out = profiled
    text = RENDERERS["markdown"].render(comparison, out / "report.md")
    assert "- full report: [report.html](report.html)" in text
    assert (
        "- lazy: [cProfile](lazy.pstats), [pyinstrument](lazy.pyinstrument.html), "
        "[speedscope](lazy.pyinstrument.speedscope.json), [pyinstrument session](lazy.pyinstrument.pyisession), "
        "[final state](lazy.state.json.gz)"
    ) in text
    elsewhere = RENDERERS["markdown"].render(comparison, out.parent / "pr" / "comment.md")
    assert f"[cProfile](../{out.name}/eager.pstats)" in elsewhere
    summary = RENDERERS["markdown"].render(comparison)  # a job summary: no file to link from
    assert "cProfile (`eager.pstats`)" in summary and "](" not in summary


def test_without_profiles_the_markdown_says_why_there_is_no_function_table(tmp_path: Path) -> None:
    text = RENDERERS["markdown"].render(compared(tmp_path, "none"), tmp_path / "report.md")
    assert "No function table: no cProfile file for eager (measured with --profile none); lazy (measured with" in text
