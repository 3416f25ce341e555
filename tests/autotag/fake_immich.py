"""A small in-memory Immich 3.1 for the tagger's unit tests, answering through ``httpx.MockTransport``.

Its DTOs are the real sample responses (shared/immich-api/samples) with ids and tags swapped in, so the client
parses exactly what a real 3.1.0 server sends.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from typing import Any

import httpx

from autotag.session import Session
from tests.conftest import sample

ASSET = sample("asset-get-with-tags")["body"]
ALBUM = sample("album-get")["body"]
TAG = sample("tags-list")["body"][0]
VERSION = sample("server-version")["body"]


def uid(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


class FakeImmich:
    def __init__(self) -> None:
        self.tags: dict[str, dict[str, Any]] = {}
        self.albums: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self.assets: dict[str, dict[str, Any]] = {}
        self.asset_tags: dict[str, list[str]] = {}
        self.calls: Counter[str] = Counter()
        self.bodies: list[tuple[str, Any]] = []
        self.version = dict(VERSION)
        self.status_override: tuple[int, dict[str, Any]] | None = None
        self._n = 1000

    def new_id(self) -> str:
        self._n += 1
        return uid(self._n)

    def add_tag(self, value: str) -> str:
        parent = None
        if "/" in value:
            parent_value = value.rsplit("/", 1)[0]
            parent = next((t for t, d in self.tags.items() if d["value"] == parent_value), None) or self.add_tag(
                parent_value
            )
        tag = {**TAG, "id": self.new_id(), "name": value.rsplit("/", 1)[-1], "value": value}
        if parent:
            tag["parentId"] = parent
        self.tags[tag["id"]] = tag
        return str(tag["id"])

    def tag_id(self, value: str) -> str:
        return next(t for t, d in self.tags.items() if d["value"] == value)

    def add_album(self, name: str) -> str:
        album_id = self.new_id()
        self.albums[album_id] = {**ALBUM, "id": album_id, "albumName": name}
        self.members[album_id] = []
        return album_id

    def add_asset(self, albums: tuple[str, ...] = (), tags: tuple[str, ...] = (), when: int = 0) -> str:
        asset_id = self.new_id()
        body = copy.deepcopy(ASSET)
        body.update(id=asset_id, fileCreatedAt=f"2020-01-01T00:00:{when:02d}.000Z", originalFileName=f"a{when}.jpg")
        self.assets[asset_id] = body
        self.asset_tags[asset_id] = [self.tag_id(t) if not _is_id(t) else t for t in tags]
        for album in albums:
            self.members[album].append(asset_id)
        return asset_id

    def tag_values(self, asset_id: str) -> set[str]:
        return {self.tags[t]["value"] for t in self.asset_tags[asset_id]}

    # -- HTTP --------------------------------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> Session:
        return Session("http://fake/api", "k", transport=self.transport())

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api")
        body = json.loads(request.content) if request.content else None
        parts = path.strip("/").split("/")
        key = f"{request.method} /" + "/".join("{id}" if _is_id(p) else p for p in parts)
        self.calls[key] += 1
        self.bodies.append((key, body))
        if self.status_override is not None:
            status, payload = self.status_override
            return httpx.Response(status, json=payload)
        return httpx.Response(200, json=self.answer(key, parts, body))

    def answer(self, key: str, parts: list[str], body: Any) -> Any:
        if key == "GET /server/version":
            return self.version
        if key == "GET /tags":
            return sorted(self.tags.values(), key=lambda t: t["value"])
        if key == "PUT /tags":
            return [self.tags[self._ensure(v)] for v in body["tags"]]
        if key == "GET /albums":
            return [{**a, "assetCount": len(self.members[i])} for i, a in self.albums.items()]
        if key == "GET /albums/{id}":
            return self.albums[parts[1]]
        if key == "GET /assets/{id}":
            return {**self.assets[parts[1]], "tags": [self.tags[t] for t in self.asset_tags[parts[1]]]}
        if key == "POST /search/metadata":
            return self.search(body)
        if key in ("PUT /tags/{id}/assets", "DELETE /tags/{id}/assets"):
            return self.write(parts[1], body["ids"], add=key.startswith("PUT"))
        if key == "PUT /tags/assets":
            results = [self.write(t, body["assetIds"], add=True) for t in body["tagIds"]]
            return {"count": sum(r["success"] for group in results for r in group)}
        raise AssertionError(f"the fake does not serve {key}")

    def _ensure(self, value: str) -> str:
        try:
            return self.tag_id(value)
        except StopIteration:
            return self.add_tag(value)

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        ids = list(self.assets)
        if "albumIds" in body:
            ids = [a for a in ids if all(a in self.members[album] for album in body["albumIds"])]
        if "tagIds" in body:
            wanted = [self._with_children(t) for t in body["tagIds"]]
            ids = [a for a in ids if all(set(self.asset_tags[a]) & w for w in wanted)]
        ids.sort(key=lambda a: (self.assets[a]["fileCreatedAt"], a), reverse=True)
        page, size = body.get("page", 1), body.get("size", 250)
        chunk = ids[(page - 1) * size : page * size]
        items = [{k: v for k, v in self.assets[a].items() if k not in ("tags", "owner", "stack")} for a in chunk]
        more = page * size < len(ids)
        return {
            "albums": {"total": 0, "count": 0, "items": [], "facets": []},
            "assets": {
                "total": len(items),
                "count": len(items),
                "items": items,
                "facets": [],
                "nextPage": str(page + 1) if more else None,
            },
        }

    def _with_children(self, tag_id: str) -> set[str]:
        found = {tag_id}
        for t, d in self.tags.items():
            if d.get("parentId") in found:
                found.add(t)
        return found

    def write(self, tag_id: str, ids: list[str], add: bool) -> list[dict[str, Any]]:
        results = []
        for asset_id in ids:
            tags = self.asset_tags[asset_id]
            if add and tag_id not in tags:
                tags.append(tag_id)
                results.append({"id": asset_id, "success": True})
            elif not add and tag_id in tags:
                tags.remove(tag_id)
                results.append({"id": asset_id, "success": True})
            else:
                results.append({"id": asset_id, "success": False, "error": "duplicate" if add else "not_found"})
        return results


def _is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def library() -> FakeImmich:
    """A library exercising every row of the status table and both output tags in both directions."""
    fake = FakeImmich()
    for value in ("Pets/Cat", "People/Alice", "autotag_output_unknown", "autotag_output_conflict"):
        fake.add_tag(value)
    event = fake.add_album("2020-01-01 Beach")
    other_event = fake.add_album("2021-05-05 Hike")
    family = fake.add_album("Family 2020")
    unsorted = fake.add_album("To sort")
    fake.ids = {  # type: ignore[attr-defined]
        "classified": fake.add_asset((event,), when=1),
        "classified_stale_unknown": fake.add_asset((event,), ("autotag_output_unknown",), when=2),
        "conflict_two_albums": fake.add_asset((event, other_event), when=3),
        "conflict_two_rules": fake.add_asset((event,), ("Pets/Cat",), when=4),
        "conflict_already": fake.add_asset((event, family), ("autotag_output_conflict",), when=5),
        "unclassified": fake.add_asset((unsorted,), when=6),
        "unclassified_no_album": fake.add_asset((), ("People/Alice",), when=7),
        "unclassified_already": fake.add_asset((), ("autotag_output_unknown",), when=8),
        "unclassified_stale_conflict": fake.add_asset((), ("autotag_output_conflict",), when=9),
        "pets_tag_only": fake.add_asset((), ("Pets/Cat",), when=10),
    }
    return fake
