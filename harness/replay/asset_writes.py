"""Handlers of the asset updates: ``PUT /assets/{id}`` (UpdateAssetDto, answers the updated asset) and
``PUT /assets`` (AssetBulkUpdateDto, 204).

Served fields and where later reads show them: ``isFavorite``, ``visibility`` (and ``isArchived``), and in
``exifInfo`` ``description``, ``dateTimeOriginal`` (written as PostgreSQL's JSON renders a timestamptz, e.g.
``2020-01-01T10:00:00+00:00``, as ``GET /assets/{id}`` shows it), ``latitude``, ``longitude``, ``rating``; the bulk
update also ``duplicateId`` (which regroups ``GET /duplicates``) and ``timeZone``. The replay does not run Immich's
background metadata job, so a new ``dateTimeOriginal`` does not move ``fileCreatedAt`` or the search order.
``livePhotoVideoId`` and ``dateTimeRelative`` are not served (a clear miss, not a guess); other keys are ignored, as
Immich's validation strips unknown ones. Any unknown asset id -> 400, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from harness.endpoints import UUID_V4
from harness.errors import ReplayMiss
from harness.library.snapshot import field_value
from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.tags import uuid_list
from harness.replay.wire import Answer, error, validation

VISIBILITIES = ("archive", "timeline", "hidden", "locked")
NOT_SERVED = ("livePhotoVideoId", "dateTimeRelative")
Check = Callable[[Any], bool]


def _number(low: float, high: float) -> Check:
    return lambda v: isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _date(value: Any) -> bool:
    return isinstance(value, str) and pg_timestamp(value) is not None


FIELDS: dict[str, tuple[str, Check]] = {
    "isFavorite": ("isFavorite", lambda v: isinstance(v, bool)),
    "visibility": ("visibility", lambda v: v in VISIBILITIES),
    "description": ("exifInfo.description", _string),
    "dateTimeOriginal": ("exifInfo.dateTimeOriginal", _date),
    "latitude": ("exifInfo.latitude", _number(-90, 90)),
    "longitude": ("exifInfo.longitude", _number(-180, 180)),
    "rating": (
        "exifInfo.rating",
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and -1 <= v <= 5),
    ),
}
BULK_FIELDS: dict[str, tuple[str, Check]] = {
    **FIELDS,
    "duplicateId": ("duplicateId", lambda v: v is None or (isinstance(v, str) and bool(UUID_V4.match(v)))),
    "timeZone": ("exifInfo.timeZone", _string),
}


@route("PUT /assets/{id}")
def update_asset(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    """Update one asset; answers it as ``GET /assets/{id}`` then does."""
    changes = _changes(body, FIELDS, "PUT /api/assets/{id}")
    if isinstance(changes, Answer):
        return changes
    if ids[0] not in state.lib.assets:
        return error(400, "Not found or no asset.update access")
    apply(state, ids[0], changes)
    return Answer(200, state.detail(ids[0]))


@route("PUT /assets")
def update_assets(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """Update many assets alike; 204."""
    asset_ids = uuid_list(body, "ids")
    if asset_ids is None:
        return validation(["ids"], "Invalid input: expected array of uuids")
    changes = _changes(body, BULK_FIELDS, "PUT /api/assets")
    if isinstance(changes, Answer):
        return changes
    if any(a not in state.lib.assets for a in asset_ids):
        return error(400, "Not found or no asset.update access")
    unique = list(dict.fromkeys(asset_ids))
    for asset_id in unique:
        apply(state, asset_id, changes)
    return Answer(204, None, len(unique))


def apply(state: ReplayState, asset_id: str, changes: dict[str, Any]) -> None:
    """Write ``changes`` (field path -> value) into the stored asset and refresh what serves it."""
    body = state.lib.assets[asset_id]
    originals = {path: field_value(body, path) for path in changes}
    for path, value in changes.items():
        node = body
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    if "visibility" in changes:
        body["isArchived"] = changes["visibility"] == "archive"
    state.edited(asset_id, originals, visibility_changed="visibility" in changes)


def _changes(body: Any, fields: dict[str, tuple[str, Check]], request: str) -> dict[str, Any] | Answer:
    """The field paths and values a request sets, or Immich's 400 for the first invalid one."""
    if not isinstance(body, dict):
        return validation([], "Invalid input: expected object")
    missed = sorted(k for k in NOT_SERVED if k in body)
    if missed:
        raise ReplayMiss(f"the replay cannot serve {request} with {', '.join(missed)}; it serves {', '.join(fields)}")
    changes: dict[str, Any] = {}
    for key, (path, check) in fields.items():
        if key not in body:
            continue
        if not check(body[key]):
            return validation([key], f"Invalid input for {key}")
        value = body[key]
        changes[path] = pg_timestamp(value) if key == "dateTimeOriginal" else value
    return changes


def pg_timestamp(text: str) -> str | None:
    """An ISO date-time as PostgreSQL's JSON writes a timestamptz (UTC, ``+00:00``); None when not a date-time."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    when = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    fraction = f".{when.microsecond:06d}".rstrip("0") if when.microsecond else ""
    return when.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "+00:00"
