"""The tables of a comparison, as DataFrames of values (renderers format them): one row per subject, and one row
per endpoint and subject.

Changes against the baseline follow one convention: modeled wall time in words (``change_words``: "48.52 % faster"),
counts and seconds per endpoint as ``Δ`` = subject minus baseline (negative: fewer requests, less time), and an
endpoint that only one side has is "new" or "gone", never a percent of zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from harness.judge.verdict import Verdict, change_words
from harness.measure.result import RunResult

ENDPOINT_COLUMNS = [
    "endpoint",
    "subject",
    "requests",
    "wall share s",
    "in flight s",
    "summed latency s",
    "Δ requests",
    "Δ wall share s",
    "change",
]


def summary(runs: Sequence[RunResult], verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """One row per subject: exact figures, the change and verdict against the baseline, then measured figures
    (medians, with their spread, when the runs were repeated)."""
    base = runs[0]
    decided = {v.mode: v for v in verdicts}
    repeated = any(run.samples for run in runs)
    records = []
    for run in runs:
        verdict = decided.get(run.mode)
        record: dict[str, Any] = {
            "subject": run.mode,
            "requests": run.total_requests,
            "modeled wall s": run.modeled_wall_s,
            f"vs {base.mode}": verdict.change if verdict else "baseline",
            "verdict": verdict.decision if verdict else "",
            "max in flight": int(run.in_flight["peak"]) if run.in_flight else "n/a",
            "cpu s": _measured(run.cpu_s),
            "real s": run.real_wall_s,
        }
        if repeated:
            record = {**record, "cpu spread s": _spread(run, "cpu_s"), "real spread s": _spread(run, "real_wall_s")}
        records.append(
            {
                **record,
                "peak MB": _measured(run.peak_rss_mb),
                "run MB": _measured(run.run_rss_mb),
                "asset loads": _counted(run, "asset_loads"),
                "tag reads": _counted(run, "tag_reads"),
                "writes": _counted(run, "add_requests", "remove_requests"),
                "final state": run.final_state_digest[7:19],
                **({"faults": _faults(run)} if any(r.faults or r.fault_free_digest for r in runs) else {}),
            }
        )
    frame = pd.DataFrame.from_records(records)
    # The tagger's own counters exist for the modes only: columns no subject has are left out.
    counters = [c for c in ("asset loads", "tag reads", "writes") if (frame[c] == "n/a").all()]
    return frame.drop(columns=counters)


def _faults(run: RunResult) -> str:
    """Faults served, and whether the run still reached its fault-free final state."""
    kept = {True: "state kept", False: "STATE CHANGED", None: "not run"}[run.reached_fault_free]
    return f"{sum(run.faults.values()):,}, {kept}"


def endpoints(runs: Sequence[RunResult]) -> pd.DataFrame:
    """One row per endpoint and subject (``ENDPOINT_COLUMNS``): requests; the endpoint's share of the modeled wall
    time, its time in flight and its summed latency (the three agree for a subject that never overlaps requests;
    NaN where an old record lacks them); the changes against the baseline."""
    base = runs[0]
    base_share = base.share_by_endpoint or {}
    records = []
    for endpoint in sorted({e for run in runs for e in run.by_endpoint}):
        for run in runs:
            n, base_n = run.by_endpoint.get(endpoint, 0), base.by_endpoint.get(endpoint, 0)
            share = _value(run.share_by_endpoint, endpoint)
            record = [endpoint, run.mode, n, share, _value(run.in_flight_by_endpoint, endpoint)]
            record.append(run.seconds_by_endpoint.get(endpoint, 0.0))
            if run is base:
                records.append([*record, 0, 0.0, ""])
                continue
            delta_s = round(share - base_share.get(endpoint, 0.0), 6) if base.share_by_endpoint else float("nan")
            records.append([*record, n - base_n, delta_s, _presence(base_n, n)])
    return pd.DataFrame.from_records(records, columns=ENDPOINT_COLUMNS)


def verdict_table(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """One row per judged subject: its decision, modeled wall time, change, and the reason that decided it."""
    return pd.DataFrame.from_records(
        [
            {
                "subject": v.mode,
                "verdict": v.decision.upper(),
                "modeled wall s": v.wall_s,
                f"vs {v.baseline}": change_words(v.saved_pct),
                "why": v.why,
            }
            for v in verdicts
        ]
    )


def _presence(base_n: int, n: int) -> str:
    if base_n == 0 and n > 0:
        return "new"
    if base_n > 0 and n == 0:
        return "gone"
    return ""


def _value(values: dict[str, float] | None, endpoint: str) -> float:
    return float("nan") if values is None else round(values.get(endpoint, 0.0), 6)


def _spread(run: RunResult, metric: str) -> float:
    """Max minus min of a repeated measurement; NaN for a run measured once."""
    values = run.samples.get(metric, [])
    return round(max(values) - min(values), 4) if len(values) > 1 else float("nan")


def _counted(run: RunResult, *names: str) -> int | str:
    """A count the tagger kept itself; "n/a" for a program, which keeps none the harness can read."""
    if not run.counters:
        return "n/a"
    return sum(run.counters.get(name, 0) for name in names)


def _measured(value: float | None) -> float:
    """A measured figure for a table: NaN (shown as n/a) when it could not be measured."""
    return float("nan") if value is None else value
