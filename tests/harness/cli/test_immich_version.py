"""``--immich-version`` on the commands that replay: bad input, the served version in results and over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from autotag import UnsupportedServerError
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import ROOT, SMALL_CASSETTE
from tests.harness.cli.helpers import assert_one_line_error, bench, serving

SMALL = ("--cassette", str(SMALL_CASSETTE))
SERVED = "2.6.x, 2.7.0-2.7.5, 3.1.x"


GATE = ("gate", "--baseline", str(ROOT / "cassettes" / "baselines" / "lazy.json"))


@pytest.mark.parametrize("command", [("run", "lazy"), ("compare", "eager", "lazy"), ("serve",), GATE])
@pytest.mark.parametrize(
    ("version", "fragment"), [("nope", "is not an Immich version"), ("3.0.0", "cannot be served"), ("2.7.9", "")]
)
def test_a_version_it_cannot_serve_is_one_line_and_exit_2(capsys, command, version, fragment) -> None:
    result = bench(capsys, *command, *SMALL, "--immich-version", version)
    assert_one_line_error(result, "VersionError", fragment, SERVED)


def test_the_served_version_is_the_runs_and_a_patch_release_changes_no_figure() -> None:
    as_recorded = execute(
        RunSpec(subject="eager", workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), profiler="none")
    )
    patched = WorkloadSpec(cassette=str(SMALL_CASSETTE), immich_version="3.1.2")
    as_patch = execute(RunSpec(subject="eager", workload=patched, profiler="none"))
    assert as_recorded.workload["immich_version"] == "3.1.0" and as_patch.workload["immich_version"] == "3.1.2"
    assert as_patch.workload["spec"]["immich_version"] == "3.1.2"
    assert as_patch.requests == as_recorded.requests and as_patch.modeled == as_recorded.modeled
    assert as_patch.final_state_digest == as_recorded.final_state_digest


def test_the_3x_tagger_refuses_a_2x_replay_by_name() -> None:
    """The built-in modes are an Immich 3.x client: 2.x is served for other programs (the real immich-autotag)."""
    spec = WorkloadSpec(cassette=str(SMALL_CASSETTE), immich_version="2.7.5")
    with pytest.raises(UnsupportedServerError, match=r"Immich 2\.7\.5"):
        execute(RunSpec(subject="eager", workload=spec, profiler="none"))


def test_run_json_carries_the_served_version(capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = bench(capsys, "run", "eager", *SMALL, "--immich-version", "v3.1.2", "--profile", "none",
                   "--out", str(tmp_path), "--json", str(out))  # fmt: skip
    assert result.code == 0, result.err
    assert "Immich 3.1.2" in result.out
    assert json.loads(out.read_text())["workload"]["immich_version"] == "3.1.2"


def test_serve_answers_as_the_chosen_version() -> None:
    with serving(*SMALL, "--immich-version", "2.7.5", "--api-key", "k") as url:
        assert httpx.get(f"{url}/api/server/version").json() == {"major": 2, "minor": 7, "patch": 5}
        headers = {"x-api-key": "k"}
        albums = httpx.get(f"{url}/api/albums", headers=headers).json()
        detail = httpx.get(f"{url}/api/albums/{albums[0]['id']}", headers=headers).json()
        assert len(detail["assets"]) == detail["assetCount"] > 0
        quiet = httpx.get(f"{url}/api/albums/{albums[0]['id']}?withoutAssets=true", headers=headers).json()
        assert quiet["assets"] == []
