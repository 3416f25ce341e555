"""Handlers of the tag endpoints: list, upsert, create, read, delete, and the per-tag and bulk asset writes.

Write answers follow CONTRACT section 5 of a real 3.1.0: per-id results (``duplicate`` for a repeated add,
``no_permission`` for an unknown asset on add, ``not_found`` for a removal that removes nothing), ``{count}`` of
newly added pairs for the bulk write (unknown ids dropped silently). ``DELETE /tags/{id}`` answers 204 and, as
Immich's ``parentId`` foreign key cascades, deletes the tag's descendants too, with every pair of all of them.
"""

from __future__ import annotations

from typing import Any

from harness.endpoints import UUID_V4
from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, error, ok, validation


def uuid_list(body: Any, key: str) -> list[str] | None:
    """``body[key]`` when it is a list of UUID v4 strings, else None."""
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        return None
    ids = body[key]
    return ids if all(isinstance(i, str) and UUID_V4.match(i) for i in ids) else None


@route("GET /tags")
def list_tags(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    tags = sorted(state.lib.tags.values(), key=lambda t: t["value"])
    return ok(tags, units=len(tags))


@route("GET /tags/{id}")
def get_tag(state: ReplayState, ids: tuple[str, ...], _body: Any) -> Answer:
    tag = state.lib.tags.get(ids[0])
    if tag is None:
        return error(400, "Not found or no tag.read access")
    return ok(tag)


@route("DELETE /tags/{id}")
def delete_tag(state: ReplayState, ids: tuple[str, ...], _body: Any) -> Answer:
    """Delete a tag and its descendants, and untag their assets."""
    tag_id = ids[0]
    if tag_id not in state.lib.tags:
        return error(400, "Not found or no tag.delete access")
    doomed = [tag_id]
    for current in doomed:  # grows while walked: breadth-first over the children
        doomed.extend(t for t, tag in state.lib.tags.items() if tag.get("parentId") == current)
    for doomed_id in doomed:
        for asset_id in sorted(state.index.tag_assets.get(doomed_id, ())):
            state.set_tag(asset_id, doomed_id, False)
        state.lib.deleted_tags[doomed_id] = state.lib.tags.pop(doomed_id)["value"]
        state.lib.embedded_tags.pop(doomed_id, None)
        state.index.drop_tag(doomed_id)
    return Answer(204, None)


@route("PUT /tags")
def upsert_tags(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """Create every missing tag of the given paths (parents included); answer the leaves."""
    if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
        return validation(["tags"], "Invalid input: expected array")
    by_value = state.tag_by_value()
    answer = []
    for value in body["tags"]:
        if not isinstance(value, str) or not value.strip("/"):
            return validation(["tags"], "Invalid input: expected string")
        parent_id: str | None = None
        parts = value.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            tag = by_value.get(path) or state.make_tag(path, parent_id)
            by_value[path] = tag
            parent_id = tag["id"]
        answer.append(by_value["/".join(parts)])
    return ok(answer, units=len(answer))


@route("POST /tags")
def create_tag(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """Create one tag; 400 when it exists."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return validation(["name"], "Invalid input: expected string")
    parent_id = body.get("parentId")
    parent = state.lib.tags.get(parent_id) if parent_id else None
    if parent_id and parent is None:
        return error(400, "Tag not found")
    value = f"{parent['value']}/{body['name']}" if parent else body["name"]
    if value in state.tag_by_value():
        return error(400, "A tag with that name already exists")
    return ok(state.make_tag(value, parent_id), status=201)


@route("PUT /tags/{id}/assets")
def tag_assets(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    return _tag_write(state, ids[0], body, add=True)


@route("DELETE /tags/{id}/assets")
def untag_assets(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer:
    return _tag_write(state, ids[0], body, add=False)


def _tag_write(state: ReplayState, tag_id: str, body: Any, add: bool) -> Answer:
    ids = uuid_list(body, "ids")
    if ids is None:
        return validation(["ids"], "Invalid input: expected array of uuids")
    if tag_id not in state.lib.tags:
        return error(400, "Not found or no tag.asset access")
    results: list[dict[str, Any]] = []
    changed = 0
    for asset_id in ids:
        if add and asset_id not in state.lib.assets:
            results.append({"id": asset_id, "success": False, "error": "no_permission"})
        elif state.set_tag(asset_id, tag_id, add):
            results.append({"id": asset_id, "success": True})
            changed += 1
        else:
            results.append({"id": asset_id, "success": False, "error": "duplicate" if add else "not_found"})
    return ok(results, units=changed)


@route("PUT /tags/assets")
def bulk_tag_assets(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    tag_ids, asset_ids = uuid_list(body, "tagIds"), uuid_list(body, "assetIds")
    if tag_ids is None or asset_ids is None:
        field = "tagIds" if tag_ids is None else "assetIds"
        return validation([field], "Invalid input: expected array of uuids")
    count = sum(
        state.set_tag(asset_id, tag_id, True)
        for tag_id in tag_ids
        if tag_id in state.lib.tags
        for asset_id in asset_ids
    )
    return ok({"count": count}, units=count)
