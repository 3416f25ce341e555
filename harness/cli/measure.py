"""The ``bench`` commands that measure: ``run`` and ``compare``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from harness.atomic_write import write_atomic, write_json
from harness.cli.group import (
    OUT_FILE,
    cli,
    err,
    handle_errors,
    report_console,
    run_options,
    workload_options,
    workload_spec,
    write_record,
)
from harness.cli.reports import ReportOptions, report_options
from harness.measure.parallel import run_all
from harness.measure.repeats import combine
from harness.measure.result import RunResult
from harness.measure.run_folders import next_run_dir
from harness.measure.run_spec import RunSpec
from harness.measure.subjects import Program, parse_subjects
from harness.output_paths import check_folder, topmost_missing
from harness.render.bmf import bmf_text
from harness.render.text import run_report
from harness.wording import plural


def run_specs(texts: list[str], folder: Path, options: dict[str, Any]) -> list[RunSpec]:
    """One ``RunSpec`` per subject (a mode or NAME=COMMAND) from a command's click options; everything a worker
    would trip on is checked here, before any worker starts."""
    subjects = parse_subjects(texts)
    if options.get("realtime") and any(isinstance(s, Program) for s in subjects):
        raise click.UsageError("--realtime applies to modes only; a program's requests are held on virtual time")
    workload = workload_spec(options)
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


@contextmanager
def run_folder(options: dict[str, Any], texts: Iterable[str], kind: str) -> Iterator[Path]:
    """The folder of a command's results: ``--out``, or a new numbered one under ``reports/`` (see
    ``results_folder``). Subjects are checked before it is made."""
    parse_subjects(texts)
    with results_folder(options.get("out_dir"), kind + "-" + "-".join(t.partition("=")[0] for t in texts)) as folder:
        yield folder


@contextmanager
def results_folder(given: Path | None, label: str) -> Iterator[Path]:
    """``given``, or a new numbered folder under ``reports/`` named by ``label``. A folder the command made is
    removed again when it fails or is interrupted (nothing half-done is left behind); one that existed before is
    left as it was found, less what the command wrote into it."""
    if given is not None:
        check_folder(given, "--out")
    folder = given or next_run_dir(label)
    made = folder if given is None else topmost_missing(given)
    before = set() if made else set(folder.iterdir())
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    except BaseException:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        else:
            for path in set(folder.iterdir()) - before:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        raise


def measure(specs: list[RunSpec], jobs: int = 1, label: str = "", names: list[str] | None = None) -> list[RunResult]:
    """Run each spec in its own process, ``jobs`` at a time, with a progress line per run (named by ``names``, or
    by the subject and ``label``)."""
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    )
    names = names or [f"{spec.name}{label.format(i + 1, len(specs))}" for i, spec in enumerate(specs)]
    tasks = [progress.add_task(f"[bold]{name}[/]: waiting", total=1) for name in names]

    def started(index: int) -> None:
        progress.update(tasks[index], description=f"[bold]{names[index]}[/]: replaying under {specs[index].profiler}")

    def finished(index: int, result: RunResult) -> None:
        name = names[index]
        requests = plural(result.total_requests, "request")
        done = f"[bold]{name}[/]: {requests}, modeled {result.modeled_wall_s:,.2f} s"
        progress.update(tasks[index], completed=1, description=done)
        progress.console.print(
            f"{name}: {requests}, modeled {result.modeled_wall_s:,.2f} s, real {result.real_wall_s:.2f} s",
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


def bmf_option(func: Any) -> Any:
    """--bmf FILE: Bencher Metric Format JSON of the deterministic metrics."""
    return click.option(
        "--bmf",
        "bmf_path",
        type=OUT_FILE,
        help="Also write Bencher Metric Format JSON of the exact metrics (requests, modeled seconds) here.",
    )(func)


def write_bmf(path: Path | None, results: list[RunResult]) -> None:
    if path is not None:
        write_atomic(path, bmf_text(results))


@cli.command("run", short_help="Replay one subject (a mode or a program) and print its measurements.")
@click.argument("subject")
@workload_options
@run_options
@bmf_option
@handle_errors
def run_command(subject: str, json_path: Path | None, bmf_path: Path | None, **options: Any) -> None:
    """Replay one SUBJECT and print its requests per endpoint and its measurements.

    SUBJECT is a mode of this project's tagger (see `bench modes`) or NAME=COMMAND: any program, run with `sh -c`
    against its own replay served on 127.0.0.1 (IMMICH_URL, IMMICH_INSTANCE_URL, IMMICH_HOST, IMMICH_PORT and
    IMMICH_API_KEY are set for it).

    Example: bench run 'mine=python -m my_tagger --apply'
    """
    with run_folder(options, [subject], "run") as folder:
        (result,) = measure(run_specs([subject], folder, options))
        save([result], folder)
    report_console(json_path).print(run_report(result))
    write_record(json_path, result.to_json())
    write_bmf(bmf_path, [result])


@cli.command("compare", short_help="Replay subjects and compare them: deltas and verdict.")
@click.argument("subjects", nargs=-1, required=True)
@workload_options
@run_options
@report_options
@bmf_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Subjects run at once, each in its own process (default: the "
    "CPU count). --jobs 1 gives the quietest CPU and real-time figures; modeled figures are the same.",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs of each subject: CPU, real time and memory are reported as the median and spread (max - min) of "
    "the runs; modeled figures must be identical in every run (an error otherwise).",
)
@handle_errors
def compare_command(
    subjects: tuple[str, ...],
    json_path: Path | None,
    bmf_path: Path | None,
    jobs: int | None,
    repeats: int,
    **options: Any,
) -> None:
    """Replay SUBJECTS (the first is the baseline, the last the change under review) and compare them.

    A subject is a mode of this project's tagger or NAME=COMMAND (any program; see `bench run --help`); modes and
    programs mix freely, and each runs against its own fresh replay of the same library.

    Examples: bench compare eager lazy --expect-savings 50-280;
    bench compare 'before=../old/.venv/bin/my-tagger' 'after=.venv/bin/my-tagger'
    """
    if len(subjects) < 2:
        raise click.UsageError("compare needs at least two subjects, e.g. `bench compare eager lazy`")
    report = ReportOptions.pick(options)  # refuses bad report options before replaying anything
    with run_folder(options, subjects, "compare") as folder:
        results = measure_repeated(list(subjects), folder, options, repeats, jobs or default_jobs(len(subjects)))
        save(results, folder)
    write_bmf(bmf_path, results)
    report.publish(report.comparison(results), folder, json_path)  # exits 1 last, on a verdict --fail-on names


def measure_repeated(
    subjects: list[str], folder: Path, options: dict[str, Any], repeats: int, jobs: int
) -> list[RunResult]:
    """Each subject ``repeats`` times, the repeats interleaved (every subject once, then again) so that a busy
    spell of the machine falls on all of them; the first repeat's artifacts in ``folder``, the others' in
    ``folder/repeat-N``. One RunResult per subject (``repeats.combine``)."""
    specs = run_specs(subjects, folder, options)
    if repeats == 1:
        return measure(specs, jobs)
    rounds = [specs] + [run_specs(subjects, folder / f"repeat-{n}", options) for n in range(2, repeats + 1)]
    names = [f"{spec.name} (run {n}/{repeats})" for n, batch in enumerate(rounds, 1) for spec in batch]
    done = measure([spec for batch in rounds for spec in batch], jobs, names=names)
    return [combine(done[index :: len(subjects)]) for index in range(len(subjects))]
