"""``bench stats``: any cProfile file summarised per Immich endpoint (``bench calibrate`` turns one into a profile)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from harness.atomic_write import write_json
from harness.cli.group import OUT_FILE, cli, handle_errors, out
from harness.judge.profile_summary import summarize
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
