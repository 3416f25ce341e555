"""The wire shapes of the served Immich version: a snapshot body (kept as its cassette recorded it, 2.x or 3.x)
turned into the served version's shape. ``harness.replay.versions`` lists what differs.

When the served major is the recorded one, every body is served as recorded (``Shapes.native``): no conversion, so
a 3.1 cassette replayed as 3.1 answers its recorded bytes. Converting:

- 3.x -> 2.x asset: ``deviceAssetId`` (``web-<originalFileName>-<fileModifiedAt in epoch ms>``, what Immich's web
  uploader sends) after ``createdAt``, ``deviceId`` (``WEB``) after ``owner`` (or ``ownerId``), ``duration`` null ->
  ``"0:00:00.00000"`` (2.x's value for a still image), milliseconds -> ``HH:MM:SS.mmm`` (2.x's video format);
- 2.x -> 3.x asset: the device fields and ``unassignedFaces`` dropped, ``duration`` back to milliseconds (null for
  an image with a zero duration);
- 3.x -> 2.x album: ``ownerId`` and ``owner`` (the ``role: owner`` entry's user, else the library's user) before
  ``albumUsers``, which loses that entry; ``assets: []`` before ``assetCount``;
- 2.x -> 3.x album: the owner listed first in ``albumUsers`` with ``role: owner``; ``owner``, ``ownerId``,
  ``assets`` dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harness.library.snapshot import Library
from harness.replay.versions import ImmichVersion

USER_KEYS = ("id", "email", "name", "profileImagePath", "avatarColor", "profileChangedAt")  # UserResponseDto
V2_STILL_DURATION = "0:00:00.00000"
V2_DEVICE_ID = "WEB"
V2_ONLY_ASSET_KEYS = ("deviceAssetId", "deviceId", "unassignedFaces")
V2_ONLY_ALBUM_KEYS = ("owner", "ownerId", "assets")
BUILD_KEYS = ("build", "buildUrl", "buildImage", "buildImageUrl", "sourceRef", "sourceCommit", "sourceUrl")


def user_of(user: dict[str, Any]) -> dict[str, Any]:
    """A UserResponseDto: the public fields of any user body (``users/me``'s admin body included)."""
    return {key: user[key] for key in USER_KEYS if key in user}


class Shapes:
    """Converts snapshot bodies to the served version's shapes; the identity when the majors agree."""

    def __init__(self, version: ImmichVersion, library: Library) -> None:
        self.version = version
        self.v2 = version.v2
        self.native = (library.server_version.get("major") == 2) == version.v2
        self.owner = user_of(library.user)
        recorded = library.version_string == str(version)
        self.server_version = library.server_version if recorded else _version_body(version)
        self.server_about = library.server_about if recorded else _about_body(library.server_about, version)

    def asset(self, body: dict[str, Any]) -> dict[str, Any]:
        """An asset DTO (detail or search item) in the served shape."""
        if self.native:
            return body
        return asset_v2(body) if self.v2 else asset_v3(body)

    def album(self, body: dict[str, Any]) -> dict[str, Any]:
        """An album DTO in the served shape (2.x: with ``assets: []``)."""
        if self.native:
            return body
        return album_v2(body, self.owner) if self.v2 else album_v3(body, self.owner)


def asset_v2(body: dict[str, Any]) -> dict[str, Any]:
    """A 3.x asset DTO as Immich 2.x sends it."""
    out: dict[str, Any] = {}
    device_after = "owner" if "owner" in body else "ownerId"
    for key, value in body.items():
        out[key] = v2_duration(value) if key == "duration" else value
        if key == "createdAt":
            out["deviceAssetId"] = device_asset_id(body)
        if key == device_after:
            out["deviceId"] = V2_DEVICE_ID
    out.setdefault("deviceAssetId", device_asset_id(body))
    out.setdefault("deviceId", V2_DEVICE_ID)
    return out


def asset_v3(body: dict[str, Any]) -> dict[str, Any]:
    """A 2.x asset DTO as Immich 3.x sends it."""
    out = {key: value for key, value in body.items() if key not in V2_ONLY_ASSET_KEYS}
    if "duration" in out:
        out["duration"] = v3_duration(out["duration"], body.get("type"))
    return out


def album_v2(body: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    """A 3.x album DTO as Immich 2.x sends it (``assets: []``)."""
    users = body.get("albumUsers") or []
    listed = next((entry["user"] for entry in users if entry.get("role") == "owner"), None)
    owner = listed if listed is not None else owner
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key == "albumUsers":
            out["ownerId"] = owner["id"]
            out["owner"] = owner
            value = [entry for entry in users if entry.get("role") != "owner"]
        elif key == "assetCount":
            out["assets"] = []
        out[key] = value
    out.setdefault("assets", [])
    return out


def album_v3(body: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    """A 2.x album DTO as Immich 3.x sends it (the owner first in ``albumUsers``, no assets)."""
    first = {"user": body.get("owner") or owner, "role": "owner"}
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in V2_ONLY_ALBUM_KEYS:
            continue
        out[key] = [first, *value] if key == "albumUsers" else value
    return out


def device_asset_id(body: dict[str, Any]) -> str:
    """The id Immich 2.x's web uploader gives an asset: file name and last-modified time in epoch milliseconds."""
    name = body.get("originalFileName", "")
    try:
        stamp = int(datetime.fromisoformat(str(body.get("fileModifiedAt"))).timestamp() * 1000)
    except ValueError:
        return f"web-{name}-{body.get('id', '')}"
    return f"web-{name}-{stamp}"


def v2_duration(value: Any) -> Any:
    """A 3.x duration (milliseconds or null) as 2.x writes it."""
    if not isinstance(value, int) or isinstance(value, bool):
        return V2_STILL_DURATION if value is None else value
    hours, rest = divmod(value, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def v3_duration(value: Any, asset_type: Any) -> Any:
    """A 2.x duration string as 3.x sends it: whole milliseconds, null for a still image."""
    if not isinstance(value, str):
        return value
    try:
        hours, minutes, seconds = value.split(":")
        millis = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    except ValueError:
        return None
    return None if millis == 0 and asset_type == "IMAGE" else millis


def _version_body(version: ImmichVersion) -> dict[str, Any]:
    body: dict[str, Any] = {"major": version.major, "minor": version.minor, "patch": version.patch}
    if not version.v2:
        body["prerelease"] = None
    return body


def _about_body(recorded: dict[str, Any], version: ImmichVersion) -> dict[str, Any]:
    """The recorded about body with the served version (and without build details of the recorded release)."""
    body = {key: value for key, value in recorded.items() if key not in BUILD_KEYS}
    body["version"] = f"v{version}"
    body["versionUrl"] = f"https://github.com/immich-app/immich/releases/tag/v{version}"
    body.setdefault("licensed", False)
    return body
