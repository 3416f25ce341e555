"""``bench history``: stored runs by commit, and a trend page with the gate's thresholds drawn."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from harness.atomic_write import write_atomic
from harness.cli.group import OUT_FILE, cli, err, handle_errors, out
from harness.errors import ResultError
from harness.judge.gate import GateThresholds
from harness.judge.history import History
from harness.measure.result import load_run
from harness.measure.run_folders import next_run_dir, stored_runs
from harness.render.trend import history_table, trend_page


@cli.command("history", short_help="Stored runs by commit, and a trend page over commits.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--subject", "subjects", multiple=True, metavar="NAME", help="Only this subject (repeatable).")
@click.option(
    "--baseline",
    "baselines",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A gate baseline RunResult: its subject's thresholds are drawn around it (default: its first commit).",
)
@click.option("--wall-pct", type=click.FloatRange(min=0), default=2.0, show_default=True, help="As `bench gate`.")
@click.option("--cpu-factor", type=click.FloatRange(min=1), default=1.25, show_default=True, help="As `bench gate`.")
@click.option("--memory-factor", type=click.FloatRange(min=1), default=1.25, show_default=True, help="As `bench gate`.")
@click.option("--html", "html_path", type=OUT_FILE, help="Write the trend page here.")
@handle_errors
def history_command(
    paths: tuple[Path, ...],
    subjects: tuple[str, ...],
    baselines: tuple[Path, ...],
    wall_pct: float,
    cpu_factor: float,
    memory_factor: float,
    html_path: Path | None,
) -> None:
    """List the runs stored under PATHS (folders searched for RunResults, or RunResult / compare files; default:
    reports/) by the commit each measured, and write a self-contained trend page: modeled wall time, requests per
    endpoint, CPU and memory per subject over the commits, with the gate's thresholds drawn.

    Example: bench history --baseline cassettes/baselines/lazy.json --html trend.html
    """
    runs = [run for run in stored_runs(list(paths)) if not subjects or run.mode in subjects]
    if not runs:
        where = ", ".join(map(str, paths)) or "reports/"
        raise ResultError(f"no stored runs{' of ' + ', '.join(subjects) if subjects else ''} under {where}")
    thresholds = GateThresholds(wall_pct=wall_pct, cpu_factor=cpu_factor, memory_factor=memory_factor)
    history = History.of(runs, thresholds, [load_run(path) for path in baselines])
    out.print(_table(history))
    target = html_path or next_run_dir("history") / "trend.html"
    write_atomic(target, trend_page(history))
    err.print(f"trend page: {target}")


def _table(history: History) -> Table:
    frame = history_table(history)
    table = Table(title="Runs by commit (oldest first; + = uncommitted changes)", title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), justify="left" if frame[column].dtype == object else "right")
    for record in frame.itertuples(index=False):
        table.add_row(*(_cell(value) for value in record))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:,.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
