"""``<name>.timings.json``: a cassette's per-interaction durations in a file of their own, beside it.

vcrpy keeps only ``request`` and ``response`` of each interaction: a cassette it re-saves loses the ``duration_ms``
this project adds. The sidecar keeps them whatever happens to the cassette: ``{"about": ..., "interactions": N,
"rows": [{"method", "path", "status", "net_ms"}, ...]}``, one row per interaction in cassette order (``path`` without
the ``/api`` prefix). ``bench record`` and ``bench generate`` write one; the reader uses it when the cassette has no
durations of its own. A cassette that vcrpy extended (new interactions appended) keeps the durations of the rows
that still match; a sidecar whose rows do not match the cassette's first interactions is an error, never a guess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.atomic_write import write_atomic
from harness.endpoints import strip_prefix
from harness.errors import CassetteError


def sidecar_path(path: Path) -> Path:
    """The ``<name>.timings.json`` beside a cassette (``mine.json.gz`` and ``mine.json`` share one)."""
    name = path.name
    for suffix in (".gz", ".json", ".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return path.with_name(name + ".timings.json")


def write_sidecar(cassette: Path, document: dict[str, Any]) -> Path | None:
    """Write the sidecar of a cassette document whose interactions carry ``duration_ms``; None when none do."""
    interactions = document.get("interactions", [])
    if not any(item.get("duration_ms") is not None for item in interactions):
        return None
    rows = [_row(item) for item in interactions]
    about = (
        f"Per-interaction server latency for {cassette.name}, in cassette order (index i = interactions[i]); "
        "net_ms is what the request took, measured beneath the recorder (bench record) or modeled (bench generate)."
    )
    text = json.dumps({"about": about, "interactions": len(rows), "rows": rows}, indent=0)
    return write_atomic(sidecar_path(cassette), text + "\n")


def _row(item: dict[str, Any]) -> dict[str, Any]:
    request, status = item["request"], item["response"]["status"]
    return {
        "method": str(request["method"]).upper(),
        "path": strip_prefix(urlsplit(request["uri"]).path),
        "status": int(status["code"] if isinstance(status, dict) else status),
        "net_ms": item.get("duration_ms"),
    }


def sidecar_durations(
    path: Path, requests: list[tuple[str, str]], given: Path | None = None
) -> list[float | None] | None:
    """The durations the sidecar of the cassette ``path`` (``given``, else the one beside it) holds for its
    ``requests`` ((method, path) in cassette order), None for those it has no row for; None when there is no sidecar
    beside it. A ``given`` sidecar that does not exist is an error."""
    sidecar = given or sidecar_path(path)
    if not sidecar.is_file():
        if given is not None:
            raise CassetteError(f"timings file not found: {given}")
        return None
    try:
        rows = json.loads(sidecar.read_text(encoding="utf-8"))["rows"]
        durations = [None if row["net_ms"] is None else float(row["net_ms"]) for row in rows]
    except (OSError, ValueError, KeyError, TypeError):
        raise CassetteError(
            f"{sidecar}: unreadable timings sidecar (expected {{'rows': [{{'net_ms': ...}}]}})"
        ) from None
    if len(rows) > len(requests) or not all(_matches(row, *r) for row, r in zip(rows, requests, strict=False)):
        raise CassetteError(
            f"{sidecar}: its {len(rows)} timing rows do not match the first of the cassette's "
            f"{len(requests)} interactions (a sidecar of another recording?)"
        )
    return durations + [None] * (len(requests) - len(rows))


def _matches(row: dict[str, Any], method: str, path: str) -> bool:
    """A row belongs to a request when its method and path (where it has them) are the request's."""
    return row.get("method") in (None, method) and row.get("path") in (None, strip_prefix(path))
