"""The terminal report of ``bench compare`` and ``bench run``, as rich renderables that lay themselves out for the
width of the console they are printed on (``COLUMNS``, or the terminal's): wide tables split, numbers never cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.panel import Panel
from rich.text import Text

from harness.judge.compare import Comparison
from harness.judge.latency_words import run_latency
from harness.measure.result import RunResult
from harness.render import views
from harness.render.cells import cell
from harness.render.fit import fitted_tables
from harness.wording import plural

DECISION_STYLE = {"merge": "bold green", "incremental": "bold cyan", "pivot": "bold yellow", "reject": "bold red"}


def cell_style(column: str, text: str) -> str:
    """Green for less time or fewer requests, red for more; decisions in their colours; new and gone in cyan."""
    if text.lower() in DECISION_STYLE:
        return DECISION_STYLE[text.lower()]
    if text.endswith("faster") or "(-" in text:
        return "green"
    if text.endswith("slower") or "(+" in text:
        return "red"
    if text == "gone" or text.endswith("(new)"):
        return "cyan"
    if "Δ" in column and text.startswith(("+", "-")):
        return "red" if text.startswith("+") else "green"
    return ""


def tables(
    frame: pd.DataFrame, title: str, width: int, fold_key: bool = False, prose: frozenset[str] = frozenset()
) -> list[RenderableType]:
    return fitted_tables(frame, title, width, cell_style, fold_key, prose)


class FrameTables:
    """A DataFrame of values as one or more tables fitted to the console (``frame_table``)."""

    def __init__(self, frame: pd.DataFrame, title: str, fold_key: bool = False) -> None:
        self.frame, self.title, self.fold_key = frame, title, fold_key

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from tables(views.formatted(self.frame), self.title, options.max_width, self.fold_key)


def frame_table(frame: pd.DataFrame, title: str) -> FrameTables:
    """A table of any DataFrame (numbers with separators), split to fit the console."""
    return FrameTables(frame, title, fold_key=True)


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
        f"latency: {run_latency(run)}, rules {display_path(str(w.get('rules')))}, profiler {run.profiler}"
    )


def _optional(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


class RunReport:
    """What ``bench run`` prints for one run."""

    def __init__(self, run: RunResult) -> None:
        self.run = run

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        run = self.run
        yield Text(workload_line(run), style="dim")
        warning = run.latency_source.get("warning")
        if warning:
            yield Text(f"warning: {warning}", style="yellow")
        title = f"{run.mode}: requests and modeled seconds per endpoint"
        yield from tables(_run_endpoints(run), title, options.max_width)
        statuses = sorted(run.requests.get("statuses", {}).items())
        answers = ", ".join(f"{count:,} x {status}" for status, count in statuses)
        yield Text(f"answers: {answers}", style="dim")
        flight = f", at most {run.in_flight['peak']:,} in flight" if run.in_flight else ""
        yield Text(
            f"{run.mode}: {plural(run.total_requests, 'request')}{flight}, modeled wall {run.modeled_wall_s:,.2f} s, "
            f"cpu {_optional(run.cpu_s, ',.2f')} s, real {run.real_wall_s:,.2f} s, "
            f"peak {_optional(run.peak_rss_mb, ',.0f')} MB (run {_optional(run.run_rss_mb, ',.1f')} MB), "
            f"final state {run.final_state_digest[:19]}..."
        )
        served = ", ".join(f"{count:,} x {kind}" for kind, count in run.faults.items()) or "none"
        if run.fault_free_digest is None and run.faults:
            yield Text(f"faults served: {served}", style="yellow")
        if run.fault_free_digest is not None:
            reached = run.reached_fault_free
            yield Text(
                f"faults served ({run.workload.get('spec', {}).get('faults')}): {served}; the final state is "
                + ("the fault-free one" if reached else f"NOT the fault-free one ({run.fault_free_digest[:19]}...)"),
                style="green" if reached else "bold red",
            )


def _run_endpoints(run: RunResult) -> pd.DataFrame:
    """Requests and wall share per endpoint; for a run that overlaps requests, also the time in flight and the
    summed latency (labelled as such: it adds up past the wall)."""
    share, flight = run.share_by_endpoint, run.in_flight_by_endpoint
    columns = ["endpoint", "requests", "wall share s"]
    if run.overlapping:
        columns += ["in flight s", "summed latency s"]
    records = []
    for endpoint, count in run.by_endpoint.items():
        record = {"endpoint": endpoint, "requests": cell(count)}
        record["wall share s"] = cell(share.get(endpoint, 0.0)) if share is not None else "n/a"
        if run.overlapping:
            record["in flight s"] = cell(flight.get(endpoint, 0.0)) if flight is not None else "n/a"
            record["summed latency s"] = cell(run.seconds_by_endpoint.get(endpoint, 0.0))
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def run_report(run: RunResult) -> RunReport:
    return RunReport(run)


class CompareReport:
    """What ``bench compare`` prints: summary, endpoints, functions, equivalence and the verdicts."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _compare_parts(self.comparison, options.max_width)


def compare_report(comparison: Comparison) -> CompareReport:
    return CompareReport(comparison)


def summary_title(comparison: Comparison) -> str:
    repeats = max((len(v) for run in comparison.runs for v in run.samples.values()), default=1)
    measured = f"median of {repeats:,} runs, spread = max - min" if repeats > 1 else "one run each"
    return (
        f"Summary per subject (modeled = virtual clock, exact; cpu/real/memory measured, {measured}; "
        "run MB = resident memory grown while the tagger ran)"
    )


def _compare_parts(comparison: Comparison, width: int) -> Iterator[RenderableType]:
    base = comparison.baseline.mode
    yield Text(workload_line(comparison.baseline), style="dim")
    for warning in comparison.warnings:
        yield Text(f"warning: {warning}", style="yellow")
    yield from tables(views.summary_view(comparison), summary_title(comparison), width)
    change = f"in brackets: subject minus {base}, negative = less"
    yield from tables(views.endpoint_matrix(comparison, views.REQUESTS), f"Requests per endpoint ({change})", width)
    yield from tables(
        views.endpoint_matrix(comparison, views.SHARE),
        f"Modeled seconds per endpoint: its share of the wall time (requests in flight together split the time "
        f"they share; {change})",
        width,
    )
    overlap = views.overlap_view(comparison)
    if overlap is not None:
        yield from tables(overlap, OVERLAP_TITLE, width)
    yield from _functions(comparison, width)
    eq = comparison.equivalence
    yield Text(eq.line(), style="green" if eq.equivalent else "bold red")
    yield from _verdicts(comparison, width)


OVERLAP_TITLE = (
    "Overlapping requests: time each endpoint had a request in flight, its percent of the wall, and the summed "
    "latency of its requests (every request counted whole, so it adds up past the wall)"
)


def _functions(comparison: Comparison, width: int) -> Iterator[RenderableType]:
    view = views.function_view(comparison)
    if view is None:
        if comparison.unprofiled:
            yield Text(f"Functions: no profile for {', '.join(comparison.unprofiled)}", style="dim")
        return
    base, new = comparison.baseline.mode, comparison.judged.mode
    notes = ["cProfile wall-clock seconds"]
    if comparison.folded:
        notes.append("the bench's own frames folded into one row, --functions all shows them")
    if comparison.busy:
        notes.append("measured on a busy machine: rows whose calls did not change may differ by noise alone")
    title = f"Functions, {base} -> {new}: top {len(view):,} by |Δ cumtime| ({'; '.join(notes)})"
    yield from tables(view, title, width, fold_key=True)


def _verdicts(comparison: Comparison, width: int) -> Iterator[RenderableType]:
    base = comparison.baseline.mode
    if len(comparison.verdicts) > 1:
        title = f"Verdict for every subject against {base}"
        yield from tables(views.verdict_view(comparison), title, width, prose=frozenset({"why"}))
    verdict = comparison.verdict
    which = judged_phrase(comparison)
    body = "\n".join(f"- {reason}" for reason in verdict.reasons)
    style = DECISION_STYLE[verdict.decision]
    panel_title = f"verdict for {verdict.mode}" + (f" ({which})" if which else "")
    yield Panel(body, title=panel_title, title_align="left", border_style=style)
    yield Text(
        f"verdict: {verdict.decision.upper()} {verdict.mode} ({verdict.versus}" + (f"; {which})" if which else ")"),
        style=style,
    )
    yield Text(f"modeled with {comparison.latency}", style="dim")


def judged_phrase(comparison: Comparison) -> str:
    """Why the judged subject is the one judged: "the best of 4 subjects", or that none is faster."""
    count = len(comparison.verdicts)
    if count == 1:
        return ""
    if comparison.best is not None:
        return f"the best of {count:,} subjects"
    return f"none of the {count:,} subjects is faster without being rejected; the last is judged"
