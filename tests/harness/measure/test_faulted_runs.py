"""Runs under injected faults: every mode still reaches the fault-free final state; a tagger without retries fails
honestly; the real CLI retries over HTTP; a run whose retries ran out exits 3, and a rerun converges."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from autotag import MODES
from harness.judge.compare import Comparison
from harness.library.workload import WorkloadSpec
from harness.measure.open_replay import open_replay
from harness.measure.result import load_run
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.replay.faults import FaultPlan, FaultSpec
from tests.conftest import FIXTURES, ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import bench, invoke

FAULTS_2PCT = "500:0.25%,502:0.25%,503:0.25%,504:0.25%,429:0.25%,reset:0.25%,timeout:0.5%"
PINNED_DIGEST = json.loads((FIXTURES / "pinned-figures.json").read_text())["default-cassette"]["lazy"][
    "final_state_digest"
]
PROGRAMS = Path(__file__).resolve().parent / "programs"
RULES = str(ROOT / "rules.example.yaml")


@pytest.mark.parametrize("mode", list(MODES))
def test_every_mode_under_2_percent_faults_exits_0_with_the_fault_free_final_state(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mode: str
) -> None:
    path = tmp_path / f"{mode}.json"
    result = bench(capsys, "run", mode, "--faults", FAULTS_2PCT, "--profile", "none", "--json", str(path))
    assert result.code == 0, result.err
    run = load_run(path)
    assert run.final_state_digest == run.fault_free_digest == PINNED_DIGEST
    assert sum(run.faults.values()) > 0 and run.workload["spec"]["faults"] == FAULTS_2PCT
    assert "the final state is the fault-free one" in result.out
    if mode != "index":  # the index mode sends 86 requests: too few for every kind at 2 %
        assert set(run.faults) == {"500", "502", "503", "504", "429", "reset", "timeout"}
        assert run.requests["statuses"]["0"] == run.faults["reset"] + run.faults["timeout"]


def test_a_comparison_under_faults_says_each_subject_kept_its_final_state() -> None:
    workload = WorkloadSpec(cassette=str(SMALL_CASSETTE), faults=FAULTS_2PCT, seed=3)
    runs = [execute(RunSpec(subject=mode, workload=workload, profiler="none")) for mode in ("eager", "batch")]
    comparison = Comparison.of(runs)
    assert comparison.equivalence.line().endswith("; under faults, both subjects reached their fault-free final state")
    assert [cell.endswith(", state kept") for cell in comparison.summary["faults"]] == [True, True]
    assert comparison.to_json()["equivalence"]["fault_free"] == {"eager": True, "batch": True}
    runs[1].fault_free_digest = "sha256:" + "0" * 64  # as if the faults had changed batch's outcome
    changed = Comparison.of(runs)
    assert not changed.equivalence.equivalent and changed.verdict.decision == "reject"
    assert "batch did NOT reach the fault-free final state" in changed.equivalence.line()
    assert (
        changed.verdict.reasons[-1] == "batch did not reach its fault-free final state: the faults changed its outcome"
    )
    assert list(changed.summary["faults"])[1].endswith(", STATE CHANGED")


def test_a_tagger_without_retries_fails_honestly_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    program = f"plain={shlex.quote(sys.executable)} {PROGRAMS / 'plain_httpx.py'}"
    result = bench(capsys, "run", program, "--cassette", str(SMALL_CASSETTE), "--faults", "503:5%", "--profile", "none")
    assert result.code == 1 and "Traceback" not in result.err
    (line,) = result.err.strip().splitlines()[-1:]
    assert line.startswith("bench: error: SubjectFailed: plain: exited with 1: httpx.HTTPStatusError:")
    assert "503 Service Unavailable" in line


def test_the_tagger_as_a_program_retries_resets_and_held_answers_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    autotag = shlex.quote(str(Path(sys.executable).with_name("autotag")))
    command = (
        f"{autotag} run --url $IMMICH_URL --api-key-env IMMICH_API_KEY --config {shlex.quote(RULES)} "
        "--mode batch --apply --timeout 1"
    )
    faults = "503:1%,502:1%,reset:1.5%,timeout:0.5%"
    result = bench(
        capsys,
        "run",
        f"mine={command}",
        "--cassette",
        str(SMALL_CASSETTE),
        "--faults",
        faults,
        "--fault-hold",
        "1.5",
        "--profile",
        "none",
    )
    assert result.code == 0, result.err
    assert "the final state is the fault-free one" in result.out
    assert "reset" in result.out and "timeout" in result.out


def test_a_run_whose_retries_ran_out_exits_3_listing_what_it_did_not_send_and_a_rerun_converges(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from autotag.cli import cli

    clean = open_replay(cassette=str(SMALL_CASSETTE))
    with clean, clean.serve() as url:
        monkeypatch.setenv("KEY", clean.api_key)
        args = ["run", "--url", url, "--api-key-env", "KEY", "--config", RULES, "--mode", "batch", "--apply"]
        assert invoke(capsys, cli, "autotag", *args).code == 0
        expected = clean.result().final_state_digest
    failing = open_replay(cassette=str(SMALL_CASSETTE))
    with failing, failing.serve() as url:
        monkeypatch.setenv("KEY", failing.api_key)
        args = ["run", "--url", url, "--api-key-env", "KEY", "--config", RULES, "--mode", "batch", "--apply"]
        failing.core.faults = FaultPlan(FaultSpec.parse("503:12%"), seed=4)
        first = invoke(capsys, cli, "autotag", *args, "--retries", "1")
        assert first.code == 3 and "Traceback" not in first.err
        error, stopped = first.err.strip().splitlines()
        assert error.startswith("autotag: error: ApiError: ") and "-> 503: Service Unavailable (injected)" in error
        assert stopped.startswith("autotag: stopped: ") and "ran out of retries" in stopped
        assert failing.result().final_state_digest != expected  # stopped half-way
        failing.core.faults = None
        again = invoke(capsys, cli, "autotag", *args)
        assert again.code == 0, again.err
        assert failing.result().final_state_digest == expected
