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


@cli.command("run", short_help="Replay one mode and print its measurements.")
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


@dataclass(frozen=True)
class ReportOptions:
    """The options of ``compare`` and ``report`` that shape the comparison and where it is written."""

    html_path: Path | None = None
    markdown_path: Path | None = None
    expect_savings: str | None = None
    merge_pct: float | None = None
    incremental_pct: float | None = None
    functions: str | None = None
    top: int = 20

    @classmethod
    def pick(cls, options: dict[str, Any]) -> ReportOptions:
        return cls(**{name: options[name] for name in cls.__dataclass_fields__ if name in options})

    def savings(self) -> Savings | None:
        try:
            return Savings.parse(self.expect_savings) if self.expect_savings else None
        except ValueError as exc:
            raise click.UsageError(f"--expect-savings: {exc}") from None

    def thresholds(self) -> Thresholds:
        base = Thresholds.from_pyproject()
        try:
            return Thresholds(
                self.merge_pct if self.merge_pct is not None else base.merge_pct,
                self.incremental_pct if self.incremental_pct is not None else base.incremental_pct,
            )
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None

    def comparison(self, results: list[RunResult]) -> Comparison:
        return Comparison(results, self.thresholds(), self.savings(), self.functions, self.top)

    def publish(self, comparison: Comparison, folder: Path, json_path: Path | None) -> None:
        """Print the comparison and write its record and reports: always into ``folder``, and where asked."""
        from harness.render.html import HtmlReport
        from harness.render.markdown import markdown_report, publish_step_summary

        out.print(compare_report(comparison))
        record = comparison.to_json()
        write_json(folder / "compare.json", record)
        if json_path is not None:
            write_json(json_path, record)
        page = HtmlReport(comparison)
        write_atomic(folder / "report.html", page.render(folder / "report.html"))
        text = markdown_report(comparison)
        write_atomic(folder / "report.md", text)
        if self.markdown_path is not None:
            write_atomic(self.markdown_path, text)
        publish_step_summary(text)
        if self.html_path is not None:
            write_atomic(self.html_path, page.render(self.html_path))
            err.print(f"HTML report: {self.html_path}")


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
    report = ReportOptions.pick(options)
    report.savings(), report.thresholds()  # refuse bad options before replaying anything
    label = "compare-" + "-".join(modes)
    results = measure(list(modes), label, MeasureOptions.pick(options), jobs or default_jobs(len(modes)))
    report.publish(report.comparison(results), Path(results[0].artifacts["final_state"]).parent, json_path)
