"""Do all runs leave the library in the same final state? A subject that changes the outcome is wrong, not fast."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.measure.result import RunResult
from harness.wording import all_of, plural


@dataclass(frozen=True)
class Equivalence:
    """The final-state digest of each run and, where they differ from the baseline, the first differing assets."""

    equivalent: bool
    digests: dict[str, str]
    differences: dict[str, list[str]] = field(default_factory=dict)  # mode -> first differing assets

    def line(self) -> str:
        if self.equivalent:
            which = all_of(len(self.digests), "subject")
            return f"equivalent: {which} leave the same final state ({_short(self.digests)})"
        parts = []
        for mode, assets in self.differences.items():
            shown = ", ".join(assets[:3]) if assets else "state files unavailable"
            parts.append(f"{mode} differs ({shown})")
        return "NOT equivalent: " + "; ".join(parts)


def equivalence(runs: Sequence[RunResult]) -> Equivalence:
    """Compare every run's final state with the first run's; name where they differ when the state files exist."""
    digests = {run.mode: run.final_state_digest for run in runs}
    base = runs[0]
    different = [run for run in runs if run.final_state_digest != base.final_state_digest]
    if not different:
        return Equivalence(True, digests)
    base_state = _state(base)
    diffs: dict[str, list[str]] = {}
    for run in different:
        state = _state(run)
        if base_state is None or state is None:
            diffs[run.mode] = []
            continue
        changed = sorted(a for a in base_state.keys() | state.keys() if base_state.get(a) != state.get(a))
        diffs[run.mode] = [
            f"{plural(len(changed), 'asset')}, first {a}: {base_state.get(a)} vs {state.get(a)}" for a in changed[:1]
        ]
    return Equivalence(False, digests, diffs)


def _short(digests: dict[str, str]) -> str:
    return next(iter(digests.values()))[:19] + "..."


def _state(run: RunResult) -> dict[str, list[str]] | None:
    path = run.artifacts.get("final_state")
    if not path or not Path(path).is_file():
        return None
    data: dict[str, list[str]] = json.loads(gzip.decompress(Path(path).read_bytes()))
    return data
