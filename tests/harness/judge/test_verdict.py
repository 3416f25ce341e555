from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.judge.verdict import Savings, Thresholds, best, decide

T = Thresholds()


@pytest.mark.parametrize(
    ("candidate", "decision"),
    [
        (95.0, "merge"),  # exactly 5 %
        (94.0, "merge"),
        (95.01, "incremental"),  # just under 5 %
        (98.0, "incremental"),  # exactly 2 %
        (98.01, "pivot"),  # just under 2 %
        (100.0, "pivot"),  # no change
        (100.01, "reject"),  # slower
    ],
)
def test_decision_tree_at_each_threshold(candidate: float, decision: str) -> None:
    assert decide("eager", "lazy", 100.0, candidate, True, T).decision == decision


def test_not_equivalent_is_rejected_even_when_faster() -> None:
    verdict = decide("eager", "fast", 100.0, 10.0, False, T)
    assert verdict.decision == "reject" and "wrong, not fast" in verdict.why


def test_thresholds_are_configurable(tmp_path: Path) -> None:
    assert decide("a", "b", 100.0, 97.0, True, Thresholds(3.0, 1.0)).decision == "merge"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.bench]\nmerge_pct = 10\nincremental_pct = 4\n")
    assert Thresholds.from_pyproject(pyproject) == Thresholds(10.0, 4.0)
    assert Thresholds.from_pyproject(tmp_path / "missing.toml") == Thresholds()
    with pytest.raises(ValueError):
        Thresholds(1.0, 2.0)


@pytest.mark.parametrize(
    ("text", "low", "high", "percent"),
    [("50-280", 50, 280, False), ("5%-15%", 5, 15, True), ("5-15%", 5, 15, True), (" 1.5 - 2.5 s", 1.5, 2.5, False)],
)
def test_expected_savings_parse(text, low, high, percent) -> None:
    assert Savings.parse(text) == Savings(low, high, percent)


@pytest.mark.parametrize("text", ["", "50", "a-b", "280-50", "5%%-6"])
def test_bad_expected_savings(text) -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        Savings.parse(text)


def test_expected_savings_check() -> None:
    inside, message = Savings(50, 280, False).check(saved_s=100.0, saved_pct=3.0)
    assert inside and "inside the predicted 50-280 s" in message
    inside, message = Savings(5, 15, True).check(saved_s=100.0, saved_pct=3.0)
    assert not inside and "below" in message


@pytest.mark.parametrize(
    ("candidate", "change", "direction", "versus"),
    [
        (43.67, "56.33 % faster", "faster", "56.33 % faster than eager"),
        (141.02, "41.02 % slower", "slower", "41.02 % slower than eager"),
        (100.0, "no change", "same", "no change vs eager"),
        (99.999, "< 0.01 % faster", "faster", "< 0.01 % faster than eager"),
    ],
)
def test_a_change_is_said_in_words_with_a_positive_percent(candidate, change, direction, versus) -> None:
    verdict = decide("eager", "x", 100.0, candidate, True, T)
    assert (verdict.change, verdict.direction, verdict.versus) == (change, direction, versus)
    assert change in verdict.reasons[0]  # the reason says it the same way
    record = verdict.to_json()
    assert record["direction"] == direction and record["change_pct"] >= 0 and record["change_s"] >= 0
    assert record["change_pct"] == pytest.approx(abs(100.0 - candidate), abs=1e-3)
    assert "improvement_pct" not in record
    assert not any(re.search(r"[+-]\d", reason) for reason in verdict.reasons)  # no signed figure anywhere


def test_slower_is_rejected_in_words() -> None:
    verdict = decide("eager", "async", 49.19, 69.37, True, T)
    assert verdict.decision == "reject"
    assert verdict.reasons == [
        "async vs eager: modeled wall 49.19 s -> 69.37 s, 41.02 % slower (20.18 s more)",
        "async is slower than eager",
    ]


def test_the_best_is_the_fastest_subject_not_rejected() -> None:
    verdicts = [
        decide("eager", "lazy", 100.0, 100.0, True, T),  # pivot, no change
        decide("eager", "wrong", 100.0, 10.0, False, T),  # fastest, but rejected
        decide("eager", "batch", 100.0, 50.0, True, T),
        decide("eager", "index", 100.0, 23.0, True, T),
        decide("eager", "async", 100.0, 44.0, True, T),
    ]
    chosen = best(verdicts)
    assert chosen is not None and chosen.mode == "index"
    assert best(verdicts[:2]) is None  # nothing faster that is not rejected
    tie = [decide("eager", "a", 100.0, 50.0, True, T), decide("eager", "b", 100.0, 50.0, True, T)]
    assert best(tie) is tie[0]


def test_expected_savings_are_said_in_words_when_slower() -> None:
    inside, message = Savings(50, 280, False).check(saved_s=-5.9, saved_pct=-12.0)
    assert not inside and message == "saved nothing (5.90 s slower): below the predicted 50-280 s"
