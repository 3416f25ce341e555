"""Numbered result folders under ``reports/``: ``reports/0007-compare-eager-lazy/`` holds each mode's RunResult
JSON, ``.pstats``, pyinstrument HTML and final state, plus the compare record and reports (pytest-benchmark's
numbered-storage idea). ``reports/`` is git-ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

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
