"""The shipped latency profiles, how each was made, and the latency model of a run (``model_for``).

Every figure means client-visible time on a keep-alive connection, end to end. The recordings (the shipped
cassette's durations, and the loopback measurements below) carry more than that: a sequential ``httpx.Client`` on
the recording machine did 12 library pages (size 250, EXIF) and 3,000 ``GET /assets/{id}`` in 9.774 s (median of 3)
where the recorded durations of the same 3,012 requests add up to 13.901 s. Both were taken beside a busy client on
the same 2 cores (vcrpy recording in the tool's process; an asyncio client for latency.json), so the server answered
more slowly than it does to a lean client: ``RECORDING_SURPLUS_MS`` = (13.901 - 9.774) s / 3,012 = 1.370 ms per
request, taken off every recorded and loopback-measured figure. Corrected so, the loopback ``GET /assets/{id}``
comes to 3.11 ms against the 3.15 ms that client measured for it alone (the one figure not used to fit).

Shipped profiles:

- ``seed-2026-01``: the reference run's per-endpoint means (``seed-profiles/jenkins-26562-assets.stats``, DESIGN 7
  and ``reference/immich-autotag.md`` 6.1): POST /albums 76 ms, GET /server/statistics 960 ms, PUT /assets/{id}
  190.5 ms, album add 281.5 ms, users/me 10 ms. Per-item terms are the loopback ones below, so a 1-id write still
  costs the reference mean. GET /duplicates: 35.54 s for the 161,317 assets of its 51,399 groups, i.e. 10 ms +
  0.2203 ms per asset listed. Estimates where the reference has no figure: GET /users as users/me (10 ms),
  DELETE /tags/{id} as POST /tags (5 ms), DELETE /albums/{id} and PUT /albums/{id}/users as POST /albums (76 ms).
- ``immich-3.1-loopback``: fitted to ``immich-api/latency.json`` (real Immich 3.1.0 on loopback, concurrency 1).
  Tag writes: 14.3 ms + 6.23 ms per newly tagged asset (fit over 1, 100 and 1000 ids, relative error);
  search: 17.2 ms + 0.0273 ms per item (fit over size 250 and 1000). How requests in flight share the server
  is ``harness.replay.concurrency``'s measured curves. Endpoints that file does not measure are honest estimates
  from the nearest measured one: album writes (create, bulk add, delete, share) and asset updates as a tag write (a row
  write that queues a sidecar job), per member or asset as its per-asset term; GET /duplicates as a search (one
  aggregating query, per asset listed as a search item with EXIF, times the 2.x/3.x size ratio below);
  GET /server/statistics as GET /albums (the measured aggregate over the library, 9.9 ms); GET /users as
  users/me; DELETE /tags/{id} as POST /tags.

Album reads and the served version (``GET /albums/{id}``): a 3.x answer holds the album alone and counts one unit;
a 2.x answer embeds every member and counts one unit per member. The cost is ``base + per_item * units`` with
``base + per_item`` equal to the profile's former flat figure, so every 3.1 figure is what it was:

- seed: per member 0.1215 ms, from the reference's two facts about 2.x album reads (its mean, 241.4 ms over 3,377
  reads embedding 288,686 members, i.e. 85.5 each; its 101,000-member album, 12.5 s): (12,500 - 241.4) /
  (101,000 - 85.5). With 3.1's unit kept at 241.4 ms, a 2.x read of the reference's mean size models 251.7 ms,
  4 % above its measured mean: the price of leaving the 3.1 figures untouched.
- loopback: per member the search's per-item cost (0.0273 ms per 3.1 item with EXIF) times the size of a 2.x
  embedded member over a 3.1 search item (1,366.7 / 1,287.3 bytes on the shipped cassette: ``V2_ITEM_SIZE``),
  0.029 ms; base 5.0 ms minus that (the recorded 3.1 album read).

A cassette recorded from one major and served as the other never uses its recorded album-read durations
(``reshaped``): the embedded members change what the answer costs.

Whatever a run uses is described in its RunResult (``latency_source``): which profile, whether recorded durations
were used and how many, what fell back to what, and a warning when a cassette without durations is replayed with a
profile of another server.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import LatencyError
from harness.library.recorded_timings import Recorded
from harness.library.snapshot import Library
from harness.library.workload import WorkloadSpec
from harness.replay.latency import EndpointCost, LatencyModel, LatencyProfile, fit, fitted_profile
from harness.replay.versions import reshaped, served_version

RECORDING_SURPLUS_MS = round((13.901355 - 9.774) / 3012 * 1000, 3)  # 1.370: see the module docstring
MIN_MS = 0.1  # no request takes less, however much is taken off


def corrected(ms: float) -> float:
    """A recorded or loopback-measured figure as a lean client waits for it."""
    return round(max(ms - RECORDING_SURPLUS_MS, MIN_MS), 4)


V2_ITEM_SIZE = 1366.7 / 1287.3  # mean bytes: a 2.x embedded album member / a 3.1 search item with EXIF (3k cassette)
SEED_ALBUM_MEMBER_MS = round((12_500 - 241.4) / (101_000 - 288_686 / 3_377), 4)  # reference: 2.x album reads
SEED_DUPLICATE_ASSET_MS = round((35_540 - 10) / 161_317, 5)  # reference: GET /duplicates, 161,317 assets listed


def per_member(flat_ms: float, member_ms: float) -> EndpointCost:
    """An album read whose one 3.x unit costs ``flat_ms`` and whose 2.x answer adds ``member_ms`` per member."""
    return EndpointCost(round(flat_ms - member_ms, 6), member_ms)


def loopback_profile() -> LatencyProfile:
    """Fit the shipped real measurements (``harness/data/immich-3.1.0-latency.json``) at concurrency 1, each
    ``corrected`` to what a lean client waits."""
    raw = json.loads(resources.files("harness.data").joinpath("immich-3.1.0-latency.json").read_text())
    cases = raw["cases"]

    def mean(case: str) -> float:
        return corrected(float(cases[case]["1"]["mean_ms"]))

    search = fit(
        [
            (250, mean("POST /search/metadata size=250 withExif")),
            (1000, mean("POST /search/metadata size=1000 withExif")),
        ]
    )
    new_rows = fit([(n, mean(f"PUT /tags/assets ids={n} (new rows)")) for n in (1, 100, 1000)], relative=True)
    writes = EndpointCost(new_rows.base_ms, new_rows.per_item_ms, mean("PUT /tags/assets ids=1000 (repeat, count 0)"))
    member = round(search.per_item_ms * V2_ITEM_SIZE, 6)
    costs = {
        "GET /assets/{id}": EndpointCost(mean("GET /assets/{id}")),
        "POST /search/metadata": search,
        "POST /search/statistics": EndpointCost(search.base_ms),
        "GET /albums": EndpointCost(mean("GET /albums")),
        # Not in latency.json; from the crawl cassette's recorded timings (README of shared/cassettes).
        "GET /albums/{id}": per_member(corrected(5.0), member),
        "GET /tags": EndpointCost(corrected(4.9)),
        "GET /tags/{id}": EndpointCost(corrected(4.0)),
        "PUT /tags": EndpointCost(corrected(10.0)),
        "POST /tags": EndpointCost(corrected(10.0)),
        "GET /server/version": EndpointCost(corrected(3.3)),
        "GET /server/ping": EndpointCost(corrected(3.3)),
        "GET /server/about": EndpointCost(corrected(5.0)),
        "GET /users/me": EndpointCost(corrected(5.2)),
        "PUT /albums/{id}/assets": writes,
        "DELETE /albums/{id}/assets": writes,
        **_tag_writes(writes),
        # Estimates from the nearest measured endpoint (module docstring).
        "GET /users": EndpointCost(corrected(5.2)),
        "GET /server/statistics": EndpointCost(mean("GET /albums")),
        "GET /duplicates": EndpointCost(search.base_ms, member),
        "DELETE /tags/{id}": EndpointCost(corrected(10.0)),
        "POST /albums": writes,
        "PUT /albums/assets": writes,
        "DELETE /albums/{id}": EndpointCost(writes.base_ms),
        "PUT /albums/{id}/users": EndpointCost(writes.base_ms),
        "PUT /assets/{id}": EndpointCost(writes.ms(1)),
        "PUT /assets": writes,
    }
    return LatencyProfile(
        "immich-3.1-loopback",
        costs,
        "real Immich 3.1.0 on loopback, concurrency 1 (shared/immich-api/latency.json), as a lean client waits",
    )


def seed_profile() -> LatencyProfile:
    """The reference run's per-endpoint means (DESIGN section 7), per-item shape from the loopback fit."""
    loop = loopback_profile()
    search_loop = loop.costs["POST /search/metadata"]
    scale = 66.9 / search_loop.ms(250)
    write_item = loop.costs["PUT /tags/assets"].per_item_ms  # the seed writes keep no zero_ms: no reference figure
    costs = {
        "GET /assets/{id}": EndpointCost(36.8),
        "POST /search/metadata": EndpointCost(search_loop.base_ms * scale, search_loop.per_item_ms * scale),
        "POST /search/statistics": EndpointCost(search_loop.base_ms * scale),
        "GET /albums/{id}": per_member(241.4, SEED_ALBUM_MEMBER_MS),
        "GET /albums": EndpointCost(3790.0),
        "GET /tags": EndpointCost(83.0),
        "GET /tags/{id}": EndpointCost(10.0),
        "PUT /tags": EndpointCost(83.0),
        "POST /tags": EndpointCost(5.0),
        "GET /server/version": EndpointCost(10.0),
        "GET /server/ping": EndpointCost(10.0),
        "GET /server/about": EndpointCost(10.0),
        "GET /users/me": EndpointCost(10.0),
        "PUT /tags/{id}/assets": EndpointCost(149.5 - write_item, write_item),
        "PUT /tags/assets": EndpointCost(149.5 - write_item, write_item),
        "DELETE /tags/{id}/assets": EndpointCost(200.5 - write_item, write_item),
        "PUT /albums/{id}/assets": EndpointCost(281.5 - write_item, write_item),
        "DELETE /albums/{id}/assets": EndpointCost(281.5 - write_item, write_item),
        "PUT /assets/{id}": EndpointCost(190.5),
        "PUT /assets": EndpointCost(190.5 - write_item, write_item),
        "PUT /albums/assets": EndpointCost(281.5 - write_item, write_item),
        "POST /albums": EndpointCost(76.0, write_item),
        "GET /server/statistics": EndpointCost(960.0),
        "GET /duplicates": EndpointCost(10.0, SEED_DUPLICATE_ASSET_MS),
        # Estimates: the reference has no figure for these (module docstring).
        "GET /users": EndpointCost(10.0),
        "DELETE /tags/{id}": EndpointCost(5.0),
        "DELETE /albums/{id}": EndpointCost(76.0),
        "PUT /albums/{id}/users": EndpointCost(76.0),
    }
    return LatencyProfile(
        "seed-2026-01",
        costs,
        "reference run, 26,562 assets, Jenkins, Jan 2026 (seed-profiles/jenkins-26562-assets.stats)",
    )


PROFILES = {"seed-2026-01": seed_profile, "immich-3.1-loopback": loopback_profile}


def load_profile(name_or_path: str) -> LatencyProfile:
    """A shipped profile by name, or a profile JSON file (as ``bench calibrate`` writes)."""
    if name_or_path in PROFILES:
        return PROFILES[name_or_path]()
    path = Path(name_or_path)
    if not path.is_file():
        raise LatencyError(
            f"unknown latency profile {name_or_path!r}: not a file, and not one of {', '.join(PROFILES)}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LatencyError(f"{path}: not a JSON latency profile ({exc})") from None
    return LatencyProfile.from_json(data, str(path))


def _tag_writes(cost: EndpointCost) -> dict[str, EndpointCost]:
    return {"PUT /tags/{id}/assets": cost, "DELETE /tags/{id}/assets": cost, "PUT /tags/assets": cost}


def model_for(
    latency: str | None, recorded: Recorded, reshaped: Iterable[str] = (), synthetic: bool = True
) -> LatencyModel:
    """The latency model of a run: ``--latency`` when given; otherwise the cassette's recorded durations, less
    ``RECORDING_SURPLUS_MS`` (but none of the ``reshaped`` endpoints, which the served version answers differently),
    with ``immich-3.1-loopback`` for what it never recorded; otherwise ``seed-2026-01`` for a synthetic library (it
    is shaped like the reference workload) and ``immich-3.1-loopback`` for a cassette that recorded no durations,
    with a warning that its own server's latency is unknown."""
    if latency is not None:
        profile = load_profile(latency)
        return LatencyModel(profile, source={"profile": profile.name, "recorded_requests": 0})
    recorded = recorded.without(frozenset(reshaped))
    if recorded:
        lean = recorded.shifted(-RECORDING_SURPLUS_MS, MIN_MS)
        source: dict[str, Any] = {
            "profile": "recorded",
            "recorded_requests": len(lean.exact),
            "recording_surplus_ms": RECORDING_SURPLUS_MS,
            "fallback": "immich-3.1-loopback",
        }
        return LatencyModel(fitted_profile(lean), lean, fallback=loopback_profile(), source=source)
    if synthetic:
        return LatencyModel(seed_profile(), source={"profile": "seed-2026-01", "recorded_requests": 0})
    warning = (
        "the cassette recorded no durations: every latency is the immich-3.1-loopback profile's (a local Immich "
        "3.1.0), not its own server's; record with `bench record`, give --timings FILE, or --latency PROFILE"
    )
    source = {"profile": "immich-3.1-loopback", "recorded_requests": 0, "warning": warning}
    return LatencyModel(loopback_profile(), source=source)


def workload_model(spec: WorkloadSpec, library: Library, recorded: Recorded) -> LatencyModel:
    """The latency model of ``spec`` served from ``library`` (its version decides which recordings still hold)."""
    served = served_version(spec.immich_version, library.version_string)
    return model_for(spec.latency, recorded, reshaped(library.version_string, served), spec.preset is not None)
