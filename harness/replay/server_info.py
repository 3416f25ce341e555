"""Handlers of the server endpoints a tagger reads once per run: version, ping, about, statistics.

``GET /server/version`` and ``/server/about`` answer the served version (the recorded bodies when it is the
recorded one). ``GET /server/statistics`` (admin only, as on Immich) counts the library: ``photos`` are the IMAGE
assets, ``videos`` the VIDEO ones, ``usage`` the sum of their ``exifInfo.fileSizeInByte``; one ``usageByUser`` row,
the library's user.
"""

from __future__ import annotations

from typing import Any

from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, error, ok


@route("GET /server/version")
def server_version(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.shapes.server_version)


@route("GET /server/ping")
def server_ping(_state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok({"res": "pong"})


@route("GET /server/about")
def server_about(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.shapes.server_about)


@route("GET /server/statistics")
def server_statistics(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    """Photo and video counts and the bytes they use, for the library and its user."""
    user = state.lib.user
    if user.get("isAdmin") is False:
        return error(403, "Forbidden")
    counts = {"IMAGE": [0, 0], "VIDEO": [0, 0]}
    for asset in state.lib.assets.values():
        tally = counts.get(asset.get("type", ""))
        if tally is not None:
            tally[0] += 1
            tally[1] += int((asset.get("exifInfo") or {}).get("fileSizeInByte") or 0)
    (photos, photo_bytes), (videos, video_bytes) = counts["IMAGE"], counts["VIDEO"]
    usage = {
        "photos": photos,
        "videos": videos,
        "usage": photo_bytes + video_bytes,
        "usagePhotos": photo_bytes,
        "usageVideos": video_bytes,
    }
    row = {
        "userId": user.get("id", state.shapes.owner.get("id", "")),
        "userName": user.get("name", ""),
        **usage,
        "quotaSizeInBytes": user.get("quotaSizeInBytes"),
    }
    return ok({**usage, "usageByUser": [row]})
