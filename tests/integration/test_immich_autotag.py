"""The real reference tagger under `bench`: released immich-autotag versions, installed from the package index into
their own virtual environments and run unmodified as program subjects against a seed-shaped library served as
Immich 2.7.5 (examples/immich-autotag/ holds their configs and the wrapper script).

Slow (about 10 minutes: 0.71.0 scans every album for every asset), run once by .ci/run. The releases are installed
once into .cache/immich-autotag/ (git-ignored) and reused.
"""

from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.harness.cli.helpers import bench

EXAMPLE = ROOT / "examples" / "immich-autotag"
CACHE = ROOT / ".cache" / "immich-autotag"
ASSETS = 10_000  # 1,090 albums: above 0.74.5's floor of 1,000 albums and 0.71.0's of 326

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]  # 0.71.0 alone takes about 10 minutes


def release(version: str) -> Path:
    """A virtual environment holding immich-autotag ``version`` from the package index."""
    venv = CACHE / version
    if not (venv / "bin" / "python").is_file() or not _has(venv, version):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"immich-autotag=={version}"]
        subprocess.run(pip, check=True)
    return venv


def _has(venv: Path, version: str) -> bool:
    show = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "show", "immich-autotag"], capture_output=True)
    return f"Version: {version}".encode() in show.stdout


def subject(version: str, config: str) -> str:
    script, venv = shlex.quote(str(EXAMPLE / "run.sh")), shlex.quote(str(release(version)))
    return f"v{version}={script} {venv} {shlex.quote(str(EXAMPLE / config))}"


def test_two_releases_compare_unmodified_on_a_seed_shaped_2x_library(capsys, tmp_path: Path) -> None:
    old, new = subject("0.71.0", "config-0.71.yaml"), subject("0.74.5", "config-0.74.5.yaml")
    result = bench(
        capsys,
        "compare", old, new,
        "--library", "seed", "--assets", str(ASSETS), "--immich-version", "2.7.5",
        "--profile", "none", "--jobs", "2", "--out", str(tmp_path), "--json", str(tmp_path / "record.json"),
    )  # fmt: skip
    assert result.code == 0, result.err
    record = json.loads((tmp_path / "record.json").read_text())
    before, after = (run for run in record["runs"])
    workload = before["workload"]
    assert workload["immich_version"] == "2.7.5" and workload["assets"] == ASSETS
    albums, pages = workload["albums"], math.ceil(ASSETS / 250)
    for run in (before, after):
        by = run["requests"]["by_endpoint"]
        assert run["requests"]["total"] == sum(by.values())
        assert all(status.startswith("2") for status in run["requests"]["statuses"]), run["requests"]["statuses"]
        assert by["POST /search/metadata"] == pages  # 250 per page, the server's default size
        assert by["GET /server/statistics"] == by["GET /duplicates"] == by["GET /albums"] == 1
        assert by["GET /assets/{id}"] >= ASSETS  # every asset's tags are read, duplicates' members again
    # 0.71.0 reads every album once, and again after each album it adds an asset to (its post-add check);
    # 0.74.5 reads each album once.
    old_by, new_by = before["requests"]["by_endpoint"], after["requests"]["by_endpoint"]
    assert old_by["GET /albums/{id}"] == albums + old_by["PUT /albums/{id}/assets"]
    assert new_by["GET /albums/{id}"] == albums
    assert new_by["GET /users"] == 1  # 0.74.2+ loads the users before its first write
    assert "GET /users" not in old_by
    # The releases decide differently (0.74.5 deletes its duplicate-conflict tags at the end and counts album-date
    # mismatches in days): the comparison says so rather than calling either one faster.
    assert record["equivalent"] is False
    assert record["verdict"]["decision"] == "reject"
    assert "another final state" in " ".join(record["verdict"]["reasons"])
    assert "NOT equivalent" in result.out
