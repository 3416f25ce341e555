"""The ``bench`` commands that measure: ``run`` and ``compare``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from autotag import MODES, get_mode
from harness.atomic_write import write_json
from harness.cli.group import cli, err, handle_errors, out, run_options, workload_options, workload_spec
from harness.cli.reports import ReportOptions, report_options
from harness.measure.parallel import run_all
from harness.measure.result import RunResult
from harness.measure.run_folders import next_run_dir
from harness.measure.run_spec import RunSpec
from harness.render.text import run_report


def run_specs(subjects: list[str], label: str, options: dict[str, Any]) -> list[RunSpec]:
    """One ``RunSpec`` per subject from a command's click options; everything a worker would trip on is checked
    here, before any worker starts."""
    for subject in subjects:
        get_mode(subject)
    workload = workload_spec(options)
    folder = options.get("out_dir") or next_run_dir(label)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        RunSpec(
            subject=subject,
            workload=workload,
            profiler=options.get("profiler") or "cprofile",
            out_dir=str(folder),
            realtime=options.get("realtime") or 0.0,
        )
        for subject in subjects
    ]


def measure(specs: list[RunSpec], jobs: int = 1, label: str = "") -> list[RunResult]:
    """Run each spec in its own process, ``jobs`` at a time, with a progress line per run; save each result."""
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    )
    names = [f"{spec.subject}{label.format(i + 1, len(specs))}" for i, spec in enumerate(specs)]
    tasks = [progress.add_task(f"[bold]{name}[/]: waiting", total=1) for name in names]

    def started(index: int) -> None:
        progress.update(tasks[index], description=f"[bold]{names[index]}[/]: replaying under {specs[index].profiler}")

    def finished(index: int, result: RunResult) -> None:
        name = names[index]
        done = f"[bold]{name}[/]: {result.total_requests:,} requests, modeled {result.modeled_wall_s:,.2f} s"
        progress.update(tasks[index], completed=1, description=done)
        progress.console.print(
            f"{name}: {result.total_requests:,} requests, modeled {result.modeled_wall_s:,.2f} s,"
            f" real {result.real_wall_s:.2f} s",
            highlight=False,
        )

    with progress:
        return run_all(specs, jobs, started, finished)


def save(results: list[RunResult], folder: Path) -> None:
    """Write each RunResult as ``<subject>.json`` in ``folder``."""
    for result in results:
        write_json(folder / f"{result.mode}.json", result.to_json())
    err.print(f"results in {folder}")


def default_jobs(count: int) -> int:
    """Runs at once: the CPU count, at most ``count``."""
    return max(1, min(count, os.cpu_count() or 1))


@cli.command("run", short_help="Replay one mode and print its measurements.")
@click.argument("mode")
@workload_options
@run_options
@handle_errors
def run_command(mode: str, json_path: Path | None, **options: Any) -> None:
    """Replay one MODE and print its requests per endpoint and its measurements."""
    specs = run_specs([mode], f"run-{mode}", options)
    (result,) = measure(specs)
    save([result], Path(specs[0].out_dir or "."))
    out.print(run_report(result))
    if json_path is not None:
        write_json(json_path, result.to_json())


def check_modes(modes: tuple[str, ...]) -> None:
    if len(modes) < 2:
        raise click.UsageError("compare needs at least two modes, e.g. `bench compare eager lazy`")
    repeated = sorted({m for m in modes if modes.count(m) > 1})
    if repeated:
        raise click.UsageError(f"mode given twice: {', '.join(repeated)}")
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise click.UsageError(f"unknown mode {unknown[0]!r}; valid modes: {', '.join(MODES)}")


@cli.command("compare", short_help="Replay modes and compare them: deltas and verdict.")
@click.argument("modes", nargs=-1, required=True)
@workload_options
@run_options
@report_options
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Modes run at once, each in its own process (default: the "
    "CPU count). --jobs 1 gives the quietest CPU and real-time figures; modeled figures are the same.",
)
@handle_errors
def compare_command(modes: tuple[str, ...], json_path: Path | None, jobs: int | None, **options: Any) -> None:
    """Replay MODES (the first is the baseline, the last the change under review) and compare them.

    Example: bench compare eager lazy --expect-savings 50-280
    """
    check_modes(modes)
    report = ReportOptions.pick(options)  # refuses bad report options before replaying anything
    specs = run_specs(list(modes), "compare-" + "-".join(modes), options)
    folder = Path(specs[0].out_dir or ".")
    results = measure(specs, jobs or default_jobs(len(modes)))
    save(results, folder)
    report.publish(report.comparison(results), folder, json_path)
