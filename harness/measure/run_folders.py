"""Numbered result folders under ``reports/``: ``reports/0007-compare-eager-lazy/`` holds each mode's RunResult
JSON, ``.pstats``, pyinstrument HTML and final state, plus the compare record and reports (pytest-benchmark's
numbered-storage idea). ``reports/`` is git-ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from harness.measure.result import RUN_SCHEMA, RunResult, load_runs
from harness.project_paths import DEFAULT_REPORTS

_NUMBERED = re.compile(r"^(\d{4})-")


def next_run_dir(label: str, base: Path | None = None) -> Path:
    """Create and return the next free ``NNNN-label`` folder (atomic against concurrent runs via mkdir)."""
    base = base or DEFAULT_REPORTS
    base.mkdir(parents=True, exist_ok=True)
    taken = [int(m.group(1)) for p in base.iterdir() if (m := _NUMBERED.match(p.name))]
    number = max(taken, default=0) + 1
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "run"
    while True:
        folder = base / f"{number:04d}-{safe}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            number += 1


def stored_runs(paths: Sequence[Path] = ()) -> list[RunResult]:
    """Every RunResult under ``paths`` (default: ``reports/``): a folder is searched for ``*.json`` RunResults (other
    JSON, and compare records, which repeat their folder's runs, are passed over); a file is read as
    ``load_runs`` reads it. A run found twice counts once."""
    found: dict[str, RunResult] = {}
    for path in paths or [DEFAULT_REPORTS]:
        runs = _runs_in_folder(path) if path.is_dir() else load_runs(path)
        for run in runs:
            found.setdefault(json.dumps(run.to_json(), sort_keys=True), run)
    return list(found.values())


def _runs_in_folder(folder: Path) -> list[RunResult]:
    runs = []
    for file in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == RUN_SCHEMA:
            runs.append(RunResult.from_json(data, str(file)))
    return runs
