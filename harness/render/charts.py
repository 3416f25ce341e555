"""Charts of a comparison as inline SVG strings (matplotlib, Agg, no pyplot global state)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from harness.judge.compare import Comparison

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, selectable, searchable
matplotlib.rcParams["svg.hashsalt"] = "autotag-bench"  # stable element ids: the same report, byte for byte
matplotlib.rcParams["font.family"] = "DejaVu Sans"
COLORS = [
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
    "#1b9e77",
    "#d95f02",
]


def svg(figure: Figure) -> str:
    """The figure as an inline SVG string (no XML prologue, no date: the same chart, byte for byte)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def seconds_per_endpoint(comparison: Comparison) -> str:
    """Modeled seconds per endpoint, stacked per mode."""
    modes = [run.mode for run in comparison.runs]
    endpoints = sorted(
        {e for run in comparison.runs for e in run.seconds_by_endpoint},
        key=lambda e: -max(run.seconds_by_endpoint.get(e, 0.0) for run in comparison.runs),
    )
    figure = Figure(figsize=(9, 0.9 + 0.6 * len(modes) + 0.2 * len(endpoints)))
    axes = figure.add_subplot()
    left = [0.0] * len(modes)
    for index, endpoint in enumerate(endpoints):
        values = [run.seconds_by_endpoint.get(endpoint, 0.0) for run in comparison.runs]
        axes.barh(modes, values, left=left, label=endpoint, color=COLORS[index % len(COLORS)])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("modeled seconds")
    axes.set_title("Modeled seconds per endpoint, per mode (stacked)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)


def requests_per_endpoint(comparison: Comparison) -> str:
    """Requests per endpoint and mode, on a symmetric log scale."""
    endpoints = sorted({e for run in comparison.runs for e in run.by_endpoint})
    n = len(comparison.runs)
    figure = Figure(figsize=(9, 1.2 + 0.32 * len(endpoints) * max(n, 2) / 2))
    axes = figure.add_subplot()
    height = 0.8 / n
    for index, run in enumerate(comparison.runs):
        positions = [i + index * height for i in range(len(endpoints))]
        axes.barh(
            positions,
            [run.by_endpoint.get(e, 0) for e in endpoints],
            height=height,
            label=run.mode,
            color=COLORS[index % len(COLORS)],
        )
    axes.set_yticks([i + 0.4 - height / 2 for i in range(len(endpoints))], endpoints, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("symlog", linthresh=10)
    # Plain numbers (1,000) rather than matplotlib's math-text powers (10^3): easier to read, and no math-text
    # parsing, which was half of this chart's rendering time.
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))
    axes.set_xlabel("requests (symmetric log scale)")
    axes.set_title("Requests per endpoint, per mode")
    axes.legend(fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)


def timeline(comparison: Comparison) -> str:
    """Cumulative modeled seconds against requests sent, per mode."""
    figure = Figure(figsize=(9, 4))
    axes = figure.add_subplot()
    for index, run in enumerate(comparison.runs):
        points = run.timeline or [[0, 0.0], [run.total_requests, run.modeled_wall_s]]
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            label=run.mode,
            color=COLORS[index % len(COLORS)],
            linewidth=1.8,
        )
    axes.set_xlabel("requests sent")
    axes.set_ylabel("cumulative modeled seconds")
    axes.set_title("Modeled timeline: where each mode spends its time")
    axes.legend(frameon=False)
    axes.grid(alpha=0.3)
    return svg(figure)


def function_deltas(comparison: Comparison, top: int = 15) -> str | None:
    """The largest cumulative-time deltas of the function table, or None without one."""
    table = comparison.function_table
    if table is None or table.empty:
        return None
    table = table.head(top).iloc[::-1]
    figure = Figure(figsize=(9, 1.2 + 0.32 * len(table)))
    axes = figure.add_subplot()
    values = list(table["cumtime_delta"])
    colors = ["#c44e52" if v > 0 else "#4c72b0" for v in values]
    axes.barh(list(table["function"]), values, color=colors)
    axes.axvline(0, color="#333", linewidth=0.8)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_xlabel(
        f"Δ cumulative CPU seconds, {comparison.baseline.mode} -> {comparison.candidate.mode} "
        "(red: slower, blue: faster)"
    )
    axes.set_title("Top function deltas (cProfile)")
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)
