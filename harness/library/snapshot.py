"""The library snapshot (``Library``): what an Immich server holds, as far as a tagger can see it.

Assets are kept as their ``GET /assets/{id}`` body without ``tags`` (the search item is that body without
``owner``/``stack``/``tags``, and without ``exifInfo`` unless asked). Tags and albums keep their DTOs. Memberships
(asset -> direct tag ids, album -> asset ids) are the mutable state; ``state_digest()`` hashes exactly that state, so
two runs that leave the library alike have the same digest. Writes beyond memberships are kept beside it and hashed
only when there are any (so a digest of a run without them is what it always was): asset fields a write changed
(``asset_edits``: the original value of each edited field, by its path in the asset body), deleted tags
(``deleted_tags``), and users an album was shared with (``album_shares``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

DETAIL_ONLY_KEYS = ("owner", "stack", "tags")


@dataclass
class Library:
    """A server's library as a tagger sees it; memberships are the mutable state."""

    server_version: dict[str, Any]
    server_about: dict[str, Any]
    user: dict[str, Any]
    tags: dict[str, dict[str, Any]]
    albums: dict[str, dict[str, Any]]
    assets: dict[str, dict[str, Any]]
    asset_tags: dict[str, list[str]]
    album_assets: dict[str, list[str]]
    embedded_tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = ""
    asset_edits: dict[str, dict[str, Any]] = field(default_factory=dict)  # asset -> {field path: original value}
    deleted_tags: dict[str, str] = field(default_factory=dict)  # tag id -> value
    album_shares: dict[str, dict[str, str]] = field(default_factory=dict)  # album -> {user id: role}

    @property
    def version_string(self) -> str:
        v = self.server_version
        return f"{v.get('major')}.{v.get('minor')}.{v.get('patch')}"

    def state_digest(self) -> str:
        """sha256 over asset -> sorted tag values and album -> sorted asset ids (names, not ids, for tags), plus the
        sections of other writes when there are any: asset fields that now differ from their original value,
        deleted tag values, album shares."""
        tag_value = {tag_id: tag["value"] for tag_id, tag in self.tags.items()}
        state: dict[str, Any] = {
            "assets": {a: sorted(tag_value.get(t, t) for t in tags) for a, tags in sorted(self.asset_tags.items())},
            "albums": {a: sorted(members) for a, members in sorted(self.album_assets.items())},
        }
        edits = self.changed_fields()
        if edits:
            state["asset_edits"] = edits
        if self.deleted_tags:
            state["deleted_tags"] = sorted(self.deleted_tags.values())
        if self.album_shares:
            state["album_shares"] = self.album_shares
        blob = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
        return "sha256:" + hashlib.sha256(blob).hexdigest()

    def changed_fields(self) -> dict[str, dict[str, Any]]:
        """asset id -> {field path: current value} for every edited field that no longer has its original value."""
        changed: dict[str, dict[str, Any]] = {}
        for asset_id, originals in self.asset_edits.items():
            body = self.assets.get(asset_id)
            if body is None:
                continue
            now = {path: field_value(body, path) for path in originals}
            moved = {path: value for path, value in now.items() if value != originals[path]}
            if moved:
                changed[asset_id] = moved
        return changed

    def tag_state(self) -> dict[str, frozenset[str]]:
        """asset id -> the values of its direct tags, for pinpointing where two final states differ."""
        tag_value = {tag_id: tag["value"] for tag_id, tag in self.tags.items()}
        return {a: frozenset(tag_value.get(t, t) for t in tags) for a, tags in self.asset_tags.items()}

    def summary(self) -> dict[str, int]:
        """Counts of assets, albums, tags, tagged assets and album memberships."""
        return {
            "assets": len(self.assets),
            "albums": len(self.albums),
            "tags": len(self.tags),
            "tagged_assets": sum(1 for tags in self.asset_tags.values() if tags),
            "album_memberships": sum(len(m) for m in self.album_assets.values()),
        }


def field_value(body: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a body (``exifInfo.description``), None where it is absent."""
    node: Any = body
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node
