"""The report options of ``compare`` and ``report``, how a comparison is published, and ``bench report``."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click

from harness.atomic_write import write_atomic
from harness.cli.group import OUT_FILE, STDOUT, OutputPath, cli, err, handle_errors, report_console, write_record
from harness.judge.compare import Comparison
from harness.judge.verdict import DECISIONS, Savings, Thresholds
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
    fail_on: str | None = None

    @classmethod
    def pick(cls, options: dict[str, Any]) -> ReportOptions:
        """The report options among a command's click options; bad ones are refused now, before any run."""
        picked = cls(**{f.name: options[f.name] for f in fields(cls) if f.name in options})
        picked.savings(), picked.thresholds(), picked.failing_decisions()
        picked.check_functions()
        return picked

    def check_functions(self) -> None:
        """``--functions`` must be ``all`` or a regular expression that compiles, profiled or not."""
        if self.functions and self.functions != "all":
            try:
                re.compile(self.functions)
            except re.error as exc:
                raise click.UsageError(f"--functions: {self.functions!r} is not a regular expression ({exc})") from None

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

    def failing_decisions(self) -> tuple[str, ...]:
        """The decisions of ``--fail-on`` (comma-separated), each checked against the decision tree's."""
        if not self.fail_on:
            return ()
        chosen = tuple(d.strip().lower() for d in self.fail_on.split(",") if d.strip())
        unknown = [d for d in chosen if d not in DECISIONS]
        if unknown or not chosen:
            raise click.UsageError(
                f"--fail-on: unknown verdict {', '.join(map(repr, unknown)) or repr(self.fail_on)}; "
                f"choose among {', '.join(DECISIONS)}"
            )
        return chosen

    def comparison(self, results: list[RunResult]) -> Comparison:
        return Comparison.of(results, self.thresholds(), self.savings(), self.functions, self.top)

    def publish(self, comparison: Comparison, folder: Path, json_path: Path | None) -> None:
        """Print the comparison and write its record and reports: always into ``folder``, and where asked; then
        exit 1 when a verdict is one ``--fail-on`` names."""
        report_console(json_path).print(compare_report(comparison))
        targets = [
            ("json", folder / "compare.json"),
            ("html", folder / "report.html"),
            ("markdown", folder / "report.md"),
            ("markdown", self.markdown_path),
            ("html", self.html_path),
        ]
        for name, path in targets:
            if path is not None:
                write_atomic(path, RENDERERS[name].render(comparison, path))
        if json_path == STDOUT:
            write_record(json_path, comparison.to_json())
        elif json_path is not None:
            write_atomic(json_path, RENDERERS["json"].render(comparison, json_path))
        publish_step_summary(RENDERERS["markdown"].render(comparison))
        if self.html_path is not None:
            err.print(f"HTML report: {self.html_path}")
        self.enforce(comparison)

    def enforce(self, comparison: Comparison) -> None:
        """Exit 1 naming every verdict that ``--fail-on`` turns into a failure."""
        failing = comparison.failing(self.failing_decisions())
        if failing:
            named = ", ".join(f"{v.mode} {v.decision.upper()} ({v.versus})" for v in failing)
            err.print(f"failing on --fail-on {self.fail_on}: {named}", style="bold red", highlight=False)
            raise SystemExit(1)


def report_options(func: Any) -> Any:
    """--html, --markdown, --expect-savings, --merge-pct, --incremental-pct, --functions, --top, --fail-on."""
    options = [
        click.option("--html", "html_path", type=OUT_FILE, help="Write the HTML report here."),
        click.option("--markdown", "markdown_path", type=OUT_FILE, help="Write markdown here."),
        click.option(
            "--expect-savings",
            metavar="LOW-HIGH",
            help="Predicted savings of the judged subject (the best one, else the last), in seconds (50-280) or "
            "percent (5%-15%).",
        ),
        click.option("--merge-pct", type=float, help="Faster by this much: 'merge' (default 5, or [tool.bench])."),
        click.option("--incremental-pct", type=float, help="Faster by this much: 'incremental' (default 2)."),
        click.option(
            "--functions",
            metavar="all|PATTERN",
            help="'all': every frame, the bench's own too (by default the harness, replay, event loop, threads and "
            "profiler hook are folded into one row); else only functions whose name matches this regex.",
        ),
        click.option(
            "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows of the function table."
        ),
        click.option(
            "--fail-on",
            metavar="VERDICTS",
            help=f"Exit 1 when any subject's verdict is one of these (comma-separated: {', '.join(DECISIONS)}), "
            "e.g. --fail-on reject,pivot; the reports are written first.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command("report", short_help="Rebuild a comparison from saved runs.")
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@report_options
@click.option(
    "--json",
    "json_path",
    type=OutputPath(allow_dash=True),
    help="Write the compare record here; - writes it to stdout (the report then goes to stderr).",
)
@handle_errors
def report_command(runs: tuple[Path, ...], json_path: Path | None, **options: Any) -> None:
    """Rebuild the comparison of saved runs (RunResult JSON files, or a compare.json) without replaying."""
    report = ReportOptions.pick(options)
    results = [run for path in runs for run in load_runs(path)]
    comparison = report.comparison(results)
    report.publish(comparison, next_run_dir("report-" + "-".join(run.mode for run in results)), json_path)
