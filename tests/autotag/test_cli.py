from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from autotag.cli import cli
from tests.harness.cli.helpers import ROOT, assert_one_line_error, invoke, serving

RULES = str(ROOT / "rules.example.yaml")


def autotag(capsys, *args: str):
    return invoke(capsys, cli, "autotag", *args)


def test_help_answers(capsys) -> None:
    assert autotag(capsys, "--help").code == 0
    result = autotag(capsys, "run", "--help")
    assert result.code == 0 and "--apply" in result.out and "--api-key-env" in result.out


def test_unset_key_variable(capsys, monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    result = autotag(capsys, "run", "--url", "http://127.0.0.1:9", "--api-key-env", "NO_SUCH_KEY", "--config", RULES)
    assert_one_line_error(result, "NO_SUCH_KEY is not set")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (None, "not found"),
        ("rules: [", "not valid YAML"),
        ("rules:\n  - {x: 1}\n", "unknown key"),
        ("rules:\n  - {album_name_patterns: ['(']}\n", "bad regex"),
        ("rules:\n  - {name: e}\n", "is empty"),
    ],
)
def test_bad_rules(capsys, monkeypatch, tmp_path: Path, text, fragment) -> None:
    monkeypatch.setenv("KEY", "k")
    path = tmp_path / "rules.yaml"
    if text is not None:
        path.write_text(text)
    result = autotag(capsys, "run", "--url", "http://127.0.0.1:9", "--api-key-env", "KEY", "--config", str(path))
    assert_one_line_error(result, fragment)


def test_unreachable_url_is_a_network_failure(capsys, monkeypatch) -> None:
    monkeypatch.setenv("KEY", "k")
    url = "http://127.0.0.1:9"
    result = autotag(capsys, "run", "--url", url, "--api-key-env", "KEY", "--config", RULES, "--retries", "0")
    assert result.code == 3 and "Traceback" not in result.err
    error, stopped = result.err.strip().splitlines()
    assert error.startswith(
        "autotag: error: UnreachableError: GET /server/version: cannot reach http://127.0.0.1:9/api"
    )
    assert stopped == (
        "autotag: stopped: 0 pages done, 0 assets decided; sent 0 write requests (0 tag changes); not sent: none; "
        "retries: none; 1 request ran out of retries"
    )


class Canned(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, object]]] = {}

    def do_GET(self) -> None:
        status, body = self.routes.get(self.path, (404, {"message": "no"}))
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned():
    server = HTTPServer(("127.0.0.1", 0), Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("routes", "fragments"),
    [
        ({"/api/server/version": (200, {"major": 2, "minor": 7, "patch": 5})}, ("Immich 2.7.5", "3.x only")),
        ({"/api/server/version": (200, "<html>hello</html>")}, ("UnsupportedServerError",)),
        (
            {
                "/api/server/version": (200, {"major": 3, "minor": 1, "patch": 0}),
                "/api/tags": (403, {"message": "Missing required permission: tag.read"}),
            },
            ("403", "tag.read", "give the API key this permission"),
        ),
    ],
)
def test_server_problems(capsys, monkeypatch, canned, routes, fragments) -> None:
    Canned.routes = routes
    monkeypatch.setenv("KEY", "k")
    url = f"http://127.0.0.1:{canned.server_address[1]}"
    result = autotag(capsys, "run", "--url", url, "--api-key-env", "KEY", "--config", RULES)
    assert_one_line_error(result, *fragments)


def test_end_to_end_against_bench_serve(capsys, monkeypatch) -> None:
    """autotag over real HTTP on loopback against the replay of the demo library: apply, then converge."""
    with serving("--library", "demo", "--api-key", "secret") as url:
        monkeypatch.setenv("KEY", "secret")
        first = autotag(
            capsys,
            "run",
            "--url",
            url,
            "--api-key-env",
            "KEY",
            "--config",
            RULES,
            "--mode",
            "batch",
            "--apply",
            "--verify",
        )
        assert first.code == 0, first.err
        assert "tag adds" in first.out and "applied" in first.out
        assert "0 lost, 0 reverted" in first.out
        assert "retries: none" in first.out
        second = autotag(capsys, "run", "--url", url, "--api-key-env", "KEY", "--config", RULES, "--mode", "lazy")
        assert second.code == 0
        adds = [line for line in second.out.splitlines() if "tag adds" in line]
        assert adds and adds[0].split("│")[2].strip() == "0"
        monkeypatch.setenv("KEY", "wrong")
        denied = autotag(capsys, "run", "--url", url, "--api-key-env", "KEY", "--config", RULES)
        assert_one_line_error(denied, "401")


@pytest.mark.parametrize("url", ["ftp://immich:2283", "immich:2283", "http://"])
def test_bad_url(capsys, monkeypatch, url: str) -> None:
    monkeypatch.setenv("KEY", "k")
    result = autotag(capsys, "run", "--url", url, "--api-key-env", "KEY", "--config", RULES)
    assert_one_line_error(result, "--url")


def test_verify_without_apply_is_refused(capsys, monkeypatch) -> None:
    """--verify reads back what --apply wrote; on a dry run it would check nothing, so it is refused, not ignored."""
    monkeypatch.setenv("KEY", "k")
    result = autotag(
        capsys, "run", "--url", "http://127.0.0.1:9", "--api-key-env", "KEY", "--config", RULES, "--verify"
    )
    assert_one_line_error(result, "--verify", "--apply")
