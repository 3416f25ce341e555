"""``bench`` commands that make or read files: ``generate``, ``stats``, ``calibrate``, ``report``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from harness.cli import cli, err, fail, handle_errors, out
from harness.cli_measure import ReportOptions, report_options
from harness.files import write_json
from harness.render.text import frame_table
from harness.result import load_runs
from harness.stats import calibrate, summarize
from harness.storage import next_run_dir


def refuse_existing(path: Path, force: bool) -> None:
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
        type=click.Path(path_type=Path),
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
@click.option("--assets", type=click.IntRange(min=1), help="Asset count (default: 3,000 demo, 26,562 seed).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same library.")
@cassette_out_options
@handle_errors
def generate_command(preset: str, assets: int | None, seed: int, out_path: Path, force: bool) -> None:
    """Write a synthetic library as a crawl cassette (vcrpy v1), deterministic by seed."""
    from harness.generate import cassette_of, write_cassette
    from harness.synth import generate_library

    refuse_existing(out_path, force)
    library = generate_library(preset, assets=assets, seed=seed)
    with crawl_progress() as advance:
        cassette = cassette_of(library, advance)
    write_cassette(out_path, cassette)
    summary = library.summary()
    out.print(
        f"wrote {out_path}: {len(cassette['interactions']):,} interactions, {summary['assets']:,} assets, "
        f"{summary['albums']:,} albums, {summary['tags']:,} tags, state {library.state_digest()[:19]}..."
    )


@cli.command("stats", short_help="Summarise any cProfile file per Immich endpoint.")
@click.argument("stats_file", type=click.Path(path_type=Path))
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Rows of the function tables.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Also write the summary as JSON.")
@handle_errors
def stats_command(stats_file: Path, top: int, json_path: Path | None) -> None:
    """Summarise any cProfile file: time per Immich endpoint, socket share, top functions."""
    summary = summarize(stats_file, top)
    out.print(Text(f"{stats_file}: {summary.total_s:,.2f} s total, {summary.requests:,} Immich requests", style="bold"))
    endpoints = summary.endpoints.rename(columns={"ms_per_call": "ms/call", "share_pct": "% of total"})
    out.print(frame_table(endpoints, "Time per Immich endpoint (cumulative time of the client call)"))
    out.print(
        f"socket reads: {summary.socket_calls:,} calls, {summary.socket_s:,.1f} s = "
        f"{summary.socket_share_pct:.1f} % of {summary.total_s:,.2f} s"
    )
    out.print(frame_table(summary.top_cumulative, f"Top {top} functions by cumulative time"))
    out.print(frame_table(summary.top_own, f"Top {top} functions by own time"))
    if json_path is not None:
        write_json(
            json_path,
            {
                "schema": "autotag-bench/stats/1",
                "file": str(stats_file),
                "total_s": summary.total_s,
                "requests": summary.requests,
                "socket": {
                    "calls": summary.socket_calls,
                    "seconds": summary.socket_s,
                    "share_pct": summary.socket_share_pct,
                },
                "endpoints": summary.endpoints.to_dict(orient="records"),
            },
        )


@cli.command("calibrate", short_help="Make a latency profile from a cProfile file.")
@click.argument("stats_file", type=click.Path(path_type=Path))
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help="Profile JSON to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handle_errors
def calibrate_command(stats_file: Path, out_path: Path, force: bool) -> None:
    """Make a latency profile (mean time per endpoint) from a cProfile file, for --latency."""
    refuse_existing(out_path, force)
    summary = summarize(stats_file)
    if summary.endpoints.empty:
        fail(f"{stats_file}: no Immich endpoint calls recognised (neither immich_client sync_detailed nor autotag)")
    profile = calibrate(summary, out_path.stem)
    write_json(out_path, profile.to_json())
    out.print(f"wrote {out_path}: {len(profile.costs)} endpoints; use it with --latency {out_path}")


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


@cli.command("serve", short_help="Serve the replay over HTTP on 127.0.0.1.")
@click.option("--cassette", type=click.Path(path_type=Path), help="Cassette to serve (default: the shipped one).")
@click.option("--library", "preset", type=click.Choice(["demo", "seed"]), help="A synthetic library instead.")
@click.option("--assets", type=click.IntRange(min=1), help="Asset count for --library.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic library.")
@click.option("--port", type=click.IntRange(0, 65535), default=2283, show_default=True, help="Port (0: any free).")
@click.option("--api-key", help="Key clients must send as x-api-key (default: a fresh random one).")
@handle_errors
def serve_command(
    cassette: Path | None, preset: str | None, assets: int | None, seed: int, port: int, api_key: str | None
) -> None:
    """Serve the replay over real HTTP on 127.0.0.1 so any Immich client can talk to it. Ctrl-C stops it."""
    import secrets

    from harness.cli import workload_spec
    from harness.replay import ReplayServer
    from harness.serve import ReplayApp, bind, serve

    library, _recorded, info = workload_spec(cassette, preset, assets, seed).load()
    key = api_key or secrets.token_urlsafe(24)
    try:
        sock = bind(port)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")
        return
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = ReplayApp(ReplayServer(library, api_key=key, seed=seed))
    out.print(f"serving {info['source']} ({info['assets']:,} assets, Immich {info['immich_version']})", highlight=False)
    out.print(f"URL      {url}/api", highlight=False)
    out.print(f"API key  {key}", highlight=False)
    out.print(f"try      curl -H 'x-api-key: {key}' {url}/api/server/about", highlight=False)
    out.print("Ctrl-C stops it.", style="dim")
    out.file.flush()
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, sock)
    err.print(f"stopped after {app.requests:,} requests")


@cli.command("record", short_help="Crawl a live Immich 3.x into a cassette.")
@click.option("--url", required=True, help="Immich server URL, e.g. http://immich:2283 (the /api suffix is optional).")
@click.option("--api-key-env", required=True, metavar="VAR", help="Environment variable holding the API key.")
@cassette_out_options
@handle_errors
def record_command(url: str, api_key_env: str, out_path: Path, force: bool) -> None:
    """Crawl a live Immich 3.x into a vcrpy cassette (the API key is scrubbed before anything is written)."""
    import os

    import httpx

    from autotag.cli import api_base
    from harness.record import record

    key = os.environ.get(api_key_env)
    if not key:
        fail(f"environment variable {api_key_env} is not set (it must hold the Immich API key)")
        return
    refuse_existing(out_path, force)
    try:
        with crawl_progress() as advance:
            seen = record(api_base(url), key, out_path, advance)
    except httpx.TransportError as exc:
        fail(f"cannot reach {url}: {exc}")
        return
    out.print(f"wrote {out_path}: {seen['assets']:,} assets, {seen['albums']:,} albums, {seen['tags']:,} tags")
