from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import StatsFileError
from harness.judge.profile_summary import calibrate, summarize
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import load_profile
from tests.conftest import FIXTURES

REFERENCE = FIXTURES / "jenkins-26562-assets.stats"


@pytest.fixture(scope="module")
def summary():
    return summarize(REFERENCE)


def test_reference_profile_figures(summary) -> None:
    row = summary.endpoints.set_index("endpoint").loc["GET /assets/{id}"]
    assert row["calls"] == 35_402
    assert row["seconds"] == pytest.approx(1301.5, abs=0.05)
    assert row["ms_per_call"] == pytest.approx(36.8, abs=0.05)
    assert summary.socket_calls == 55_886
    assert summary.socket_s == pytest.approx(2869.2, abs=0.05)
    assert summary.total_s == pytest.approx(3427.55, abs=0.005)
    assert summary.socket_share_pct == pytest.approx(83.7, abs=0.05)
    assert summary.requests == 43_892


def test_calibrated_profile_is_usable_as_it_is(summary, tmp_path: Path) -> None:
    """Measured endpoints keep the file's means; those it never called come from the fallback, named as such."""
    import json

    from harness.replay.latency_profiles import seed_profile

    profile = calibrate(summary, "jenkins", seed_profile())
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile.to_json()))
    model = LatencyModel(load_profile(str(path)))
    assert model.seconds("", "GET /albums/{id}", 1) == pytest.approx(0.2414, abs=1e-4)
    assert model.seconds("", "PUT /tags/assets", 3) == seed_profile().costs["PUT /tags/assets"].ms(3) / 1000
    assert profile.sources["PUT /tags/assets"] == "fallback: seed-2026-01"
    assert profile.sources["GET /albums/{id}"].startswith("measured: ")


@pytest.mark.parametrize("mode", ["eager", "batch", "index"])
def test_own_client_is_recognised_for_every_endpoint_it_sends(tmp_path: Path, mode: str) -> None:
    """Each request of a sync mode, writes included, is found under its client method, as the transport counted."""
    from harness.library.workload import WorkloadSpec
    from harness.measure.run_spec import RunSpec
    from harness.measure.runner import execute
    from tests.conftest import SMALL_CASSETTE

    result = execute(RunSpec(subject=mode, workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), out_dir=str(tmp_path)))
    ours = summarize(Path(result.artifacts["pstats"])).endpoints.set_index("endpoint")["calls"].to_dict()
    assert ours == result.by_endpoint


@pytest.mark.parametrize("content", [b"not a profile", b"", b"\x00\x01\x02"])
def test_not_a_stats_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.stats"
    path.write_bytes(content)
    with pytest.raises(StatsFileError):
        summarize(path)
    with pytest.raises(StatsFileError, match="not found"):
        summarize(tmp_path / "missing.stats")
