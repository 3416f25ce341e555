from __future__ import annotations

import pytest

from harness.replay.clock import VirtualClock


def test_virtual_clock_never_sleeps_by_default(monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("harness.replay.clock.time.sleep", slept.append)
    clock = VirtualClock()
    for _ in range(3):
        clock.advance(0.25)
    assert clock.now == pytest.approx(0.75) and slept == []


def test_realtime_scale_really_sleeps_in_proportion(monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("harness.replay.clock.time.sleep", slept.append)  # a fake: the test itself never sleeps
    clock = VirtualClock(realtime_scale=0.1)
    clock.advance(2.0)
    clock.advance(0.5)
    assert clock.now == pytest.approx(2.5)
    assert slept == pytest.approx([0.2, 0.05])


def test_time_does_not_run_backwards() -> None:
    with pytest.raises(ValueError):
        VirtualClock().advance(-1.0)
