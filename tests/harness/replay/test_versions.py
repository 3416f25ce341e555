"""Which Immich versions the replay serves, and what it answers for the version endpoints."""

from __future__ import annotations

import pytest

from harness.errors import VersionError
from harness.library.cassette import read_cassette
from harness.replay.server import ReplayServer
from harness.replay.versions import canonical, parse_version, reshaped, served_list, served_version
from tests.conftest import DEFAULT_CASSETTE
from tests.harness.replay.fixtures import fresh_library, replay_client, validate


@pytest.mark.parametrize("text", ["2.6.0", "2.6.3", "2.6.17", "2.7.0", "2.7.5", "3.1.0", "3.1.9", "v2.7.5"])
def test_served_versions(text: str) -> None:
    assert canonical(text) == text.removeprefix("v")


@pytest.mark.parametrize("text", ["2.5.9", "2.7.6", "3.0.0", "3.2.2", "1.135.3", "4.0.0"])
def test_versions_it_cannot_serve_name_the_served_ones(text: str) -> None:
    with pytest.raises(VersionError, match=r"cannot be served; the replay serves 2\.6\.x, 2\.7\.0-2\.7\.5, 3\.1\.x"):
        canonical(text)


@pytest.mark.parametrize("text", ["", "2.7", "2.7.5.1", "latest", "2.7.x", "3.1.0-rc1"])
def test_what_is_not_a_version(text: str) -> None:
    with pytest.raises(VersionError, match="is not an Immich version"):
        parse_version(text)


def test_default_is_the_recorded_version_and_an_unservable_recording_is_named() -> None:
    assert str(served_version(None, "3.1.0")) == "3.1.0"
    with pytest.raises(VersionError, match=r"3\.0\.2 \(the library was recorded from\).*--immich-version"):
        served_version(None, "3.0.2")
    assert served_list() == "2.6.x, 2.7.0-2.7.5, 3.1.x"


def test_reshaped_endpoints_only_across_majors() -> None:
    assert reshaped("3.1.0", parse_version("3.1.4")) == ()
    assert reshaped("2.7.5", parse_version("2.6.3")) == ()
    assert reshaped("3.1.0", parse_version("2.7.5")) == reshaped("2.7.5", parse_version("3.1.0")) != ()


def test_the_recorded_version_answers_its_recorded_bytes() -> None:
    recorded = {i.path: i.response_body for i in read_cassette(DEFAULT_CASSETTE)[:2]}
    server = ReplayServer(fresh_library())
    for path in ("/server/version", "/server/about"):
        reply = server.handle("GET", path, {"x-api-key": "k"}, b"")
        assert reply.content() == recorded["/api" + path].encode()


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.7.5", {"major": 2, "minor": 7, "patch": 5}),
        ("2.6.3", {"major": 2, "minor": 6, "patch": 3}),
        ("3.1.2", {"major": 3, "minor": 1, "patch": 2, "prerelease": None}),
    ],
)
def test_another_version_answers_itself(version: str, expected: dict[str, object]) -> None:
    http, _ = replay_client(immich_version=version)
    with http:
        answer = http.get("/server/version")
        validate(answer, version)
        assert answer.json() == expected
        about = http.get("/server/about")
        validate(about, version)
        assert about.json()["version"] == f"v{version}"
        assert about.json()["versionUrl"].endswith(f"/tag/v{version}")


def test_a_server_refuses_a_version_it_cannot_serve() -> None:
    with pytest.raises(VersionError, match=r"3\.2\.0"):
        ReplayServer(fresh_library(), immich_version="3.2.0")
