"""Run a CLI in-process exactly as its console script does (one-line errors, exit codes)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from autotag.cli import run_cli
from tests.conftest import ROOT


@dataclass
class Result:
    code: int
    out: str
    err: str


def invoke(capsys: pytest.CaptureFixture[str], group: click.Group, prog: str, *args: str) -> Result:
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        run_cli(group, prog, list(args))
    captured = capsys.readouterr()
    code = info.value.code if isinstance(info.value.code, int) else (0 if info.value.code is None else 1)
    return Result(code, captured.out, captured.err)


def bench(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    from harness.cli import cli

    return invoke(capsys, cli, "bench", *args)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.code == 2, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@contextmanager
def serving(*args: str, stop: signal.Signals = signal.SIGINT) -> Iterator[str]:
    """``bench serve`` in a real subprocess on a free loopback port; yields its base URL; ``stop`` ends it."""
    bench_script = Path(sys.executable).with_name("bench")
    proc = subprocess.Popen(
        [str(bench_script), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            match = re.search(r"URL\s+(http://127\.0\.0\.1:\d+)/api", line)
            url = match.group(1) if match else None
        assert url, f"bench serve did not start: {proc.stderr.read() if proc.stderr else ''}"
        yield url
    finally:
        proc.send_signal(stop)
        try:
            _out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"bench serve did not stop on {stop.name}") from None
        assert proc.returncode == 0 and "Traceback" not in err, err


def env_with(**values: str) -> dict[str, str]:
    return {**os.environ, **values}
