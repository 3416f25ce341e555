"""Program subjects on the command line: run, compare, gate and a measuring `bench serve`."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench, serving

PROGRAMS = ROOT / "tests" / "harness" / "measure" / "programs"
HTTPX = f"{shlex.quote(sys.executable)} {PROGRAMS / 'plain_httpx.py'}"
SMALL = ("--cassette", str(SMALL_CASSETTE))


def test_compare_mixes_a_mode_and_a_program(capsys, tmp_path: Path) -> None:
    result = bench(capsys, "compare", "eager", f"mine={HTTPX}", *SMALL, "--out", str(tmp_path), "--jobs", "1")
    assert result.code == 0, result.err
    assert "mine" in result.out and "verdict:" in result.out
    record = json.loads((tmp_path / "compare.json").read_text())
    assert [run["mode"] for run in record["runs"]] == ["eager", "mine"]
    assert record["runs"][1]["command"] == HTTPX and record["runs"][1]["requests"]["by_endpoint"]["GET /assets/{id}"]
    assert record["equivalent"] is False  # it tags other assets than the rules do: reported as another outcome
    for name in ("mine.json", "mine.pstats", "mine.stdout.log", "mine.stderr.log", "mine.state.json.gz"):
        assert (tmp_path / name).is_file(), name
    assert (tmp_path / "mine.workdir").is_dir()


@pytest.mark.parametrize(
    ("subjects", "fragment"),
    [
        (["=x", "lazy"], "empty name"),
        (["mine=", "lazy"], "empty command"),
        (["mine=a", "mine=b"], "given twice"),
        (["lazy=x", "eager"], "also a mode"),
    ],
)
def test_bad_subjects_are_one_line_and_leave_nothing(capsys, reports_in_tmp: Path, subjects, fragment) -> None:
    result = bench(capsys, "compare", *subjects, *SMALL)
    assert_one_line_error(result, fragment)
    assert list(reports_in_tmp.iterdir()) == []


def test_a_command_not_found_is_exit_2_and_its_run_folder_is_removed(capsys, reports_in_tmp: Path) -> None:
    result = bench(capsys, "run", "ghost=no-such-tagger --apply", *SMALL)
    assert_one_line_error(result, "ghost: command not found (exit 127)")
    assert list(reports_in_tmp.iterdir()) == []


def test_a_failing_program_stops_compare_with_one_line(capsys, reports_in_tmp: Path) -> None:
    result = bench(capsys, "compare", "lazy", "broken=echo nope >&2; exit 4", *SMALL, "--jobs", "1")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.strip().splitlines()[-1] == "bench: error: SubjectFailed: broken: exited with 4: nope"
    assert list(reports_in_tmp.iterdir()) == []


def test_realtime_is_refused_for_programs(capsys) -> None:
    result = bench(capsys, "run", f"mine={HTTPX}", *SMALL, "--realtime", "1")
    assert_one_line_error(result, "--realtime applies to modes only")


def test_gate_takes_a_program_subject_and_its_baseline(capsys, tmp_path: Path) -> None:
    baseline = tmp_path / "mine.json"
    made = bench(capsys, "gate", f"mine={HTTPX}", "--update-baseline", str(baseline), *SMALL, "--repeats", "2")
    assert made.code == 0, made.err
    assert json.loads(baseline.read_text())["command"] == HTTPX
    same = bench(capsys, "gate", "--baseline", str(baseline), "--repeats", "2", "--out", str(tmp_path / "g1"))
    assert same.code == 0 and "gate mine: PASS" in same.out, same.out + same.err
    chattier = f'mine={HTTPX}; curl -sS -H "x-api-key: $IMMICH_API_KEY" $IMMICH_INSTANCE_URL/tags >/dev/null'
    worse = bench(
        capsys, "gate", chattier, "--baseline", str(baseline), "--repeats", "2", "--out", str(tmp_path / "g2")
    )
    assert worse.code == 1 and "GET /tags: 1 request, baseline 0" in worse.out, worse.out + worse.err
    # A command stored with a secret redacted cannot be replayed as it is: the gate asks for it instead of running a
    # command that would fail on (or send) "REDACTED".
    stored = json.loads(baseline.read_text())
    stored["command"] = HTTPX + " --url 'http://x/api?apiKey=REDACTED'"
    baseline.write_text(json.dumps(stored))
    refused = bench(capsys, "gate", "--baseline", str(baseline), "--repeats", "1", "--out", str(tmp_path / "g3"))
    assert_one_line_error(refused, "with a secret redacted", "give the command again", "'mine=COMMAND'")
    assert not (tmp_path / "g3").exists()


def test_serve_writes_a_run_result_of_whatever_talked_to_it(tmp_path: Path) -> None:
    out = tmp_path / "served.json"
    with serving("--cassette", str(SMALL_CASSETTE), "--json", str(out), "--name", "outside", "--api-key", "k") as url:
        env = {**os.environ, "IMMICH_INSTANCE_URL": url + "/api", "IMMICH_API_KEY": "k"}
        done = subprocess.run(
            [sys.executable, str(PROGRAMS / "plain_httpx.py")], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        counts = json.loads(done.stdout.strip().splitlines()[-1])
    result = json.loads(out.read_text())
    assert result["mode"] == "outside" and result["requests"]["by_endpoint"] == counts
    assert result["modeled"]["wall_s"] == pytest.approx(sum(result["modeled"]["by_endpoint_s"].values()), abs=1e-5)
    assert result["cpu_s"] is None  # the client is not the harness's to measure


def test_serve_stops_on_sigterm_too(tmp_path: Path) -> None:
    out = tmp_path / "served.json"
    with serving("--cassette", str(SMALL_CASSETTE), "--json", str(out), stop=signal.SIGTERM):
        pass
    assert json.loads(out.read_text())["requests"]["total"] == 0
