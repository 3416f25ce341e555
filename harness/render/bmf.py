"""Bencher Metric Format (BMF) JSON of runs: the deterministic metrics, for Bencher and other trend trackers.

    {"lazy": {"requests": {"value": 4813}, "modeled-seconds": {"value": 42.59}},
     "lazy GET /assets/{id}": {"requests": {"value": 3000}, "modeled-seconds": {"value": 9.472}}, ...}

One benchmark per subject (its total requests and modeled wall time) and one per subject and endpoint (its requests
and the modeled seconds they took). Only exact figures: on a replay they are the same on every run and machine, so a
tracker's threshold on them needs no statistics. Measures are named by slug; Bencher creates them on first use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from harness.measure.result import RunResult

Metrics = dict[str, dict[str, dict[str, float]]]
REQUESTS = "requests"
MODELED = "modeled-seconds"


def bencher_metrics(runs: Iterable[RunResult]) -> Metrics:
    """The BMF document of ``runs``."""
    document: Metrics = {}
    for run in runs:
        document[run.mode] = {REQUESTS: {"value": run.total_requests}, MODELED: {"value": run.modeled_wall_s}}
        seconds = run.seconds_by_endpoint
        for endpoint, count in sorted(run.by_endpoint.items()):
            document[f"{run.mode} {endpoint}"] = {
                REQUESTS: {"value": count},
                MODELED: {"value": round(seconds.get(endpoint, 0.0), 6)},
            }
    return document


def bmf_text(runs: Iterable[RunResult]) -> str:
    """The BMF document as indented JSON."""
    return json.dumps(bencher_metrics(runs), indent=2) + "\n"
