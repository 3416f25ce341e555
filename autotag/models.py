"""Small typed views of the Immich 3.1 DTOs a tagger needs.

The raw JSON stays available (``raw``) so nothing is lost, but the tagger only reads the typed fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag: ``name`` is the last path segment, ``value`` the full path (``Places/Paris``)."""

    id: str
    name: str
    value: str
    parent_id: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tag:
        return cls(id=data["id"], name=data["name"], value=data["value"], parent_id=data.get("parentId"))


@dataclass(frozen=True, slots=True)
class AssetSummary:
    """A partial asset as search returns it: no ``tags`` key in Immich 3.x."""

    id: str
    original_file_name: str
    file_created_at: str
    visibility: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssetSummary:
        return cls(
            id=data["id"],
            original_file_name=data.get("originalFileName", ""),
            file_created_at=data.get("fileCreatedAt", ""),
            visibility=data.get("visibility", "timeline"),
        )


@dataclass(frozen=True, slots=True)
class AssetDetail:
    """A full asset from ``GET /assets/{id}``: the only per-asset source of its direct tags."""

    id: str
    original_file_name: str
    tags: tuple[Tag, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssetDetail:
        return cls(
            id=data["id"],
            original_file_name=data.get("originalFileName", ""),
            tags=tuple(Tag.from_json(t) for t in data.get("tags") or ()),
        )


@dataclass(frozen=True, slots=True)
class Album:
    """An album as ``GET /albums`` lists it (3.x: never with its assets)."""

    id: str
    name: str
    asset_count: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Album:
        return cls(id=data["id"], name=data["albumName"], asset_count=int(data.get("assetCount", 0)))


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of ``POST /search/metadata``; ``next_page`` is None on the last page."""

    items: tuple[AssetSummary, ...]
    next_page: int | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchPage:
        assets = data["assets"]
        next_page = assets.get("nextPage")
        return cls(
            items=tuple(AssetSummary.from_json(item) for item in assets["items"]),
            next_page=int(next_page) if next_page is not None else None,
        )


@dataclass(frozen=True, slots=True)
class ServerVersion:
    """An Immich server version (``GET /server/version``)."""

    major: int
    minor: int
    patch: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerVersion:
        return cls(major=int(data["major"]), minor=int(data["minor"]), patch=int(data["patch"]))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"
