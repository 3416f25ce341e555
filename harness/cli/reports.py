"""The report options of ``compare`` and ``report``, how a comparison is published, and ``bench report``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click

from harness.atomic_write import write_atomic
from harness.cli.group import cli, err, handle_errors, out
from harness.judge.compare import Comparison
from harness.judge.verdict import Savings, Thresholds
from harness.measure.result import RunResult, load_runs
from harness.measure.run_folders import next_run_dir
from harness.render.markdown import publish_step_summary
from harness.render.registry import RENDERERS
from harness.render.text import compare_report


@dataclass(frozen=True, kw_only=True)
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
        """The report options among a command's click options; bad ones are refused now, before any run."""
        picked = cls(**{f.name: options[f.name] for f in fields(cls) if f.name in options})
        picked.savings(), picked.thresholds()
        return picked

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
        return Comparison.of(results, self.thresholds(), self.savings(), self.functions, self.top)

    def publish(self, comparison: Comparison, folder: Path, json_path: Path | None) -> None:
        """Print the comparison and write its record and reports: always into ``folder``, and where asked."""
        out.print(compare_report(comparison))
        targets = [
            ("json", folder / "compare.json"),
            ("json", json_path),
            ("html", folder / "report.html"),
            ("markdown", folder / "report.md"),
            ("markdown", self.markdown_path),
            ("html", self.html_path),
        ]
        for name, path in targets:
            if path is not None:
                write_atomic(path, RENDERERS[name].render(comparison, path))
        publish_step_summary(RENDERERS["markdown"].render(comparison))
        if self.html_path is not None:
            err.print(f"HTML report: {self.html_path}")


def report_options(func: Any) -> Any:
    """--html, --markdown, --expect-savings, --merge-pct, --incremental-pct, --functions, --top."""
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


@cli.command("report", short_help="Rebuild a comparison from saved runs.")
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@report_options
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the compare record here.")
@handle_errors
def report_command(runs: tuple[Path, ...], json_path: Path | None, **options: Any) -> None:
    """Rebuild the comparison of saved runs (RunResult JSON files, or a compare.json) without replaying."""
    report = ReportOptions.pick(options)
    results = [run for path in runs for run in load_runs(path)]
    comparison = report.comparison(results)
    report.publish(comparison, next_run_dir("report-" + "-".join(run.mode for run in results)), json_path)
