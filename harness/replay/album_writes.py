"""Handlers of the album writes beyond per-album membership: create, delete, bulk add, share.

- ``POST /albums {albumName, description?, assetIds?, albumUsers?}`` -> 201 with the album (2.x embeds its members),
  listed first from then on; asset ids the library lacks are dropped silently (Immich checks access and drops them);
- ``DELETE /albums/{id}`` -> 204, the album and its memberships gone;
- ``PUT /albums/assets {albumIds, assetIds}`` -> ``{success: true}`` when any pair was new, ``{success: false, error:
  "duplicate"}`` when none was, ``"no_permission"`` when no album or no asset is known (CONTRACT section 5);
- ``PUT /albums/{id}/users {albumUsers: [{userId, role?}]}`` -> the album, shared with known users (role ``editor``
  by default); 400 for the owner, a user already added, or a user the library does not know.

New albums get seeded ids and a creation time one second after the newest album's, so the list stays newest first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from harness.endpoints import UUID_V4
from harness.replay.albums import owner_id, with_members
from harness.replay.routes import route
from harness.replay.shapes import album_v2
from harness.replay.state import FIXED_NOW, ReplayState
from harness.replay.tags import uuid_list
from harness.replay.wire import Answer, error, ok, validation

ROLES = ("editor", "viewer")


@route("POST /albums")
def create_album(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """Create an album, optionally with members and users."""
    if not isinstance(body, dict) or not isinstance(body.get("albumName"), str):
        return validation(["albumName"], "Invalid input: expected string")
    description = body.get("description", "")
    if not isinstance(description, str):
        return validation(["description"], "Invalid input: expected string")
    asset_ids = uuid_list(body, "assetIds") if "assetIds" in body else []
    if asset_ids is None:
        return validation(["assetIds"], "Invalid input: expected array of uuids")
    shares = _shares(state, body.get("albumUsers", []), set())
    if isinstance(shares, Answer):
        return shares
    album_id = state.new_id()
    members = [a for a in dict.fromkeys(asset_ids) if a in state.lib.assets]
    stored = _new_album(state, album_id, body["albumName"], description, shares)
    stored["albumThumbnailAssetId"] = members[0] if members else None
    state.lib.albums = {album_id: stored, **state.lib.albums}
    state.lib.album_assets[album_id] = []
    for asset_id in members:
        state.index.set_album(album_id, asset_id, True)
    if shares:
        state.lib.album_shares[album_id] = {entry["user"]["id"]: entry["role"] for entry in shares}
    answer = state.album_body(album_id)
    if state.v2:
        return Answer(201, with_members(state, answer, state.album_members(album_id)), len(members))
    return ok(answer, units=len(members), status=201)


@route("DELETE /albums/{id}")
def delete_album(state: ReplayState, ids: tuple[str, ...], _body: Any) -> Answer:
    album_id = ids[0]
    if album_id not in state.lib.albums:
        return error(400, "Not found or no album.delete access")
    del state.lib.albums[album_id]
    state.lib.album_assets.pop(album_id, None)
    state.lib.album_shares.pop(album_id, None)
    state.index.drop_album(album_id)
    return Answer(204, None)


@route("PUT /albums/assets")
def add_assets_to_albums(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """Every asset into every album; one answer for the whole request."""
    album_ids, asset_ids = uuid_list(body, "albumIds"), uuid_list(body, "assetIds")
    if album_ids is None or asset_ids is None:
        return validation(["albumIds" if album_ids is None else "assetIds"], "Invalid input: expected array of uuids")
    albums = [a for a in dict.fromkeys(album_ids) if a in state.lib.albums]
    assets = [a for a in dict.fromkeys(asset_ids) if a in state.lib.assets]
    if not albums or not assets:
        return ok({"success": False, "error": "no_permission"}, units=0)
    added = sum(state.index.set_album(album, asset, True) for album in albums for asset in assets)
    if not added:
        return ok({"success": False, "error": "duplicate"}, units=0)
    return ok({"success": True}, units=added)


@route("PUT /albums/{id}/users")
def add_users_to_album(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    """Share an album with users the library knows."""
    album_id = ids[0]
    if not isinstance(body, dict) or not isinstance(body.get("albumUsers"), list):
        return validation(["albumUsers"], "Invalid input: expected array")
    album = state.lib.albums.get(album_id)
    if album is None:
        return error(400, "Not found or no album.share access")
    present = {entry["user"]["id"] for entry in album.get("albumUsers") or ()}
    shares = _shares(state, body["albumUsers"], present, owner=owner_id(album))
    if isinstance(shares, Answer):
        return shares
    album["albumUsers"] = [*(album.get("albumUsers") or []), *shares]
    album["shared"] = True
    kept = state.lib.album_shares.setdefault(album_id, {})
    kept.update({entry["user"]["id"]: entry["role"] for entry in shares})
    return ok(state.album_body(album_id))


def _shares(
    state: ReplayState, entries: Any, present: set[str], owner: str | None = None
) -> list[dict[str, Any]] | Answer:
    """``albumUsers`` entries as album user bodies, or Immich's 400 for the first bad one."""
    if not isinstance(entries, list):
        return validation(["albumUsers"], "Invalid input: expected array")
    known = {user["id"]: user for user in state.users()}
    owner = owner or state.shapes.owner.get("id")
    shares: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        user_id = entry.get("userId") if isinstance(entry, dict) else None
        role = entry.get("role", "editor") if isinstance(entry, dict) else None
        if not isinstance(user_id, str) or not UUID_V4.match(user_id):
            return validation(["albumUsers", index, "userId"], "Invalid UUID", "invalid_format")
        if role not in ROLES:
            return validation(["albumUsers", index, "role"], 'Invalid option: expected one of "editor"|"viewer"')
        if user_id == owner:
            return error(400, "Cannot be shared with owner")
        if user_id in present or any(s["user"]["id"] == user_id for s in shares):
            return error(400, "User already added")
        if user_id not in known:
            return error(400, "User not found")
        shares.append({"user": known[user_id], "role": role})
    return shares


def _new_album(
    state: ReplayState, album_id: str, name: str, description: str, shares: list[dict[str, Any]]
) -> dict[str, Any]:
    """A new album's body in the library's own shape."""
    stamp = _next_stamp(state)
    body: dict[str, Any] = {
        "albumName": name,
        "description": description,
        "albumThumbnailAssetId": None,
        "createdAt": stamp,
        "updatedAt": stamp,
        "id": album_id,
        "albumUsers": [{"user": state.shapes.owner, "role": "owner"}, *shares],
        "shared": bool(shares),
        "hasSharedLink": False,
        "assetCount": 0,
        "isActivityEnabled": True,
        "order": "desc",
    }
    return album_v2(body, state.shapes.owner) if state.lib.server_version.get("major") == 2 else body


def _next_stamp(state: ReplayState) -> str:
    """One second after the newest album's creation (at least ``FIXED_NOW``), as Immich writes timestamps."""
    newest = max([FIXED_NOW, *(str(a.get("createdAt", "")) for a in state.lib.albums.values())])
    try:
        when = datetime.fromisoformat(newest) + timedelta(seconds=1)
    except ValueError:
        return FIXED_NOW
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
