"""The bad-input sweep as a table: every kind of bad input gives one line on stderr, exit 2, and writes nothing (no
run folder, no temporary folder, no output file), for ``bench`` and ``autotag`` alike."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from autotag.cli import cli as autotag_cli
from tests.conftest import DEFAULT_CASSETTE, ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import Result, bench, invoke, serving

BASELINE = ROOT / "cassettes" / "baselines" / "lazy.json"
RULES = str(ROOT / "rules.example.yaml")
Setup = Callable[[Path], list[str]]


def file_with(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    return make


def baseline_with(change: Callable[[dict], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        data = json.loads(BASELINE.read_text())
        change(data)
        path = tmp / "baseline.json"
        path.write_text(json.dumps(data))
        return path

    return make


CORRUPT = file_with("corrupt.json", '{"version": 1, "interactions": [')
TRUNCATED = file_with("truncated.json.gz", DEFAULT_CASSETTE.read_bytes()[:5000])
EMPTY = file_with("empty.json", "")
WRONG_VERSION = file_with("v2.json", json.dumps({"version": 2, "interactions": []}))
NO_CRAWL = file_with("nocrawl.json", json.dumps({"version": 1, "interactions": []}))
BAD_RULES = file_with("rules.yaml", "rules: [")
BAD_STATS = file_with("x.stats", b"not a profile")
BAD_PROFILE = file_with("latency.json", '{"name": "mine", "endpoints": 3}')


def wall_as_text(data: dict) -> None:
    data["modeled"]["wall_s"] = "fast"


def requests_as_list(data: dict) -> None:
    data["requests"] = [1, 2]


def cpu_as_text(data: dict) -> None:
    data["cpu_s"] = "1.0"


CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    # cassettes
    "corrupt cassette": (lambda t: ["run", "lazy", "--cassette", str(CORRUPT(t))], "CassetteError"),
    "truncated cassette": (lambda t: ["run", "lazy", "--cassette", str(TRUNCATED(t))], "CassetteError"),
    "empty cassette": (lambda t: ["compare", "eager", "lazy", "--cassette", str(EMPTY(t))], "CassetteError"),
    "wrong-version cassette": (lambda t: ["run", "lazy", "--cassette", str(WRONG_VERSION(t))], "CassetteError"),
    "incomplete crawl": (lambda t: ["serve", "--cassette", str(NO_CRAWL(t)), "--port", "0"], "CassetteError"),
    "missing cassette": (lambda t: ["run", "lazy", "--cassette", str(t / "none.json")], "cassette not found"),
    # rules, stats, latency profiles
    "bad rules": (lambda t: ["run", "lazy", "--rules", str(BAD_RULES(t))], "ConfigError"),
    "bad stats": (lambda t: ["stats", str(BAD_STATS(t))], "StatsFileError"),
    "unknown latency profile": (lambda t: ["run", "lazy", "--latency", "no-such-profile"], "LatencyError"),
    "bad latency profile": (lambda t: ["compare", "eager", "lazy", "--latency", str(BAD_PROFILE(t))], "LatencyError"),
    # baselines
    "baseline wall as text": (
        lambda t: ["gate", "--baseline", str(baseline_with(wall_as_text)(t))],
        "modeled.wall_s is str",
    ),
    "baseline requests as list": (
        lambda t: ["gate", "--baseline", str(baseline_with(requests_as_list)(t))],
        "requests is list",
    ),
    "baseline cpu as text": (lambda t: ["gate", "--baseline", str(baseline_with(cpu_as_text)(t))], "cpu_s is str"),
    "baseline not JSON": (lambda t: ["gate", "--baseline", str(EMPTY(t))], "not a JSON RunResult"),
    "baseline and update-baseline": (
        lambda t: ["gate", "--baseline", str(BASELINE), "--update-baseline", str(t / "new.json")],
        "not both",
    ),
    # output paths
    "--out under a file": (lambda t: ["run", "lazy", "--out", str(EMPTY(t) / "out")], "is a file, not a folder"),
    "--out in /proc": (lambda t: ["compare", "eager", "lazy", "--out", "/proc/bench-out"], "cannot write in /proc"),
    "--json under a file": (lambda t: ["run", "lazy", "--json", str(EMPTY(t) / "r.json")], "is a file"),
    "--json in /proc": (lambda t: ["run", "lazy", "--json", "/proc/r.json"], "cannot write in /proc"),
    "--html in /proc": (lambda t: ["report", str(BASELINE), str(BASELINE), "--html", "/proc/r.html"], "/proc"),
    "--json a folder": (lambda t: ["run", "lazy", "--json", str(t)], "is a folder"),
    "generate --out in /proc": (lambda t: ["generate", "--preset", "demo", "--out", "/proc/c.json"], "/proc"),
    "gate --junit under a file": (
        lambda t: ["gate", "--baseline", str(BASELINE), "--junit", str(EMPTY(t) / "j.xml")],
        "is a file",
    ),
    # URLs
    "record ftp URL": (
        lambda t: ["record", "--url", "ftp://immich", "--api-key-env", "K", "--out", str(t / "c.json")],
        "--url",
    ),
    "record URL without host": (
        lambda t: ["record", "--url", "http://", "--api-key-env", "K", "--out", str(t / "c.json")],
        "--url",
    ),
    # numbers and nonsense
    "assets 0": (lambda t: ["run", "lazy", "--library", "demo", "--assets", "0"], "--assets"),
    "generate 50,000,000 assets": (
        lambda t: ["generate", "--preset", "seed", "--assets", "50000000", "--out", str(t / "c.json")],
        "--assets",
    ),
    "negative savings": (lambda t: ["compare", "eager", "lazy", "--expect-savings=-5--1"], "0 or more"),
    "savings low above high": (lambda t: ["compare", "eager", "lazy", "--expect-savings", "9-1"], "LOW is above HIGH"),
    "savings past 100 %": (lambda t: ["compare", "eager", "lazy", "--expect-savings", "5%-150%"], "100 %"),
    "bad functions regex, no profile": (
        lambda t: ["compare", "eager", "lazy", "--functions", "(", "--profile", "none"],
        "--functions",
    ),
    "jobs 0": (lambda t: ["compare", "eager", "lazy", "--jobs", "0"], "--jobs"),
    "repeats 0": (lambda t: ["compare", "eager", "lazy", "--repeats", "0"], "--repeats"),
    "top 0": (lambda t: ["compare", "eager", "lazy", "--top", "0"], "--top"),
    "proxy limit 0": (lambda t: ["run", "async", "--proxy-limit", "0"], "--proxy-limit"),
    "negative realtime": (lambda t: ["run", "lazy", "--realtime", "-1"], "--realtime"),
    "port past 65535": (lambda t: ["serve", "--port", "70000"], "--port"),
    "faults past 100 %": (lambda t: ["run", "lazy", "--faults", "503:80%,500:30%"], "more than 100 %"),
    "faults unknown kind": (lambda t: ["compare", "eager", "lazy", "--faults", "418:1%"], "unknown kind"),
    "faults not a spec": (lambda t: ["gate", "--update-baseline", str(t / "b.json"), "--faults", "lots"], "KIND:RATE%"),
    "fault hold without faults": (lambda t: ["run", "lazy", "--fault-hold", "2"], "--fault-hold"),
    "unknown immich version": (lambda t: ["run", "lazy", "--immich-version", "9.9.9"], "VersionError"),
    "unknown subject": (lambda t: ["run", "no-such-mode"], "SubjectError"),
}


@pytest.fixture
def nothing_written(tmp_path: Path, reports_in_tmp: Path) -> Iterator[Callable[[], None]]:
    """A check that nothing new appeared in the reports folder, in the temporary folder, or in ``tmp_path``."""
    temporary = Path(tempfile.gettempdir())

    def ours() -> set[str]:
        return {p.name for p in temporary.iterdir() if p.name.startswith(("bench-", ".bench-"))}

    before_tmp, before = ours(), set()

    def snapshot() -> None:
        nonlocal before
        before = {p.name for p in tmp_path.rglob("*")}

    def check() -> None:
        assert list(reports_in_tmp.iterdir()) == []
        assert ours() <= before_tmp
        assert {p.name for p in tmp_path.rglob("*")} == before

    check.snapshot = snapshot  # type: ignore[attr-defined]
    yield check


def one_line_exit_2(result: Result, fragment: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_bench_bad_input(capsys, monkeypatch, tmp_path: Path, nothing_written, case: str) -> None:
    monkeypatch.setenv("K", "key")
    build, fragment = CASES[case]
    args = build(tmp_path)
    nothing_written.snapshot()
    one_line_exit_2(bench(capsys, *args), fragment)
    nothing_written()


AUTOTAG_CASES = {
    "negative timeout": (["--timeout", "-1"], "--timeout"),
    "zero timeout": (["--timeout", "0"], "--timeout"),
    "negative retries": (["--retries", "-1"], "--retries"),
    "too many retries": (["--retries", "1000"], "--retries"),
    "URL without host": (["--url", "http://"], "--url"),
    "unknown mode": (["--mode", "fast"], "--mode"),
}


@pytest.mark.parametrize("case", list(AUTOTAG_CASES))
def test_autotag_bad_input(capsys, monkeypatch, case: str) -> None:
    monkeypatch.setenv("K", "key")
    extra, fragment = AUTOTAG_CASES[case]
    args = ["run", "--url", "http://127.0.0.1:9", "--api-key-env", "K", "--config", RULES, *extra]
    one_line_exit_2(invoke(capsys, autotag_cli, "autotag", *args), fragment)


class NotImmich(BaseHTTPRequestHandler):
    """A web server that is not Immich: an HTML page below /html, a 404 page anywhere else."""

    def do_GET(self) -> None:
        html = self.path.startswith("/html/")
        status, body = (200, b"<html><body>Welcome to nginx</body></html>") if html else (404, b"<h1>Not Found</h1>")
        self.send_response(status)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_immich() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), NotImmich)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "said"), [("/html", "answered 200 (text/html)"), ("", "answered 404 (text/html)")])
def test_a_server_that_is_not_immich(
    capsys, monkeypatch, tmp_path: Path, not_immich: str, path: str, said: str
) -> None:
    monkeypatch.setenv("K", "key")
    out = tmp_path / "c.json"
    result = bench(capsys, "record", "--url", not_immich + path, "--api-key-env", "K", "--out", str(out))
    one_line_exit_2(result, "NotImmichError")
    assert said in result.err and not out.exists()
    args = ["run", "--url", not_immich + path, "--api-key-env", "K", "--config", RULES]
    one_line_exit_2(invoke(capsys, autotag_cli, "autotag", *args), "UnsupportedServerError")


def test_record_with_a_wrong_key(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("K", "wrong")
    out = tmp_path / "c.json"
    with serving("--cassette", str(SMALL_CASSETTE), "--api-key", "right") as url:
        result = bench(capsys, "record", "--url", url, "--api-key-env", "K", "--out", str(out))
    one_line_exit_2(result, "401")
    assert "API key is refused" in result.err and list(tmp_path.iterdir()) == []
