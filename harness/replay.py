"""The replay server model: answers Immich 3.1 requests from a ``Library`` snapshot, statefully.

It is transport-agnostic: ``handle()`` takes a method, a path relative to ``/api``, headers and a JSON body and
returns a ``Reply``. ``harness.transport`` puts it behind httpx, ``harness.serve`` behind real HTTP.

Semantics (verified on a real 3.1.0, see DESIGN section 6): search pages ordered by ``fileCreatedAt`` then ``id``,
descending by default; ``size`` 1..1000 (else 400 "Validation failed"); ``nextPage`` a string or null; ``total`` and
``count`` are the page length; no ``tags`` in search items; ``exifInfo`` only with ``withExif``; ``albumIds`` and
``tagIds`` AND, ``tagIds`` hierarchical, ``tagIds: null`` the untagged assets; locked assets never listed; direct tags
on ``GET /assets/{id}``; the per-id and bulk write answers of CONTRACT section 5; 400 for malformed and unknown ids;
401 without ``x-api-key``. A request outside this raises ``ReplayMiss`` rather than being answered with a guess.

Every lookup is indexed (dicts and cached sorted id lists keyed by a state version), so a request costs what its
response holds, not what the library holds.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from harness.errors import ReplayMiss
from harness.library import Library
from harness.routes import ROUTES, UUID_V4, match
from harness.search_index import FilterError, SearchIndex, invalid_uuid
from harness.wire_json import json_bytes

NO_AUTH = frozenset({"GET /server/version", "GET /server/ping"})
SEARCH_KEYS = frozenset(
    {
        "page",
        "size",
        "order",
        "withExif",
        "withPeople",
        "withStacked",
        "withDeleted",
        "albumIds",
        "tagIds",
        "isNotInAlbum",
        "visibility",
        "id",
    }
)
FIXED_NOW = "2026-01-01T00:00:00.000Z"


class Reply(NamedTuple):
    """One answer: status, JSON body (or its bytes), the endpoint template, and the units its latency scales with.
    A named tuple: built for every request, and a tuple is cheaper to build than a frozen dataclass."""

    status: int
    body: Any
    endpoint: str
    units: int = 1

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json_bytes(self.body)


def _validation(path: list[str | int], message: str, code: str = "invalid_type") -> dict[str, Any]:
    return {"message": "Validation failed", "errors": [{"code": code, "path": path, "message": message}]}


class ReplayServer:
    def __init__(self, library: Library, api_key: str | None = None, seed: int = 0) -> None:
        self.lib = library
        self.api_key = api_key
        self._rng = random.Random(seed)
        self.index = SearchIndex(library)
        self._detail_bytes: dict[str, bytes] = {}
        self._handlers: dict[str, Callable[[str | None, Any], Reply]] = {
            "GET /server/version": lambda _i, _b: self._ok("GET /server/version", self.lib.server_version),
            "GET /server/ping": lambda _i, _b: self._ok("GET /server/ping", {"res": "pong"}),
            "GET /server/about": lambda _i, _b: self._ok("GET /server/about", self.lib.server_about),
            "GET /users/me": lambda _i, _b: self._ok("GET /users/me", self.lib.user),
            "GET /tags": self._list_tags,
            "PUT /tags": self._upsert_tags,
            "POST /tags": self._create_tag,
            "GET /tags/{id}": self._get_tag,
            "PUT /tags/assets": self._bulk_tag,
            "PUT /tags/{id}/assets": self._tag_assets_put,
            "DELETE /tags/{id}/assets": self._tag_assets_delete,
            "GET /albums": self._list_albums,
            "GET /albums/{id}": self._get_album,
            "PUT /albums/{id}/assets": self._album_assets_put,
            "DELETE /albums/{id}/assets": self._album_assets_delete,
            "POST /search/metadata": self._search,
            "POST /search/statistics": self._statistics,
            "GET /assets/{id}": self._get_asset,
        }

    def warm(self) -> None:
        """Serialise every asset's detail and search item now, so that a measured run finds them cached: what the
        run then allocates and spends is the tagger's (and each response's), not the replay filling its caches."""
        for asset_id in self.lib.assets:
            self._detail(asset_id)
            self.index.item(asset_id, with_exif=False)

    # -- entry point -------------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        found = match(method, path)
        if found is None:
            raise ReplayMiss(self._miss_message(method, path))
        route, path_id = found
        endpoint = route.endpoint
        if endpoint not in NO_AUTH:
            key = headers.get("x-api-key")
            if not key:
                return Reply(401, {"message": "Authentication required"}, endpoint)
            if self.api_key is not None and key != self.api_key:
                return Reply(401, {"message": "Invalid API key"}, endpoint)
        if path_id is not None and not UUID_V4.match(path_id):
            return Reply(400, invalid_uuid("id"), endpoint)
        payload: Any = None
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                return Reply(400, {"message": "Unexpected token in JSON body"}, endpoint)
        return self._handlers[endpoint](path_id, payload)

    def _miss_message(self, method: str, path: str) -> str:
        same_method = [r.endpoint for r in ROUTES if r.method == method]
        served = ", ".join(same_method) or ", ".join(r.endpoint for r in ROUTES)
        return f"the replay cannot serve {method} /api{path}: no such endpoint in the snapshot; it serves {served}"

    # -- helpers -----------------------------------------------------------------------------------------------

    @staticmethod
    def _ok(endpoint: str, body: Any, units: int = 1, status: int = 200) -> Reply:
        return Reply(status, body, endpoint, units)

    def _new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _touch(self, asset_id: str) -> None:
        """An asset's tags changed: refresh its detail body."""
        self._detail_bytes.pop(asset_id, None)
        asset = self.lib.assets[asset_id]
        asset["tags"] = [self._embedded_tag(t) for t in self.lib.asset_tags.get(asset_id, [])]

    def _embedded_tag(self, tag_id: str) -> dict[str, Any]:
        return self.lib.embedded_tags.get(tag_id) or self.lib.tags[tag_id]

    # -- tags --------------------------------------------------------------------------------------------------

    def _list_tags(self, _id: str | None, _body: Any) -> Reply:
        tags = sorted(self.lib.tags.values(), key=lambda t: t["value"])
        return self._ok("GET /tags", tags, units=len(tags))

    def _get_tag(self, tag_id: str | None, _body: Any) -> Reply:
        tag = self.lib.tags.get(tag_id or "")
        if tag is None:
            return Reply(400, {"message": "Not found or no tag.read access"}, "GET /tags/{id}")
        return self._ok("GET /tags/{id}", tag)

    def _tag_by_value(self) -> dict[str, dict[str, Any]]:
        return {tag["value"]: tag for tag in self.lib.tags.values()}

    def _make_tag(self, value: str, parent_id: str | None) -> dict[str, Any]:
        tag: dict[str, Any] = {"id": self._new_id()}
        if parent_id:
            tag["parentId"] = parent_id
        tag.update(name=value.rsplit("/", 1)[-1], value=value, createdAt=FIXED_NOW, updatedAt=FIXED_NOW)
        self.lib.tags[tag["id"]] = tag
        self.index.new_tag(tag["id"])
        return tag

    def _upsert_tags(self, _id: str | None, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
            return Reply(400, _validation(["tags"], "Invalid input: expected array"), "PUT /tags")
        by_value = self._tag_by_value()
        answer = []
        for value in body["tags"]:
            if not isinstance(value, str) or not value.strip("/"):
                return Reply(400, _validation(["tags"], "Invalid input: expected string"), "PUT /tags")
            parent_id: str | None = None
            parts = value.strip("/").split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                tag = by_value.get(path) or self._make_tag(path, parent_id)
                by_value[path] = tag
                parent_id = tag["id"]
            answer.append(by_value["/".join(parts)])
        return self._ok("PUT /tags", answer, units=len(answer))

    def _create_tag(self, _id: str | None, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return Reply(400, _validation(["name"], "Invalid input: expected string"), "POST /tags")
        parent_id = body.get("parentId")
        parent = self.lib.tags.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            return Reply(400, {"message": "Tag not found"}, "POST /tags")
        value = f"{parent['value']}/{body['name']}" if parent else body["name"]
        if value in self._tag_by_value():
            return Reply(400, {"message": "A tag with that name already exists"}, "POST /tags")
        return self._ok("POST /tags", self._make_tag(value, parent_id), status=201)

    def _ids(self, body: Any, key: str) -> list[str] | None:
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            return None
        ids = body[key]
        return ids if all(isinstance(i, str) and UUID_V4.match(i) for i in ids) else None

    def _tag_assets_put(self, tag_id: str | None, body: Any) -> Reply:
        return self._tag_write("PUT /tags/{id}/assets", tag_id or "", body, add=True)

    def _tag_assets_delete(self, tag_id: str | None, body: Any) -> Reply:
        return self._tag_write("DELETE /tags/{id}/assets", tag_id or "", body, add=False)

    def _tag_write(self, endpoint: str, tag_id: str, body: Any, add: bool) -> Reply:
        ids = self._ids(body, "ids")
        if ids is None:
            return Reply(400, _validation(["ids"], "Invalid input: expected array of uuids"), endpoint)
        if tag_id not in self.lib.tags:
            return Reply(400, {"message": "Not found or no tag.asset access"}, endpoint)
        results: list[dict[str, Any]] = []
        changed = 0
        for asset_id in ids:
            if add and asset_id not in self.lib.assets:
                results.append({"id": asset_id, "success": False, "error": "no_permission"})
            elif self._set_tag(asset_id, tag_id, add):
                results.append({"id": asset_id, "success": True})
                changed += 1
            else:
                results.append({"id": asset_id, "success": False, "error": "duplicate" if add else "not_found"})
        return self._ok(endpoint, results, units=changed)

    def _set_tag(self, asset_id: str, tag_id: str, add: bool) -> bool:
        """Add or remove one pair; True when the state changed."""
        changed = self.index.set_tag(asset_id, tag_id, add)
        if changed:
            self._touch(asset_id)
        return changed

    def _bulk_tag(self, _id: str | None, body: Any) -> Reply:
        tag_ids, asset_ids = self._ids(body, "tagIds"), self._ids(body, "assetIds")
        if tag_ids is None or asset_ids is None:
            field = "tagIds" if tag_ids is None else "assetIds"
            return Reply(400, _validation([field], "Invalid input: expected array of uuids"), "PUT /tags/assets")
        count = sum(
            self._set_tag(asset_id, tag_id, True)
            for tag_id in tag_ids
            if tag_id in self.lib.tags
            for asset_id in asset_ids
        )
        return self._ok("PUT /tags/assets", {"count": count}, units=count)

    # -- albums ------------------------------------------------------------------------------------------------

    def _album_body(self, album_id: str) -> dict[str, Any]:
        album = self.lib.albums[album_id]
        count = len(self.lib.album_assets.get(album_id, ()))
        return album if album.get("assetCount") == count else {**album, "assetCount": count}

    def _list_albums(self, _id: str | None, _body: Any) -> Reply:
        albums = [self._album_body(a) for a in self.lib.albums]
        return self._ok("GET /albums", albums, units=len(albums))

    def _get_album(self, album_id: str | None, _body: Any) -> Reply:
        if album_id not in self.lib.albums:
            return Reply(400, {"message": "Not found or no album.read access"}, "GET /albums/{id}")
        return self._ok("GET /albums/{id}", self._album_body(album_id))

    def _album_assets_put(self, album_id: str | None, body: Any) -> Reply:
        return self._album_write("PUT /albums/{id}/assets", album_id or "", body, add=True)

    def _album_assets_delete(self, album_id: str | None, body: Any) -> Reply:
        return self._album_write("DELETE /albums/{id}/assets", album_id or "", body, add=False)

    def _album_write(self, endpoint: str, album_id: str, body: Any, add: bool) -> Reply:
        ids = self._ids(body, "ids")
        if ids is None:
            return Reply(400, _validation(["ids"], "Invalid input: expected array of uuids"), endpoint)
        if album_id not in self.lib.albums:
            return Reply(400, {"message": "Album not found"}, endpoint)
        results: list[dict[str, Any]] = []
        for asset_id in ids:
            if asset_id not in self.lib.assets:
                results.append({"id": asset_id, "success": False, "error": "no_permission"})
            elif self.index.set_album(album_id, asset_id, add):
                results.append({"id": asset_id, "success": True})
            else:
                results.append({"id": asset_id, "success": False, "error": "duplicate" if add else "not_found"})
        return self._ok(endpoint, results, units=sum(r["success"] for r in results))

    # -- assets and search -------------------------------------------------------------------------------------

    def _detail(self, asset_id: str) -> bytes | None:
        cached = self._detail_bytes.get(asset_id)
        if cached is None:
            asset = self.lib.assets.get(asset_id)
            if asset is None:
                return None
            cached = json_bytes(asset)
            self._detail_bytes[asset_id] = cached
        return cached

    def _get_asset(self, asset_id: str | None, _body: Any) -> Reply:
        detail = self._detail(asset_id or "")
        if detail is None:
            return Reply(400, {"message": "Not found or no asset.read access"}, "GET /assets/{id}")
        return Reply(200, detail, "GET /assets/{id}")

    def _search(self, _id: str | None, body: Any) -> Reply:
        endpoint = "POST /search/metadata"
        body = body if body is not None else {}
        if not isinstance(body, dict):
            return Reply(400, _validation([], "Invalid input: expected object"), endpoint)
        unknown = sorted(set(body) - SEARCH_KEYS)
        if unknown:
            raise ReplayMiss(
                f"the replay cannot serve POST /api/search/metadata with {', '.join(unknown)}: the snapshot holds "
                f"no data for these filters; it serves {', '.join(sorted(SEARCH_KEYS))}"
            )
        size, page = body.get("size", 250), body.get("page", 1)
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 1000:
            too = "too_big" if isinstance(size, int) and size > 1000 else "too_small"
            return Reply(400, _validation(["size"], "Too big: expected number to be <=1000", too), endpoint)
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            return Reply(400, _validation(["page"], "Too small: expected number to be >=1", "too_small"), endpoint)
        order = body.get("order", "desc")
        if order not in ("asc", "desc"):
            return Reply(400, _validation(["order"], 'Invalid option: expected one of "asc"|"desc"'), endpoint)
        try:
            matched = self.index.matching(body)
        except FilterError as exc:
            return Reply(400, exc.payload, endpoint)
        if order == "asc":
            matched = matched[::-1]
        start = (page - 1) * size
        chunk = matched[start : start + size]
        with_exif = bool(body.get("withExif"))
        items = b",".join([self.index.item(a, with_exif) for a in chunk])
        next_page = json.dumps(str(page + 1) if start + size < len(matched) else None).encode()
        n = str(len(chunk)).encode()
        content = (
            b'{"albums":{"total":0,"count":0,"items":[],"facets":[]},"assets":{"total":'
            + n
            + b',"count":'
            + n
            + b',"items":['
            + items
            + b'],"facets":[],"nextPage":'
            + next_page
            + b"}}"
        )
        return self._ok(endpoint, content, units=len(chunk))

    def _statistics(self, _id: str | None, body: Any) -> Reply:
        body = dict(body or {})
        unknown = sorted(set(body) - SEARCH_KEYS)
        if unknown:
            raise ReplayMiss(f"the replay cannot serve POST /api/search/statistics with {', '.join(unknown)}")
        try:
            return self._ok("POST /search/statistics", {"total": len(self.index.matching(body))})
        except FilterError as exc:
            return Reply(400, exc.payload, "POST /search/statistics")
