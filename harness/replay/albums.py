"""Handlers of the album reads and the per-album asset writes.

``GET /albums`` lists newest-created first and filters by its query: ``assetId`` in both versions (the other
parameters are then ignored, as on Immich), ``shared`` in 2.x, ``id``/``name``/``isOwned``/``isShared`` in 3.x;
parameters of the other version are ignored, as a server ignores unknown ones. ``GET /albums/{id}`` in 2.x embeds
every current member (search order, no tags; ``units`` = members, for the latency model) unless
``withoutAssets=true``; 3.x never embeds (and ignores ``withoutAssets``). Shared-link access (``key``/``slug``) is
not served.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.endpoints import UUID_V4
from harness.errors import ReplayMiss
from harness.replay.routes import query_route, route
from harness.replay.state import ReplayState
from harness.replay.tags import uuid_list
from harness.replay.wire import Answer, error, invalid_uuid, json_bytes, ok, validation

V2_FILTERS = ("shared",)
V3_FILTERS = ("id", "name", "isOwned", "isShared")
EMPTY_ASSETS = b'"assets":[]'


class QueryError(ValueError):
    """A query parameter Immich would refuse; ``answer`` is its 400."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(str(answer.body))
        self.answer = answer


@query_route("GET /albums")
def list_albums(state: ReplayState, _ids: tuple[str, ...], _body: Any, query: Mapping[str, str]) -> Answer:
    try:
        album_ids = _listed(state, query) if query else list(state.lib.albums)
    except QueryError as exc:
        return exc.answer
    albums = [state.album_body(a) for a in album_ids]
    return ok(albums, units=len(albums))


@query_route("GET /albums/{id}")
def get_album(state: ReplayState, ids: tuple[str, ...], _body: Any, query: Mapping[str, str]) -> Answer:
    _no_shared_links(query, "GET /api/albums/{id}")
    album_id = ids[0]
    if album_id not in state.lib.albums:
        return error(400, "Not found or no album.read access")
    body = state.album_body(album_id)
    if not state.v2:
        return ok(body)
    try:
        without = _flag(query, "withoutAssets")
    except QueryError as exc:
        return exc.answer
    if without:
        return ok(body, units=0)
    members = state.album_members(album_id)
    return ok(with_members(state, body, members), units=len(members))


def with_members(state: ReplayState, body: dict[str, Any], members: list[str]) -> bytes:
    """A 2.x album body with its members embedded (pre-serialised search items with exif)."""
    head, _sep, tail = json_bytes({**body, "assets": []}).partition(EMPTY_ASSETS)  # the key kept in its place
    items = b",".join([state.index.item(a, with_exif=True) for a in members])
    return head + b'"assets":[' + items + b"]" + tail


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


def owner_id(album: dict[str, Any]) -> str | None:
    """The album owner's id, from either version's shape."""
    if album.get("ownerId"):
        return str(album["ownerId"])
    owner = next((u for u in album.get("albumUsers") or () if u.get("role") == "owner"), None)
    return str(owner["user"]["id"]) if owner else None


def _listed(state: ReplayState, query: Mapping[str, str]) -> list[str]:
    """The ids of the albums ``GET /albums?query`` lists, in list order."""
    _no_shared_links(query, "GET /api/albums")
    albums = state.lib.albums
    asset_id = query.get("assetId")
    if asset_id is not None:
        if not UUID_V4.match(asset_id):
            raise QueryError(Answer(400, invalid_uuid("assetId")))
        return [a for a in albums if asset_id in state.index.album_sets.get(a, ())]
    listed = list(albums)
    for name in V2_FILTERS if state.v2 else V3_FILTERS:
        if name not in query:
            continue
        value = query[name]
        if name == "id":
            if not UUID_V4.match(value):
                raise QueryError(Answer(400, invalid_uuid("id")))
            listed = [a for a in listed if a == value]
        elif name == "name":
            listed = [a for a in listed if albums[a].get("albumName") == value]
        elif name == "isOwned":
            owned = _flag(query, name)
            me = state.shapes.owner.get("id")
            listed = [a for a in listed if (owner_id(albums[a]) == me) == owned]
        else:  # shared (2.x), isShared (3.x)
            shared = _flag(query, name)
            listed = [a for a in listed if bool(albums[a].get("shared")) == shared]
    return listed


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    """A boolean query parameter (None when absent); 400 as Immich for anything but true/false."""
    value = query.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise QueryError(validation([name], "Invalid input: expected boolean, received string"))
    return value == "true"


def _no_shared_links(query: Mapping[str, str], request: str) -> None:
    shared = sorted(k for k in ("key", "slug") if k in query)
    if shared:
        raise ReplayMiss(f"the replay cannot serve {request} with {', '.join(shared)}: it serves no shared links")
