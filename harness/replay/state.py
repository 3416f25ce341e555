"""The replay's mutable state: the library snapshot, its search index, and the caches and helpers handlers share.

Every write goes through here (``set_tag``, ``index.set_album``, ``edited``), so the snapshot, the index and the
cached asset bodies never disagree. Bodies are kept in the library's own shape and served in the served version's
(``shapes``); the caches hold the served bytes.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from harness.library.snapshot import Library
from harness.replay.search_index import SearchIndex
from harness.replay.shapes import Shapes, user_of
from harness.replay.versions import ImmichVersion, served_version
from harness.replay.wire import json_bytes

FIXED_NOW = "2026-01-01T00:00:00.000Z"


class ReplayState:
    """A library being served: snapshot, index, new-id source (seeded), served shapes and serialised asset bodies."""

    def __init__(self, library: Library, seed: int = 0, version: ImmichVersion | None = None) -> None:
        self.lib = library
        self.version = version or served_version(None, library.version_string)
        self.shapes = Shapes(self.version, library)
        self.v2 = self.version.v2
        self.index = SearchIndex(library, self.shapes.asset)
        self._rng = random.Random(seed)
        self._detail_bytes: dict[str, bytes] = {}

    def new_id(self) -> str:
        """A new UUID v4 from the seeded source: the same ids in every run."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- assets ------------------------------------------------------------------------------------------------

    def detail(self, asset_id: str) -> bytes | None:
        """``GET /assets/{id}``'s body, serialised once until the asset changes."""
        cached = self._detail_bytes.get(asset_id)
        if cached is None:
            asset = self.lib.assets.get(asset_id)
            if asset is None:
                return None
            cached = json_bytes(self.shapes.asset(asset))
            self._detail_bytes[asset_id] = cached
        return cached

    def touch(self, asset_id: str) -> None:
        """An asset's tags changed: refresh its detail body."""
        self._detail_bytes.pop(asset_id, None)
        asset = self.lib.assets[asset_id]
        asset["tags"] = [self.embedded_tag(t) for t in self.lib.asset_tags.get(asset_id, [])]

    def edited(self, asset_id: str, originals: dict[str, Any], visibility_changed: bool = False) -> None:
        """An asset's fields changed (``originals``: their values before, by path): keep the first original of each
        for the state digest and drop every serialised body of the asset."""
        kept = self.lib.asset_edits.setdefault(asset_id, {})
        for path, value in originals.items():
            kept.setdefault(path, value)
        self._detail_bytes.pop(asset_id, None)
        self.index.forget(asset_id, visibility_changed)

    def embedded_tag(self, tag_id: str) -> dict[str, Any]:
        return self.lib.embedded_tags.get(tag_id) or self.lib.tags[tag_id]

    # -- tags --------------------------------------------------------------------------------------------------

    def tag_by_value(self) -> dict[str, dict[str, Any]]:
        return {tag["value"]: tag for tag in self.lib.tags.values()}

    def make_tag(self, value: str, parent_id: str | None) -> dict[str, Any]:
        """Create a tag (and index it) with the given full path and parent."""
        tag: dict[str, Any] = {"id": self.new_id()}
        if parent_id:
            tag["parentId"] = parent_id
        tag.update(name=value.rsplit("/", 1)[-1], value=value, createdAt=FIXED_NOW, updatedAt=FIXED_NOW)
        self.lib.tags[tag["id"]] = tag
        self.index.new_tag(tag["id"])
        return tag

    def set_tag(self, asset_id: str, tag_id: str, add: bool) -> bool:
        """Add or remove one pair; True when the state changed."""
        changed = self.index.set_tag(asset_id, tag_id, add)
        if changed:
            self.touch(asset_id)
        return changed

    # -- albums and users --------------------------------------------------------------------------------------

    def album_body(self, album_id: str) -> dict[str, Any]:
        """An album as listed (2.x: with ``assets: []``), with its current asset count."""
        album = self.lib.albums[album_id]
        count = len(self.lib.album_assets.get(album_id, ()))
        body = album if album.get("assetCount") == count else {**album, "assetCount": count}
        return self.shapes.album(body)

    def album_members(self, album_id: str) -> list[str]:
        """The album's current members in search order (newest first), as a 2.x album embeds them."""
        return self.index.matching({"albumIds": [album_id]})

    def users(self) -> list[dict[str, Any]]:
        """Every user the library knows: its own user, then the users its albums are shared with (first seen)."""
        found = {self.shapes.owner["id"]: self.shapes.owner} if self.shapes.owner else {}
        for album in self.lib.albums.values():
            people = [entry["user"] for entry in album.get("albumUsers") or ()]
            if isinstance(album.get("owner"), dict):
                people.append(album["owner"])
            for user in people:
                found.setdefault(user["id"], user_of(user))
        return list(found.values())
