"""A run's latency source in words, and the warnings a comparison gives about it."""

from __future__ import annotations

from dataclasses import replace

from harness.judge.compare import Comparison
from harness.judge.latency_words import describe, latency_warnings
from tests.harness.judge.test_compare import EAGER, INDEX

RECORDED = {
    "profile": "recorded",
    "recorded_requests": 3012,
    "recording_surplus_ms": 1.37,
    "fallback": "immich-3.1-loopback",
}
BARE = {"profile": "immich-3.1-loopback", "recorded_requests": 0, "warning": "the cassette recorded no durations: ..."}


def test_each_source_in_words() -> None:
    assert describe(RECORDED) == (
        "the cassette's recorded durations of 3,012 requests less 1.37 ms each, immich-3.1-loopback for the rest"
    )
    assert describe({"profile": "seed-2026-01", "recorded_requests": 0}) == "profile seed-2026-01"
    assert describe(BARE) == "profile immich-3.1-loopback (the cassette recorded no durations)"
    assert describe({}, "flat") == "profile flat"  # a record from before latency sources


def test_a_comparison_warns_once_per_source_warning_and_when_subjects_were_modeled_apart() -> None:
    bare = [replace(EAGER, latency_source=BARE), replace(INDEX, latency_source=BARE)]
    assert latency_warnings(bare) == [BARE["warning"]]
    mixed = [replace(EAGER, latency_source=RECORDED), replace(INDEX, latency_source={"profile": "seed-2026-01"})]
    (warning,) = latency_warnings(mixed)
    assert warning.startswith("the subjects were modeled with different latency")
    assert "eager: the cassette's recorded durations" in warning and "index: profile seed-2026-01" in warning
    comparison = Comparison.of(mixed)
    assert comparison.latency == describe(RECORDED)
    assert warning in comparison.warnings and not comparison.busy
    assert latency_warnings([replace(EAGER, latency_source=RECORDED), replace(INDEX, latency_source=RECORDED)]) == []
