"""The merge verdict, with the reference team's decision tree (thresholds configurable):

    not equivalent (another final state)   -> reject
    slower (modeled wall time grew)         -> reject
    improvement >= merge_pct (5 %)          -> merge
    improvement >= incremental_pct (2 %)    -> incremental  (merge as an incremental step)
    otherwise                               -> pivot        (do not merge for speed; pursue batching or concurrency)

The improvement is measured on modeled wall time, which is exact and repeatable on a replay; CPU time is measured,
noisy, and reported beside it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    """Improvement (percent of modeled wall time) needed for merge and for incremental."""

    merge_pct: float = 5.0
    incremental_pct: float = 2.0

    def __post_init__(self) -> None:
        if not 0 <= self.incremental_pct <= self.merge_pct:
            raise ValueError("thresholds need 0 <= incremental <= merge")

    @classmethod
    def from_pyproject(cls, path: Path = Path("pyproject.toml")) -> Thresholds:
        """``[tool.bench]`` of the project's pyproject.toml, when there is one."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return cls()
        table = data.get("tool", {}).get("bench", {})
        return cls(float(table.get("merge_pct", 5.0)), float(table.get("incremental_pct", 2.0)))


@dataclass(frozen=True)
class Savings:
    """A predicted range of savings, in seconds (``50-280``) or percent (``5%-15%`` or ``5-15%``)."""

    low: float
    high: float
    percent: bool

    @classmethod
    def parse(cls, text: str) -> Savings:
        """Parse ``50-280`` (seconds) or ``5%-15%`` (percent); ``ValueError`` otherwise."""
        m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*-\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*(s?)\s*", text)
        if m is None:
            raise ValueError(f"cannot parse {text!r}: expected LOW-HIGH in seconds (50-280) or percent (5%-15%)")
        low, high = float(m.group(1)), float(m.group(3))
        if low > high:
            raise ValueError(f"cannot parse {text!r}: LOW is above HIGH")
        return cls(low, high, bool(m.group(2) or m.group(4)))

    def describe(self) -> str:
        unit = "%" if self.percent else " s"
        return f"{self.low:g}-{self.high:g}{unit}"

    def check(self, saved_s: float, saved_pct: float) -> tuple[bool, str]:
        """Whether ``saved`` lies in the predicted range, and a sentence saying so."""
        value = saved_pct if self.percent else saved_s
        unit = "%" if self.percent else " s"
        inside = self.low <= value <= self.high
        where = "inside" if inside else ("below" if value < self.low else "above")
        return inside, f"measured savings {value:.2f}{unit} are {where} the predicted {self.describe()}"


@dataclass
class Verdict:
    """A decision on one run against the baseline, with its improvement and reasons."""

    decision: str
    improvement_pct: float
    mode: str
    baseline: str
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "improvement_pct": round(self.improvement_pct, 3),
            "mode": self.mode,
            "baseline": self.baseline,
            "reasons": self.reasons,
        }


def decide(
    baseline_mode: str,
    mode: str,
    baseline_s: float,
    candidate_s: float,
    equivalent: bool,
    thresholds: Thresholds,
) -> Verdict:
    """The decision tree of the module docstring, applied to one run."""
    saved = baseline_s - candidate_s
    pct = 100.0 * saved / baseline_s if baseline_s > 0 else 0.0
    delta = -pct + 0.0  # + 0.0 turns -0.0 into 0.0
    change = f"{mode} vs {baseline_mode}: modeled wall {baseline_s:.2f} s -> {candidate_s:.2f} s ({delta:+.2f} %)"
    if not equivalent:
        return Verdict(
            "reject",
            pct,
            mode,
            baseline_mode,
            [f"{mode} leaves the library in another final state than {baseline_mode}: it is wrong, not fast", change],
        )
    if saved < 0:
        return Verdict("reject", pct, mode, baseline_mode, [change, f"{mode} is slower by {-saved:.2f} s"])
    if pct >= thresholds.merge_pct:
        return Verdict("merge", pct, mode, baseline_mode, [change, f"improvement >= {thresholds.merge_pct:g} %"])
    if pct >= thresholds.incremental_pct:
        return Verdict(
            "incremental",
            pct,
            mode,
            baseline_mode,
            [
                change,
                f"improvement between {thresholds.incremental_pct:g} % and {thresholds.merge_pct:g} %: "
                "merge as an incremental step",
            ],
        )
    return Verdict(
        "pivot",
        pct,
        mode,
        baseline_mode,
        [
            change,
            f"improvement under {thresholds.incremental_pct:g} %: do not merge for speed; "
            "pursue batching or concurrency",
        ],
    )
