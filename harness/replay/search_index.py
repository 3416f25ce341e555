"""What ``POST /search/metadata`` needs to be fast at any library size: memberships as sets, every asset's rank in
the default order (``fileCreatedAt`` then ``id``, newest first), filter results cached per state version, and each
asset's search item serialised once. The replay server mutates memberships only through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.endpoints import UUID_V4
from harness.library.snapshot import DETAIL_ONLY_KEYS, Library
from harness.replay.wire import invalid_uuid, json_bytes

FILTERS = frozenset({"albumIds", "tagIds", "isNotInAlbum", "visibility", "id"})  # the keys that select assets


class FilterError(ValueError):
    """A filter Immich would refuse: ``payload`` is its 400 answer."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("message", "bad filter"))
        self.payload = payload


class SearchIndex:
    """Memberships as sets, asset ranks in the default order, cached filter results and search items."""

    def __init__(self, library: Library, shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        self.lib = library
        self.shape = shape or (lambda body: body)  # a snapshot body -> the served version's shape
        self.version = 0
        assets = library.assets
        order = sorted(assets, key=lambda a: (assets[a].get("fileCreatedAt", ""), a), reverse=True)
        self.rank = {asset_id: i for i, asset_id in enumerate(order)}
        self.listed = self._unlocked(order)
        self.tag_assets: dict[str, set[str]] = {tag_id: set() for tag_id in library.tags}
        for asset_id, tag_ids in library.asset_tags.items():
            for tag_id in tag_ids:
                self.tag_assets.setdefault(tag_id, set()).add(asset_id)
        self.album_sets = {album: set(members) for album, members in library.album_assets.items()}
        self.order = order
        self._cache: dict[tuple[int, str], list[str]] = {}
        self._items: dict[tuple[str, bool], bytes] = {}

    # -- memberships -------------------------------------------------------------------------------------------

    def set_tag(self, asset_id: str, tag_id: str, add: bool) -> bool:
        """Add or remove one (asset, tag) pair; True when the state changed."""
        members = self.tag_assets.setdefault(tag_id, set())
        if add == (asset_id in members) or asset_id not in self.lib.assets:
            return False
        tags = self.lib.asset_tags.setdefault(asset_id, [])
        if add:
            members.add(asset_id)
            tags.append(tag_id)
        else:
            members.discard(asset_id)
            tags.remove(tag_id)
        self.version += 1
        return True

    def set_album(self, album_id: str, asset_id: str, add: bool) -> bool:
        """Add or remove one album member; True when the state changed."""
        members = self.album_sets.setdefault(album_id, set())
        if add == (asset_id in members):
            return False
        ordered = self.lib.album_assets.setdefault(album_id, [])
        (members.add if add else members.discard)(asset_id)
        (ordered.append if add else ordered.remove)(asset_id)
        self.version += 1
        return True

    def new_tag(self, tag_id: str) -> None:
        self.tag_assets[tag_id] = set()

    def drop_tag(self, tag_id: str) -> None:
        """A deleted tag (its pairs already removed)."""
        self.tag_assets.pop(tag_id, None)
        self.version += 1

    def drop_album(self, album_id: str) -> None:
        """A deleted album: no search finds its members through it any more."""
        self.album_sets.pop(album_id, None)
        self.version += 1

    def forget(self, asset_id: str, visibility_changed: bool = False) -> None:
        """An asset's fields changed: serialise its items again, and recompute results it may fall out of."""
        self._items.pop((asset_id, False), None)
        self._items.pop((asset_id, True), None)
        if visibility_changed:
            self.listed = self._unlocked(self.order)
        self.version += 1

    def _unlocked(self, order: list[str]) -> list[str]:
        return [a for a in order if self.lib.assets[a].get("visibility") != "locked"]

    # -- queries -----------------------------------------------------------------------------------------------

    def item(self, asset_id: str, with_exif: bool) -> bytes:
        """A search item: the asset without owner, stack and tags (and exifInfo unless asked); serialised once,
        as no write changes those fields."""
        key = (asset_id, with_exif)
        cached = self._items.get(key)
        if cached is None:
            drop = DETAIL_ONLY_KEYS if with_exif else (*DETAIL_ONLY_KEYS, "exifInfo")
            item = {k: v for k, v in self.lib.assets[asset_id].items() if k not in drop}
            cached = self._items[key] = json_bytes(self.shape(item))
        return cached

    def matching(self, body: dict[str, Any]) -> list[str]:
        """Asset ids matching the filters, newest first; raises ``FilterError`` where Immich answers 400."""
        key = (self.version, repr(sorted((k, body[k]) for k in body if k in FILTERS)))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        sets = self._album_filter(body.get("albumIds") or [])
        if "tagIds" in body:
            sets.extend(self._tag_filter(body["tagIds"]))
        if body.get("id"):
            sets.append({body["id"]})
        result = self._ordered(sets)
        visibility = body.get("visibility")
        if visibility is not None:
            result = [a for a in result if self.lib.assets[a].get("visibility") == visibility]
        if body.get("isNotInAlbum"):
            in_album = set().union(*self.album_sets.values())
            result = [a for a in result if a not in in_album]
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _album_filter(self, album_ids: list[Any]) -> list[set[str]]:
        sets = []
        for album_id in album_ids:
            if not isinstance(album_id, str) or not UUID_V4.match(album_id):
                raise FilterError(invalid_uuid("albumIds"))
            if album_id not in self.lib.albums:
                raise FilterError({"message": "Not found or no album.read access"})
            sets.append(self.album_sets.get(album_id, set()))
        return sets

    def _tag_filter(self, tag_ids: Any) -> list[set[str]]:
        if tag_ids is None:  # JSON null: the assets with no tag at all
            return [{a for a in self.rank if not self.lib.asset_tags.get(a)}]
        if not isinstance(tag_ids, list) or not all(isinstance(t, str) and UUID_V4.match(t) for t in tag_ids):
            raise FilterError(invalid_uuid("tagIds"))
        return [self._with_descendants(t) for t in tag_ids]

    def _ordered(self, sets: list[set[str]]) -> list[str]:
        if not sets:
            return self.listed
        smallest = min(sets, key=len)
        rest = [s for s in sets if s is not smallest]
        hits = [a for a in smallest if a in self.rank and all(a in s for s in rest)]
        hits = [a for a in hits if self.lib.assets[a].get("visibility") != "locked"]
        return sorted(hits, key=self.rank.__getitem__)

    def _with_descendants(self, tag_id: str) -> set[str]:
        """Immich's tagIds filter is hierarchical: a tag matches the assets of its descendants too."""
        children: dict[str, list[str]] = {}
        for tag in self.lib.tags.values():  # tags are few (hundreds); assets are not walked here
            if tag.get("parentId"):
                children.setdefault(tag["parentId"], []).append(tag["id"])
        found: set[str] = set()
        stack = [tag_id]
        while stack:
            current = stack.pop()
            found |= self.tag_assets.get(current, set())
            stack.extend(children.get(current, ()))
        return found
