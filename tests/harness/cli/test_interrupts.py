"""Ctrl-C and SIGTERM on the multi-process commands: the workers (and a program subject's whole process group) are
stopped within two seconds, one line, exit 130/143, no traceback, and the run folder the command made is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

BENCH = str(Path(sys.executable).with_name("bench"))
MARKER = "31.25"  # a program subject that sleeps this long is easy to find in /proc


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc's children lists."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    pending.append(child)
    return found


def alive(pid: int) -> bool:
    """A process that still runs (a zombie has ended; it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def sleepers() -> list[int]:
    """Processes running the marked program subject (in a process group of their own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if command[:2] == [b"sleep", MARKER.encode()] and alive(int(entry)):
                found.append(int(entry))
    return found


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_compare_stops_its_workers_within_two_seconds(tmp_path: Path, stop: signal.Signals, code: int) -> None:
    folder = tmp_path / "made-by-compare"
    proc = subprocess.Popen(
        [
            BENCH,
            "compare",
            "lazy",
            f"slow=sleep {MARKER}",
            "--library",
            "seed",
            "--profile",
            "none",
            "--out",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not sleepers() and time.monotonic() < deadline:  # both workers up: the program subject started
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert sleepers(), "the program subject never started"
        workers = descendants(proc.pid)
        sent = time.monotonic()
        proc.send_signal(stop)
        _out, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert took < 2.0, f"took {took:.2f} s"
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == f"bench: interrupted by {stop.name}"
    assert not folder.exists()
    assert not sleepers()
    while any(alive(pid) for pid in workers) and time.monotonic() < sent + 2.0:  # ending processes may linger a moment
        time.sleep(0.02)
    assert not [pid for pid in workers if alive(pid)]
