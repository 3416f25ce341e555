"""Read a crawl: a cassette's interactions -> a ``Library`` snapshot and the durations it recorded.

A crawl (DESIGN section 5) holds ``GET /server/version``, ``GET /tags``, ``GET /albums``, per album its members
(the searches ``POST /search/metadata {albumIds:[id]}``, or on Immich 2.x the members ``GET /albums/{id}`` embeds),
the library pages, and ``GET /assets/{id}`` for every asset. Any cassette holding those loads, whoever recorded it;
anything missing is named, with counts, instead of being filled in by guesswork. Only 2xx answers are used; when a
request was recorded twice, the later answer wins.

Immich 2.x and 3.x crawls load into the same ``Library``; its bodies stay in the shape they were recorded in (the
replay converts them to the version it serves, ``harness.replay.shapes``), 2.x albums kept as ``GET /albums``
lists them (``assets: []``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.endpoints import endpoint_of, strip_prefix
from harness.errors import CassetteError
from harness.library.cassette import Interaction, read_cassette
from harness.library.recorded_timings import Recorded, request_key, response_units
from harness.library.snapshot import Library

READABLE_MAJORS = (2, 3)


def load_library(path: Path, timings: Path | None = None) -> tuple[Library, Recorded]:
    """The snapshot and recorded durations of the crawl in the cassette at ``path`` (durations from ``timings``
    when given, see ``read_cassette``)."""
    library, recorded = build_library(read_cassette(path, timings), source=str(path))
    return library, recorded


def build_library(interactions: Iterable[Interaction], source: str = "") -> tuple[Library, Recorded]:
    """The snapshot and recorded durations of a crawl's interactions; a ``CassetteError`` names what is missing."""
    reader = CrawlReader(source)
    for interaction in interactions:
        reader.add(interaction)
    return reader.library(), reader.recorded


class CrawlReader:
    """Collects what each answer of a crawl tells about the library, then checks the crawl is complete."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.recorded = Recorded()
        self.version: dict[str, Any] | None = None
        self.about: dict[str, Any] = {}
        self.user: dict[str, Any] = {}
        self.tags: dict[str, dict[str, Any]] | None = None
        self.albums: list[dict[str, Any]] | None = None
        self.members: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self.searched_albums: set[str] = set()
        self.embedded: dict[str, list[str]] = {}  # album -> the members a 2.x GET /albums/{id} embedded
        self.listed: dict[str, None] = {}
        self.details: dict[str, dict[str, Any]] = {}

    def add(self, i: Interaction) -> None:
        """Learn what one answer says about the library (2xx JSON answers only)."""
        if not 200 <= i.status < 300:
            return
        path = strip_prefix(i.path)
        endpoint = endpoint_of(i.method, path)
        try:
            body = json.loads(i.response_body) if i.response_body else None
        except ValueError:
            return  # not an Immich JSON answer; nothing to learn from it
        if i.duration_ms is not None:
            key = request_key(i.method, path, i.query, i.request_body)
            self.recorded.add(key, endpoint, response_units(body), i.duration_ms)
        handler = getattr(self, "_on_" + endpoint.replace(" ", "_").replace("/", "_").replace("{id}", "id"), None)
        if handler is not None and body is not None:
            handler(body, i)

    def _on_GET__server_version(self, body: Any, _i: Interaction) -> None:
        self.version = body

    def _on_GET__server_about(self, body: Any, _i: Interaction) -> None:
        self.about = body

    def _on_GET__users_me(self, body: Any, _i: Interaction) -> None:
        self.user = body

    def _on_GET__tags(self, body: Any, _i: Interaction) -> None:
        self.tags = {tag["id"]: tag for tag in body}

    def _on_GET__albums(self, body: Any, _i: Interaction) -> None:
        if "assetId" not in _i.query:
            self.albums = body

    def _on_GET__albums_id(self, body: Any, i: Interaction) -> None:
        assets = body.get("assets") if isinstance(body, dict) else None
        if isinstance(assets, list) and "withoutAssets=true" not in i.query:
            self.embedded[body["id"]] = [asset["id"] for asset in assets]

    def _on_POST__search_metadata(self, body: Any, i: Interaction) -> None:
        try:
            request = json.loads(i.request_body) if i.request_body else {}
        except ValueError:
            return
        items = [item["id"] for item in body["assets"]["items"]]
        filters = {k for k in request if k not in ("page", "size", "order", "withExif", "withPeople")}
        if filters == {"albumIds"} and len(request["albumIds"]) == 1:
            album_id = request["albumIds"][0]
            self.searched_albums.add(album_id)
            self.members[album_id].update(dict.fromkeys(items))
        elif not filters:
            self.listed.update(dict.fromkeys(items))

    def _on_GET__assets_id(self, body: Any, _i: Interaction) -> None:
        self.details[body["id"]] = body

    def library(self) -> Library:
        """The snapshot, once the crawl is complete; ``CassetteError`` naming what is missing."""
        where = self.source or "cassette"
        if self.version is None:
            raise CassetteError(f"{where}: incomplete crawl: no GET /server/version")
        if self.version.get("major") not in READABLE_MAJORS:
            raise CassetteError(
                f"{where}: recorded from Immich {_version(self.version)}; crawls of Immich 2.x and 3.x load"
            )
        if self.albums is None:
            raise CassetteError(f"{where}: incomplete crawl: no GET /albums")
        if self.tags is None:
            raise CassetteError(f"{where}: incomplete crawl: no GET /tags")
        self._check_albums(where)
        wanted = dict(self.listed)
        for album in self.albums:
            wanted.update(dict.fromkeys(self._members_of(album["id"])))
        missing = [a for a in wanted if a not in self.details]
        if missing:
            raise CassetteError(
                f"{where}: incomplete crawl: {len(missing)} of {len(wanted)} assets listed by POST /search/metadata "
                f"have no GET /assets/{{id}} (first: {missing[0]})"
            )
        if not self.details:
            raise CassetteError(f"{where}: incomplete crawl: no GET /assets/{{id}} at all")
        return self._build()

    def _members_of(self, album_id: str) -> list[str]:
        """An album's members: from its member searches, else from what its 2.x album read embedded."""
        if album_id in self.searched_albums:
            return list(self.members[album_id])
        return self.embedded.get(album_id, [])

    def _check_albums(self, where: str) -> None:
        assert self.albums is not None
        unsearched = [
            a["albumName"]
            for a in self.albums
            if a["id"] not in self.searched_albums and a["id"] not in self.embedded and a.get("assetCount")
        ]
        if unsearched:
            raise CassetteError(
                f"{where}: incomplete crawl: {len(unsearched)} albums have no POST /search/metadata "
                f"{{albumIds:[id]}} member search, nor an Immich 2.x GET /albums/{{id}} embedding its members "
                f"(first: {unsearched[0]!r})"
            )
        short = [a["albumName"] for a in self.albums if len(self._members_of(a["id"])) < a.get("assetCount", 0)]
        if short:
            raise CassetteError(
                f"{where}: incomplete crawl: {len(short)} albums have fewer members in their searches (or 2.x album "
                f"reads) than their assetCount (first: {short[0]!r}); was a page of POST /search/metadata missed?"
            )

    def _build(self) -> Library:
        assert self.tags is not None and self.albums is not None and self.version is not None
        tags = dict(self.tags)
        embedded: dict[str, dict[str, Any]] = {}
        asset_tags: dict[str, list[str]] = {}
        for asset_id, detail in self.details.items():
            ids = []
            for tag in detail.get("tags") or []:
                embedded.setdefault(tag["id"], tag)
                tags.setdefault(tag["id"], tag)
                ids.append(tag["id"])
            asset_tags[asset_id] = ids
        return Library(
            server_version=self.version,
            server_about=self.about,
            user=self.user,
            tags=tags,
            albums={album["id"]: album for album in self.albums},
            assets=self.details,
            asset_tags=asset_tags,
            album_assets={a["id"]: self._members_of(a["id"]) for a in self.albums},
            embedded_tags=embedded,
            source=self.source,
        )


def _version(v: dict[str, Any]) -> str:
    return f"{v.get('major')}.{v.get('minor')}.{v.get('patch')}"
