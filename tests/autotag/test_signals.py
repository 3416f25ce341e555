"""SIGINT and SIGTERM during ``autotag run --apply`` against ``bench serve``: the run stops before its next read, sends
every write it decided (the batched ones too), prints one line of what it sent and what remains, and exits 130/143.
The served library then holds exactly the decided writes of the assets it got through, counted here."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from autotag import Connection, get_mode, load_rules, run_mode
from harness.library.workload import WorkloadSpec
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import loopback_profile
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore, ReplayTransport
from tests.harness.cli.helpers import ROOT, serving

RULES_FILE = ROOT / "rules.example.yaml"
RULES = load_rules(RULES_FILE)
AUTOTAG = str(Path(sys.executable).with_name("autotag"))
KEY = "signals-test-key"
STOPPED = re.compile(
    r"^autotag: interrupted by (SIG\w+): ([\d,]+) pages? done, ([\d,]+) assets? decided; "
    r"sent ([\d,]+) write requests? \(([\d,]+) tag changes?\); not sent: none$"
)


def output_state(http: httpx.Client) -> dict[str, frozenset[str]]:
    """Which assets carry each output tag, read from the served library (one tagIds search per tag)."""
    ids = {tag["value"]: tag["id"] for tag in http.get("/tags").json()}
    state = {}
    for value in RULES.output.all():
        members: set[str] = set()
        page: int | None = 1
        while value in ids and page is not None:
            body = {"tagIds": [ids[value]], "page": page, "size": 1000}
            found = http.post("/search/metadata", json=body).json()["assets"]
            members.update(item["id"] for item in found["items"])
            page = int(found["nextPage"]) if found["nextPage"] else None
        state[value] = frozenset(members)
    return state


def planned(mode: str) -> tuple[dict[str, frozenset[str]], list[tuple[str, tuple[str, ...], tuple[str, ...]]]]:
    """The demo library's output tags before any run, and every decision of a full run, in order (a dry run)."""
    library, _recorded, _info = WorkloadSpec(preset="demo").load()
    values = {tag_id: tag["value"] for tag_id, tag in library.tags.items()}
    before = {
        value: frozenset(a for a, tags in library.asset_tags.items() if any(values.get(t) == value for t in tags))
        for value in RULES.output.all()
    }
    core = ReplayCore(ReplayServer(library), LatencyModel(loopback_profile()))
    connection = Connection("http://replay/api", "k", transport=ReplayTransport(core))
    plan, _requests = run_mode(connection, RULES, get_mode(mode), apply=False)
    return before, [(d.asset_id, d.add, d.remove) for d in plan.decisions]


@pytest.mark.parametrize(("stop", "mode"), [(signal.SIGINT, "batch"), (signal.SIGTERM, "async")])
def test_a_signal_flushes_every_decided_write_and_exits_128_plus_it(stop: signal.Signals, mode: str) -> None:
    before, decisions = planned("lazy")  # every mode decides the same, in the same order
    with (
        serving("--library", "demo", "--api-key", KEY) as url,
        httpx.Client(base_url=url + "/api", headers={"x-api-key": KEY}) as http,
    ):
        assert output_state(http) == before
        proc = subprocess.Popen(
            [
                AUTOTAG,
                "run",
                "--url",
                url,
                "--api-key-env",
                "KEY",
                "--config",
                str(RULES_FILE),
                "--mode",
                mode,
                "--apply",
            ],
            env={**os.environ, "KEY": KEY},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while output_state(http) == before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)  # until the first page's writes land
            assert proc.poll() is None, "the run ended before it could be interrupted"
            proc.send_signal(stop)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        after = output_state(http)
    assert proc.returncode == 128 + stop, err
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    match = STOPPED.match(line)
    assert match is not None, line
    name, pages, decided, _requests, changes = match.groups()
    decided_n = int(decided.replace(",", ""))
    assert name == stop.name and 0 < decided_n < len(decisions)
    assert int(pages) * 250 <= decided_n <= (int(pages) + 1) * 250
    expected = {value: set(members) for value, members in before.items()}
    for asset, adds, removes in decisions[:decided_n]:
        for value in adds:
            expected[value].add(asset)
        for value in removes:
            expected[value].discard(asset)
    assert after == {value: frozenset(members) for value, members in expected.items()}
    sent_changes = sum(len(adds) + len(removes) for _asset, adds, removes in decisions[:decided_n])
    assert int(changes.replace(",", "")) == sent_changes > 0
