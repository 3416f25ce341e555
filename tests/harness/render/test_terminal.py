"""The terminal report at any width: every table fits, no cell is cut, and the tables say what the verdict says."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from rich.console import Console

from harness.judge.compare import Comparison
from harness.render import views
from harness.render.fit import break_name
from harness.render.text import compare_report, run_report


def printed(comparison: Comparison, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(compare_report(comparison))
    return console.export_text()


def cells(comparison: Comparison) -> set[str]:
    """Every number cell of every table, as the report must show it whole."""
    frames = [
        views.summary_view(comparison),
        views.endpoint_matrix(comparison, views.REQUESTS),
        views.endpoint_matrix(comparison, views.SHARE),
        views.verdict_view(comparison),
    ]
    overlap, functions = views.overlap_view(comparison), views.function_view(comparison)
    frames += [frame for frame in (overlap, functions) if frame is not None]
    found = set()
    for frame in frames:
        for column in frame.columns[1:]:
            found.update(str(v) for v in frame[column] if re.fullmatch(r"[-+]?[\d,.]+( \([-+]?[\d,.]+\))?", str(v)))
    return found


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 220])
def test_every_table_fits_and_no_number_is_cut(five: Comparison, width: int) -> None:
    text = printed(five, width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in text
    table_lines = [line for line in lines if line.startswith("│")]
    missing = [c for c in cells(five) if not any(f" {c} " in line for line in table_lines)]
    assert missing == []


def test_wide_tables_are_split_with_the_naming_column_repeated(five: Comparison) -> None:
    narrow = printed(five, 80)
    assert "columns 1/2" in narrow and "columns 2/2" in narrow
    wide = printed(five, 220)
    assert "columns 1/" not in wide
    assert narrow.count("│ DELETE /tags/{id}/assets") > wide.count("│ DELETE /tags/{id}/assets")


def test_the_tables_and_the_verdict_say_the_same(five: Comparison) -> None:
    text = printed(five, 160)
    verdict = five.verdict
    assert verdict.mode == "index" and verdict.direction == "faster"
    assert f"verdict: MERGE index ({verdict.change} than eager; the best of 4 subjects)" in text
    summary_row = next(line for line in text.splitlines() if line.startswith("│ index ") and "merge" in line)
    assert verdict.change in summary_row
    assert "no change" in next(line for line in text.splitlines() if line.startswith("│ lazy ") and "pivot" in line)
    assert not re.search(r"[-+]\d[\d.,]* %", text)  # a percent change is never signed


def test_overlap_is_labelled_and_kept_apart_from_the_wall(five: Comparison) -> None:
    text = printed(five, 160)
    assert "Overlapping requests" in text and "async summed latency s" in text
    assert "up to" not in text or "in flight" in text
    share = views.endpoint_matrix(five, views.SHARE).set_index("endpoint")["async"]
    wall = next(run for run in five.runs if run.mode == "async").modeled_wall_s
    shares = [float(c.split(" ")[0].replace(",", "")) for c in share if c[0].isdigit()]
    assert sum(shares) <= wall + 0.0005 * len(shares)  # each share printed to 3 decimals


@pytest.mark.parametrize(
    ("name", "width", "broken"),
    [
        ("autotag/runs.py:48(run_mode)", 24, "autotag/runs.py:48\n(run_mode)"),
        ("[bench: harness, replay, event loop]", 25, "[bench: harness, replay, \nevent loop]"),
        ("x" * 30, 12, "xxxxxxxxxxxx\nxxxxxxxxxxxx\nxxxxxx"),
    ],
)
def test_long_names_break_at_their_seams(name: str, width: int, broken: str) -> None:
    assert break_name(name, width) == broken


def test_run_reports_label_summed_latency_and_survive_no_requests(five: Comparison) -> None:
    console = Console(width=100, file=io.StringIO(), color_system=None, record=True)
    console.print(run_report(five.runs[4]))
    text = console.export_text()
    assert "summed latency s" in text and "in flight s" in text and "at most 16 in flight" in text
    empty = replace(
        five.runs[0],
        requests={"total": 0, "by_endpoint": {}, "statuses": {}},
        modeled={"wall_s": 0.0, "network_s": 0.0, "by_endpoint_s": {}},
        in_flight={},
    )
    console.print(run_report(empty))
    assert "eager: 0 requests, modeled wall 0.00 s" in console.export_text()


def test_when_every_faster_subject_is_rejected_the_verdict_says_so() -> None:
    from tests.harness.judge.test_compare import EAGER, INDEX

    wrong = [replace(INDEX, mode=name, final_state_digest="sha256:other-state") for name in ("v1", "v2")]
    comparison = Comparison.of([EAGER, *wrong])
    text = printed(comparison, 160)
    assert all(v.direction == "faster" and v.decision == "reject" for v in comparison.verdicts)
    assert "none of the 2 subjects is faster without being rejected; the last is judged" in text
    assert "verdict: REJECT v2" in text
