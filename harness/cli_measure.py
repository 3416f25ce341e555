"""The ``bench`` commands that measure: ``run`` and ``compare`` (registered on ``harness.cli.cli``)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from autotag.modes import MODES, get_mode
from harness.cli import check_rules, cli, err, handle_errors, out, run_options, workload_options, workload_spec
from harness.compare import Comparison
from harness.files import write_atomic, write_json
from harness.latency import load_profile
from harness.render.text import compare_report, run_report
from harness.result import RunResult
from harness.runner import RunSpec, run_isolated
from harness.storage import next_run_dir
from harness.verdict import Savings, Thresholds


@dataclass(frozen=True)
class MeasureOptions:
    """The workload and run options shared by ``run``, ``compare`` and ``gate``, as click passes them."""

    cassette: Path | None = None
    preset: str | None = None
    assets: int | None = None
    seed: int = 0
    rules: Path | None = None
    latency: str | None = None
    profiler: str = "cprofile"
    out_dir: Path | None = None
    realtime: float = 0.0
    proxy_limit: int | None = None

    @classmethod
    def pick(cls, options: dict[str, Any]) -> MeasureOptions:
        return cls(**{name: options[name] for name in cls.__dataclass_fields__ if name in options})

    def specs(self, modes: list[str], label: str) -> list[RunSpec]:
        """Validate everything a worker would trip on, before any worker starts."""
        for mode in modes:
            get_mode(mode)
        workload = workload_spec(self.cassette, self.preset, self.assets, self.seed)
        check_rules(self.rules)
        if self.latency is not None:
            load_profile(self.latency)
        folder = self.out_dir or next_run_dir(label)
        folder.mkdir(parents=True, exist_ok=True)
        rules = str(self.rules) if self.rules else None
        return [
            RunSpec(m, workload, rules, self.latency, self.profiler, str(folder), self.realtime, self.proxy_limit)
            for m in modes
        ]


def measure(modes: list[str], label: str, options: MeasureOptions, jobs: int = 1) -> list[RunResult]:
    specs = options.specs(modes, label)
    results = run_all(specs, jobs)
    folder = Path(specs[0].out_dir or ".")
    for result in results:
        write_json(folder / f"{result.mode}.json", result.to_json())
    err.print(f"results in {folder}")
    return results


def run_all(specs: list[RunSpec], jobs: int, label: str = "") -> list[RunResult]:
    """Run each spec in its own process, ``jobs`` at a time, with a progress line per run."""
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    )
    names = [f"{spec.mode}{label.format(i + 1, len(specs))}" for i, spec in enumerate(specs)]
    tasks = [progress.add_task(f"[bold]{name}[/]: waiting", total=1) for name in names]

    def one(index: int) -> RunResult:
        spec, task, name = specs[index], tasks[index], names[index]
        progress.update(task, description=f"[bold]{name}[/]: replaying under {spec.profiler}")
        result = run_isolated(spec)
        done = f"[bold]{name}[/]: {result.total_requests:,} requests, modeled {result.modeled_wall_s:,.2f} s"
        progress.update(task, completed=1, description=done)
        progress.console.print(
            f"{name}: {result.total_requests:,} requests, modeled {result.modeled_wall_s:,.2f} s,"
            f" real {result.real_wall_s:.2f} s",
            highlight=False,
        )
        return result

    with progress, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, index) for index in range(len(specs))]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def default_jobs(count: int) -> int:
    return max(1, min(count, os.cpu_count() or 1))


@cli.command("run")
@click.argument("mode")
@workload_options
@run_options
@handle_errors
def run_command(mode: str, json_path: Path | None, **options: Any) -> None:
    """Replay one MODE and print its requests per endpoint and its measurements."""
    (result,) = measure([mode], f"run-{mode}", MeasureOptions.pick(options))
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


def thresholds_from(merge_pct: float | None, incremental_pct: float | None) -> Thresholds:
    base = Thresholds.from_pyproject()
    try:
        return Thresholds(
            merge_pct if merge_pct is not None else base.merge_pct,
            incremental_pct if incremental_pct is not None else base.incremental_pct,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def report_options(func: Any) -> Any:
    options = [
        click.option("--html", "html_path", type=click.Path(path_type=Path), help="Write the HTML report here."),
        click.option("--markdown", "markdown_path", type=click.Path(path_type=Path), help="Write markdown here."),
        click.option(
            "--expect-savings",
            metavar="LOW-HIGH",
            help="Predicted savings of the last mode, in seconds (50-280) or percent (5%-15%).",
        ),
        click.option("--merge-pct", type=float, help="Improvement needed for 'merge' (default 5, or [tool.bench])."),
        click.option("--incremental-pct", type=float, help="Improvement needed for 'incremental' (default 2)."),
        click.option("--functions", metavar="PATTERN", help="Only functions whose name matches this regex."),
        click.option(
            "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows of the function table."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def comparison_of(
    results: list[RunResult],
    expect_savings: str | None,
    merge_pct: float | None,
    incremental_pct: float | None,
    functions: str | None,
    top: int,
) -> Comparison:
    try:
        expect = Savings.parse(expect_savings) if expect_savings else None
    except ValueError as exc:
        raise click.UsageError(f"--expect-savings: {exc}") from None
    return Comparison(results, thresholds_from(merge_pct, incremental_pct), expect, functions, top)


@cli.command("compare")
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
def compare_command(
    modes: tuple[str, ...],
    json_path: Path | None,
    html_path: Path | None,
    markdown_path: Path | None,
    expect_savings: str | None,
    merge_pct: float | None,
    incremental_pct: float | None,
    functions: str | None,
    top: int,
    jobs: int | None,
    **options: Any,
) -> None:
    """Replay MODES (the first is the baseline, the last the change under review) and compare them.

    Example: bench compare eager lazy --expect-savings 50-280
    """
    check_modes(modes)
    try:
        Savings.parse(expect_savings) if expect_savings else None
    except ValueError as exc:
        raise click.UsageError(f"--expect-savings: {exc}") from None
    thresholds_from(merge_pct, incremental_pct)
    results = measure(
        list(modes), "compare-" + "-".join(modes), MeasureOptions.pick(options), jobs or default_jobs(len(modes))
    )
    comparison = comparison_of(results, expect_savings, merge_pct, incremental_pct, functions, top)
    out.print(compare_report(comparison))
    folder = Path(results[0].artifacts.get("final_state", "./x")).parent
    record = comparison.to_json()
    write_json(folder / "compare.json", record)
    if json_path is not None:
        write_json(json_path, record)
    write_reports(comparison, folder, html_path, markdown_path)


def write_reports(comparison: Comparison, folder: Path, html_path: Path | None, markdown_path: Path | None) -> None:
    """Markdown and HTML always land in the run folder; also where asked, and markdown in $GITHUB_STEP_SUMMARY."""
    from harness.render.html import html_report
    from harness.render.markdown import markdown_report, publish_step_summary

    write_atomic(folder / "report.html", html_report(comparison, folder / "report.html"))
    text = markdown_report(comparison)
    write_atomic(folder / "report.md", text)
    if markdown_path is not None:
        write_atomic(markdown_path, text)
    publish_step_summary(text)
    if html_path is not None:
        write_atomic(html_path, html_report(comparison, html_path))
        err.print(f"HTML report: {html_path}")
