"""The Immich versions the replay serves (``--immich-version``), and what differs between them on the wire.

| served | answers shaped as | checked against |
| --- | --- | --- |
| 2.6.0 - 2.6.x | Immich 2.x | the 2.7.5 spec (the reference tagger's releases, built for 2.6.3, need its fields) |
| 2.7.0 - 2.7.5 | Immich 2.x | ``immich-openapi-specs.v2.7.5.json`` (2.7.5 is the last 2.x release) |
| 3.1.0 - 3.1.x | Immich 3.x | ``immich-openapi-specs.json`` (3.1.0) |

What a 2.x answer has that a 3.x one does not (``harness.replay.shapes`` converts either way, so a library recorded
from one major serves in the other):

- albums carry ``owner`` (a UserResponseDto), ``ownerId`` and ``assets``; ``albumUsers`` lists only the users an
  album is shared with (3.x lists the owner first with ``role: "owner"``);
- ``GET /albums`` answers ``assets: []``; ``GET /albums/{id}`` (and ``POST /albums``) embed every current member,
  without tags, newest first, unless ``withoutAssets=true``; 3.x never embeds;
- every asset (search items, ``GET /assets/{id}``, embedded album members, duplicate groups) carries
  ``deviceAssetId`` and ``deviceId``, and ``duration`` is a string (``"0:00:00.00000"`` for a still image, where 3.x
  sends null; 3.x sends whole milliseconds);
- ``GET /server/version`` has no ``prerelease``; ``GET /albums`` takes ``assetId``/``shared`` (3.x:
  ``assetId``/``id``/``name``/``isOwned``/``isShared``).

Everything else a tagger uses (search paging and filters, tag endpoints and their write answers, bulk album writes,
asset updates, duplicates, statistics, users) is the same in both. 3.0.x is not served (no spec to check it
against), nor 3.2.x (its search answers carry ``nextCursor``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.errors import VersionError

VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True, order=True)
class ImmichVersion:
    """A released Immich version, ``major.minor.patch``."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def v2(self) -> bool:
        """True when answers take the Immich 2.x shapes."""
        return self.major == 2


# (major, minor) -> the highest patch served (None: every patch)
SERVED: dict[tuple[int, int], int | None] = {(2, 6): None, (2, 7): 5, (3, 1): None}


def served_list() -> str:
    """The served versions, as ``--help`` and errors name them."""
    return ", ".join(
        f"{major}.{minor}.x" if top is None else f"{major}.{minor}.0-{major}.{minor}.{top}"
        for (major, minor), top in SERVED.items()
    )


def parse_version(text: str) -> ImmichVersion:
    """``X.Y.Z`` (a leading ``v`` allowed); ``VersionError`` when it is not a version."""
    found = VERSION.match(text.strip())
    if found is None:
        raise VersionError(f"{text!r} is not an Immich version (expected X.Y.Z, e.g. 2.7.5); served: {served_list()}")
    return ImmichVersion(*(int(part) for part in found.groups()))


def is_served(version: ImmichVersion) -> bool:
    key = (version.major, version.minor)
    if key not in SERVED:
        return False
    top = SERVED[key]
    return top is None or version.patch <= top


def canonical(requested: str) -> str:
    """``--immich-version`` checked and written as ``X.Y.Z``; ``VersionError`` when it cannot be served."""
    return str(served_version(requested, recorded=requested))


def served_version(requested: str | None, recorded: str) -> ImmichVersion:
    """The version to serve: ``requested``, else the one the library was recorded from; ``VersionError`` when the
    replay cannot serve it."""
    version = parse_version(requested if requested is not None else recorded)
    if not is_served(version):
        source = "requested" if requested is not None else "the library was recorded from"
        hint = "" if requested is not None else " (pass --immich-version to serve it as one of them)"
        raise VersionError(f"Immich {version} ({source}) cannot be served; the replay serves {served_list()}{hint}")
    return version


RESHAPED = ("GET /albums/{id}", "POST /albums")  # answers that embed album members in 2.x only


def reshaped(recorded: str, served: ImmichVersion) -> tuple[str, ...]:
    """The endpoints whose recorded durations do not hold for the served version: their answers change size."""
    return RESHAPED if parse_version(recorded).v2 != served.v2 else ()
