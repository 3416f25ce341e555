"""The library snapshot (``Library``): what an Immich server holds, as far as a tagger can see it.

Assets are kept as their ``GET /assets/{id}`` body without ``tags`` (the search item is that body without
``owner``/``stack``/``tags``, and without ``exifInfo`` unless asked). Tags and albums keep their DTOs. Memberships
(asset -> direct tag ids, album -> asset ids) are the mutable state; ``state_digest()`` hashes exactly that state, so
two runs that leave the library alike have the same digest.
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

    @property
    def version_string(self) -> str:
        v = self.server_version
        return f"{v.get('major')}.{v.get('minor')}.{v.get('patch')}"

    def state_digest(self) -> str:
        """sha256 over asset -> sorted tag values and album -> sorted asset ids (names, not ids, for tags)."""
        tag_value = {tag_id: tag["value"] for tag_id, tag in self.tags.items()}
        state = {
            "assets": {a: sorted(tag_value.get(t, t) for t in tags) for a, tags in sorted(self.asset_tags.items())},
            "albums": {a: sorted(members) for a, members in sorted(self.album_assets.items())},
        }
        blob = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
        return "sha256:" + hashlib.sha256(blob).hexdigest()

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
