"""``bench gate``: the CI regression gate (see ``harness.gate`` for the rules)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import click
from rich.text import Text

from harness.cli import cli, fail, handle_errors, out, workload_options
from harness.cli_measure import MeasureOptions, run_all
from harness.errors import ResultError
from harness.files import write_atomic, write_json
from harness.gate import NOISY, GateReport, GateThresholds, judge, samples
from harness.render.markdown import publish_step_summary
from harness.result import RunResult, load_run
from harness.runner import RunSpec, execute
from harness.workload import resolve_stored

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red"}


def options_for_baseline(baseline: RunResult, given: MeasureOptions) -> MeasureOptions:
    """Without --cassette/--library/--rules, replay what the baseline replayed."""
    if given.cassette is not None or given.preset is not None:
        return given
    source = str(baseline.workload.get("source", ""))
    rules = given.rules or (resolve_stored(str(baseline.workload["rules"])) if baseline.workload.get("rules") else None)
    if source.startswith("preset:"):
        return MeasureOptions(
            preset=source.removeprefix("preset:"),
            assets=baseline.workload.get("assets"),
            seed=int(baseline.workload.get("seed") or 0),
            rules=rules,
            latency=given.latency,
            profiler="none",
        )
    return MeasureOptions(cassette=resolve_stored(source), rules=rules, latency=given.latency, profiler="none")


def repeated(mode: str, options: MeasureOptions, repeats: int, in_process: bool) -> list[RunResult]:
    specs = MeasureOptions(**{**options.__dict__, "profiler": "none"}).specs([mode] * 1, f"gate-{mode}")
    spec = specs[0]
    copies = [
        RunSpec(spec.mode, spec.workload, spec.rules, spec.latency, "none", spec.out_dir, proxy_limit=spec.proxy_limit)
        for _ in range(repeats)
    ]
    if in_process:
        return [execute(copy) for copy in copies]
    return run_all(copies, 1, label=" run {}/{}")


def junit(report: GateReport) -> str:
    suite = ElementTree.Element(
        "testsuite",
        name=f"bench gate {report.mode}",
        tests=str(len(report.checks)),
        failures=str(sum(c.level == "fail" for c in report.checks)),
    )
    for check in report.checks:
        case = ElementTree.SubElement(suite, "testcase", classname=f"bench.gate.{report.mode}", name=check.name)
        if check.level == "fail":
            ElementTree.SubElement(case, "failure", message=check.message).text = check.message
        elif check.level == "warn":
            ElementTree.SubElement(case, "system-out").text = f"WARN: {check.message}"
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)


def markdown(report: GateReport) -> str:
    icon = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
    lines = [f"## {icon[report.outcome]} bench gate ({report.mode}): **{report.outcome.upper()}**", ""]
    lines += [f"- {icon[c.level]} {c.message}" for c in report.checks if c.level != "pass"]
    lines += ["", "<details><summary>all checks</summary>", ""]
    lines += [f"- {c.level.upper()}: {c.message}" for c in report.checks]
    lines += ["", "</details>", ""]
    return "\n".join(lines)


@cli.command("gate", short_help="The CI regression gate against a baseline run.")
@click.option("--baseline", type=click.Path(path_type=Path), help="Baseline RunResult JSON to compare with.")
@click.option(
    "--update-baseline",
    "update_path",
    type=click.Path(path_type=Path),
    help="Instead of gating: measure the current code and write a fresh baseline here.",
)
@click.option("--mode", help="Mode to gate (default: the baseline's).")
@workload_options
@click.option("--rules", type=click.Path(path_type=Path), help="Rules file (default: the baseline's).")
@click.option("--latency", metavar="PROFILE", help="Latency profile (default: as `bench run`).")
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Runs for the noisy metrics (CPU, memory).",
)
@click.option(
    "--wall-pct",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Allowed growth of modeled wall time, percent.",
)
@click.option(
    "--cpu-factor",
    type=click.FloatRange(min=1),
    default=1.25,
    show_default=True,
    help="CPU median ratio beyond which CPU is judged (warn, or fail when significant).",
)
@click.option(
    "--memory-factor",
    type=click.FloatRange(min=1),
    default=1.25,
    show_default=True,
    help="Memory ratio (peak, and growth while the tagger runs) beyond which memory is judged.",
)
@click.option("--markdown", "markdown_path", type=click.Path(path_type=Path), help="Write a markdown summary.")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write JUnit XML, a case per check.")
@click.option("--in-process", is_flag=True, hidden=True, help="Run in this process (tests and debugging only).")
@handle_errors
def gate_command(
    baseline: Path | None,
    update_path: Path | None,
    mode: str | None,
    repeats: int,
    wall_pct: float,
    cpu_factor: float,
    memory_factor: float,
    markdown_path: Path | None,
    junit_path: Path | None,
    in_process: bool,
    **options: Any,
) -> None:
    """Fail a change that regresses: exit 0 on PASS or WARN, 1 on FAIL, 2 on bad input.

    Example: bench gate --baseline cassettes/baselines/lazy.json --junit gate.xml
    """
    given = MeasureOptions.pick(options)
    if update_path is not None:
        update_baseline(update_path, mode or "lazy", given, repeats, in_process)
        return
    if baseline is None:
        raise click.UsageError("give --baseline FILE (or --update-baseline FILE to write one)")
    base = load_run(baseline)
    if mode is not None and mode != base.mode:
        raise ResultError(f"{baseline} is a baseline of mode {base.mode!r}, not {mode!r}")
    runs = repeated(base.mode, options_for_baseline(base, given), repeats, in_process)
    if runs[0].workload.get("sha256") != base.workload.get("sha256"):
        raise ResultError(
            f"{baseline} was measured on another workload ({base.workload.get('source')}, "
            f"sha256 {str(base.workload.get('sha256'))[:12]}...) than this run "
            f"({runs[0].workload.get('source')}); pass the baseline's --cassette or --library"
        )
    report = judge(base, runs, GateThresholds(wall_pct, cpu_factor, memory_factor))
    for check in report.checks:
        out.print(Text(f"{check.level.upper():4}  {check.message}", style=STYLE[check.level]))
    out.print(Text(f"gate {report.mode}: {report.outcome.upper()}", style=STYLE[report.outcome]))
    text = markdown(report)
    publish_step_summary(text)
    if markdown_path is not None:
        write_atomic(markdown_path, text)
    if junit_path is not None:
        write_atomic(junit_path, junit(report))
    raise SystemExit(report.exit_code)


def update_baseline(path: Path, mode: str, options: MeasureOptions, repeats: int, in_process: bool) -> None:
    if options.out_dir is None:
        options = MeasureOptions(**{**options.__dict__, "out_dir": Path(tempfile.mkdtemp(prefix="bench-gate-"))})
    runs = repeated(mode, options, repeats, in_process)
    first = runs[0]
    if len({(r.final_state_digest, r.modeled_wall_s) for r in runs}) != 1:
        fail("the repeated runs disagree on exact metrics; not writing a baseline from a non-deterministic run", 1)
    first.samples = {metric: samples(runs, metric) for metric in NOISY}
    first.artifacts = {}
    write_json(path, first.to_json())
    out.print(
        f"wrote baseline {path}: {first.mode}, {first.total_requests:,} requests, modeled "
        f"{first.modeled_wall_s:,.3f} s, {repeats} samples of CPU and memory"
    )
