"""The HTML report reviewers read: one self-contained file (inline CSS, inline SVG charts, no external requests),
built with Jinja2 from a ``Comparison``. Reads only RunResult records and the ``.pstats`` files they name.
"""

from __future__ import annotations

import os
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from harness.judge.compare import Comparison
from harness.render import charts

DECISION_COLORS = {"merge": "#1b7f3b", "incremental": "#1f6f8b", "pivot": "#9a6b00", "reject": "#b42318"}


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "n/a" if np.isnan(value) else f"{value:,.3f}"
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    return str(value)


def _table(frame: pd.DataFrame) -> str:
    fmt = _fmt

    formatters = {column: fmt for column in frame.columns}
    html: str = frame.to_html(index=False, classes="data", border=0, formatters=formatters, escape=True)
    return html


def endpoint_matrix(comparison: Comparison, metric: str) -> pd.DataFrame:
    """Endpoint rows, one column per mode; other modes show their delta against the baseline in brackets."""
    frame = comparison.endpoints
    base = comparison.baseline.mode
    suffix = "requests" if metric == "requests" else "s"
    out = pd.DataFrame({"endpoint": frame["endpoint"]})
    for run in comparison.runs:
        values = frame[f"{run.mode} {suffix}"]
        if run.mode == base:
            out[run.mode] = [_fmt(v) for v in values]
        else:
            deltas = frame[f"{run.mode} Δ {suffix}"]
            out[run.mode] = [
                f"{_fmt(v)} ({'+' if d > 0 else ''}{_fmt(d)})" if d else _fmt(v)
                for v, d in zip(values, deltas, strict=True)
            ]
    return out


def _link(path: str | None, base: Path | None) -> str | None:
    if not path:
        return None
    if base is None:
        return Path(path).as_posix()
    return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()


class HtmlReport:
    """The report of one comparison; tables and charts are built once however many files it is written to."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    @cached_property
    def context(self) -> dict[str, Any]:
        """Everything on the page but the profile links, which depend on where the page is written."""
        comparison = self.comparison
        verdict = comparison.verdict
        functions = comparison.function_view
        runs = comparison.runs
        return {
            "title": f"bench: {' vs '.join(run.mode for run in runs)}",
            "verdict": verdict,
            "verdicts": comparison.verdicts,
            "color": DECISION_COLORS[verdict.decision],
            "equivalence": comparison.equivalence,
            "summary": _table(comparison.summary),
            "endpoint_requests": _table(endpoint_matrix(comparison, "requests")),
            "endpoint_seconds": _table(endpoint_matrix(comparison, "seconds")),
            "functions": _table(functions) if functions is not None else None,
            "chart_seconds": charts.seconds_per_endpoint(comparison),
            "chart_requests": charts.requests_per_endpoint(comparison),
            "chart_timeline": charts.timeline(comparison),
            "chart_functions": charts.function_deltas(comparison),
            "workload": runs[0].workload,
            "latency": runs[0].latency,
            "environment": runs[0].environment,
            "thresholds": comparison.thresholds,
        }

    def render(self, out_path: Path | None = None) -> str:
        """The page; links to profiles are made relative to ``out_path``'s folder when given."""
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(
                lambda name: resources.files("harness.render").joinpath("templates", name).read_text(encoding="utf-8")
            ),
            autoescape=True,
        )
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
