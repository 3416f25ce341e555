"""``bench history`` over a real (temporary) git repository: runs made at two commits and with uncommitted changes,
listed by commit and drawn as a trend with the gate's thresholds."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from autotag.tagger import Tagger
from harness.atomic_write import write_json
from harness.judge.gate import GateThresholds
from harness.judge.history import History
from harness.library.workload import WorkloadSpec
from harness.measure.run_folders import stored_runs
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench

SMALL = WorkloadSpec(cassette=str(SMALL_CASSETTE))


def git(repo: Path, *args: str, date: str = "2026-01-01T00:00:00+00:00") -> str:
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: Path, text: str, date: str) -> str:
    (repo / "tagger.py").write_text(text)
    git(repo, "add", "tagger.py")
    git(repo, "commit", "-q", "-m", text, date=date)
    return git(repo, "rev-parse", "HEAD")


def nosy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tagger reads every 100th asset twice: 3 more GET /assets/{id} on the small library."""
    original = Tagger._decide
    seen = {"n": 0}

    def decide(self, asset, albums, output_tags, writer):  # type: ignore[no-untyped-def]
        seen["n"] += 1
        if seen["n"] % 100 == 0:
            self.client.get_asset(asset.id)
        return original(self, asset, albums, output_tags, writer)

    monkeypatch.setattr(Tagger, "_decide", decide)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A repository with runs of lazy at two commits (the second reading more) and one with uncommitted changes,
    and eager at the first commit, stored as ``bench run`` stores them."""
    root = tmp_path_factory.mktemp("tagger-repo")
    git(root, "init", "-q")
    git(root, "config", "user.email", "dev@example.test")
    git(root, "config", "user.name", "Dev")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(root)
    shas = [commit(root, "v1", "2026-01-01T10:00:00+00:00")]
    try:
        for mode in ("lazy", "eager"):
            result = execute(RunSpec(subject=mode, workload=SMALL, profiler="none"))
            write_json(root / "reports" / "0001-run" / f"{mode}.json", result.to_json())
        shas.append(commit(root, "v2", "2026-01-02T10:00:00+02:00"))
        nosy(monkeypatch)
        write_json(
            root / "reports" / "0002-run" / "lazy.json",
            execute(RunSpec(subject="lazy", workload=SMALL, profiler="none")).to_json(),
        )
        (root / "tagger.py").write_text("v3, not committed")
        write_json(
            root / "reports" / "0003-run" / "lazy.json",
            execute(RunSpec(subject="lazy", workload=SMALL, profiler="none")).to_json(),
        )
    finally:
        monkeypatch.undo()
    return root, shas


def test_each_run_stores_its_commit_dirty_flag_and_machine(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    runs = {(r.mode, r.environment["commit"]["id"], r.environment["commit"]["dirty"]) for r in stored_runs([root])}
    assert runs == {
        ("lazy", shas[0], False),
        ("eager", shas[0], False),
        ("lazy", shas[1], False),
        ("lazy", shas[1], True),
    }
    stored = json.loads((root / "reports" / "0001-run" / "lazy.json").read_text())["environment"]
    assert stored["commit"]["time"] == "2026-01-01T10:00:00+00:00" and stored["commit"]["branch"] in ("main", "master")
    assert stored["host"] and stored["cpus"] and stored["machine"]


def test_history_orders_commits_and_draws_the_gates_limits(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    history = History.of(stored_runs([root]), GateThresholds(wall_pct=2.0))
    assert [c.label for c in history.commits] == [shas[0][:8], shas[1][:8], shas[1][:8] + "+"]
    assert [c.time for c in history.commits] == ["2026-01-01T10:00:00+00:00", *["2026-01-02T08:00:00+00:00"] * 2]
    lazy = history.series()["lazy"]
    assert [p.by_endpoint["GET /assets/{id}"] for p in lazy] == [300, 303, 303]
    limits = history.limits["lazy"]
    assert limits.by_endpoint["GET /assets/{id}"] == 300  # the first commit is the baseline: no more reads allowed
    assert limits.modeled_wall_s == pytest.approx(lazy[0].modeled_wall_s * 1.02)
    assert limits.noisy["cpu_s"] == pytest.approx(lazy[0].noisy["cpu_s"] * 1.25)
    assert [p.commit.label for p in history.series()["eager"]] == [shas[0][:8]]


def test_bench_history_lists_runs_by_commit_and_writes_a_self_contained_trend_page(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, shas = repo
    page = tmp_path / "trend.html"
    result = bench(capsys, "history", str(root), "--html", str(page))
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if shas[0][:8] in line or shas[1][:8] in line]
    assert [(shas[0][:8] in r, shas[1][:8] + "+" in r, "eager" in r) for r in rows] == [
        (True, False, True),
        (True, False, False),
        (False, False, False),
        (False, True, False),
    ]
    html = page.read_text()
    assert html.count("<svg") == 6  # wall, CPU, peak memory, growth, and requests per endpoint of lazy and eager
    assert "gate limit" in html and shas[1][:8] + "+" in html
    assert not re.search(r"(src|href)=\"https?:", html) and "<script src" not in html and "<link" not in html


def test_history_of_one_subject_and_refusals(
    capsys: pytest.CaptureFixture[str], repo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, _ = repo
    only = bench(capsys, "history", str(root), "--subject", "eager", "--html", str(tmp_path / "e.html"))
    assert only.code == 0 and "lazy" not in only.out
    assert_one_line_error(bench(capsys, "history", str(root), "--subject", "nope"), "no stored runs of nope")
    assert_one_line_error(bench(capsys, "history", str(tmp_path / "missing.json")), "run file not found")
