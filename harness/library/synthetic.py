"""Synthetic libraries, deterministic by seed, shaped like the reference workload.

``seed`` follows section 6 of the reference brief: 26,562 assets by default (``--assets`` scales it), about 2,900
albums with a very skewed (Zipf) size distribution plus one giant catch-all album, about 890 tags (People/*,
Places/*, Events/*, Pets/*, flat ones), most assets untagged, 7 % of assets in no album. ``demo`` is the same recipe
at about 3,000 assets and 60 albums.

About 15 % of the assets sit in duplicate groups (``duplicateId``, mean 3.14 members), drawn from a random stream of
their own so that nothing else changed when they were added (``synthetic_duplicates``).

Output tags are pre-placed against the shipped example rules (``rules.example.yaml``) so that a first run adds an
output tag to about 9 % of the assets (they lack the tag their status calls for) and removes one from about 5 %
(they carry a stale one), as the reference run did (9.3 % adds, 5.3 % removes).
"""

from __future__ import annotations

import base64
import bisect
import itertools
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from autotag.rules import RuleSet, load_rules
from harness.library.snapshot import Library
from harness.library.synthetic_duplicates import duplicate_groups
from harness.project_paths import DEFAULT_RULES

OWNER_ID = "5f0e3c52-1b7e-4d3a-9c4e-8a2b6f1d0e7c"
OWNER = {
    "id": OWNER_ID,
    "email": "admin@example.test",
    "name": "Bench Admin",
    "profileImagePath": "",
    "avatarColor": "primary",
    "profileChangedAt": "2026-01-01T00:00:00.000+00:00",
}
STAMP = "2026-01-01T00:00:00.000Z"
CAMERAS = [
    ("Apple", "iPhone 13"),
    ("Apple", "iPhone 15 Pro"),
    ("Google", "Pixel 8"),
    ("SONY", "ILCE-6400"),
    ("Canon", "Canon EOS 700D"),
    ("samsung", "SM-G960F"),
]
EVENTS = [
    "Beach trip",
    "Birthday",
    "Hiking",
    "Wedding",
    "Concert",
    "City walk",
    "Garden party",
    "Ski week",
    "Road trip",
    "Christmas",
    "Graduation",
    "Camping",
]
UNSORTED = ["To sort", "Screenshots", "Best of", "Favorites", "Instagram", "Wallpapers", "Memes", "Downloads"]


@dataclass(frozen=True)
class Preset:
    """The shape of a synthetic library: size and shares of albums, tags and output-tag work."""

    assets: int
    albums_per_asset: float
    tags: int
    add_share: float = 0.09
    remove_share: float = 0.05
    no_album_share: float = 0.07
    duplicate_share: float = 0.15  # assets in a duplicate group (see synthetic_duplicates for why not 40-65 %)
    duplicate_group_mean: float = 3.14


PRESETS = {
    "demo": Preset(assets=3000, albums_per_asset=60 / 3000, tags=60),
    "seed": Preset(assets=26562, albums_per_asset=2895 / 26562, tags=890),
}


# The largest synthetic library: about 25 KB of memory per asset while its cassette is built (660 MB at 26,562),
# so 250,000 assets stay within a few GB; beyond it a request is refused up front instead of running out of memory.
MAX_ASSETS = 250_000


def generate_library(preset: str, assets: int | None = None, seed: int = 0, rules: RuleSet | None = None) -> Library:
    """The ``preset`` library, ``assets`` large (at most ``MAX_ASSETS``), deterministic by ``seed``."""
    if assets is not None and not 1 <= assets <= MAX_ASSETS:
        raise ValueError(f"a synthetic library has 1 to {MAX_ASSETS:,} assets, not {assets:,}")
    spec = PRESETS[preset]
    return _Generator(spec, assets or spec.assets, seed, rules or load_rules(DEFAULT_RULES)).build(preset)


class _Generator:
    """One library's worth of seeded random choices."""

    def __init__(self, spec: Preset, n_assets: int, seed: int, rules: RuleSet) -> None:
        self.spec = spec
        self.n = n_assets
        self.rng = random.Random(f"autotag-bench:{seed}")
        self.seed = seed
        self.rules = rules

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def b64(self, n: int) -> str:
        return base64.b64encode(self.rng.randbytes(n)).decode()

    def build(self, preset: str) -> Library:
        tags = self.tags()
        dated = self.assets()
        albums, members = self.albums(dated)
        asset_tags = self.tag_assets(list(dated), tags)
        names = self.album_names_by_asset(albums, members)
        self.place_output_tags(list(dated), names, asset_tags, tags)
        details = {a: self.detail(a, when, [tags[t] for t in asset_tags.get(a, [])]) for a, when in dated.items()}
        spec = self.spec
        for asset_id, group in duplicate_groups(
            dated, self.seed, spec.duplicate_share, spec.duplicate_group_mean
        ).items():
            details[asset_id]["duplicateId"] = group
        return Library(
            server_version={"major": 3, "minor": 1, "patch": 0, "prerelease": None},
            server_about={
                "version": "v3.1.0",
                "versionUrl": "https://github.com/immich-app/immich/releases/tag/v3.1.0",
                "licensed": False,
            },
            user={
                **OWNER,
                "storageLabel": "admin",
                "shouldChangePassword": False,
                "isAdmin": True,
                "createdAt": STAMP,
                "deletedAt": None,
                "updatedAt": STAMP,
                "oauthId": "",
                "quotaSizeInBytes": None,
                "quotaUsageInBytes": 0,
                "status": "active",
                "license": None,
            },
            tags=tags,
            albums=albums,
            assets=details,
            asset_tags=asset_tags,
            album_assets=members,
            source=f"preset:{preset}",
        )

    # -- tags --------------------------------------------------------------------------------------------------

    def tags(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}

        def add(value: str, parent: str | None = None) -> str:
            tag: dict[str, Any] = {"id": self.uid()}
            if parent:
                tag["parentId"] = parent
            tag.update(name=value.rsplit("/", 1)[-1], value=value, createdAt=STAMP, updatedAt=STAMP)
            out[tag["id"]] = tag
            return str(tag["id"])

        budget = max(self.spec.tags - 2, 10)
        parents = {name: add(name) for name in ("People", "Places", "Events", "Pets")}
        add("Pets/Cat", parents["Pets"])
        add("Pets/Dog", parents["Pets"])
        shares = {"People": 0.35, "Places": 0.45, "Events": 0.05}
        for parent, share in shares.items():
            for i in range(max(int(budget * share), 2)):
                add(f"{parent}/{parent[:-1]} {i:03d}", parents[parent])
        while len(out) < budget:
            add(f"Topic {len(out):03d}")
        add("autotag_output_unknown")
        add("autotag_output_conflict")
        return out

    def tag_assets(self, asset_ids: list[str], tags: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
        """About 22 % of assets carry 1-3 tags (mean ~0.35 per asset); output tags come later."""
        pool = [
            t
            for t, tag in tags.items()
            if not tag["value"].startswith("autotag_output")
            and tag["value"] not in ("People", "Places", "Events", "Pets")
        ]
        weights = list(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(pool))))
        result: dict[str, list[str]] = {}
        for asset_id in asset_ids:
            if self.rng.random() < 0.22:
                count = self.rng.choice((1, 1, 1, 2, 2, 3))
                chosen = {pool[bisect.bisect(weights, self.rng.random() * weights[-1])] for _ in range(count)}
                result[asset_id] = sorted(chosen)
            else:
                result[asset_id] = []
        return result

    # -- assets and albums -------------------------------------------------------------------------------------

    def assets(self) -> dict[str, datetime]:
        start = datetime(2010, 1, 1, tzinfo=UTC)
        span = int((datetime(2025, 12, 31, tzinfo=UTC) - start).total_seconds())
        return {self.uid(): start + timedelta(seconds=self.rng.randrange(span)) for _ in range(self.n)}

    def albums(self, dated: dict[str, datetime]) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
        n_albums = max(round(self.n * self.spec.albums_per_asset), 12)
        n_unsorted = min(len(UNSORTED), max(n_albums // 20, 3))
        ids = sorted(dated, key=lambda a: dated[a])
        albums: dict[str, dict[str, Any]] = {}
        members: dict[str, list[str]] = {}
        event_ids = [self.uid() for _ in range(n_albums - n_unsorted)]
        weights = list(itertools.accumulate(1.0 / (i + 1) ** 1.1 for i in range(len(event_ids))))
        unsorted_ids = [self.uid() for _ in range(n_unsorted)]
        for album_id in event_ids + unsorted_ids:
            members[album_id] = []
        shuffled = ids[:]
        self.rng.shuffle(shuffled)
        n_none = int(self.n * self.spec.no_album_share)
        n_only_unsorted = int(self.n * 0.05)
        for i, asset_id in enumerate(shuffled):
            if i < n_none:
                continue
            if i < n_none + n_only_unsorted:
                members[self.rng.choice(unsorted_ids)].append(asset_id)
                continue
            primary = event_ids[bisect.bisect(weights, self.rng.random() * weights[-1])]
            members[primary].append(asset_id)
            roll = self.rng.random()
            if roll < 0.05:  # a second dated album: a conflict under the example rules
                other = self.rng.choice(event_ids)
                if other != primary:
                    members[other].append(asset_id)
            elif roll < 0.35:  # also in the giant catch-all album, or another undated one
                members[unsorted_ids[0] if roll < 0.30 else self.rng.choice(unsorted_ids)].append(asset_id)
        for index, album_id in enumerate(event_ids):
            first = min((dated[a] for a in members[album_id]), default=datetime(2015, 6, 1, tzinfo=UTC))
            name = f"{first:%Y-%m-%d} {EVENTS[index % len(EVENTS)]} {index:04d}"
            albums[album_id] = self.album(album_id, name, members[album_id], dated)
        for index, album_id in enumerate(unsorted_ids):
            albums[album_id] = self.album(album_id, UNSORTED[index], members[album_id], dated)
        for album_id in albums:  # album members in search order (newest first)
            members[album_id].sort(key=lambda a: (dated[a], a), reverse=True)
        order = sorted(albums, key=lambda a: albums[a]["createdAt"], reverse=True)
        return {a: albums[a] for a in order}, members

    def album(self, album_id: str, name: str, members: list[str], dated: dict[str, datetime]) -> dict[str, Any]:
        dates = sorted(dated[a] for a in members)
        created = (
            f"2025-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T12:00:00.{self.rng.randint(0, 999):03d}Z"
        )
        body: dict[str, Any] = {
            "albumName": name,
            "description": "",
            "albumThumbnailAssetId": members[0] if members else None,
            "createdAt": created,
            "updatedAt": created,
            "id": album_id,
            "albumUsers": [{"user": OWNER, "role": "owner"}],
            "shared": False,
            "hasSharedLink": False,
        }
        if dates:
            body["startDate"] = f"{dates[0]:%Y-%m-%d}T00:00:00.000Z"
            body["endDate"] = f"{dates[-1]:%Y-%m-%d}T00:00:00.000Z"
        body.update(assetCount=len(members), isActivityEnabled=True, order="desc", lastModifiedAssetTimestamp=created)
        return body

    @staticmethod
    def album_names_by_asset(albums: dict[str, dict[str, Any]], members: dict[str, list[str]]) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for album_id, asset_ids in members.items():
            for asset_id in asset_ids:
                names.setdefault(asset_id, []).append(albums[album_id]["albumName"])
        return names

    def place_output_tags(
        self,
        asset_ids: list[str],
        names: dict[str, list[str]],
        asset_tags: dict[str, list[str]],
        tags: dict[str, dict[str, Any]],
    ) -> None:
        """Tag the assets so that a first run with the example rules adds ~9 % and removes ~5 %."""
        by_value = {tag["value"]: tag_id for tag_id, tag in tags.items()}
        output = self.rules.output
        needs: list[tuple[str, str]] = []  # (asset, the output tag its status calls for)
        fine: list[str] = []
        for asset_id in asset_ids:
            values = [tags[t]["value"] for t in asset_tags[asset_id]]
            status = self.rules.classify(asset_id, values, names.get(asset_id, [])).status
            wanted = output.for_status(status)
            if wanted is None:
                fine.append(asset_id)
            else:
                needs.append((asset_id, wanted))
        self.rng.shuffle(needs)
        n_add = min(int(self.n * self.spec.add_share), len(needs))
        for asset_id, wanted in needs[n_add:]:  # already correct: nothing to write
            asset_tags[asset_id].append(by_value[wanted])
        self.rng.shuffle(fine)
        for asset_id in fine[: int(self.n * self.spec.remove_share)]:  # stale: to be removed
            stale = output.unknown if self.rng.random() < 0.8 else output.conflict
            asset_tags[asset_id].append(by_value[stale])

    def detail(self, asset_id: str, when: datetime, tags: list[dict[str, Any]]) -> dict[str, Any]:
        make, model = CAMERAS[int(asset_id[:2], 16) % len(CAMERAS)]
        stamp = f"{when:%Y-%m-%dT%H:%M:%S}.000Z"
        name = f"IMG_{int(asset_id[:6], 16) % 10000:04d}.JPG"
        return {
            "id": asset_id,
            "createdAt": STAMP,
            "ownerId": OWNER_ID,
            "owner": OWNER,
            "libraryId": None,
            "type": "IMAGE",
            "originalPath": f"/data/upload/{OWNER_ID}/{asset_id[:2]}/{asset_id[2:4]}/{asset_id}.jpg",
            "originalFileName": name,
            "originalMimeType": "image/jpeg",
            "thumbhash": self.b64(20),
            "fileCreatedAt": stamp,
            "fileModifiedAt": stamp,
            "localDateTime": stamp,
            "updatedAt": STAMP,
            "isFavorite": False,
            "isArchived": False,
            "isTrashed": False,
            "visibility": "timeline",
            "duration": None,
            "exifInfo": {
                "make": make,
                "model": model,
                "exifImageWidth": 4032,
                "exifImageHeight": 3024,
                "fileSizeInByte": 2_000_000 + int(asset_id[:5], 16) % 1_000_000,
                "orientation": None,
                "dateTimeOriginal": f"{when:%Y-%m-%dT%H:%M:%S}+00:00",
                "modifyDate": f"{when:%Y-%m-%dT%H:%M:%S}+00:00",
                "timeZone": None,
                "lensModel": None,
                "fNumber": None,
                "focalLength": None,
                "iso": None,
                "exposureTime": None,
                "latitude": None,
                "longitude": None,
                "city": None,
                "state": None,
                "country": None,
                "description": "",
                "projectionType": None,
                "rating": None,
            },
            "livePhotoVideoId": None,
            "tags": tags,
            "people": [],
            "checksum": self.b64(20),
            "stack": None,
            "isOffline": False,
            "hasMetadata": True,
            "duplicateId": None,
            "resized": True,
            "width": 4032,
            "height": 3024,
            "isEdited": False,
        }
