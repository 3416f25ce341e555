"""The bench's own frames folded out of a profile: which frames fold, and what the code under test keeps."""

from __future__ import annotations

import pstats

import pytest

from harness.judge.flame import ROOT, Flame, differential, flame
from harness.judge.frame_kinds import FOLDED, folded_keys, folded_records
from harness.judge.pstats_rows import diff, rows
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import SMALL_CASSETTE

RUNNER = ("/x/harness/measure/runner.py", 79, "tagger")
TAGGER = ("/x/autotag/tagger.py", 147, "run")
SEND = ("/x/autotag/session.py", 149, "send")
REPLAY = ("/x/harness/replay/transports.py", 100, "handle_request")
ENCODE = ("/usr/lib/python3.11/json/encoder.py", 200, "encode")
CLOCK = ("~", 0, "<built-in method time.process_time>")
DECODE = ("/usr/lib/python3.11/json/decoder.py", 332, "decode")
LOOP = ("/usr/lib/python3.11/asyncio/base_events.py", 1845, "_run_once")

# A profile as pstats keeps it: (cc, nc, tottime, cumtime, {caller: (nc, cc, tottime, cumtime)}). The tagger's send
# calls the replay, which alone calls json's encoder and the clock; json's decoder is called by both.
STATS = {
    RUNNER: (1, 1, 0.2, 9.4, {}),
    TAGGER: (1, 1, 1.0, 9.2, {RUNNER: (1, 1, 1.0, 9.2)}),
    SEND: (100, 100, 2.0, 7.8, {TAGGER: (100, 100, 2.0, 7.8)}),
    REPLAY: (100, 100, 1.0, 5.3, {SEND: (100, 100, 1.0, 5.3)}),
    ENCODE: (100, 100, 3.0, 3.0, {REPLAY: (100, 100, 3.0, 3.0)}),
    CLOCK: (200, 200, 1.0, 1.0, {REPLAY: (200, 200, 1.0, 1.0)}),
    DECODE: (80, 80, 0.8, 0.8, {SEND: (50, 50, 0.5, 0.5), REPLAY: (30, 30, 0.3, 0.3)}),
    LOOP: (10, 10, 0.4, 0.4, {TAGGER: (10, 10, 0.4, 0.4)}),
}


def test_the_harness_the_replay_and_what_only_the_replay_calls_fold() -> None:
    folded, replay = folded_keys(STATS)
    assert folded == {RUNNER, REPLAY, ENCODE, CLOCK, LOOP}
    assert replay == {REPLAY, ENCODE, CLOCK}  # the runner and the loop call the tagger: nothing folds through them


def test_folded_rows_keep_the_code_under_tests_own_share() -> None:
    records = {name: (calls, own, cum) for name, calls, own, cum in folded_records(STATS)}
    assert records == {
        "autotag/tagger.py:147(run)": (1, 1.0, 9.2),
        "autotag/session.py:149(send)": (100, 2.0, 7.8),
        "json/decoder.py:332(decode)": (50, pytest.approx(0.5), pytest.approx(0.5)),  # the replay's 30 calls moved
        FOLDED: (1 + 100 + 100 + 200 + 10 + 30, pytest.approx(5.9), pytest.approx(5.9)),
    }
    assert sum(own for _n, _c, own, _cum in folded_records(STATS)) == pytest.approx(9.4)  # no time lost


def test_a_flame_tree_folds_runs_of_bench_frames_into_one() -> None:
    tree = flame(STATS, fold=True, min_share=0.0)
    assert (tree.name, tree.value) == (ROOT, pytest.approx(9.4))
    (bench,) = tree.children.values()
    assert bench.name == FOLDED and bench.value == pytest.approx(9.4)
    run = bench.children["autotag/tagger.py:147(run)"]
    assert run.value == pytest.approx(9.2) and set(run.children) == {"autotag/session.py:149(send)", FOLDED}
    send = run.children["autotag/session.py:149(send)"]
    assert {name: child.value for name, child in send.children.items()} == {
        FOLDED: pytest.approx(5.3),  # the replay, its encoder and clock: one frame
        "json/decoder.py:332(decode)": pytest.approx(0.5),
    }
    assert send.children[FOLDED].children["json/decoder.py:332(decode)"].value == pytest.approx(0.3)
    unfolded = flame(STATS, fold=False, min_share=0.0)
    assert "harness/measure/runner.py:79(tagger)" in unfolded.children


def test_recursion_is_cut_where_a_function_reappears_on_its_path() -> None:
    walk = ("/x/autotag/walk.py", 1, "walk")
    stats = {RUNNER: (1, 1, 0.0, 2.0, {}), walk: (1, 3, 2.0, 2.0, {RUNNER: (1, 1, 0.0, 2.0), walk: (2, 0, 1.0, 1.0)})}
    tree = flame(stats, fold=False, min_share=0.0)
    node = tree.children["harness/measure/runner.py:79(tagger)"].children["autotag/walk.py:1(walk)"]
    assert node.value == pytest.approx(2.0) and node.children == {}


def test_a_differential_tree_keeps_frames_of_either_side() -> None:
    base = Flame(ROOT, 3.0, {"a": Flame("a", 2.0), "gone": Flame("gone", 1.0)})
    new = Flame(ROOT, 2.5, {"a": Flame("a", 0.5), "new": Flame("new", 2.0)})
    merged = differential(base, new)
    assert (merged.base, merged.new) == (3.0, 2.5)
    assert {n: (c.base, c.new) for n, c in merged.children.items()} == {
        "a": (2.0, 0.5),
        "gone": (1.0, 0.0),
        "new": (0.0, 2.0),
    }


@pytest.fixture(scope="module")
def async_profile(tmp_path_factory) -> pstats.Stats:
    out = tmp_path_factory.mktemp("fold")
    run = execute(RunSpec(subject="async", workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), out_dir=str(out)))
    return pstats.Stats(run.artifacts["pstats"])


def test_a_real_profile_is_about_the_tagger_by_default(async_profile: pstats.Stats) -> None:
    folded = rows(async_profile, folded_records(async_profile.stats))  # type: ignore[attr-defined]
    names = list(folded["function"])
    assert names.count(FOLDED) == 1
    bench = ("harness/", "asyncio/", "looptime/", "threading.py", "selectors.py")
    assert not [n for n in names if n.startswith(bench)]
    assert any(n.startswith("autotag/async_tagger.py") for n in names)
    everything = list(rows(async_profile)["function"])
    assert any(n.startswith("harness/replay/transports.py") for n in everything)
    assert any(n.startswith("asyncio/base_events.py") for n in everything)
    # every second of the profile is still accounted for, the bench's in its one row
    total = async_profile.total_tt  # type: ignore[attr-defined]
    assert folded["tottime"].sum() == pytest.approx(total, rel=1e-6)
    assert diff(folded, folded, top=5)["cumtime_delta"].abs().sum() == 0
