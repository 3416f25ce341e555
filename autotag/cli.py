"""``autotag``: run the tagger against a live Immich 3.x server (a dry run unless ``--apply``)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from autotag.client import ImmichClient
from autotag.errors import (
    ApiError,
    AuthError,
    AutotagError,
    ConfigError,
    UnknownModeError,
    UnreachableError,
    UnsupportedServerError,
)
from autotag.modes import MODES, ModeSpec, get_mode
from autotag.redact import redact_text
from autotag.retry import RetryPolicy
from autotag.rules import RuleSet, load_rules
from autotag.run_state import RunState
from autotag.runs import Connection, run_mode
from autotag.session import RequestBuilder
from autotag.stopping import Interrupted, StopRequest, on_signals
from autotag.tagger import TagPlan
from autotag.verify import Verification
from autotag.verify import verify as verify_plan


def api_base(url: str) -> str:
    """``http://host:2283`` and ``http://host:2283/api`` both mean the API root ``.../api``."""
    url = url.rstrip("/")
    return url if url.endswith("/api") else url + "/api"


def url_option(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check ``--url`` before anything runs: an http(s) URL with a host."""
    try:
        RequestBuilder(api_base(value))
    except ValueError as exc:
        raise click.BadParameter(redact_text(str(exc))) from exc
    return value


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, then exit with ``code``."""
    click.echo(f"autotag: error: {message}", err=True)
    sys.exit(code)


def run_cli(group: click.Group, prog: str, args: list[str] | None = None) -> None:
    """Run a click group so that every usage error is one line on stderr with exit 2, never a traceback; SIGTERM
    ends it like Ctrl-C, with one line and exit 143 (130 for SIGINT)."""
    previous = terminate_as_interrupt()
    try:
        result = group.main(args=args, prog_name=prog, standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(f"{prog}: interrupted by SIGINT", err=True)
        sys.exit(130)
    except Interrupted as exc:
        click.echo(f"{prog}: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        message = " ".join(exc.format_message().split())
        click.echo(f"{prog}: error: {message}", err=True)
        sys.exit(exc.exit_code)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    sys.exit(result if isinstance(result, int) else 0)


def terminate_as_interrupt() -> Any:
    """SIGTERM raises ``Interrupted`` (in the main thread; elsewhere nothing changes); returns the handler before."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupted(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    return signal.signal(signal.SIGTERM, interrupted)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="autotag-bench")
def cli() -> None:
    """Classify every asset of an Immich 3.x library by its albums and tags, and write output tags."""


def main() -> None:
    run_cli(cli, "autotag")


EXIT_CODES = (
    "Exit codes: 0 done; 1 writes lost (--verify); 2 bad input (options, rules, URL, API key, not an Immich 3.x "
    "server); 3 server or network failure (its retries ran out: what was not sent is listed, and a rerun sends it); "
    "130 SIGINT, 143 SIGTERM (it stops before its next read and sends what it decided first)."
)


@cli.command("run", epilog=EXIT_CODES)
@click.option(
    "--url",
    required=True,
    callback=url_option,
    help="Immich server URL, e.g. http://immich:2283 (the /api suffix is optional).",
)
@click.option(
    "--api-key-env", required=True, metavar="VAR", help="Name of the environment variable holding the API key."
)
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path), help="Rules file (YAML).")
@click.option(
    "--mode", default="lazy", show_default=True, type=click.Choice(list(MODES)), help="Loading and writing strategy."
)
@click.option("--apply", is_flag=True, help="Write the tag changes. Without it nothing is written (dry run).")
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True, max=3600),
    metavar="SECONDS",
    help="Per-request timeout in seconds.",
)
@click.option(
    "--retries",
    default=RetryPolicy().retries,
    show_default=True,
    type=click.IntRange(min=0, max=20),
    help="Retries of a request after a connection error, a reset, a timeout, 502/503/504 or 429 (honouring "
    f"Retry-After), with exponential backoff and jitter; a 500 at most {RetryPolicy().server_error_retries} times. "
    "Every request the tagger sends is safe to repeat (tag writes are idempotent).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="With --apply (refused without it): read the output tags back and report writes Immich lost "
    "(3.1.0 can drop a tag write that lands seconds after another on the same asset); exit 1 if any.",
)
def run_command(
    url: str,
    api_key_env: str,
    config_path: Path,
    mode: str,
    apply: bool,
    timeout: float,
    retries: int,
    verify: bool,
) -> None:
    """Run the tagger once and print a summary. A dry run unless --apply."""
    if verify and not apply:
        raise click.UsageError("--verify reads back what --apply wrote: give --apply too (a dry run writes nothing)")
    key = os.environ.get(api_key_env)
    if not key:
        fail(f"environment variable {api_key_env} is not set (it must hold the Immich API key)")
        return
    try:
        rules = load_rules(config_path)
    except ConfigError as exc:
        fail(f"{type(exc).__name__}: {exc}")
        return
    stop = StopRequest()
    connection = Connection(
        api_base(url),
        key,
        timeout=timeout,
        retry=RetryPolicy(retries=min(retries, 20)),
        sleep=stop.sleep,
        async_sleep=stop.sleep_async,
        stop=stop,
    )
    state = RunState()
    with on_signals(stop):
        plan, requests, checked = tagger_run(connection, rules, get_mode(mode), apply, verify, state)
    Console().print(summary_table(plan, requests))
    Console().print(state.retry_log.summary(), highlight=False)
    if checked is not None:
        problems = len(checked.lost) + len(checked.reverted)
        Console().print(
            f"verified {checked.checked:,} tag changes: {len(checked.lost):,} lost, "
            f"{len(checked.reverted):,} reverted" + (" (run again to repair)" if problems else "")
        )
        if problems:
            sys.exit(1)


def tagger_run(
    connection: Connection, rules: RuleSet, spec: ModeSpec, apply: bool, verify: bool, state: RunState
) -> tuple[TagPlan, int, Verification | None]:
    """The run (and its verification), with its progress on stderr; a run that stops early says what it sent and
    what it did not, and exits with the code of why it stopped."""
    console = Console(stderr=True)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]assets"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("assets", total=None)
            plan, requests = run_mode(
                connection, rules, spec, apply=apply, on_assets=lambda n: progress.advance(task, n), state=state
            )
        checked = None
        if verify:
            with connection.session() as session:
                checked = verify_plan(ImmichClient(session), plan)
    except Interrupted as stopped:
        click.echo(f"autotag: {stopped}: {state.progress()}; {state.unsent()}", err=True)
        sys.exit(stopped.exit_code)
    except AutotagError as exc:
        code = exit_code(exc)
        click.echo(f"autotag: error: {type(exc).__name__}: {redact_text(str(exc))}", err=True)
        if code == SERVER_FAILURE:
            click.echo(f"autotag: stopped: {state.progress()}; {state.unsent()}; {state.retry_log.summary()}", err=True)
        sys.exit(code)
    return plan, requests, checked


BAD_INPUT = 2
SERVER_FAILURE = 3


def exit_code(exc: AutotagError) -> int:
    """2 for bad input (rules, mode, API key, not an Immich 3.x server), 3 when the server or the network failed
    (no answer, or an error status after the retries), 1 otherwise."""
    if isinstance(exc, ConfigError | UnknownModeError | AuthError | UnsupportedServerError):
        return BAD_INPUT
    if isinstance(exc, UnreachableError | ApiError):
        return SERVER_FAILURE
    return 1


def summary_table(plan: TagPlan, requests: int) -> Table:
    """What a run decided and sent, as a table."""
    title = f"autotag {plan.mode} on Immich {plan.server_version} ({'applied' if plan.applied else 'dry run'})"
    table = Table(title=title, show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for status, count in plan.by_status().items():
        table.add_row(f"assets {status}", f"{count:,}")
    for change, count in plan.changes().items():
        table.add_row(change, f"{count:,}")
    table.add_row("write requests" + ("" if plan.applied else " (planned)"), f"{len(plan.writes):,}")
    table.add_row("requests made", f"{requests:,}")
    for value in plan.missing_output_tags:
        table.add_row(f"tag {value}", "missing: created on --apply")
    return table
