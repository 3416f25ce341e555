"""The tables every format shows, as DataFrames of finished strings: the terminal, markdown and HTML read the same
cells, so they cannot disagree. The first column names the row; the others are numbers or short words.

Endpoint matrices have one column per subject. A subject's cell is its value, with its change against the baseline
in brackets (subject minus baseline: negative means fewer requests or less time), "new" for an endpoint only it
uses, "gone" for one only the baseline uses, and "·" where neither does.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from harness.judge.compare import Comparison
from harness.render.cells import cell, decimals, signed

ABSENT = "·"
REQUESTS = "requests"
SHARE = "wall share s"


def formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """Every value of ``frame`` as text, with its column's decimals."""
    return pd.DataFrame({c: [cell(v, decimals(str(c))) for v in frame[c]] for c in frame.columns})


def summary_view(comparison: Comparison) -> pd.DataFrame:
    return formatted(comparison.summary)


def verdict_view(comparison: Comparison) -> pd.DataFrame:
    return formatted(comparison.verdict_table)


def endpoint_matrix(comparison: Comparison, metric: str) -> pd.DataFrame:
    """Endpoints x subjects of ``REQUESTS`` or ``SHARE`` (each endpoint's share of the modeled wall time)."""
    frame = comparison.endpoints
    base = comparison.baseline.mode
    delta = "Δ requests" if metric == REQUESTS else "Δ wall share s"
    places = 0 if metric == REQUESTS else 3
    out: dict[str, list[str]] = {"endpoint": []}
    for endpoint, rows in frame.groupby("endpoint", sort=True):
        out["endpoint"].append(str(endpoint))
        base_n = int(rows.loc[rows["subject"] == base, "requests"].iloc[0])
        for raw in rows.to_dict("records"):
            record = {str(k): v for k, v in raw.items()}
            out.setdefault(str(record["subject"]), []).append(
                _matrix_cell(record, metric, delta, places, is_base=record["subject"] == base, base_n=base_n)
            )
    return pd.DataFrame(out)


def _matrix_cell(record: dict[str, Any], metric: str, delta: str, places: int, is_base: bool, base_n: int) -> str:
    value = record[metric]
    n = int(record["requests"])
    text = cell(int(value)) if places == 0 else cell(value, places)
    if n == 0 and (is_base or base_n == 0):
        return ABSENT
    if is_base:
        return text
    if record["change"] == "gone":
        return "gone"
    if record["change"] == "new":
        return f"{text} (new)"
    moved = record[delta]
    if isinstance(moved, int | float) and moved != 0 and moved == moved:  # not zero, not NaN
        return f"{text} ({signed(moved if places else int(moved), places)})"
    return text


def overlap_view(comparison: Comparison) -> pd.DataFrame | None:
    """For subjects that overlap requests: per endpoint, the time in flight, its percent of the wall, and the summed
    latency of its requests (each request counted whole, so overlapping requests add up past the wall)."""
    runs = [run for run in comparison.runs if run.overlapping]
    if not runs:
        return None
    frame = comparison.endpoints
    endpoints = sorted(set(frame["endpoint"]))
    out: dict[str, list[str]] = {"endpoint": endpoints}
    for run in runs:
        rows = frame[frame["subject"] == run.mode]
        used = dict(zip(rows["endpoint"], rows["requests"] > 0, strict=True))
        flight = dict(zip(rows["endpoint"], rows["in flight s"], strict=True))
        summed = dict(zip(rows["endpoint"], rows["summed latency s"], strict=True))
        wall = run.modeled_wall_s or float("nan")
        out[f"{run.mode} in flight s"] = [cell(flight[e]) if used[e] else ABSENT for e in endpoints]
        out[f"{run.mode} % of wall"] = [cell(100.0 * flight[e] / wall, 1) if used[e] else ABSENT for e in endpoints]
        out[f"{run.mode} summed latency s"] = [cell(summed[e]) if used[e] else ABSENT for e in endpoints]
    return pd.DataFrame(out)


def function_view(comparison: Comparison) -> pd.DataFrame | None:
    """The function table with its numbers as text: calls with separators, deltas signed, seconds to 3 decimals."""
    view = comparison.function_view
    if view is None:
        return None
    columns: dict[str, list[str]] = {}
    for column in view.columns:
        values = view[column]
        if column == "function":
            columns[column] = [str(v) for v in values]
        elif "Δ" in column:
            columns[column] = [signed(int(v)) if "ncalls" in column else signed(float(v)) for v in values]
        else:
            columns[column] = [cell(int(v)) if "ncalls" in column else cell(float(v)) for v in values]
    return pd.DataFrame(columns)
