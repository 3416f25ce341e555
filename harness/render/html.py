"""The HTML report reviewers read: one self-contained file (inline CSS, inline SVG charts and flame graphs, no
script, no external requests), built with Jinja2 from a ``Comparison``. Reads only RunResult records and the
``.pstats`` files they name. Its tables are the same cells as the terminal's (``views``).
"""

from __future__ import annotations

import os
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from harness.judge.compare import Comparison
from harness.judge.flame import differential
from harness.render import charts, views
from harness.render.flamegraph import diff_svg, flame_svg
from harness.render.text import OVERLAP_TITLE, summary_title

DECISION_COLORS = {"merge": "#1b7f3b", "incremental": "#1f6f8b", "pivot": "#9a6b00", "reject": "#b42318"}


def _table(frame: pd.DataFrame | None, table_id: str) -> str | None:
    """Text cells as an HTML table (escaped)."""
    if frame is None:
        return None
    text: str = frame.to_html(index=False, classes="data", border=0, escape=True, table_id=table_id)
    return text


def _link(path: str | None, base: Path | None) -> str | None:
    if not path:
        return None
    if base is None:
        return Path(path).as_posix()
    return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()


def flames(comparison: Comparison) -> dict[str, Any]:
    """The differential flame graph of the baseline and the judged subject, and one flame graph per subject."""
    trees = comparison.flames
    base, judged = comparison.baseline.mode, comparison.judged.mode
    each = [
        {"mode": run.mode, "index": index, "svg": flame_svg(trees[run.mode], f"flame-{index}")}
        for index, run in enumerate(comparison.runs)
        if run.mode in trees
    ]
    diff = None
    if base in trees and judged in trees:
        diff = diff_svg(differential(trees[base], trees[judged]), base, judged, "flame-diff")
    return {"diff": diff, "each": each, "pair": {base, judged}}


class HtmlReport:
    """The report of one comparison; tables and charts are built once however many files it is written to."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    @cached_property
    def context(self) -> dict[str, Any]:
        """Everything on the page but the profile links, which depend on where the page is written."""
        comparison = self.comparison
        verdict = comparison.verdict
        runs = comparison.runs
        return {
            "title": f"bench: {' vs '.join(run.mode for run in runs)}",
            "comparison": comparison,
            "verdict": verdict,
            "color": DECISION_COLORS[verdict.decision],
            "summary_title": summary_title(comparison).removeprefix("Summary per subject ").strip("()"),
            "summary": _table(views.summary_view(comparison), "summary"),
            "verdicts": _table(views.verdict_view(comparison), "verdicts") if len(comparison.verdicts) > 1 else None,
            "endpoint_requests": _table(views.endpoint_matrix(comparison, views.REQUESTS), "endpoint-requests"),
            "endpoint_seconds": _table(views.endpoint_matrix(comparison, views.SHARE), "endpoint-seconds"),
            "overlap": _table(views.overlap_view(comparison), "overlap"),
            "overlap_title": OVERLAP_TITLE,
            "functions": _table(views.function_view(comparison), "functions"),
            "chart_seconds": charts.wall_shares(comparison),
            "chart_in_flight": charts.in_flight(comparison),
            "chart_requests": charts.requests_per_endpoint(comparison),
            "chart_timeline": charts.timeline(comparison),
            "chart_functions": charts.function_deltas(comparison),
            "flames": flames(comparison),
            "workload": runs[0].workload,
            "environment": runs[0].environment,
        }

    def render(self, out_path: Path | None = None) -> str:
        """The page; links to profiles are made relative to ``out_path``'s folder when given."""
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(
                lambda name: resources.files("harness.render").joinpath("templates", name).read_text(encoding="utf-8")
            ),
            autoescape=True,
        )
        env.filters["thousands"] = lambda value: f"{value:,}" if isinstance(value, int | float) else value
        base = out_path.parent if out_path is not None else None
        runs = [
            {
                "mode": run.mode,
                "profiler": run.profiler,
                "created_at": run.created_at,
                "pstats": _link(run.artifacts.get("pstats"), base),
                "pyinstrument": _link(run.artifacts.get("pyinstrument"), base),
            }
            for run in self.comparison.runs
        ]
        return env.get_template("report.html.j2").render(**self.context, runs=runs)
