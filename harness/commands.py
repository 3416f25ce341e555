"""The ``bench`` commands that measure: ``run`` and ``compare`` (registered on ``harness.cli.cli``)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.status import Status

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


def _measure(
    modes: list[str],
    label: str,
    cassette: Path | None,
    preset: str | None,
    assets: int | None,
    seed: int,
    rules: Path | None,
    latency: str | None,
    profiler: str,
    out_dir: Path | None,
    realtime: float,
) -> list[RunResult]:
    for mode in modes:
        get_mode(mode)
    workload = workload_spec(cassette, preset, assets, seed)
    check_rules(rules)
    if latency is not None:
        load_profile(latency)
    folder = out_dir or next_run_dir(label)
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for index, mode in enumerate(modes, 1):
        spec = RunSpec(mode, workload, str(rules) if rules else None, latency, profiler, str(folder), realtime)
        with Status(f"[bold]{mode}[/] ({index}/{len(modes)}): replaying under {profiler}...", console=err):
            result = run_isolated(spec)
        write_json(folder / f"{mode}.json", result.to_json())
        err.print(
            f"{mode}: {result.total_requests:,} requests, modeled {result.modeled_wall_s:,.2f} s, "
            f"real {result.real_wall_s:.2f} s"
        )
        results.append(result)
    err.print(f"results in {folder}")
    return results


@cli.command("run")
@click.argument("mode")
@workload_options
@run_options
@handle_errors
def run_command(
    mode: str,
    cassette: Path | None,
    preset: str | None,
    assets: int | None,
    seed: int,
    rules: Path | None,
    latency: str | None,
    profiler: str,
    out_dir: Path | None,
    realtime: float,
    json_path: Path | None,
) -> None:
    """Replay one MODE and print its requests per endpoint and its measurements."""
    (result,) = _measure(
        [mode], f"run-{mode}", cassette, preset, assets, seed, rules, latency, profiler, out_dir, realtime
    )
    out.print(run_report(result))
    if json_path is not None:
        write_json(json_path, result.to_json())


@cli.command("compare")
@click.argument("modes", nargs=-1, required=True)
@workload_options
@run_options
@click.option("--html", "html_path", type=click.Path(path_type=Path), help="Write the HTML report here.")
@click.option("--markdown", "markdown_path", type=click.Path(path_type=Path), help="Write a markdown summary here.")
@click.option(
    "--expect-savings",
    metavar="LOW-HIGH",
    help="Predicted savings of the last mode, in seconds (50-280) or percent (5%-15%).",
)
@click.option("--merge-pct", type=float, help="Improvement needed for 'merge' (default 5, or [tool.bench]).")
@click.option("--incremental-pct", type=float, help="Improvement needed for 'incremental' (default 2).")
@click.option("--functions", metavar="PATTERN", help="Only functions whose name matches this regex.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows of the function table.")
@handle_errors
def compare_command(
    modes: tuple[str, ...],
    cassette: Path | None,
    preset: str | None,
    assets: int | None,
    seed: int,
    rules: Path | None,
    latency: str | None,
    profiler: str,
    out_dir: Path | None,
    realtime: float,
    json_path: Path | None,
    html_path: Path | None,
    markdown_path: Path | None,
    expect_savings: str | None,
    merge_pct: float | None,
    incremental_pct: float | None,
    functions: str | None,
    top: int,
) -> None:
    """Replay MODES (the first is the baseline, the last the change under review) and compare them.

    Example: bench compare eager lazy --expect-savings 50-280
    """
    if len(modes) < 2:
        raise click.UsageError("compare needs at least two modes, e.g. `bench compare eager lazy`")
    repeated = sorted({m for m in modes if modes.count(m) > 1})
    if repeated:
        raise click.UsageError(f"mode given twice: {', '.join(repeated)}")
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise click.UsageError(f"unknown mode {unknown[0]!r}; valid modes: {', '.join(MODES)}")
    try:
        expect = Savings.parse(expect_savings) if expect_savings else None
        base = Thresholds.from_pyproject()
        thresholds = Thresholds(
            merge_pct if merge_pct is not None else base.merge_pct,
            incremental_pct if incremental_pct is not None else base.incremental_pct,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    results = _measure(
        list(modes),
        "compare-" + "-".join(modes),
        cassette,
        preset,
        assets,
        seed,
        rules,
        latency,
        profiler,
        out_dir,
        realtime,
    )
    comparison = Comparison(results, thresholds, expect, functions, top)
    out.print(compare_report(comparison))
    folder = Path(results[0].artifacts.get("pstats") or results[0].artifacts.get("final_state", ".")).parent
    record = comparison.to_json()
    write_json(folder / "compare.json", record)
    if json_path is not None:
        write_json(json_path, record)
    write_reports(comparison, folder, html_path, markdown_path)


def write_reports(comparison: Comparison, folder: Path, html_path: Path | None, markdown_path: Path | None) -> None:
    """Markdown always lands in the run folder (and $GITHUB_STEP_SUMMARY); HTML once its renderer exists."""
    from harness.render.markdown import markdown_report, publish_step_summary

    text = markdown_report(comparison)
    write_atomic(folder / "report.md", text)
    if markdown_path is not None:
        write_atomic(markdown_path, text)
    publish_step_summary(text)
    if html_path is not None:
        from harness.render.html import html_report

        write_atomic(html_path, html_report(comparison))
        err.print(f"HTML report: {html_path}")
