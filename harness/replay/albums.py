"""Handlers of the album endpoints: list, read, and the per-album asset writes (3.x: albums never embed assets)."""

from __future__ import annotations

from typing import Any

from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.tags import uuid_list
from harness.replay.wire import Answer, error, ok, validation


@route("GET /albums")
def list_albums(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    albums = [state.album_body(a) for a in state.lib.albums]
    return ok(albums, units=len(albums))


@route("GET /albums/{id}")
def get_album(state: ReplayState, ids: tuple[str, ...], _body: Any) -> Answer:
    if ids[0] not in state.lib.albums:
        return error(400, "Not found or no album.read access")
    return ok(state.album_body(ids[0]))


@route("PUT /albums/{id}/assets")
def add_album_assets(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    return _album_write(state, ids[0], body, add=True)


@route("DELETE /albums/{id}/assets")
def remove_album_assets(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    return _album_write(state, ids[0], body, add=False)


def _album_write(state: ReplayState, album_id: str, body: Any, add: bool) -> Answer:
    ids = uuid_list(body, "ids")
    if ids is None:
        return validation(["ids"], "Invalid input: expected array of uuids")
    if album_id not in state.lib.albums:
        return error(400, "Album not found")
    results: list[dict[str, Any]] = []
    for asset_id in ids:
        if asset_id not in state.lib.assets:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        elif state.index.set_album(album_id, asset_id, add):
            results.append({"id": asset_id, "success": True})
        else:
            results.append({"id": asset_id, "success": False, "error": "duplicate" if add else "not_found"})
    return ok(results, units=sum(r["success"] for r in results))
