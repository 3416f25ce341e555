"""Modes: named presets of the tagger's strategies, selected by name (``bench compare eager lazy``).

| mode    | asset tags from                                   | album map | writes                          |
| eager   | GET /assets/{id} for every asset as pages arrive  | per-album | one request per asset and tag   |
| lazy    | GET /assets/{id} deferred to the first tag read   | per-album | one request per asset and tag   |
| batch   | as lazy                                           | cached    | grouped per tag; flushed per page, at exit |
| index   | one tagIds search per tag the rules need          | cached    | bulk diffs at exit              |
| async   | GET /assets/{id} overlapped, adaptive concurrency | cached    | bulk per page, overlapped       |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from autotag.errors import UnknownModeError

TagSource = Literal["eager", "lazy", "index", "concurrent"]
WriteStrategy = Literal["immediate", "batch", "bulk", "concurrent"]


@dataclass(frozen=True)
class ModeSpec:
    """A mode: where asset tags and album members come from, how writes go out, and how many requests overlap."""

    name: str
    description: str
    tags: TagSource
    albums: str
    writes: WriteStrategy
    batch_limit: int = 1
    concurrency: int = 1  # the most requests in flight (async mode: the adaptive limiter's ceiling)


MODES: dict[str, ModeSpec] = {
    spec.name: spec
    for spec in (
        ModeSpec(
            "eager",
            "GET /assets/{id} for every asset as each page arrives; one write request per asset and tag",
            tags="eager",
            albums="per-album",
            writes="immediate",
        ),
        ModeSpec(
            "lazy",
            "GET /assets/{id} deferred until an asset's tags are first read; one write request per asset and tag",
            tags="lazy",
            albums="per-album",
            writes="immediate",
        ),
        ModeSpec(
            "batch",
            "as lazy, album list cached, writes grouped per tag and flushed per page and at exit",
            tags="lazy",
            albums="cached",
            writes="batch",
            batch_limit=500,
        ),
        ModeSpec(
            "index",
            "tags from one tagIds search per tag the rules need (no per-asset reads); bulk writes at exit",
            tags="index",
            albums="cached",
            writes="bulk",
            batch_limit=1000,
        ),
        ModeSpec(
            "async",
            "GET /assets/{id} for a page at once (adaptive, up to 16 in flight); bulk writes per page, overlapped",
            tags="concurrent",
            albums="cached",
            writes="concurrent",
            batch_limit=1000,
            concurrency=16,
        ),
    )
}


def get_mode(name: str) -> ModeSpec:
    """The mode called ``name``; ``UnknownModeError`` listing the valid ones otherwise."""
    try:
        return MODES[name]
    except KeyError:
        raise UnknownModeError(f"unknown mode {name!r}; valid modes: {', '.join(MODES)}") from None
