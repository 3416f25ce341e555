"""The recipe for a tagger author (README, examples/ci/own-tagger-*): two versions of one program, checked out side
by side as git worktrees, each a subject of `bench compare` and `bench gate` on the same replayed library."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import bench

TAGGER = ROOT / "tests" / "harness" / "measure" / "programs" / "plain_httpx.py"
SMALL = ("--cassette", str(SMALL_CASSETTE))


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose base commit reads assets one at a time and whose head reads them from 4 threads."""
    head = tmp_path / "head"
    head.mkdir()
    git(head, "init", "-q", "-b", "main")
    git(head, "config", "user.email", "author@example.test")
    git(head, "config", "user.name", "Tagger Author")
    source = TAGGER.read_text()
    (head / "tagger.py").write_text(source)
    git(head, "add", "tagger.py")
    git(head, "commit", "-q", "-m", "one request at a time")
    faster = source.replace(
        'parser.add_argument("--threads", type=int, default=1)', 'parser.add_argument("--threads", type=int, default=4)'
    )
    assert faster != source
    (head / "tagger.py").write_text(faster)
    git(head, "commit", "-q", "-am", "read the assets from 4 threads")
    git(head, "worktree", "add", "-q", str(tmp_path / "base"), "HEAD~1")
    return tmp_path / "base", head


def program(checkout: Path) -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(checkout / 'tagger.py'))}"


def test_compare_and_gate_a_pull_request_against_its_base(capsys, tmp_path: Path) -> None:
    base, head = two_versions(tmp_path)
    out = tmp_path / "compare"
    compared = bench(capsys, "compare", f"base={program(base)}", f"head={program(head)}", *SMALL, "--out", str(out))
    assert compared.code == 0, compared.err
    record = json.loads((out / "compare.json").read_text())
    assert record["equivalent"] is True and record["verdict"]["decision"] == "merge"
    assert record["runs"][0]["requests"] == record["runs"][1]["requests"]  # the same work, overlapped
    assert record["runs"][1]["modeled"]["wall_s"] < record["runs"][0]["modeled"]["wall_s"]

    baseline = tmp_path / "base.json"
    made = bench(capsys, "gate", f"mine={program(base)}", "--update-baseline", str(baseline), *SMALL, "--repeats", "2")
    assert made.code == 0, made.err
    gated = bench(capsys, "gate", f"mine={program(head)}", "--baseline", str(baseline), "--repeats", "2")
    assert gated.code == 0 and "gate mine: PASS" in gated.out, gated.out + gated.err
    # The other way round, a pull request that goes back to one request at a time fails on its modeled time.
    faster = tmp_path / "head.json"
    assert bench(capsys, "gate", f"mine={program(head)}", "--update-baseline", str(faster), *SMALL).code == 0
    slower = bench(capsys, "gate", f"mine={program(base)}", "--baseline", str(faster), "--repeats", "2")
    assert slower.code == 1 and "FAIL  modeled wall" in slower.out, slower.out + slower.err
