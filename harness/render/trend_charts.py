"""Charts of a ``History`` as inline SVG: a metric per series over commits, the gate's limit drawn dashed."""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from harness.judge.history import History, Limits, Point
from harness.render.charts import svg
from harness.render.palette import endpoint_color, subject_color

Metric = Callable[[Point], float | None]
Limit = Callable[[Limits], float | None]


def metric_over_commits(history: History, title: str, unit: str, value: Metric, limit: Limit) -> str | None:
    """``value`` of every series over the commits, each with its limit as a dashed line in its colour; None when
    no point has a value."""
    labels = [commit.label for commit in history.commits]
    index = {commit: i for i, commit in enumerate(history.commits)}
    figure = Figure(figsize=(9, 3.6))
    axes = figure.add_subplot()
    drawn = False
    for number, (series, points) in enumerate(history.series().items()):
        color = subject_color(number)
        known = [(index[p.commit], v) for p in points if (v := value(p)) is not None]
        if not known:
            continue
        drawn = True
        axes.plot([x for x, _ in known], [y for _, y in known], marker="o", color=color, label=series, linewidth=1.8)
        bound = limit(history.limits[series])
        if bound is not None:
            axes.axhline(bound, color=color, linestyle="--", linewidth=1, alpha=0.8, label=f"{series}: gate limit")
    if not drawn:
        return None
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    axes.set_ylabel(unit)
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.grid(alpha=0.3)
    return svg(figure)


def requests_over_commits(history: History, series: str) -> str:
    """Requests per endpoint of one series over the commits; the baseline's count (the gate allows no more) dashed."""
    labels = [commit.label for commit in history.commits]
    index = {commit: i for i, commit in enumerate(history.commits)}
    points = history.series()[series]
    limits = history.limits[series].by_endpoint
    figure = Figure(figsize=(9, 3.8))
    axes = figure.add_subplot()
    for endpoint in history.endpoints():
        color = endpoint_color(endpoint)
        xs = [index[p.commit] for p in points]
        axes.plot(xs, [p.by_endpoint.get(endpoint, 0) for p in points], marker="o", color=color, label=endpoint)
        if endpoint in limits:
            axes.axhline(limits[endpoint], color=color, linestyle="--", linewidth=1, alpha=0.8)
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    axes.set_yscale("symlog", linthresh=10)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("requests (symmetric log)")
    axes.set_title(f"{series}: requests per endpoint (dashed: the baseline's count, the gate's limit)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.grid(alpha=0.3)
    return svg(figure)
