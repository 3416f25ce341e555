"""The ``bench`` commands that write cassettes: ``generate`` (a synthetic library) and ``record`` (a live one)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from autotag.cli import url_option
from harness.cli.group import OUT_FILE, cli, err, fail, handle_errors, out
from harness.library.synthetic import MAX_ASSETS


def refuse_existing(path: Path, force: bool) -> None:
    """Exit 2 when ``path`` exists (without --force) or is a folder."""
    if path.exists() and not force:
        fail(f"{path} exists; pass --force to overwrite it")
    if path.exists() and path.is_dir():
        fail(f"{path} is a folder")


def cassette_out_options(func: Any) -> Any:
    """--out FILE and --force, for the commands that write a cassette."""
    func = click.option("--force", is_flag=True, help="Overwrite an existing file.")(func)
    return click.option(
        "--out",
        "out_path",
        type=OUT_FILE,
        required=True,
        help="Cassette to write (.json, or .json.gz for gzip).",
    )(func)


@contextlib.contextmanager
def crawl_progress() -> Iterator[Callable[[str, int], None]]:
    """Progress bars for a crawl: the crawl reports ``albums``/``assets`` totals, then each ``album``/``asset``."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, n: int) -> None:
            if stage in ("albums", "assets"):
                tasks[stage] = progress.add_task(stage, total=n)
            else:
                progress.advance(tasks[stage + "s"], n)

        yield advance


@cli.command("generate", short_help="Write a synthetic library as a crawl cassette.")
@click.option("--preset", type=click.Choice(["demo", "seed"]), required=True, help="Library shape.")
@click.option(
    "--assets",
    type=click.IntRange(min=1, max=MAX_ASSETS),
    help=f"Asset count, at most {MAX_ASSETS:,} (default: 3,000 demo, 26,562 seed).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same library.")
@cassette_out_options
@handle_errors
def generate_command(preset: str, assets: int | None, seed: int, out_path: Path, force: bool) -> None:
    """Write a synthetic library as a crawl cassette (vcrpy v1), deterministic by seed."""
    from harness.library.synthetic import generate_library
    from harness.library.timings_sidecar import write_sidecar
    from harness.replay.synthetic_cassette import cassette_of, write_cassette

    refuse_existing(out_path, force)
    library = generate_library(preset, assets=assets, seed=seed)
    with crawl_progress() as advance:
        cassette = cassette_of(library, advance)
    write_cassette(out_path, cassette)
    write_sidecar(out_path, cassette)
    summary = library.summary()
    out.print(
        f"wrote {out_path}: {len(cassette['interactions']):,} interactions, {summary['assets']:,} assets, "
        f"{summary['albums']:,} albums, {summary['tags']:,} tags, state {library.state_digest()[:19]}..."
    )


@cli.command("record", short_help="Crawl a live Immich 2.x or 3.x into a cassette.")
@click.option(
    "--url",
    required=True,
    callback=url_option,
    help="Immich server URL, e.g. http://immich:2283 (the /api suffix is optional).",
)
@click.option("--api-key-env", required=True, metavar="VAR", help="Environment variable holding the API key.")
@cassette_out_options
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["gz", "json"]),
    help="json: also write the cassette as plain JSON beside a .json.gz (vcrpy's own persister reads it as it is). "
    "Default: as --out's name says.",
)
@handle_errors
def record_command(url: str, api_key_env: str, out_path: Path, force: bool, file_format: str | None) -> None:
    """Crawl a live Immich 2.x or 3.x into a vcrpy cassette (the API key is scrubbed before anything is written),
    with its durations also in a NAME.timings.json sidecar that a vcrpy re-save cannot lose. On 2.x the album
    reads embed their members, so the per-album member searches are skipped."""
    import os

    import httpx

    from autotag.cli import api_base
    from autotag.redact import redact_text, redact_url
    from autotag.retry import RetryLog
    from harness.library.record import plain_copy, record

    key = os.environ.get(api_key_env)
    if not key:
        fail(f"environment variable {api_key_env} is not set (it must hold the Immich API key)")
        return
    refuse_existing(out_path, force)
    retries = RetryLog()
    try:
        with crawl_progress() as advance:
            seen = record(api_base(url), key, out_path, advance, plain_json=file_format == "json", retry_log=retries)
    except httpx.TransportError as exc:
        what = redact_text(str(exc)) or type(exc).__name__
        fail(f"ServerFailure: cannot reach {redact_url(url)}: {what} ({retries.summary()})", 3)
        return
    out.print(f"wrote {out_path}: {seen['assets']:,} assets, {seen['albums']:,} albums, {seen['tags']:,} tags")
    out.print(retries.summary(), highlight=False)
    if file_format == "json" and out_path.suffix == ".gz":
        out.print(f"plain JSON copy: {plain_copy(out_path)}")
