"""``bench gate``: the CI regression gate (see ``harness.judge.gate`` for the rules)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from autotag.redact import REDACTED
from harness.atomic_write import write_atomic, write_json
from harness.cli.group import OUT_FILE, OUT_FOLDER, cli, fail, handle_errors, out, workload_options, workload_spec
from harness.cli.measure import measure, results_folder
from harness.errors import ResultError
from harness.judge.gate import NOISY, GateThresholds, judge, samples
from harness.library.workload import WorkloadSpec
from harness.measure.result import RunResult, load_run
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.measure.subjects import Program, Subject, parse_subject
from harness.render.gate_reports import junit, markdown
from harness.render.markdown import publish_step_summary
from harness.wording import plural

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red"}


def baseline_workload(baseline: RunResult, options: dict[str, Any]) -> WorkloadSpec:
    """Without --cassette/--library, replay what the baseline replayed (its stored workload spec), with --rules,
    --latency, --immich-version and --timings when given."""
    if options.get("cassette") is not None or options.get("preset") is not None:
        return workload_spec(options)
    stored = baseline.workload.get("spec")
    if stored is None:
        raise ResultError(
            "the baseline holds no workload spec (it predates them): pass its --cassette or --library, "
            "or refresh it with --update-baseline"
        )
    spec = WorkloadSpec.from_json(stored, "the baseline's workload spec")
    given = workload_spec(options)
    return replace(
        spec,
        rules=given.rules or spec.rules,
        latency=given.latency or spec.latency,
        immich_version=given.immich_version or spec.immich_version,
        timings=given.timings or spec.timings,
        faults=given.faults or spec.faults,
        fault_hold_s=given.fault_hold_s if given.fault_hold_s is not None else spec.fault_hold_s,
    )


def repeated(
    subject: Subject, workload: WorkloadSpec, out_dir: Path, repeats: int, in_process: bool
) -> list[RunResult]:
    """``repeats`` unprofiled runs of ``subject`` on ``workload``, each with a folder of its own."""
    specs = [
        RunSpec(subject=subject, workload=workload, profiler="none", out_dir=str(out_dir / f"run-{i}"))
        for i in range(1, repeats + 1)
    ]
    if in_process:
        return [execute(spec) for spec in specs]
    return measure(specs, 1, label=" run {}/{}")


def gate_subject(base: RunResult, given: str | None) -> Subject:
    """The subject to gate: as given (its name must be the baseline's), else the baseline's own (its mode, or the
    program command it stored)."""
    if given is None:
        if base.command and f"={REDACTED}" in base.command:
            raise ResultError(
                f"the baseline stored the command of {base.mode!r} with a secret redacted ({base.command}); "
                f"give the command again: bench gate --baseline FILE '{base.mode}=COMMAND'"
            )
        return Program(base.mode, base.command) if base.command else parse_subject(base.mode)
    subject = parse_subject(given)
    if subject.name != base.mode:
        raise ResultError(f"the baseline is of subject {base.mode!r}, not {subject.name!r}")
    return subject


@cli.command("gate", short_help="The CI regression gate against a baseline run.")
@click.option("--baseline", type=click.Path(path_type=Path), help="Baseline RunResult JSON to compare with.")
@click.option(
    "--update-baseline",
    "update_path",
    type=OUT_FILE,
    help="Instead of gating: measure the current code and write a fresh baseline here.",
)
@click.argument("subject", required=False)
@click.option("--mode", "mode_name", help="Same as SUBJECT, for a mode (kept for older CI scripts).")
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
@click.option(
    "--out",
    "out_dir",
    type=OUT_FOLDER,
    help="Folder for the runs' results. Default: a new numbered folder under reports/.",
)
@click.option("--markdown", "markdown_path", type=OUT_FILE, help="Write a markdown summary.")
@click.option("--junit", "junit_path", type=OUT_FILE, help="Write JUnit XML, a case per check.")
@click.option("--in-process", is_flag=True, hidden=True, help="Run in this process (tests and debugging only).")
@handle_errors
def gate_command(
    baseline: Path | None,
    update_path: Path | None,
    subject: str | None,
    mode_name: str | None,
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

    SUBJECT (optional) is a mode or NAME=COMMAND; without it the baseline's own subject is replayed (a program
    baseline stores its command).

    Examples: bench gate --baseline cassettes/baselines/lazy.json --junit gate.xml;
    bench gate --baseline base/mine.json 'mine=.venv/bin/my-tagger --apply'
    """
    given = subject or mode_name
    if update_path is not None and baseline is not None:
        raise click.UsageError("give --baseline FILE to gate, or --update-baseline FILE to write one, not both")
    if update_path is not None:
        update_baseline(update_path, parse_subject(given or "lazy"), options, repeats, in_process)
        return
    if baseline is None:
        raise click.UsageError("give --baseline FILE (or --update-baseline FILE to write one)")
    base = load_run(baseline)
    chosen = gate_subject(base, given)
    workload = baseline_workload(base, options)
    started = time.perf_counter()
    with results_folder(options.get("out_dir"), f"gate-{base.mode}") as folder:
        runs = repeated(chosen, workload, folder, repeats, in_process)
    seconds = time.perf_counter() - started
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
        write_atomic(junit_path, junit(report, seconds))
    raise SystemExit(report.exit_code)


def update_baseline(path: Path, subject: Subject, options: dict[str, Any], repeats: int, in_process: bool) -> None:
    """Measure ``subject`` ``repeats`` times and write the first run, with every run's noisy samples, to ``path``."""
    workload = workload_spec(options)
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as scratch:
        runs = repeated(subject, workload, options.get("out_dir") or Path(scratch), repeats, in_process)
    first = runs[0]
    if len({(r.final_state_digest, r.modeled_wall_s) for r in runs}) != 1:
        fail("the repeated runs disagree on exact metrics; not writing a baseline from a non-deterministic run", 1)
    first.samples = {metric: samples(runs, metric) for metric in NOISY}
    first.artifacts = {}
    write_json(path, first.to_json())
    out.print(
        f"wrote baseline {path}: {first.mode}, {plural(first.total_requests, 'request')}, modeled "
        f"{first.modeled_wall_s:,.3f} s, {plural(repeats, 'sample')} of CPU and memory"
    )
