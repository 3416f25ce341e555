"""``bench compare`` and ``bench report`` options: the console width, --json -, --fail-on, --repeats, --functions."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.errors import NotRepeatable
from harness.measure.repeats import combine
from harness.measure.result import load_run
from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench

SMALL = ("--cassette", str(SMALL_CASSETTE))


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """eager, lazy and index on the small cassette, unprofiled, saved as a compare record."""
    import _pytest.capture  # noqa: F401

    from autotag.cli import run_cli
    from harness.cli import cli

    out = tmp_path_factory.mktemp("saved")
    with pytest.raises(SystemExit) as done:
        run_cli(cli, "bench", ["compare", "eager", "lazy", "index", *SMALL, "--out", str(out), "--profile", "none"])
    assert done.value.code == 0
    return out / "compare.json"


@pytest.mark.parametrize("columns", ["72", "100", "130"])
def test_the_report_honours_columns_when_not_a_terminal(capsys, monkeypatch, saved: Path, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = bench(capsys, "report", str(saved))
    assert result.code == 0
    assert max(len(line) for line in result.out.splitlines()) <= int(columns)
    assert "…" not in result.out


def test_without_columns_a_file_gets_160(capsys, monkeypatch, saved: Path) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    result = bench(capsys, "report", str(saved))
    assert max(len(line) for line in result.out.splitlines()) <= 160
    assert any(len(line) > 100 for line in result.out.splitlines())  # wide tables are not squeezed into 80


def test_json_dash_writes_the_record_to_stdout_and_the_report_to_stderr(capsys, saved: Path) -> None:
    result = bench(capsys, "report", str(saved), "--json", "-")
    assert result.code == 0 and not Path("-").exists()
    record = json.loads(result.out)
    assert record["schema"] == "autotag-bench/compare/2" and record["best"] == "index"
    assert record["verdict"]["direction"] == "faster" and record["verdict"]["change_pct"] > 0
    assert "verdict: MERGE index" in result.err


def test_run_json_dash(capsys, tmp_path: Path) -> None:
    result = bench(capsys, "run", "index", *SMALL, "--out", str(tmp_path), "--profile", "none", "--json", "-")
    assert result.code == 0 and json.loads(result.out)["mode"] == "index"
    assert "index: 26 requests" in result.err


@pytest.mark.parametrize(
    ("fail_on", "code", "named"),
    [
        (None, 0, None),
        ("reject", 0, None),
        ("reject,pivot", 1, "lazy PIVOT (no change vs eager)"),
        ("PIVOT, merge", 1, "lazy PIVOT (no change vs eager), index MERGE"),
    ],
)
def test_fail_on_turns_verdicts_into_exit_1(capsys, saved: Path, tmp_path: Path, fail_on, code, named) -> None:
    args = ["report", str(saved), "--markdown", str(tmp_path / "r.md")]
    result = bench(capsys, *args, *(["--fail-on", fail_on] if fail_on else []))
    assert result.code == code, result.err
    assert (tmp_path / "r.md").is_file()  # the reports are written before the exit
    if named:
        assert f"failing on --fail-on {fail_on}: {named}" in result.err


def test_fail_on_an_unknown_verdict_is_bad_input(capsys, saved: Path) -> None:
    assert_one_line_error(bench(capsys, "report", str(saved), "--fail-on", "reject,slow"), "'slow'", "merge")


def test_repeats_report_medians_and_spread(capsys, tmp_path: Path) -> None:
    args = ["compare", "eager", "index", *SMALL, "--out", str(tmp_path), "--profile", "none", "--repeats", "3"]
    result = bench(capsys, *args, "--json", str(tmp_path / "c.json"))
    assert result.code == 0, result.err
    assert "median of 3 runs, spread = max - min" in " ".join(result.out.split())  # the title may wrap
    assert result.out.count("spread") >= 3  # the title, and the cpu and real spread columns
    for run in json.loads((tmp_path / "c.json").read_text())["runs"]:
        assert sorted(run["samples"]) == ["cpu_s", "peak_rss_mb", "real_wall_s", "replay_cpu_s", "run_rss_mb"]
        assert len(run["samples"]["cpu_s"]) == 3
        assert run["cpu_s"] == pytest.approx(sorted(run["samples"]["cpu_s"])[1], abs=1e-4)
    assert (tmp_path / "repeat-3" / "index.json").exists() is False  # repeats keep artifacts, not results
    assert (tmp_path / "repeat-3" / "index.state.json.gz").is_file()
    assert result.err.count("(run 3/3)") == 2


def test_repeats_that_disagree_on_a_modeled_figure_fail_loudly(tmp_path: Path) -> None:
    first = load_run_from(tmp_path)
    moved = replace(first, modeled={**first.modeled, "wall_s": first.modeled_wall_s + 0.5})
    with pytest.raises(NotRepeatable, match=r"index: repeat 2 of 2 differs from the first in its modeled figures"):
        combine([first, moved])
    assert combine([first, replace(first, cpu_s=3.0)]).cpu_s == pytest.approx((first.cpu_s + 3.0) / 2, abs=1e-4)


def load_run_from(folder: Path):
    from harness.library.workload import WorkloadSpec
    from harness.measure.run_spec import RunSpec
    from harness.measure.runner import execute

    spec = RunSpec(subject="index", workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), profiler="none")
    return execute(replace(spec, out_dir=str(folder)))


def test_functions_all_shows_the_bench_frames_the_default_folds(capsys, tmp_path: Path) -> None:
    base = ["compare", "eager", "batch", *SMALL, "--out", str(tmp_path / "o"), "--jobs", "1"]
    folded = bench(capsys, *base, "--top", "200")
    assert folded.code == 0
    table = folded.out[folded.out.index("Functions,") : folded.out.index("equivalent:")]
    assert "[bench: harness, replay" in table and "harness/replay" not in table
    everything = bench(capsys, "report", str(tmp_path / "o" / "compare.json"), "--functions", "all", "--top", "200")
    table = everything.out[everything.out.index("Functions,") : everything.out.index("equivalent:")]
    assert "harness/replay/transports.py" in table and "[bench:" not in table
    assert load_run(tmp_path / "o" / "eager.json").mode == "eager"
