"""The ``bench`` commands that read any cProfile file: ``stats`` (a summary per Immich endpoint) and ``calibrate``
(a latency profile)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from harness.atomic_write import write_json
from harness.cli.group import OUT_FILE, cli, fail, handle_errors, out
from harness.cli.library_commands import refuse_existing
from harness.judge.profile_summary import calibrate, summarize
from harness.render.text import frame_table


@cli.command("stats", short_help="Summarise any cProfile file per Immich endpoint.")
@click.argument("stats_file", type=click.Path(path_type=Path))
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Rows of the function tables.")
@click.option("--json", "json_path", type=OUT_FILE, help="Also write the summary as JSON.")
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
@click.option("--out", "out_path", type=OUT_FILE, required=True, help="Profile JSON to write.")
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
