"""Profiles that travel: repository-relative ``.pstats`` keys, and pyinstrument's session and speedscope JSON beside
its page, for modes and for program subjects."""

from __future__ import annotations

import json
import pstats
import shlex
import sys
from pathlib import Path
from typing import Any

from harness.judge.pstats_rows import short_name
from harness.library.workload import WorkloadSpec
from harness.measure.pstats_keys import portable, rewrite, roots_for
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import ROOT, SMALL_CASSETTE

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))
PROGRAM = ROOT / "tests" / "harness" / "measure" / "programs" / "plain_httpx.py"


def run(subject: str, out: Path, profiler: str) -> RunResult:
    return execute(RunSpec(subject=subject, workload=SMALL, profiler=profiler, out_dir=str(out)))


def files_of(path: str) -> set[str]:
    stats = pstats.Stats(path)
    keys: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    callers = {caller[0] for entry in keys.values() for caller in entry[4]}
    return {key[0] for key in keys} | callers


def assert_speedscope(path: str) -> None:
    """The shape speedscope's file-format schema asks for: shared frames, and profiles whose events name them."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    frames = data["shared"]["frames"]
    assert frames and all(isinstance(frame["name"], str) for frame in frames)
    assert data["profiles"]
    for profile in data["profiles"]:
        assert profile["type"] == "evented" and profile["unit"] == "seconds"
        assert profile["endValue"] >= profile["startValue"]
        events = profile["events"]
        assert events and {event["type"] for event in events} <= {"O", "C"}
        assert all(0 <= event["frame"] < len(frames) for event in events)
        assert sum(e["type"] == "O" for e in events) == sum(e["type"] == "C" for e in events)


def test_portable_names_a_file_by_the_longest_root_it_lies_under() -> None:
    roots = roots_for("/repo", {"packages": ["/repo/.venv/lib/python3.11/site-packages"], "stdlib": ["/usr/lib/py"]})
    assert portable("/repo/autotag/tagger.py", roots) == "autotag/tagger.py"
    assert portable("/repo/.venv/lib/python3.11/site-packages/httpx/_client.py", roots) == (
        "site-packages/httpx/_client.py"
    )
    assert portable("/usr/lib/py/json/decoder.py", roots) == "stdlib/json/decoder.py"
    assert portable("/elsewhere/x.py", roots) == "/elsewhere/x.py"
    assert portable("~", roots) == "~" and portable("<frozen abc>", roots) == "<frozen abc>"


def test_rewrite_moves_callers_too_and_adds_keys_that_become_one() -> None:
    roots = roots_for("/a", {"packages": ["/b/site-packages", "/c/site-packages"], "stdlib": []})
    caller = ("/a/main.py", 1, "main")
    stats = {
        ("/b/site-packages/m.py", 3, "f"): (1, 2, 0.5, 1.0, {caller: (1, 2, 0.5, 1.0)}),
        ("/c/site-packages/m.py", 3, "f"): (3, 4, 0.25, 2.0, {caller: (3, 4, 0.25, 2.0)}),
        caller: (1, 1, 0.0, 3.0, {}),
    }
    assert rewrite(stats, roots) == {
        ("site-packages/m.py", 3, "f"): (4, 6, 0.75, 3.0, {("main.py", 1, "main"): (4, 6, 0.75, 3.0)}),
        ("main.py", 1, "main"): (1, 1, 0.0, 3.0, {}),
    }


def test_a_builtins_memory_address_is_dropped_so_two_processes_name_it_alike() -> None:
    roots = roots_for("/a", {"packages": [], "stdlib": []})
    caller = ("/a/main.py", 1, "main")
    first = ("~", 0, "<built-in method __new__ of type object at 0x7f772f85ea00>")
    second = ("~", 0, "<built-in method __new__ of type object at 0x7f9836c5ea00>")
    stats = {first: (2, 2, 0.5, 0.5, {caller: (2, 2, 0.5, 0.5)}), second: (1, 1, 0.25, 0.25, {})}
    assert rewrite(stats, roots) == {
        ("~", 0, "<built-in method __new__ of type object>"): (
            3,
            3,
            0.75,
            0.75,
            {("main.py", 1, "main"): (2, 2, 0.5, 0.5)},
        )
    }
    kept = ("/x/m.py", 3, "f at 0x1")  # only built-ins carry addresses: a file's function keeps its name
    assert rewrite({kept: (1, 1, 0.0, 0.0, {})}, roots) == {kept: (1, 1, 0.0, 0.0, {})}


def test_short_names_read_portable_and_foreign_absolute_paths_alike() -> None:
    assert short_name("autotag/tagger.py", 118, "_decide") == "autotag/tagger.py:118(_decide)"
    assert short_name("site-packages/httpx/_client.py", 9, "send") == "httpx/_client.py:9(send)"
    assert short_name("stdlib/json/decoder.py", 5, "decode") == "json/decoder.py:5(decode)"
    assert short_name("/ci/lib/python3.11/site-packages/httpx/_client.py", 9, "send") == "httpx/_client.py:9(send)"
    assert short_name("/home/me/repo/harness/runner.py", 86, "call") == "harness/runner.py:86(call)"
    assert short_name("~", 0, "<built-in method len>") == "<built-in method len>"


def test_a_modes_pstats_names_no_absolute_path(tmp_path: Path) -> None:
    result = run("lazy", tmp_path, "cprofile")
    files = files_of(result.artifacts["pstats"])
    assert not [f for f in files if f.startswith("/")]
    assert {"autotag/tagger.py", "harness/replay/transports.py", "site-packages/httpx/_models.py"} <= files
    assert "stdlib/json/decoder.py" in files


def test_a_modes_pyinstrument_profile_has_its_session_and_speedscope_beside_the_page(tmp_path: Path) -> None:
    from pyinstrument.session import Session

    result = run("batch", tmp_path, "pyinstrument")
    assert result.artifacts["pyinstrument"] == str(tmp_path / "batch.pyinstrument.html")
    assert result.artifacts["pyinstrument_session"] == str(tmp_path / "batch.pyinstrument.pyisession")
    assert result.artifacts["speedscope"] == str(tmp_path / "batch.pyinstrument.speedscope.json")
    session = Session.load(result.artifacts["pyinstrument_session"])
    assert session.sample_count > 0 and session.duration > 0
    assert_speedscope(result.artifacts["speedscope"])


def test_a_python_programs_profiles_are_portable_and_complete(tmp_path: Path) -> None:
    result = run(f"mine={shlex.quote(sys.executable)} {PROGRAM}", tmp_path, "both")
    files = files_of(result.artifacts["pstats"])
    assert "tests/harness/measure/programs/plain_httpx.py" in files  # the repository bench runs in
    assert "site-packages/httpx/_client.py" in files
    assert not [f for f in files if f.startswith(str(ROOT))]
    assert Path(result.artifacts["speedscope"]).name == "mine.pyinstrument.speedscope.json"  # the second pass's
    assert_speedscope(result.artifacts["speedscope"])
    assert Path(result.artifacts["pyinstrument_session"]).is_file()
    assert not (tmp_path / "mine.profiles").exists()
