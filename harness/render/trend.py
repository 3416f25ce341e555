"""The trend page of ``bench history``: one self-contained HTML file (inline CSS and SVG, no external requests)
with each metric per subject over commits, the gate's thresholds drawn, and the table of points."""

from __future__ import annotations

from importlib import resources
from typing import Any

import jinja2
import pandas as pd

from harness.judge.history import History, Point
from harness.render import trend_charts


def history_table(history: History) -> pd.DataFrame:
    """One row per series and commit: what was measured there."""
    return pd.DataFrame.from_records([_row(point) for point in history.points])


def _row(point: Point) -> dict[str, Any]:
    def noisy(metric: str) -> float:
        value = point.noisy.get(metric)
        return float("nan") if value is None else value

    return {
        "commit": point.commit.label,
        "committed": point.commit.time[:16].replace("T", " ") or "n/a",
        "subject": point.subject,
        "machine": point.machine,
        "runs": point.runs,
        "requests": point.requests,
        "modeled wall s": point.modeled_wall_s,
        "cpu s": noisy("cpu_s"),
        "peak MB": noisy("peak_rss_mb"),
        "run MB": noisy("run_rss_mb"),
    }


def charts(history: History) -> list[tuple[str, str]]:
    """(title, SVG) of every chart the page shows."""
    limits = history.thresholds
    wall = trend_charts.metric_over_commits(
        history, "Modeled wall time", "modeled seconds", lambda p: p.modeled_wall_s, lambda b: b.modeled_wall_s
    )
    found: list[tuple[str, str | None]] = [
        (f"Modeled wall time (gate: fails beyond +{limits.wall_pct:g} % over the baseline)", wall)
    ]
    for metric, (name, unit, factor) in _noisy(history).items():
        chart = trend_charts.metric_over_commits(history, name, unit, *_readers(metric))
        found.append((f"{name}, median of each commit's runs (gate: judged beyond x{factor:g})", chart))
    for series in history.series():
        found.append((f"Requests per endpoint: {series}", trend_charts.requests_over_commits(history, series)))
    return [(title, chart) for title, chart in found if chart is not None]


def _readers(metric: str) -> tuple[trend_charts.Metric, trend_charts.Limit]:
    """How to read a noisy metric off a point, and its limit off a series' limits."""
    return (lambda point: point.noisy[metric]), (lambda limits: limits.noisy.get(metric))


def _noisy(history: History) -> dict[str, tuple[str, str, float]]:
    limits = history.thresholds
    return {
        "cpu_s": ("CPU time", "CPU seconds", limits.cpu_factor),
        "peak_rss_mb": ("Peak memory", "MB", limits.memory_factor),
        "run_rss_mb": ("Memory grown during the run", "MB", limits.memory_factor),
    }


def trend_page(history: History, title: str = "bench history") -> str:
    """The page, deterministic for the same history."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files("harness.render").joinpath("templates", name).read_text(encoding="utf-8")
        ),
        autoescape=True,
    )
    table = history_table(history)
    html = table.to_html(index=False, classes="data", border=0, na_rep="n/a", float_format=lambda v: f"{v:,.3f}")
    return env.get_template("trend.html.j2").render(
        title=title,
        history=history,
        charts=charts(history),
        table=html,
        subjects=list(history.series()),
    )
