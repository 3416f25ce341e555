"""``bench calibrate``: a latency profile for ``--latency``, from a cProfile file or from timing a live server."""

from __future__ import annotations

import os
from pathlib import Path

import click
import httpx
from rich.table import Table

from harness.atomic_write import write_json
from harness.cli.group import OUT_FILE, cli, err, fail, handle_errors, out
from harness.cli.library_commands import refuse_existing
from harness.judge.profile_summary import calibrate, summarize
from harness.measure import live_calibration
from harness.replay.latency import LatencyProfile
from harness.replay.latency_profiles import PROFILES, load_profile


@cli.command("calibrate", short_help="Make a latency profile from a cProfile file or a live server.")
@click.argument("stats_file", type=click.Path(path_type=Path), required=False)
@click.option("--url", help="Time this live Immich instead (read-only unless --writes), e.g. http://immich:2283.")
@click.option("--api-key-env", metavar="VAR", help="With --url: the environment variable holding the API key.")
@click.option("--writes", is_flag=True, help="With --url: also time tag writes on a scratch tag, undone afterwards.")
@click.option(
    "--repeat",
    type=click.IntRange(2, 10_000),
    default=20,
    show_default=True,
    help="With --url: requests per endpoint timed one at a time (and per client at each concurrency level).",
)
@click.option(
    "--fallback",
    default="seed-2026-01",
    show_default=True,
    metavar="PROFILE",
    help=f"Where the endpoints not measured come from ({', '.join(PROFILES)}, or a profile file).",
)
@click.option("--out", "out_path", type=OUT_FILE, required=True, help="Profile JSON to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handle_errors
def calibrate_command(
    stats_file: Path | None,
    url: str | None,
    api_key_env: str | None,
    writes: bool,
    repeat: int,
    fallback: str,
    out_path: Path,
    force: bool,
) -> None:
    """Make a latency profile for --latency: from a cProfile file (each endpoint's mean time per call) or, with
    --url, by timing a live server sequentially and at 1, 4 and 16 requests in flight. Endpoints it did not measure
    come from --fallback and are listed as such, in the file and here.

    Examples: bench calibrate profile.stats --out mine.json;
    bench calibrate --url http://immich:2283 --api-key-env IMMICH_KEY --out mine.json
    """
    if (stats_file is None) == (url is None):
        raise click.UsageError("give a cProfile FILE or --url URL (one of them)")
    if url is None and (api_key_env or writes):
        raise click.UsageError("--api-key-env and --writes go with --url")
    refuse_existing(out_path, force)
    base = load_profile(fallback)
    if stats_file is not None:
        summary = summarize(stats_file)
        if summary.endpoints.empty:
            fail(f"{stats_file}: no Immich endpoint calls recognised (neither immich_client sync_detailed nor autotag)")
        profile = calibrate(summary, out_path.stem, base)
    else:
        profile = _from_server(url or "", api_key_env, writes, repeat, out_path.stem, base)
    write_json(out_path, profile.to_json())
    out.print(_sources(profile))
    out.print(f"wrote {out_path}: {len(profile.costs)} endpoints; use it with --latency {out_path}")


def _from_server(
    url: str, api_key_env: str | None, writes: bool, repeat: int, name: str, base: LatencyProfile
) -> LatencyProfile:
    from autotag.cli import api_base

    if not api_key_env:
        raise click.UsageError("--url needs --api-key-env VAR (the variable holding the API key)")
    key = os.environ.get(api_key_env)
    if not key:
        fail(f"environment variable {api_key_env} is not set (it must hold the Immich API key)")
    root = api_base(url)
    headers = {"x-api-key": key or "", "accept": "application/json"}
    timings = live_calibration.Timings()
    try:
        with httpx.Client(base_url=root, headers=headers, timeout=120) as http:
            server = live_calibration.LiveServer(http, timings)
            found = live_calibration.sequential(server, repeat, err.print)
            if writes:
                live_calibration.writes(server, found["assets"], repeat)
        timings.curves = live_calibration.concurrency(root, headers, found, repeat * 4, err.print)
    except httpx.TransportError as exc:
        fail(f"cannot reach {url}: {exc}", 3)
    return live_calibration.profile_of(timings, name, base, url)


def _sources(profile: LatencyProfile) -> Table:
    table = Table(title=f"profile {profile.name}: where each endpoint's cost comes from", title_justify="left")
    for column in ("endpoint", "ms (1 unit)", "source"):
        table.add_column(column, justify="right" if column.startswith("ms") else "left")
    for endpoint in sorted(profile.costs):
        cost = profile.costs[endpoint]
        table.add_row(endpoint, f"{cost.ms(1):,.2f}", profile.sources.get(endpoint, "measured"))
    return table
