"""Where modeled latency came from, on the terminal and in every report: a cassette without durations warns, a
timings sidecar given with ``--timings`` restores them."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench

NO_DURATIONS = "the cassette recorded no durations"


def stripped(tmp_path: Path) -> Path:
    """The small cassette as vcrpy re-saves it (no ``duration_ms``), under a name no sidecar matches."""
    data = json.loads(gzip.decompress(SMALL_CASSETTE.read_bytes()))
    for item in data["interactions"]:
        del item["duration_ms"]
    path = tmp_path / "resaved.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def compared(capsys, tmp_path: Path, name: str, *workload: str) -> tuple[str, dict[str, Any], Path]:
    out = tmp_path / name
    made = bench(
        capsys, "compare", "eager", "lazy", *workload, "--profile", "none", "--jobs", "1", "--out", str(out)
    )  # fmt: skip
    assert made.code == 0, made.err
    return made.out, json.loads((out / "compare.json").read_text()), out


def test_a_cassette_without_durations_warns_on_the_terminal_and_in_every_report(capsys, tmp_path: Path) -> None:
    terminal, record, out = compared(capsys, tmp_path, "bare", "--cassette", str(stripped(tmp_path)))
    assert record["latency"] == f"profile immich-3.1-loopback ({NO_DURATIONS})"
    assert any(NO_DURATIONS in w and "--timings FILE" in w for w in record["warnings"])
    flat = " ".join(terminal.split())
    assert f"warning: {NO_DURATIONS}" in flat
    assert f"modeled with profile immich-3.1-loopback ({NO_DURATIONS})" in flat
    assert NO_DURATIONS in (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert html.count(NO_DURATIONS) >= 3  # header, verdict, warning


def test_timings_given_restore_the_recorded_durations(capsys, tmp_path: Path) -> None:
    sidecar = tmp_path / "kept-elsewhere.json"
    shutil.copy(SMALL_CASSETTE.with_name("small-300.timings.json"), sidecar)
    _, original, _ = compared(capsys, tmp_path, "original", "--cassette", str(SMALL_CASSETTE))
    terminal, restored, _ = compared(
        capsys, tmp_path, "restored", "--cassette", str(stripped(tmp_path)), "--timings", str(sidecar)
    )
    assert restored["latency"] == original["latency"]
    assert restored["latency"].startswith("the cassette's recorded durations of ")
    assert not any(NO_DURATIONS in w for w in restored["warnings"])
    assert [r["modeled"]["wall_s"] for r in restored["runs"]] == [r["modeled"]["wall_s"] for r in original["runs"]]
    assert restored["runs"][0]["workload"]["timings"].endswith("kept-elsewhere.json")
    assert "warning" not in terminal


def test_bad_timings(capsys, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.timings.json")
    assert_one_line_error(bench(capsys, "run", "eager", "--timings", missing), "timings file not found")
    assert_one_line_error(bench(capsys, "run", "eager", "--library", "demo", "--timings", missing), "--timings")
    other = tmp_path / "other.timings.json"
    shutil.copy(SMALL_CASSETTE.with_name("small-300.timings.json"), other)  # 331 rows, not the 3k crawl
    assert_one_line_error(bench(capsys, "run", "eager", "--timings", str(other)), "do not match")
