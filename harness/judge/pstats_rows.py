"""cProfile dumps as rows of a fixed shape: function, ncalls, tottime, cumtime (via the stdlib ``pstats``)."""

from __future__ import annotations

import pstats
import re
from pathlib import Path

import pandas as pd

from harness.errors import StatsFileError

COLUMNS = ["function", "ncalls", "tottime", "cumtime"]
PORTABLE_PREFIXES = ("site-packages/", "stdlib/")


def load_stats(path: Path) -> pstats.Stats:
    """A cProfile file as ``pstats.Stats``; ``StatsFileError`` for anything else."""
    if not path.exists():
        raise StatsFileError(f"stats file not found: {path}")
    if not path.is_file():
        raise StatsFileError(f"not a file: {path}")
    try:
        stats = pstats.Stats(str(path))
    except OSError as exc:
        raise StatsFileError(f"cannot read stats file {path}: {exc.strerror}") from None
    except Exception as exc:  # marshal and pstats raise ValueError, EOFError, TypeError... on foreign files
        raise StatsFileError(f"{path}: not a cProfile stats file ({type(exc).__name__})") from None
    if not isinstance(getattr(stats, "stats", None), dict):
        raise StatsFileError(f"{path}: not a cProfile stats file")
    return stats


def short_name(file: str, line: int, func: str) -> str:
    """``file:line(function)`` with the file path cut to what says where it is on any machine."""
    if file == "~":
        return func  # built-ins, e.g. <method 'recv' of '_socket.socket' objects>
    if not file.startswith("/"):  # already portable (harness.measure.pstats_keys), or <frozen ...>, <string>
        for prefix in PORTABLE_PREFIXES:
            file = file.removeprefix(prefix)
        return f"{file}:{line}({func})"
    for marker in ("site-packages/", "/lib/python3", "/autotag/", "/harness/"):
        if marker in file:
            keep = marker.strip("/") + "/" if marker in ("/autotag/", "/harness/") else ""
            file = keep + file.rsplit(marker, 1)[1]
            break
    else:
        file = "/".join(file.split("/")[-3:])  # a foreign machine's path: its last folders say enough
    file = re.sub(r"^\.\d+/", "", file)
    return f"{file}:{line}({func})"


def rows(stats: pstats.Stats, records: list[tuple[str, int, float, float]] | None = None) -> pd.DataFrame:
    """One row per function; ``ncalls`` counts all calls (primitive and recursive), as pstats prints it first.
    ``records`` replaces the stats' own rows (e.g. with the bench's frames folded, ``frame_kinds``)."""
    if records is None:
        records = [
            (short_name(*key), nc, tt, ct)
            for key, (_cc, nc, tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        ]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    return frame.groupby("function", as_index=False).sum()


def diff(base: pd.DataFrame, other: pd.DataFrame, top: int = 20, pattern: str | None = None) -> pd.DataFrame:
    """Functions of two profiles side by side with deltas, the ``top`` largest absolute cumtime deltas first."""
    merged = base.merge(other, on="function", how="outer", suffixes=("_base", "_new")).fillna(0)
    if pattern:
        merged = merged[merged["function"].str.contains(pattern, regex=True)]
    for col in ("ncalls", "tottime", "cumtime"):
        merged[f"{col}_delta"] = merged[f"{col}_new"] - merged[f"{col}_base"]
    for col in ("ncalls_base", "ncalls_new", "ncalls_delta"):
        merged[col] = merged[col].astype(int)
    merged["order"] = merged["cumtime_delta"].abs() + merged["tottime_delta"].abs() * 1e-6
    merged = merged.sort_values(["order", "function"], ascending=[False, True]).head(top)
    return merged.drop(columns="order").reset_index(drop=True)
