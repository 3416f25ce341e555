"""Handlers of the asset reads: ``GET /assets/{id}`` and the metadata search with its statistics.

Search semantics (verified on a real 3.1.0, DESIGN section 6): ordered by ``fileCreatedAt`` then ``id``, descending
by default; ``size`` 1..1000 (else 400 "Validation failed"); ``nextPage`` a string or null; ``total`` and ``count``
are the page length; no ``tags`` in items; ``exifInfo`` only with ``withExif``. A filter the snapshot holds no data
for raises ``ReplayMiss`` rather than being answered with a guess.
"""

from __future__ import annotations

import json
from typing import Any

from harness.errors import ReplayMiss
from harness.replay.routes import route
from harness.replay.search_index import FilterError
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, error, ok, validation

SEARCH_KEYS = frozenset(
    {
        "page",
        "size",
        "order",
        "withExif",
        "withPeople",
        "withStacked",
        "withDeleted",
        "albumIds",
        "tagIds",
        "isNotInAlbum",
        "visibility",
        "id",
    }
)


@route("GET /assets/{id}")
def get_asset(state: ReplayState, ids: tuple[str, ...], _body: Any) -> Answer:
    detail = state.detail(ids[0])
    if detail is None:
        return error(400, "Not found or no asset.read access")
    return Answer(200, detail)


@route("POST /search/metadata")
def search_metadata(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    """One page of matching assets, built from pre-serialised items."""
    body = body if body is not None else {}
    if not isinstance(body, dict):
        return validation([], "Invalid input: expected object")
    unknown = sorted(set(body) - SEARCH_KEYS)
    if unknown:
        raise ReplayMiss(
            f"the replay cannot serve POST /api/search/metadata with {', '.join(unknown)}: the snapshot holds "
            f"no data for these filters; it serves {', '.join(sorted(SEARCH_KEYS))}"
        )
    size, page = body.get("size", 250), body.get("page", 1)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 1000:
        too = "too_big" if isinstance(size, int) and size > 1000 else "too_small"
        return validation(["size"], "Too big: expected number to be <=1000", too)
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        return validation(["page"], "Too small: expected number to be >=1", "too_small")
    order = body.get("order", "desc")
    if order not in ("asc", "desc"):
        return validation(["order"], 'Invalid option: expected one of "asc"|"desc"')
    try:
        matched = state.index.matching(body)
    except FilterError as exc:
        return Answer(400, exc.payload)
    if order == "asc":
        matched = matched[::-1]
    start = (page - 1) * size
    chunk = matched[start : start + size]
    with_exif = bool(body.get("withExif"))
    items = b",".join([state.index.item(a, with_exif) for a in chunk])
    next_page = json.dumps(str(page + 1) if start + size < len(matched) else None).encode()
    n = str(len(chunk)).encode()
    content = (
        b'{"albums":{"total":0,"count":0,"items":[],"facets":[]},"assets":{"total":'
        + n
        + b',"count":'
        + n
        + b',"items":['
        + items
        + b'],"facets":[],"nextPage":'
        + next_page
        + b"}}"
    )
    return ok(content, units=len(chunk))


@route("POST /search/statistics")
def search_statistics(state: ReplayState, _ids: tuple[str, ...], body: Any) -> Answer:
    body = dict(body or {})
    unknown = sorted(set(body) - SEARCH_KEYS)
    if unknown:
        raise ReplayMiss(f"the replay cannot serve POST /api/search/statistics with {', '.join(unknown)}")
    try:
        return ok({"total": len(state.index.matching(body))})
    except FilterError as exc:
        return Answer(400, exc.payload)
