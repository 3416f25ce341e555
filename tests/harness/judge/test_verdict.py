from __future__ import annotations

from pathlib import Path

import pytest

from harness.judge.verdict import Savings, Thresholds, decide

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
    assert verdict.decision == "reject" and "wrong, not fast" in verdict.reasons[0]


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
