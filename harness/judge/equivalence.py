"""Do all runs leave the library in the same final state? A subject that changes the outcome is wrong, not fast.

Under injected faults, each run also says whether it reached the final state it reaches without them
(``RunResult.fault_free_digest``); one that did not is not equivalent either: the faults changed its outcome.
"""

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
    fault_free: dict[str, bool] = field(default_factory=dict)  # under faults: mode -> reached its fault-free state

    def line(self) -> str:
        if self.equivalent:
            which = all_of(len(self.digests), "subject")
            return f"equivalent: {which} leave the same final state ({_short(self.digests)})" + self._faults()
        parts = []
        for mode, assets in self.differences.items():
            shown = ", ".join(assets[:3]) if assets else "state files unavailable"
            parts.append(f"{mode} differs ({shown})")
        return "NOT equivalent: " + "; ".join(parts) + self._faults()

    def _faults(self) -> str:
        if not self.fault_free:
            return ""
        missed = [mode for mode, reached in self.fault_free.items() if not reached]
        if not missed:
            return f"; under faults, {all_of(len(self.fault_free), 'subject')} reached their fault-free final state"
        return f"; under faults, {', '.join(missed)} did NOT reach the fault-free final state"


def equivalence(runs: Sequence[RunResult]) -> Equivalence:
    """Compare every run's final state with the first run's; name where they differ when the state files exist."""
    digests = {run.mode: run.final_state_digest for run in runs}
    fault_free = {run.mode: reached for run in runs if (reached := run.reached_fault_free) is not None}
    base = runs[0]
    different = [run for run in runs if run.final_state_digest != base.final_state_digest]
    if not different:
        return Equivalence(all(fault_free.values()), digests, {}, fault_free)
    base_state = _state(base)
    diffs: dict[str, list[str]] = {}
    for run in different:
        state = _state(run)
        if base_state is None or state is None:
            diffs[run.mode] = []
            continue
        changed = sorted(a for a in base_state.keys() | state.keys() if base_state.get(a) != state.get(a))
        diffs[run.mode] = [
            f"{plural(len(changed), 'asset')}; the first, {a}, has tags {state.get(a)} where {base.mode} has "
            f"{base_state.get(a)}"
            for a in changed[:1]
        ]
    return Equivalence(False, digests, diffs, fault_free)


def _short(digests: dict[str, str]) -> str:
    return next(iter(digests.values()))[:19] + "..."


def _state(run: RunResult) -> dict[str, list[str]] | None:
    path = run.artifacts.get("final_state")
    if not path or not Path(path).is_file():
        return None
    data: dict[str, list[str]] = json.loads(gzip.decompress(Path(path).read_bytes()))
    return data
