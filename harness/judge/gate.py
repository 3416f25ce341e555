"""The CI regression gate: judge fresh runs of the current code against a baseline RunResult.

Exact metrics (identical run to run on a replay) are judged exactly:
  - any endpoint with more requests than the baseline fails;
  - modeled wall time above the baseline by more than ``wall_pct`` fails;
  - another final-state digest fails (the tagger's behaviour changed);
  - exact metrics that differ between the repeated runs fail (the run is not deterministic).
Noisy metrics (CPU time, peak memory) are judged like asv: the ratio of medians against a factor, and a one-sided
Mann-Whitney U test over the repeated samples. Beyond the factor and significant -> fail; beyond the factor only
-> warn. A change smaller than the metric's noise floor (0.1 s of CPU, 10 MB) is not judged at all: on a run of
80 ms, scheduling alone moves the median by half (measured on the 300-asset test cassette: x1.53 once in twelve
unchanged runs). Fewer requests or less time pass, with a note to refresh the baseline. A baseline modeled with
other latency (another profile, or a harness whose latency model has since changed) gets its modeled wall time
warned about, not judged: its seconds do not compare.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Literal

from harness.judge.latency_words import run_latency
from harness.judge.verdict import change_words
from harness.measure.result import RunResult
from harness.wording import plural

Level = Literal["pass", "warn", "fail"]
NOISY = {"cpu_s": "CPU seconds", "peak_rss_mb": "peak memory MB", "run_rss_mb": "memory grown during the run MB"}
# Changes smaller than these are not judged: scheduling alone moves the median of a short run by half, and resident
# memory moves in pages and allocator arenas.
NOISE_FLOOR = {"cpu_s": 0.1, "peak_rss_mb": 10.0, "run_rss_mb": 5.0}


@dataclass(frozen=True)
class GateThresholds:
    """How much an exact or noisy metric may grow before the gate judges it."""

    wall_pct: float = 2.0
    cpu_factor: float = 1.25
    memory_factor: float = 1.25
    alpha: float = 0.05


@dataclass(frozen=True)
class Check:
    """One judged metric: its level and what the gate saw."""

    name: str
    level: Level
    message: str


@dataclass
class GateReport:
    """Every check of one gate run and the outcome they add up to."""

    mode: str
    checks: list[Check] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # the thresholds judged by, for the reports

    @property
    def outcome(self) -> Level:
        levels = {check.level for check in self.checks}
        return "fail" if "fail" in levels else "warn" if "warn" in levels else "pass"

    @property
    def exit_code(self) -> int:
        """1 when any check failed, else 0."""
        return 1 if self.outcome == "fail" else 0

    def add(self, name: str, level: Level, message: str) -> None:
        self.checks.append(Check(name, level, message))


def samples(runs: list[RunResult], metric: str) -> list[float]:
    """The measured values of ``metric``; empty when a run could not measure it (``run_rss_mb`` off Linux)."""
    values = [getattr(run, metric) for run in runs]
    return [] if any(v is None for v in values) else [float(v) for v in values]


def baseline_samples(baseline: RunResult, metric: str) -> list[float]:
    """The baseline's repeated samples of ``metric`` (its single value when it has none)."""
    single = getattr(baseline, metric)
    return [float(v) for v in baseline.samples.get(metric, [])] or ([] if single is None else [float(single)])


def judge(baseline: RunResult, runs: list[RunResult], thresholds: GateThresholds | None = None) -> GateReport:
    """Judge fresh runs of the current code against ``baseline``: exact metrics exactly, noisy ones by ratio and
    significance."""
    limits = thresholds or GateThresholds()
    current = runs[0]
    report = GateReport(current.mode, settings={k: f"{v:g}" for k, v in asdict(limits).items()})
    report.settings["repeats"] = str(len(runs))
    _determinism(report, runs)
    _requests(report, baseline, current)
    _wall(report, baseline, current, limits)
    if current.final_state_digest == baseline.final_state_digest:
        report.add("final state", "pass", f"final state unchanged ({current.final_state_digest[:19]}...)")
    else:
        report.add(
            "final state",
            "fail",
            f"final state digest changed: {baseline.final_state_digest[:19]}... -> "
            f"{current.final_state_digest[:19]}... (the tagger now tags differently)",
        )
    for metric, label in NOISY.items():
        base, new = baseline_samples(baseline, metric), samples(runs, metric)
        if not base or not new:
            report.add(metric, "pass", f"{label}: not measured {'here' if not new else 'in the baseline'}; not judged")
            continue
        factor = limits.cpu_factor if metric == "cpu_s" else limits.memory_factor
        _noisy(report, metric, label, base, new, factor, limits.alpha)
    return report


def _determinism(report: GateReport, runs: list[RunResult]) -> None:
    keys = {(r.final_state_digest, r.modeled_wall_s, tuple(sorted(r.by_endpoint.items()))) for r in runs}
    if len(keys) > 1:
        report.add(
            "determinism",
            "fail",
            f"{len(runs)} repeated runs disagree on requests, modeled time or "
            "final state: the replay or the tagger is not deterministic",
        )
    else:
        report.add("determinism", "pass", f"{len(runs)} repeated runs agree exactly")


def _requests(report: GateReport, baseline: RunResult, current: RunResult) -> None:
    before, after = baseline.by_endpoint, current.by_endpoint
    for endpoint in sorted(before.keys() | after.keys()):
        old, new = before.get(endpoint, 0), after.get(endpoint, 0)
        name = f"requests {endpoint}"
        if new > old:
            report.add(name, "fail", f"{endpoint}: {plural(new, 'request')}, baseline {old:,} (+{new - old:,})")
        elif new < old:
            report.add(
                name,
                "pass",
                f"{endpoint}: {plural(new, 'request')}, baseline {old:,} ({new - old:,}; "
                "refresh the baseline to keep the gain)",
            )
        else:
            report.add(name, "pass", f"{endpoint}: {plural(new, 'request')}, as the baseline")


def _wall(report: GateReport, baseline: RunResult, current: RunResult, limits: GateThresholds) -> None:
    old, new = baseline.modeled_wall_s, current.modeled_wall_s
    before, now = run_latency(baseline), run_latency(current)
    if before != now:
        report.add(
            "modeled wall time",
            "warn",
            f"modeled wall {new:,.3f} s, baseline {old:,.3f} s: not judged, the baseline was modeled with other "
            f"latency ({before}; now {now}), so the two do not compare; refresh the baseline",
        )
        return
    pct = 100.0 * (new - old) / old if old else 0.0
    text = (
        f"modeled wall {new:,.3f} s, baseline {old:,.3f} s ({change_words(-pct)}; "
        f"the limit is {limits.wall_pct:g} % slower)"
    )
    report.add("modeled wall time", "fail" if pct > limits.wall_pct else "pass", text)


def _noisy(
    report: GateReport, metric: str, label: str, base: list[float], new: list[float], factor: float, alpha: float
) -> None:
    old_median, new_median = statistics.median(base), statistics.median(new)
    ratio = new_median / old_median if old_median > 0 else 1.0
    text = f"{label}: median {new_median:,.3f} vs baseline {old_median:,.3f} (x{ratio:.2f}, limit x{factor:g}"
    if ratio <= factor:
        report.add(metric, "pass", text + ")")
        return
    if new_median - old_median < NOISE_FLOOR[metric]:
        report.add(metric, "pass", text + f"; a change under the {NOISE_FLOOR[metric]:g} noise floor)")
        return
    p_value = mann_whitney_greater(new, base)
    if p_value is not None and p_value < alpha:
        report.add(metric, "fail", text + f", Mann-Whitney p={p_value:.3g} < {alpha:g})")
    else:
        why = "too few samples for a test" if p_value is None else f"Mann-Whitney p={p_value:.3g}, not significant"
        report.add(metric, "warn", text + f"; {why})")


def mann_whitney_greater(new: list[float], base: list[float]) -> float | None:
    """One-sided p-value that ``new`` is larger than ``base``; None when a test is impossible."""
    if len(new) < 2 or len(base) < 2:
        return None
    from scipy.stats import mannwhitneyu

    return float(mannwhitneyu(new, base, alternative="greater").pvalue)
