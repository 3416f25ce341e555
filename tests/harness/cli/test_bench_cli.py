from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench

SMALL = ("--cassette", str(SMALL_CASSETTE))


def test_every_command_has_help(capsys) -> None:
    for command in ("modes", "run", "compare", "report", "stats", "calibrate", "generate", "serve", "record", "gate"):
        result = bench(capsys, command, "--help")
        assert result.code == 0 and "Usage:" in result.out, command


def test_modes_lists_every_mode(capsys) -> None:
    result = bench(capsys, "modes")
    assert result.code == 0
    for mode in ("eager", "lazy", "batch", "index"):
        assert mode in result.out


def test_compare_prints_tables_and_verdict_and_writes_reports(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = bench(
        capsys,
        "compare",
        "eager",
        "lazy",
        *SMALL,
        "--out",
        str(out),
        "--jobs",
        "1",
        "--json",
        str(tmp_path / "c.json"),
        "--html",
        str(tmp_path / "r.html"),
        "--markdown",
        str(tmp_path / "r.md"),
        "--expect-savings",
        "50-280",
    )
    assert result.code == 0, result.err
    for fragment in (
        "Summary per subject",
        "Requests per endpoint",
        "Modeled seconds per endpoint: its share of the wall time",
        "Functions, eager -> lazy",
        "equivalent: both subjects",
        "verdict: PIVOT lazy (no change vs eager)",
        "predicted 50-280 s",
    ):
        assert fragment in result.out, fragment
    record = json.loads((tmp_path / "c.json").read_text())
    assert record["schema"] == "autotag-bench/compare/2" and record["verdict"]["decision"] == "pivot"
    assert [run["mode"] for run in record["runs"]] == ["eager", "lazy"]
    assert "PIVOT" in (tmp_path / "r.md").read_text()
    assert (out / "eager.pstats").is_file() and (out / "report.html").is_file()
    # one report, written twice: the same page, each with profile links relative to where it lies
    beside, elsewhere = (out / "report.html").read_text(), (tmp_path / "r.html").read_text()
    assert 'href="eager.pstats"' in beside and 'href="out/eager.pstats"' in elsewhere
    assert beside.replace('href="eager', 'href="out/eager').replace('href="lazy', 'href="out/lazy') == elsewhere


def test_report_rebuilds_the_same_verdict_and_tables(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = bench(capsys, "compare", "eager", "batch", *SMALL, "--out", str(out), "--profile", "none")
    again = bench(
        capsys, "report", str(out / "eager.json"), str(out / "batch.json"), "--json", str(tmp_path / "again.json")
    )
    assert first.code == again.code == 0
    saved = json.loads((out / "compare.json").read_text())
    rebuilt = json.loads((tmp_path / "again.json").read_text())
    assert rebuilt["verdict"] == saved["verdict"] and rebuilt["equivalent"] == saved["equivalent"]
    table = lambda text: text[text.index("Requests per endpoint") : text.index("equivalent:")]  # noqa: E731
    assert table(first.out) == table(again.out)


def test_run_prints_endpoints_and_writes_json(capsys, tmp_path: Path) -> None:
    result = bench(
        capsys, "run", "index", *SMALL, "--out", str(tmp_path), "--json", str(tmp_path / "r.json"), "--profile", "none"
    )
    assert result.code == 0 and "POST /search/metadata" in result.out
    assert json.loads((tmp_path / "r.json").read_text())["mode"] == "index"


def test_stats_on_the_reference_profile(capsys) -> None:
    result = bench(capsys, "stats", str(FIXTURES / "jenkins-26562-assets.stats"), "--top", "5")
    assert result.code == 0
    assert "GET /assets/{id}" in result.out and "35,402" in result.out
    assert "55,886 calls, 2,869.2 s = 83.7 % of 3,427.55 s" in result.out


def test_calibrate_then_use_the_profile(capsys, tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    assert bench(capsys, "calibrate", str(FIXTURES / "jenkins-26562-assets.stats"), "--out", str(profile)).code == 0
    data = json.loads(profile.read_text())
    assert data["endpoints"]["GET /assets/{id}"]["base_ms"] == pytest.approx(36.763, abs=0.001)
    # the reference client never used the bulk or upsert endpoints: they come from the named fallback
    assert data["sources"]["PUT /tags/assets"] == "fallback: seed-2026-01"
    result = bench(capsys, "run", "index", *SMALL, "--latency", str(profile), "--out", str(tmp_path / "o"))
    assert result.code == 0, result.err
    del data["endpoints"]["PUT /tags/assets"]  # a profile lacking an endpoint a run sends is refused by name
    profile.write_text(json.dumps(data))
    result = bench(capsys, "run", "index", *SMALL, "--latency", str(profile), "--out", str(tmp_path / "p"))
    assert_one_line_error(result, "no entry for PUT /tags/assets")


def test_generate_is_deterministic_and_refuses_to_overwrite(capsys, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    assert bench(capsys, "generate", "--preset", "demo", "--assets", "120", "--seed", "3", "--out", str(a)).code == 0
    assert bench(capsys, "generate", "--preset", "demo", "--assets", "120", "--seed", "3", "--out", str(b)).code == 0
    assert a.read_bytes() == b.read_bytes()
    sidecar = json.loads((tmp_path / "a.timings.json").read_text())  # the durations, safe from a vcrpy re-save
    durations = [i["duration_ms"] for i in json.loads(gzip.decompress(a.read_bytes()))["interactions"]]
    assert [row["net_ms"] for row in sidecar["rows"]] == durations and sidecar["interactions"] == len(durations)
    result = bench(capsys, "generate", "--preset", "demo", "--out", str(a))
    assert_one_line_error(result, "exists", "--force")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("compare", "eager", "nope"), ("unknown subject 'nope'", "eager, lazy, batch, index", "NAME=COMMAND")),
        (("compare", "eager", "eager"), ("subject given twice: eager",)),
        (("compare", "eager"), ("at least two subjects",)),
        (("run", "nope"), ("unknown subject 'nope'",)),
        (("compare", "eager", "lazy", "--cassette", "/no/such.json"), ("cassette not found",)),
        (("compare", "eager", "lazy", "--expect-savings", "lots"), ("--expect-savings", "cannot parse")),
        (("compare", "eager", "lazy", "--latency", "nope"), ("unknown latency profile",)),
        (("compare", "eager", "lazy", "--cassette", "x", "--library", "demo"), ("not both",)),
        (("stats", "/no/such.stats"), ("not found",)),
        (("stats", str(SMALL_CASSETTE)), ("not a cProfile stats file",)),
        (("report", "/no/such.json"), ("not found",)),
        (("compare", "eager", "lazy", "--rules", "/no/rules.yaml"), ("rules file not found",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, fragments) -> None:
    assert_one_line_error(bench(capsys, *args), *fragments)


def test_not_a_cassette_and_truncated_gzip(capsys, tmp_path: Path) -> None:
    text = tmp_path / "x.json"
    text.write_text('{"hello": "world"}')
    assert_one_line_error(bench(capsys, "run", "lazy", "--cassette", str(text)), "not a vcrpy cassette")
    gz = tmp_path / "y.json.gz"
    gz.write_bytes(SMALL_CASSETTE.read_bytes()[:500])
    assert_one_line_error(bench(capsys, "run", "lazy", "--cassette", str(gz)), "truncated or corrupt gzip")


def test_a_report_from_another_schema_is_refused(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "something/else"}))
    assert_one_line_error(bench(capsys, "report", str(bad), str(bad)), "schema")


def test_functions_filter_and_step_summary(capsys, tmp_path: Path, monkeypatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = bench(
        capsys,
        "compare",
        "eager",
        "batch",
        *SMALL,
        "--out",
        str(tmp_path / "o"),
        "--functions",
        "autotag/writers",
        "--jobs",
        "1",
    )
    assert result.code == 0
    table = result.out[result.out.index("Functions,") : result.out.index("equivalent:")]
    rows = [line for line in table.splitlines() if line.startswith("│")]
    assert rows and all("autotag/writers" in row for row in rows)
    assert "bench verdict" in summary.read_text()
