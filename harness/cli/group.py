"""The ``bench`` command group and what its commands share: consoles, error handling, workload and run options.

Every command has ``--help``; bad input is one line on stderr and exit 2; a server or network failure exits 3;
other failures exit 1; Ctrl-C 130, SIGTERM 143. The commands live
in the other modules of this package, which register on ``cli``; ``harness.cli.main`` imports them all.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console, ConsoleDimensions

from autotag import MODES, AutotagError, ConfigError, UnknownModeError, load_rules
from autotag.redact import redact_text
from harness.atomic_write import write_json
from harness.errors import (
    CassetteError,
    HarnessError,
    LatencyError,
    NotImmichError,
    ResultError,
    ServerFailure,
    StatsFileError,
    SubjectError,
    VersionError,
)
from harness.library.synthetic import MAX_ASSETS
from harness.library.workload import WorkloadSpec
from harness.measure.profilers import PROFILERS
from harness.output_paths import OutputPathError, check_file, check_folder
from harness.replay.faults import DEFAULT_HOLD_S, FaultSpec, FaultSpecError
from harness.replay.versions import canonical, served_list

F = TypeVar("F", bound=Callable[..., Any])

BAD_INPUT: tuple[type[Exception], ...] = (
    NotImmichError,
    CassetteError,
    OutputPathError,
    FaultSpecError,
    LatencyError,
    ResultError,
    StatsFileError,
    SubjectError,
    VersionError,
    ConfigError,
    UnknownModeError,
)

NOT_A_TERMINAL_WIDTH = 160  # reports are wide tables: a file or CI log gets them unsqueezed, not in 80 columns


class ReportConsole(Console):
    """A console as wide as ``COLUMNS`` says, read when printing (not when made); without it, the terminal's width,
    or ``NOT_A_TERMINAL_WIDTH`` when the output is not a terminal."""

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return ConsoleDimensions(int(columns), size.height)
        return size if self.is_terminal else ConsoleDimensions(NOT_A_TERMINAL_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


class OutputPath(click.ParamType[Path]):
    """A file (or, with ``folder``, a folder) the command will write, checked when the option is read: one line
    and exit 2 for a path under a file, in ``/proc`` or anywhere it cannot be written, before anything runs."""

    def __init__(self, folder: bool = False, allow_dash: bool = False) -> None:
        self.folder = folder
        self.allow_dash = allow_dash
        self.name = "folder" if folder else "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = value if isinstance(value, Path) else Path(value)
        if self.allow_dash and str(value) == "-":
            return path
        option = param.opts[0] if param is not None and param.opts else "output"
        try:
            (check_folder if self.folder else check_file)(path, option)
        except OutputPathError as exc:
            self.fail(str(exc).removeprefix(f"{option} "), param, ctx)
        return path


OUT_FILE = OutputPath()
OUT_FOLDER = OutputPath(folder=True)
out = ReportConsole()
err = ReportConsole(stderr=True)
STDOUT = Path("-")


def report_console(json_path: Path | None) -> Console:
    """Where the human report goes: stdout, or stderr when ``--json -`` puts the JSON record there."""
    return err if json_path == STDOUT else out


def write_record(path: Path | None, record: dict[str, Any]) -> None:
    """Write a JSON record to ``path``; ``-`` is stdout."""
    if path is None:
        return
    if path == STDOUT:
        sys.stdout.write(json.dumps(record, indent=2) + "\n")
        sys.stdout.flush()
        return
    write_json(path, record)


def fail(message: str, code: int = 2) -> None:
    click.echo(f"bench: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Map the error trees to one line (URLs in it redacted) and an exit code: bad input 2, a server or network
    failure 3, anything else 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BAD_INPUT as exc:
            fail(f"{type(exc).__name__}: {redact_text(str(exc))}", 2)
        except ServerFailure as exc:
            fail(f"{type(exc).__name__}: {redact_text(str(exc))}", 3)
        except (HarnessError, AutotagError) as exc:
            fail(f"{type(exc).__name__}: {redact_text(str(exc))}", 1)
        return None

    return wrapper  # type: ignore[return-value]


def workload_options(func: F) -> F:
    """--cassette / --timings / --library / --assets / --seed / --immich-version: what to replay, and as which
    Immich."""
    options = [
        click.option(
            "--cassette",
            type=click.Path(path_type=Path),
            help="A vcrpy cassette of an Immich crawl "
            "(JSON or YAML, optionally .gz). Default: the shipped real 3,000-asset cassette.",
        ),
        click.option(
            "--timings",
            type=click.Path(path_type=Path),
            help="The cassette's durations from this sidecar (`bench record` writes NAME.timings.json beside a "
            "cassette and that one is used by default); it overrides the cassette's own.",
        ),
        click.option(
            "--library",
            "preset",
            type=click.Choice(["demo", "seed"]),
            help="A synthetic library preset instead of a cassette.",
        ),
        click.option(
            "--assets",
            type=click.IntRange(min=1, max=MAX_ASSETS),
            help=f"Asset count for --library, at most {MAX_ASSETS:,} (default: the preset's).",
        ),
        click.option(
            "--seed", type=int, default=0, show_default=True, help="Seed of the synthetic library and replay."
        ),
        click.option(
            "--immich-version",
            metavar="X.Y.Z",
            help=f"Answer as this Immich version ({served_list()}): 2.x shapes albums and assets as Immich 2.x "
            "does. Default: the version the cassette was recorded from (3.1.0 for --library).",
        ),
        click.option(
            "--faults",
            metavar="SPEC",
            help="Inject faults at the replay, e.g. 500:1%,502:1%,503:1%,504:1%,reset:0.5%,timeout:0.5%,429:1% "
            "(500/503/429 before applying, 502/504 after, reset mid-answer, timeout past the client's timeout); "
            "decided per request by --seed, the same on every run. Each subject is also run without them, and the "
            "report says whether it still reached that final state.",
        ),
        click.option(
            "--fault-hold",
            "fault_hold_s",
            type=click.FloatRange(min=0, max=600),
            metavar="SECONDS",
            help=f"Over HTTP (programs, serve): how long a timeout fault holds its answer (default {DEFAULT_HOLD_S}; "
            "set it past your client's timeout). It is modeled as waited.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_options(func: F) -> F:
    """--rules, --latency, --profile, --out, --realtime, --json, --proxy-limit."""
    options = [
        click.option(
            "--rules", type=click.Path(path_type=Path), help="Rules file (YAML). Default: rules.example.yaml."
        ),
        click.option(
            "--latency",
            metavar="PROFILE",
            help="Latency profile: seed-2026-01, immich-3.1-loopback, or a "
            "JSON file from `bench calibrate`. Default: the cassette's recorded durations.",
        ),
        click.option(
            "--profile",
            "profiler",
            type=click.Choice(PROFILERS),
            default="cprofile",
            show_default=True,
            help="Profiler to run each mode under.",
        ),
        click.option(
            "--out",
            "out_dir",
            type=OUT_FOLDER,
            help="Folder for results and profiles. Default: a new numbered folder under reports/.",
        ),
        click.option(
            "--realtime",
            type=click.FloatRange(min=0),
            default=0.0,
            metavar="SCALE",
            help="Really sleep SCALE seconds per modeled second (checks the model; default 0: never sleep).",
        ),
        click.option(
            "--json",
            "json_path",
            type=OutputPath(allow_dash=True),
            help="Also write the result JSON here; - writes it to stdout (the report then goes to stderr).",
        ),
        click.option(
            "--proxy-limit",
            type=click.IntRange(min=1),
            metavar="N",
            help="Model a reverse proxy that answers 429 + Retry-After beyond N requests in flight "
            "(async mode; Immich itself never throttles).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def workload_spec(options: dict[str, Any]) -> WorkloadSpec:
    """The workload of the click options of ``run``/``compare``/``gate``/``serve``, checked before anything runs."""
    cassette, preset, assets = options.get("cassette"), options.get("preset"), options.get("assets")
    if cassette is not None and preset is not None:
        raise click.UsageError("give --cassette or --library, not both")
    if assets is not None and preset is None:
        raise click.UsageError("--assets applies to --library only")
    if cassette is not None and not cassette.is_file():
        raise CassetteError(f"cassette not found: {cassette}" if not cassette.exists() else f"not a file: {cassette}")
    timings = options.get("timings")
    if timings is not None:
        if preset is not None:
            raise click.UsageError("--timings applies to a cassette, not to --library")
        if not timings.is_file():
            raise CassetteError(f"timings file not found: {timings}")
    rules = options.get("rules")
    check_rules(rules)
    immich_version = options.get("immich_version")
    if immich_version is not None:
        immich_version = canonical(immich_version)
    latency = options.get("latency")
    if latency is not None:
        from harness.replay.latency_profiles import load_profile

        load_profile(latency)  # fail fast with the profile's problem
    faults = options.get("faults")
    if options.get("fault_hold_s") is not None and not faults:
        raise click.UsageError("--fault-hold applies with --faults only")
    return WorkloadSpec(
        cassette=str(cassette) if cassette else None,
        preset=preset,
        assets=assets,
        seed=options.get("seed") or 0,
        rules=str(rules) if rules else None,
        latency=latency,
        proxy_limit=options.get("proxy_limit"),
        immich_version=immich_version,
        timings=str(timings) if timings else None,
        faults=FaultSpec.parse(faults).text() or None if faults else None,
        fault_hold_s=options.get("fault_hold_s"),
    )


def check_rules(rules: Path | None) -> None:
    """Load a rules file now, so its problem is reported before any worker starts."""
    if rules is not None:
        load_rules(rules)  # fail fast with the file's problem, before any worker starts


COMMAND_MODULES = {
    "run": "measure",
    "compare": "measure",
    "report": "reports",
    "gate": "gate",
    "history": "history",
    "generate": "library_commands",
    "record": "library_commands",
    "serve": "serve",
    "stats": "profile_commands",
    "calibrate": "calibrate",
}


class LazyGroup(click.Group):
    """Imports a command's module when that command is asked for (click's lazy-loading pattern), so that ``bench``
    starts without pandas, matplotlib or jinja2, and so do the run workers: a spawned worker re-imports the console
    script, and those imports would be counted in every run's peak memory (80 MB of it)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"harness.cli.{module}")  # its decorators register the command on ``cli``
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="autotag-bench")
def cli() -> None:
    """Measure an Immich auto-tagger's modes on a deterministic replay of a recorded library.

    Start with `bench compare eager lazy`: it replays the shipped real cassette in both modes under cProfile and
    prints the per-endpoint and per-function deltas, the equivalence check and the merge verdict.

    Exit codes, every command: 0 ok; 1 a regression, a rejected verdict under --fail-on, or a subject that failed;
    2 bad input (one line on stderr, nothing written); 3 a server or network failure; 130 Ctrl-C, 143 SIGTERM
    (workers stopped, the run folder the command made removed).
    """


@cli.command("modes")
def modes_command() -> None:
    """List the tagger's modes and what each does."""
    from rich.table import Table

    table = Table(title="modes", title_justify="left", header_style="bold")
    for column in ("mode", "asset tags", "album map", "writes", "description"):
        table.add_column(column)
    for spec in MODES.values():
        table.add_row(spec.name, spec.tags, spec.albums, spec.writes, spec.description)
    out.print(table)
