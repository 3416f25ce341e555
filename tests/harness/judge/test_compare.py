"""A comparison's tables and choices from RunResults built by hand: exact figures, no replay."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from harness.judge.compare import Comparison
from harness.judge.noise import busy_warnings
from harness.measure.result import RunResult

WORKLOAD = {"sha256": "w", "source": "w.json", "assets": 3000, "immich_version": "3.1.0"}


def run(
    mode: str,
    seconds: dict[str, float],
    wall: float | None = None,
    counts: dict[str, int] | None = None,
    digest: str = "sha256:same-state-000",
    in_flight: dict[str, Any] | None = None,
    **measured: Any,
) -> RunResult:
    counts = counts or {endpoint: 10 for endpoint in seconds}
    sequential = {"busy_s": sum(seconds.values()), "peak": 1, "by_endpoint_s": seconds, "share_s": seconds}
    return RunResult(
        mode=mode,
        workload=WORKLOAD,
        latency="flat",
        requests={"total": sum(counts.values()), "by_endpoint": counts, "statuses": {"200": sum(counts.values())}},
        modeled={"wall_s": wall or sum(seconds.values()), "network_s": sum(seconds.values()), "by_endpoint_s": seconds},
        cpu_s=measured.get("cpu_s", 1.0),
        replay_cpu_s=measured.get("replay_cpu_s", 0.2),
        real_wall_s=measured.get("real_wall_s", 1.25),
        peak_rss_mb=90.0,
        final_state_digest=digest,
        counters={"asset_loads": 1},
        plan={},
        profiler="none",
        in_flight=in_flight if in_flight is not None else sequential,
    )


EAGER = run("eager", {"GET /assets/{id}": 13.5, "GET /albums/{id}": 0.5, "PUT /tags/{id}/assets": 32.0})
INDEX = run("index", {"POST /search/metadata": 0.7, "PUT /tags/assets": 10.0, "PUT /tags/{id}/assets": 0.5})
ASYNC = run(
    "async",
    {"GET /assets/{id}": 112.0, "PUT /tags/{id}/assets": 14.0},
    wall=21.5,
    in_flight={
        "busy_s": 21.5,
        "peak": 16,
        "by_endpoint_s": {"GET /assets/{id}": 8.0, "PUT /tags/{id}/assets": 13.5},
        "share_s": {"GET /assets/{id}": 8.0, "PUT /tags/{id}/assets": 13.5},
    },
)
WRONG = run("wrong", {"GET /assets/{id}": 1.0}, digest="sha256:other-state-00")


def rows(comparison: Comparison, subject: str) -> dict[str, dict[str, Any]]:
    frame = comparison.endpoints
    return {r["endpoint"]: r for r in frame[frame["subject"] == subject].to_dict("records")}


def test_endpoints_that_appear_or_vanish_are_new_or_gone_never_zero_percent() -> None:
    comparison = Comparison.of([EAGER, INDEX])
    index = rows(comparison, "index")
    assert index["PUT /tags/assets"]["change"] == "new" and index["PUT /tags/assets"]["Δ requests"] == 10
    assert index["GET /assets/{id}"]["change"] == "gone" and index["GET /assets/{id}"]["Δ wall share s"] == -13.5
    assert index["PUT /tags/{id}/assets"]["change"] == "" and index["PUT /tags/{id}/assets"]["Δ wall share s"] == -31.5
    assert "Δ %" not in comparison.endpoints.columns


def test_an_overlapping_subject_shows_its_share_of_the_wall_not_its_summed_latency() -> None:
    comparison = Comparison.of([EAGER, ASYNC])
    assets = rows(comparison, "async")["GET /assets/{id}"]
    assert (assets["wall share s"], assets["in flight s"], assets["summed latency s"]) == (8.0, 8.0, 112.0)
    assert assets["Δ wall share s"] == -5.5  # less time than eager's 13.5 s, though its summed latency is 112 s
    shares = comparison.endpoints[comparison.endpoints["subject"] == "async"]["wall share s"]
    assert shares.sum() <= ASYNC.modeled_wall_s


def test_every_subject_gets_a_verdict_and_the_best_is_judged() -> None:
    comparison = Comparison.of([EAGER, INDEX, WRONG, ASYNC])
    assert [(v.mode, v.decision) for v in comparison.verdicts] == [
        ("index", "merge"),
        ("wrong", "reject"),
        ("async", "merge"),
    ]
    assert comparison.best is not None and comparison.best.mode == "index"
    assert comparison.judged is INDEX and comparison.verdict.mode == "index"
    assert [v.mode for v in comparison.failing(("reject", "pivot"))] == ["wrong"]
    assert comparison.to_json()["best"] == "index"
    summary = comparison.summary.set_index("subject")
    assert summary.loc["index", "vs eager"] == comparison.verdict.change == "75.65 % faster"  # 46.0 s -> 11.2 s
    assert summary.loc["eager", "vs eager"] == "baseline" and summary.loc["wrong", "verdict"] == "reject"
    assert list(summary["max in flight"]) == [1, 1, 1, 16]


def test_without_a_faster_subject_the_last_is_judged() -> None:
    slower = run("slower", {"GET /assets/{id}": 60.0})
    comparison = Comparison.of([EAGER, WRONG, slower])
    assert comparison.best is None and comparison.judged is slower and comparison.verdict.decision == "reject"


def test_a_busy_machine_is_named_run_by_run() -> None:
    quiet = run("quiet", {"A": 1.0}, cpu_s=1.0, replay_cpu_s=0.2, real_wall_s=1.25)
    busy = run("busy", {"A": 1.0}, cpu_s=0.5, replay_cpu_s=0.3, real_wall_s=1.6)
    short = run("short", {"A": 1.0}, cpu_s=0.01, replay_cpu_s=0.01, real_wall_s=0.1)  # under the noise floor
    assert busy_warnings([quiet, short]) == []
    (warning,) = busy_warnings([quiet, busy, short])
    assert warning.startswith("the machine was busy: busy 1.60 s real for 0.80 s CPU (more than 1.5x)")
    assert Comparison.of([quiet, busy]).warnings == (warning,)


def test_repeated_runs_show_their_spread() -> None:
    repeated = run("eager", {"A": 1.0})
    repeated.samples = {"cpu_s": [0.9, 1.0, 1.3], "real_wall_s": [1.2, 1.25, 1.4]}
    comparison = Comparison.of([repeated, run("lazy", {"A": 1.0})])
    summary = comparison.summary.set_index("subject")
    assert summary.loc["eager", "cpu spread s"] == pytest.approx(0.4)
    assert summary.loc["eager", "real spread s"] == pytest.approx(0.2)
    assert math.isnan(summary.loc["lazy", "cpu spread s"])


def test_the_taggers_own_counters_show_only_when_a_subject_has_them() -> None:
    programs = [replace(EAGER, mode="old", counters={}), replace(INDEX, mode="new", counters={})]
    assert not {"asset loads", "tag reads", "writes"} & set(Comparison.of(programs).summary.columns)
    mixed = Comparison.of([EAGER, programs[1]]).summary.set_index("subject")
    assert mixed.loc["eager", "asset loads"] == 1 and mixed.loc["new", "asset loads"] == "n/a"


def test_runs_served_as_different_immich_versions_are_refused() -> None:
    from harness.errors import ResultError

    older = replace(INDEX, workload={**WORKLOAD, "immich_version": "2.7.5"})
    with pytest.raises(ResultError, match=r"served as different Immich versions \(eager as 3.1.0, index as 2.7.5\)"):
        Comparison.of([EAGER, older])
