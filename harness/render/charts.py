"""Charts of a comparison as inline SVG strings (matplotlib, Agg, no pyplot global state).

Endpoints have the same colour in every chart and report (``palette``); subjects are told apart by colour, line
style and marker. Summed request latency is never drawn: on a wall-time axis only the wall and its shares are.
Chart elements a test reads carry SVG ids: ``wall-I`` (subject I's wall time), ``share-I-ENDPOINT`` (its share
of an endpoint, ``slug``), ``idle-I`` (its time with nothing in flight).
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from harness.judge.compare import Comparison
from harness.judge.frame_kinds import FOLDED
from harness.measure.result import RunResult
from harness.render.palette import (
    BENCH,
    IDLE,
    SUBJECT_MARKERS,
    SUBJECT_STYLES,
    endpoint_color,
    subject_color,
)

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, selectable, searchable
matplotlib.rcParams["svg.hashsalt"] = "autotag-bench"  # stable element ids: the same report, byte for byte
matplotlib.rcParams["font.family"] = "DejaVu Sans"
THOUSANDS = FuncFormatter(lambda value, _pos: f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.3g}")


def svg(figure: Figure) -> str:
    """The figure as an inline SVG string (no XML prologue, no date: the same chart, byte for byte)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def slug(endpoint: str) -> str:
    """``GET-assets-id`` for ``GET /assets/{id}``: an endpoint as an SVG id."""
    return re.sub(r"[^A-Za-z0-9]+", "-", endpoint).strip("-")


def _endpoints_by_size(runs: tuple[RunResult, ...]) -> list[str]:
    def largest(endpoint: str) -> float:
        return max((run.share_by_endpoint or {}).get(endpoint, 0.0) for run in runs)

    return sorted({e for run in runs for e in run.by_endpoint}, key=lambda e: (-largest(e), e))


def wall_shares(comparison: Comparison) -> str:
    """Each subject's modeled wall time as one bar, split among the endpoints by their share of it (requests in
    flight together split the time they share), the rest being time with nothing in flight."""
    runs = comparison.runs
    endpoints = _endpoints_by_size(runs)
    figure = Figure(figsize=(9, 1.3 + 0.55 * len(runs) + 0.17 * len(endpoints)))
    axes = figure.add_subplot()
    shown: set[str] = set()
    for index, run in enumerate(runs):
        left = 0.0
        for endpoint in endpoints:
            value = (run.share_by_endpoint or {}).get(endpoint, 0.0)
            if value > 0:
                label = endpoint if endpoint not in shown else None
                shown.add(endpoint)
                bars = axes.barh(index, value, left=left, height=0.62, color=endpoint_color(endpoint), label=label)
                bars.patches[0].set_gid(f"share-{index}-{slug(endpoint)}")
                left += value
        _idle_and_wall(axes, index, run, left, shown)
    axes.set_yticks(range(len(runs)), [run.mode for run in runs])
    axes.invert_yaxis()
    axes.set_xlim(0, max(run.modeled_wall_s for run in runs) * 1.32)
    axes.xaxis.set_major_formatter(THOUSANDS)
    axes.set_xlabel("modeled wall seconds")
    axes.set_title("Modeled wall time per subject, split among endpoints by their share of it")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)


def _idle_and_wall(axes: Axes, index: int, run: RunResult, busy: float, shown: set[str]) -> None:
    """The time with nothing in flight, the wall's outline, and its figure at the end of the bar."""
    wall = run.modeled_wall_s
    if run.share_by_endpoint is not None and wall - busy > wall * 1e-4:
        label = "nothing in flight" if "idle" not in shown else None
        shown.add("idle")
        bars = axes.barh(index, wall - busy, left=busy, height=0.62, color=IDLE, hatch="///", label=label)
        bars.patches[0].set_gid(f"idle-{index}")
    outline = axes.barh(index, wall, height=0.62, facecolor="none", edgecolor="#1d2433", linewidth=1.1)
    outline.patches[0].set_gid(f"wall-{index}")
    note = f"{wall:,.2f} s"
    if run.overlapping:
        note += f", up to {run.in_flight['peak']:,} in flight" if run.in_flight else ", overlapping"
    if run.share_by_endpoint is None:
        note += " (shares not recorded)"
    axes.text(wall, index, "  " + note, va="center", fontsize=8)


def in_flight(comparison: Comparison) -> str | None:
    """For comparisons with a subject that overlaps requests: the percent of each subject's wall time during which
    each endpoint had a request in flight (overlapping requests counted once); None when nothing overlaps."""
    runs = comparison.runs
    if not any(run.overlapping for run in runs):
        return None
    endpoints = _endpoints_by_size(runs)
    figure = Figure(figsize=(9, 1.2 + 0.3 * len(endpoints) * max(len(runs), 2) / 2))
    axes = figure.add_subplot()
    height = 0.8 / len(runs)
    for index, run in enumerate(runs):
        flight = run.in_flight_by_endpoint or {}
        values = [100.0 * flight.get(e, 0.0) / run.modeled_wall_s if run.modeled_wall_s else 0.0 for e in endpoints]
        positions = [i + index * height for i in range(len(endpoints))]
        axes.barh(positions, values, height=height, label=run.mode, color=subject_color(index))
    axes.set_yticks([i + 0.4 - height / 2 for i in range(len(endpoints))], endpoints, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of the subject's modeled wall time with a request of this endpoint in flight")
    axes.set_title("Time in flight per endpoint (requests in flight together counted once)")
    axes.legend(fontsize=8, frameon=False, loc="lower right")
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)


def requests_per_endpoint(comparison: Comparison) -> str:
    """Requests per endpoint and subject, on a symmetric log scale."""
    endpoints = sorted({e for run in comparison.runs for e in run.by_endpoint})
    n = len(comparison.runs)
    figure = Figure(figsize=(9, 1.2 + 0.32 * len(endpoints) * max(n, 2) / 2))
    axes = figure.add_subplot()
    height = 0.8 / n
    for index, run in enumerate(comparison.runs):
        positions = [i + index * height for i in range(len(endpoints))]
        counts = [run.by_endpoint.get(e, 0) for e in endpoints]
        axes.barh(positions, counts, height=height, label=run.mode, color=subject_color(index))
    axes.set_yticks([i + 0.4 - height / 2 for i in range(len(endpoints))], endpoints, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("symlog", linthresh=10)
    # Plain numbers (1,000) rather than matplotlib's math-text powers (10^3): easier to read, and no math-text
    # parsing, which was half of this chart's rendering time.
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))
    axes.set_xlabel("requests (symmetric log scale)")
    axes.set_title("Requests per endpoint, per subject")
    axes.legend(fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)


def timeline(comparison: Comparison) -> str:
    """The modeled clock against requests answered, per subject; a curve that another already draws is dashed over
    it and says so in the legend."""
    figure = Figure(figsize=(9, 4))
    axes = figure.add_subplot()
    drawn: dict[str, str] = {}
    for index, run in enumerate(comparison.runs):
        points = run.timeline or [[0, 0.0], [run.total_requests, run.modeled_wall_s]]
        key = repr(points)
        label = run.mode + (f" (same curve as {drawn[key]})" if key in drawn else "")
        drawn.setdefault(key, run.mode)
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            label=label,
            color=subject_color(index),
            linestyle=SUBJECT_STYLES[index % len(SUBJECT_STYLES)],
            linewidth=3.0 if index == 0 else 1.6,
            marker=SUBJECT_MARKERS[index % len(SUBJECT_MARKERS)],
            markevery=max(1, len(points) // 7),
            markersize=4,
        )
    axes.xaxis.set_major_formatter(THOUSANDS)
    axes.yaxis.set_major_formatter(THOUSANDS)
    axes.set_xlabel("requests answered")
    axes.set_ylabel("modeled clock, seconds")
    axes.set_title("Modeled timeline: the clock as requests are answered")
    axes.legend(frameon=False, fontsize=8)
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
    names = list(table["function"])
    pairs = zip(names, values, strict=True)
    colors = [BENCH if name == FOLDED else "#c44e52" if v > 0 else "#4c72b0" for name, v in pairs]
    axes.barh(names, values, color=colors)
    axes.axvline(0, color="#333", linewidth=0.8)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_xlabel(
        f"Δ cumulative wall-clock seconds (cProfile), {comparison.baseline.mode} -> {comparison.judged.mode} "
        "(red: more, blue: less, grey: the bench's own frames)"
    )
    axes.set_title("Top function deltas (cProfile wall-clock time)")
    axes.grid(axis="x", alpha=0.3)
    return svg(figure)
