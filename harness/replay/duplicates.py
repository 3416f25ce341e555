"""``GET /duplicates``: the library's duplicate groups, from the assets' ``duplicateId``.

As Immich's ``duplicate.repository`` ``getAll``: only assets in the timeline or the archive, not trashed and not in a
stack; groups of two or more; members oldest first (``localDateTime``, then id); each member as an asset DTO with
``exifInfo`` and its direct ``tags`` (no ``owner``/``stack``), in the served version's shape. ``suggestedKeepAssetIds``
follows Immich's ``suggestDuplicate``: the largest ``exifInfo.fileSizeInByte``, ties broken by the most truthy EXIF
values, then by the later member. Immich returns the groups in no defined order (SQL ``GROUP BY``); the replay
sorts them by ``duplicateId``. ``units`` = assets listed (the answer's cost grows with them).
"""

from __future__ import annotations

from typing import Any

from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, ok

LISTED_VISIBILITY = ("timeline", "archive")


@route("GET /duplicates")
def get_duplicates(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    groups: dict[str, list[dict[str, Any]]] = {}
    for asset in state.lib.assets.values():
        group = asset.get("duplicateId")
        listed = asset.get("visibility", "timeline") in LISTED_VISIBILITY and not asset.get("isTrashed")
        if group and listed and asset.get("stack") is None:
            groups.setdefault(group, []).append(asset)
    answer = []
    count = 0
    for duplicate_id in sorted(groups):
        members = sorted(groups[duplicate_id], key=lambda a: (str(a.get("localDateTime", "")), a["id"]))
        if len(members) < 2:
            continue
        dtos = [state.shapes.asset({k: v for k, v in a.items() if k not in ("owner", "stack")}) for a in members]
        answer.append({"duplicateId": duplicate_id, "assets": dtos, "suggestedKeepAssetIds": suggested_keep(dtos)})
        count += len(dtos)
    return ok(answer, units=count)


def suggested_keep(assets: list[dict[str, Any]]) -> list[str]:
    """Immich's suggestion of the member to keep: largest file, then most EXIF values, then the later member."""
    if not assets:
        return []

    def size(asset: dict[str, Any]) -> Any:
        return (asset.get("exifInfo") or {}).get("fileSizeInByte") or 0

    def exif_count(asset: dict[str, Any]) -> int:
        return sum(1 for value in (asset.get("exifInfo") or {}).values() if value)

    largest = max(size(a) for a in assets)
    best = sorted((a for a in assets if size(a) == largest), key=exif_count)
    return [str(best[-1]["id"])]
