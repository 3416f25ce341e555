"""The merge verdict, with the reference team's decision tree (thresholds configurable):

    not equivalent (another final state)   -> reject
    slower (modeled wall time grew)         -> reject
    faster by >= merge_pct (5 %)            -> merge
    faster by >= incremental_pct (2 %)      -> incremental  (merge as an incremental step)
    otherwise                               -> pivot        (do not merge for speed; pursue batching or concurrency)

The change is measured on modeled wall time, which is exact and repeatable on a replay; CPU time is measured,
noisy, and reported beside it. Every report says a change the same way: "56.33 % faster" or "12.00 % slower", the
percent always positive (``change_words``); JSON carries ``direction`` and ``change_pct`` (>= 0).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DECISIONS = ("merge", "incremental", "pivot", "reject")


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
        percent = bool(m.group(2) or m.group(4))
        if low < 0 or high < 0:
            raise ValueError(f"{text!r}: savings are 0 or more (a predicted slowdown is not a saving)")
        if low > high:
            raise ValueError(f"cannot parse {text!r}: LOW is above HIGH")
        if percent and high > 100:
            raise ValueError(f"{text!r}: a change cannot save more than 100 %")
        return cls(low, high, percent)

    def describe(self) -> str:
        unit = "%" if self.percent else " s"
        return f"{self.low:g}-{self.high:g}{unit}"

    def check(self, saved_s: float, saved_pct: float) -> tuple[bool, str]:
        """Whether ``saved`` lies in the predicted range, and a sentence saying so."""
        value = saved_pct if self.percent else saved_s
        unit = "%" if self.percent else " s"
        inside = self.low <= value <= self.high
        where = "inside" if inside else ("below" if value < self.low else "above")
        saved = f"saved {value:,.2f}{unit}" if value >= 0 else f"saved nothing ({-value:,.2f}{unit} slower)"
        return inside, f"{saved}: {where} the predicted {self.describe()}"


def change_words(saved_pct: float) -> str:
    """A change of modeled wall time in words, its percent always positive: "56.33 % faster", "12.00 % slower",
    "no change". ``saved_pct`` is the percent of the baseline's time saved (negative when slower)."""
    if saved_pct == 0:
        return "no change"
    size = abs(saved_pct)
    amount = f"{size:,.2f} %" if size >= 0.005 else "< 0.01 %"
    return f"{amount} {'faster' if saved_pct > 0 else 'slower'}"


@dataclass
class Verdict:
    """A decision on one run against the baseline, from their modeled wall times, with its reasons."""

    decision: str
    mode: str
    baseline: str
    baseline_s: float
    wall_s: float
    reasons: list[str] = field(default_factory=list)

    @property
    def saved_pct(self) -> float:
        """Percent of the baseline's modeled wall time saved: positive faster, negative slower (never shown signed;
        reports say ``change``)."""
        return 100.0 * (self.baseline_s - self.wall_s) / self.baseline_s if self.baseline_s > 0 else 0.0

    @property
    def direction(self) -> str:
        """ "faster", "slower" or "same"."""
        return "faster" if self.wall_s < self.baseline_s else "slower" if self.wall_s > self.baseline_s else "same"

    @property
    def why(self) -> str:
        """The reason that decided it (the first reason is always the change itself)."""
        return self.reasons[1] if len(self.reasons) > 1 else ""

    @property
    def change(self) -> str:
        """The change in words: "56.33 % faster", "no change"."""
        return change_words(self.saved_pct)

    @property
    def versus(self) -> str:
        """The change against the baseline in words: "56.33 % faster than eager", "no change vs eager"."""
        return f"{self.change} {'vs' if self.saved_pct == 0 else 'than'} {self.baseline}"

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON: ``direction`` says which way, ``change_pct`` and ``change_s`` how much (>= 0),
        ``change`` the words every report uses."""
        return {
            "decision": self.decision,
            "mode": self.mode,
            "baseline": self.baseline,
            "baseline_wall_s": round(self.baseline_s, 6),
            "wall_s": round(self.wall_s, 6),
            "direction": self.direction,
            "change": self.change,
            "change_pct": round(abs(self.saved_pct), 3),
            "change_s": round(abs(self.baseline_s - self.wall_s), 6),
            "reasons": self.reasons,
        }


def best(verdicts: Sequence[Verdict]) -> Verdict | None:
    """The verdict of the fastest subject that is not rejected and saves time; None when none does. The first
    named wins a tie."""
    faster = [v for v in verdicts if v.decision != "reject" and v.saved_pct > 0]
    return max(faster, key=lambda v: v.saved_pct, default=None)


def decide(
    baseline_mode: str,
    mode: str,
    baseline_s: float,
    candidate_s: float,
    equivalent: bool,
    thresholds: Thresholds,
    unequal: str | None = None,
) -> Verdict:
    """The decision tree of the module docstring, applied to one run (``unequal``: why it is not equivalent, when
    not for another final state than the baseline's)."""
    verdict = Verdict("", mode, baseline_mode, baseline_s, candidate_s)
    moved = abs(baseline_s - candidate_s)
    more = "less" if verdict.direction == "faster" else "more"
    change = f"{mode} vs {baseline_mode}: modeled wall {baseline_s:,.2f} s -> {candidate_s:,.2f} s, {verdict.change}"
    if moved:
        change += f" ({moved:,.2f} s {more})"
    pct = verdict.saved_pct
    if not equivalent:
        verdict.decision = "reject"
        verdict.reasons = [
            change,
            unequal or f"{mode} leaves the library in another final state than {baseline_mode}: it is wrong, not fast",
        ]
    elif pct < 0:
        verdict.decision = "reject"
        verdict.reasons = [change, f"{mode} is slower than {baseline_mode}"]
    elif pct >= thresholds.merge_pct:
        verdict.decision = "merge"
        verdict.reasons = [change, f"faster by at least {thresholds.merge_pct:g} %"]
    elif pct >= thresholds.incremental_pct:
        verdict.decision = "incremental"
        verdict.reasons = [
            change,
            f"faster by {thresholds.incremental_pct:g} to {thresholds.merge_pct:g} %: merge as an incremental step",
        ]
    else:
        verdict.decision = "pivot"
        verdict.reasons = [
            change,
            f"faster by less than {thresholds.incremental_pct:g} %: do not merge for speed; "
            "pursue batching or concurrency",
        ]
    return verdict
