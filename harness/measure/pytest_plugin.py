"""The pytest plugin of autotag-bench (entry point ``pytest11``, installed with the package): the ``immich_replay``
fixture gives a test a fresh replay of an Immich library, so a test of one's own tagger can assert on the requests
it sent and their modeled time, exactly, on every run.

    import pytest
    from harness import Budget

    @pytest.mark.immich_replay(cassette="cassettes/small-300.json.gz")
    def test_my_tagger_reads_each_asset_once(immich_replay):
        with httpx.Client(base_url=immich_replay.base_url, transport=immich_replay.transport,
                          headers={"x-api-key": immich_replay.api_key}) as http:
            my_tagger.run(http)
        Budget(per_asset={"GET /assets/{id}": 1}, modeled_wall_s=60).check(immich_replay.result())

The fixture is a ``harness.Replay``: ``.transport`` / ``.async_transport`` (httpx transports), ``.client()``,
``.base_url``, ``.api_key``, ``.serve()`` (a loopback URL for other clients), ``.run_async()``, ``.result()``
(the RunResult so far). The marker ``@pytest.mark.immich_replay(...)`` takes the workload: ``cassette`` (a path,
relative to the rootdir or else to the test's folder), ``library`` (``demo`` or ``seed``) with ``assets`` and
``seed``, ``immich_version``, ``latency``, ``proxy_limit``; without it, the shipped real cassette. Each workload is
loaded once per session and copied for each test. ``--immich-replay-results DIR`` writes each test's RunResult to
``DIR/<test>.json``, for ``bench report`` and ``bench history``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.library.workload import WorkloadSpec
    from harness.measure.open_replay import Replay

MARKER = "immich_replay"
ARGUMENTS = ("cassette", "library", "assets", "seed", "immich_version", "latency", "proxy_limit")
LOADED = pytest.StashKey[dict[Any, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("autotag-bench").addoption(
        "--immich-replay-results",
        metavar="DIR",
        help="write the RunResult of every test that used the immich_replay fixture to DIR/<test>.json",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}({', '.join(a + '=...' for a in ARGUMENTS)}): the workload the immich_replay fixture replays "
        "(default: the shipped real 3,000-asset cassette)",
    )
    config.stash[LOADED] = {}


@pytest.fixture
def immich_replay(request: pytest.FixtureRequest) -> Iterator[Replay]:
    """A fresh replay of the test's workload (``@pytest.mark.immich_replay``), closed after the test."""
    from harness.atomic_write import write_json
    from harness.measure.open_replay import replay_of

    spec = workload_of(request)
    loaded = request.config.stash[LOADED]
    if spec not in loaded:
        loaded[spec] = spec.load()
    library, recorded, info = loaded[spec]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-") or "test"
    replay = replay_of(spec, (copy.deepcopy(library), recorded, dict(info)), name)
    try:
        yield replay
    finally:
        replay.close()
    folder = request.config.getoption("--immich-replay-results")
    if folder:
        write_json(Path(folder) / f"{name}.json", replay.result().to_json())


def workload_of(request: pytest.FixtureRequest) -> WorkloadSpec:
    """The workload the closest ``immich_replay`` marker asks for; ``pytest.UsageError`` for bad arguments."""
    from harness.library.workload import WorkloadSpec

    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return WorkloadSpec()
    unknown = sorted(set(marker.kwargs) - set(ARGUMENTS))
    if marker.args or unknown:
        given = [repr(a) for a in marker.args] + unknown
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER}: takes keyword arguments {', '.join(ARGUMENTS)}; not {', '.join(given)}"
        )
    options = dict(marker.kwargs)
    cassette = options.pop("cassette", None)
    if cassette is not None:
        options["cassette"] = str(_found(Path(cassette), request))
    options["preset"] = options.pop("library", None)
    return WorkloadSpec(**options)


def _found(path: Path, request: pytest.FixtureRequest) -> Path:
    if path.is_absolute():
        return path
    for base in (request.config.rootpath, request.path.parent):
        if (base / path).exists():
            return base / path
    return request.config.rootpath / path  # missing: the workload's own error names it
