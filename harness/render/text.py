"""The terminal report of ``bench compare`` and ``bench run``, as rich renderables."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.judge.compare import Comparison
from harness.measure.result import RunResult

DECISION_STYLE = {"merge": "bold green", "incremental": "bold cyan", "pivot": "bold yellow", "reject": "bold red"}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _delta_style(column: str, value: Any) -> str:
    if "Δ" not in column or not isinstance(value, int | float) or value == 0:
        return ""
    return "red" if value > 0 else "green"


def frame_table(frame: pd.DataFrame, title: str) -> Table:
    """A rich table of a DataFrame: numbers right-aligned with separators, deltas coloured."""
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for index, column in enumerate(frame.columns):
        textual = frame[column].dtype == object
        table.add_column(str(column), justify="left" if textual else "right", no_wrap=index == 0)
    for record in frame.itertuples(index=False):
        cells = [Text(_fmt(v), style=_delta_style(str(c), v)) for c, v in zip(frame.columns, record, strict=True)]
        table.add_row(*cells)
    return table


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it: shorter, and the same on every machine."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return path


def workload_line(run: RunResult) -> str:
    """One line: the workload, latency, rules and profiler of a run."""
    w = run.workload
    return (
        f"workload {display_path(w['source'])} ({w['assets']:,} assets, Immich {w.get('immich_version')}), "
        f"latency {run.latency}, rules {display_path(str(w.get('rules')))}, profiler {run.profiler}"
    )


def _optional(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def run_report(run: RunResult) -> Group:
    """What ``bench run`` prints for one run."""
    frame = pd.DataFrame.from_records(
        [
            {"endpoint": e, "requests": n, "modeled s": round(run.seconds_by_endpoint.get(e, 0.0), 3)}
            for e, n in run.by_endpoint.items()
        ]
    )
    lines: list[RenderableType] = [
        Text(workload_line(run), style="dim"),
        frame_table(frame, f"{run.mode}: requests per endpoint"),
        Text(
            "answers: "
            + ", ".join(f"{count:,} x {status}" for status, count in sorted(run.requests.get("statuses", {}).items())),
            style="dim",
        ),
        Text(
            f"{run.mode}: {run.total_requests:,} requests, modeled wall {run.modeled_wall_s:,.2f} s, "
            f"cpu {_optional(run.cpu_s, '.2f')} s, real wall {run.real_wall_s:.2f} s, "
            f"peak {_optional(run.peak_rss_mb, '.0f')} MB"
            f" (run {_optional(run.run_rss_mb, '.1f')} MB), "
            f"final state {run.final_state_digest[:19]}..."
        ),
    ]
    return Group(*lines)


def compare_report(comparison: Comparison) -> Group:
    """What ``bench compare`` prints: summary, endpoints, functions, equivalence and verdict."""
    return Group(*_compare_parts(comparison))


def _compare_parts(comparison: Comparison) -> Iterator[RenderableType]:
    yield Text(workload_line(comparison.baseline), style="dim")
    yield frame_table(
        comparison.summary,
        "Summary per mode (modeled = virtual clock, exact; cpu/real/memory measured; "
        "run MB = resident memory grown while the tagger ran)",
    )
    yield frame_table(_endpoint_view(comparison), "Requests and modeled seconds per endpoint")
    view = comparison.function_view
    if view is not None:
        base, new = comparison.baseline.mode, comparison.candidate.mode
        yield frame_table(view, f"Functions, {base} -> {new}: top {len(view)} by |Δ cumtime| (cProfile, seconds)")
    elif comparison.unprofiled:
        yield Text(f"Functions: no profile for {', '.join(comparison.unprofiled)}", style="dim")
    eq = comparison.equivalence
    yield Text(eq.line(), style="green" if eq.equivalent else "bold red")
    verdicts = comparison.verdicts
    for other in verdicts[:-1]:
        yield Text(
            f"{other.mode}: {other.decision} ({other.improvement_pct:+.2f} %)", style=DECISION_STYLE[other.decision]
        )
    verdict = comparison.verdict
    body = "\n".join(f"- {reason}" for reason in verdict.reasons)
    yield Panel(
        body, title=f"verdict for {verdict.mode}", title_align="left", border_style=DECISION_STYLE[verdict.decision]
    )
    yield Text(
        f"verdict: {verdict.decision.upper()} {verdict.mode} "
        f"({verdict.improvement_pct:+.2f} % modeled wall vs {verdict.baseline})",
        style=DECISION_STYLE[verdict.decision],
    )


def _endpoint_view(comparison: Comparison) -> pd.DataFrame:
    frame = comparison.endpoints
    keep = ["endpoint"]
    for run in comparison.runs:
        keep += [f"{run.mode} requests", f"{run.mode} s"]
        if run is not comparison.baseline:
            keep += [f"{run.mode} Δ s", f"{run.mode} Δ %"]
    return frame[keep]
