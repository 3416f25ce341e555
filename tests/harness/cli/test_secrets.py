"""A canary key in each position a user may put it (the key variable, the URL's user-info, its query) is found
nowhere afterwards: not in a recorded cassette, its sidecar or plain copy, not on stdout or stderr (successes and
errors alike), not in a RunResult."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from autotag.cli import cli as autotag_cli
from tests.conftest import ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import Result, bench, invoke, serving

CANARY = "CANARY-5ecret-a8f3e1"
RULES = str(ROOT / "rules.example.yaml")


def nowhere(result: Result, *folders: Path) -> None:
    assert CANARY not in result.out and CANARY not in result.err
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert CANARY.encode() not in (gzip.decompress(data) if path.suffix == ".gz" else data), path


@pytest.fixture(scope="module")
def served() -> str:
    with serving("--cassette", str(SMALL_CASSETTE), "--api-key", CANARY) as url:
        yield url.removeprefix("http://")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://{host}", 0),  # the key in the header only
        (f"http://user:{CANARY}@{{host}}", 0),  # in the user-info too
        (f"http://{{host}}/api?apiKey={CANARY}&token={CANARY}", 2),  # in the query: not an API root
        (f"http://user:{CANARY}@127.0.0.1:9/api?key={CANARY}", 3),  # unreachable, and echoed in the error
    ],
)
def test_bench_record_keeps_the_key_out_of_everything(
    capsys, monkeypatch, tmp_path: Path, served: str, url: str, code: int
) -> None:
    monkeypatch.setenv("K", CANARY)
    out = tmp_path / "crawl.json.gz"
    args = ["record", "--url", url.format(host=served), "--api-key-env", "K", "--out", str(out), "--format", "json"]
    result = bench(capsys, *args)
    assert result.code == code, result.err
    assert out.exists() is (code == 0)
    nowhere(result, tmp_path)


@pytest.mark.parametrize(
    "url",
    [f"http://user:{CANARY}@127.0.0.1:9/?token={CANARY}", f"http://user:{CANARY}@{{host}}"],
)
def test_autotag_run_keeps_the_key_out_of_its_output(capsys, monkeypatch, served: str, url: str) -> None:
    monkeypatch.setenv("K", CANARY)
    args = ["run", "--url", url.format(host=served), "--api-key-env", "K", "--config", RULES, "--retries", "0"]
    result = invoke(capsys, autotag_cli, "autotag", *args)
    assert result.code in (0, 3), result.err
    nowhere(result)


def test_a_program_subjects_command_is_stored_without_the_key(capsys, tmp_path: Path) -> None:
    command = f'curl -sf -o /dev/null "$IMMICH_INSTANCE_URL/server/version?apiKey={CANARY}"'
    result = bench(
        capsys,
        "run",
        f"probe={command}",
        "--cassette",
        str(SMALL_CASSETTE),
        "--profile",
        "none",
        "--out",
        str(tmp_path / "run"),
        "--json",
        str(tmp_path / "run.json"),
    )
    assert result.code == 0, result.err
    assert "apiKey=REDACTED" in (tmp_path / "run.json").read_text()
    nowhere(result, tmp_path)
