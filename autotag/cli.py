"""``autotag``: run the tagger against a live Immich 3.x server (a dry run unless ``--apply``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from autotag.client import ImmichClient
from autotag.errors import (
    AuthError,
    AutotagError,
    ConfigError,
    UnknownModeError,
    UnreachableError,
    UnsupportedServerError,
)
from autotag.modes import MODES, get_mode
from autotag.rules import load_rules
from autotag.runs import Connection, run_mode
from autotag.session import RequestBuilder
from autotag.tagger import TagPlan
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
        raise click.BadParameter(str(exc)) from exc
    return value


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, then exit with ``code``."""
    click.echo(f"autotag: error: {message}", err=True)
    sys.exit(code)


def run_cli(group: click.Group, prog: str, args: list[str] | None = None) -> None:
    """Run a click group so that every usage error is one line on stderr with exit 2, never a traceback."""
    try:
        result = group.main(args=args, prog_name=prog, standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(f"{prog}: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        message = " ".join(exc.format_message().split())
        click.echo(f"{prog}: error: {message}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="autotag-bench")
def cli() -> None:
    """Classify every asset of an Immich 3.x library by its albums and tags, and write output tags."""


def main() -> None:
    run_cli(cli, "autotag")


@cli.command("run")
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
@click.option("--timeout", default=60.0, show_default=True, help="Per-request timeout in seconds.")
@click.option(
    "--verify",
    is_flag=True,
    help="With --apply (refused without it): read the output tags back and report writes Immich lost "
    "(3.1.0 can drop a tag write that lands seconds after another on the same asset); exit 1 if any.",
)
def run_command(
    url: str, api_key_env: str, config_path: Path, mode: str, apply: bool, timeout: float, verify: bool
) -> None:
    """Run the tagger once and print a summary. A dry run unless --apply."""
    if verify and not apply:
        raise click.UsageError("--verify reads back what --apply wrote: give --apply too (a dry run writes nothing)")
    key = os.environ.get(api_key_env)
    if not key:
        fail(f"environment variable {api_key_env} is not set (it must hold the Immich API key)")
        return
    console = Console(stderr=True)
    try:
        rules = load_rules(config_path)
        spec = get_mode(mode)
        connection = Connection(api_base(url), key, timeout=timeout)
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
                connection, rules, spec, apply=apply, on_assets=lambda n: progress.advance(task, n)
            )
        checked = None
        if verify:
            with connection.session() as session:
                checked = verify_plan(ImmichClient(session), plan)
    except (ConfigError, UnknownModeError, AuthError, UnreachableError, UnsupportedServerError) as exc:
        fail(f"{type(exc).__name__}: {exc}")
        return
    except AutotagError as exc:
        fail(f"{type(exc).__name__}: {exc}", 1)
        return
    Console().print(summary_table(plan, requests))
    if checked is not None:
        problems = len(checked.lost) + len(checked.reverted)
        Console().print(
            f"verified {checked.checked:,} tag changes: {len(checked.lost):,} lost, "
            f"{len(checked.reverted):,} reverted" + (" (run again to repair)" if problems else "")
        )
        if problems:
            sys.exit(1)


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
