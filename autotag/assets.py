"""The asset wrapper: a partial asset from search whose full form (with tags) is loaded on first need.

The loaded state is explicit (``is_loaded``, ``load()``); eager mode simply calls ``load()`` as each page arrives,
lazy mode leaves it to the first read of ``.asset``, ``.tags`` or ``.has_tag()``. Either way the full asset is
fetched at most once per wrapper.
"""

from __future__ import annotations

from collections.abc import Callable

from autotag.counters import Counters
from autotag.models import AssetDetail, AssetSummary

DetailLoader = Callable[[AssetSummary], AssetDetail]


class AssetWrapper:
    __slots__ = ("_counters", "_detail", "_loader", "summary")

    def __init__(self, summary: AssetSummary, loader: DetailLoader, counters: Counters) -> None:
        self.summary = summary
        self._loader = loader
        self._counters = counters
        self._detail: AssetDetail | None = None

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def is_loaded(self) -> bool:
        return self._detail is not None

    def load(self) -> AssetDetail:
        """Fetch the full asset unless it is already here; never fetches twice."""
        if self._detail is None:
            self._detail = self._loader(self.summary)
        return self._detail

    @property
    def asset(self) -> AssetDetail:
        return self.load()

    @property
    def tags(self) -> frozenset[str]:
        """The full paths (``value``) of the asset's direct tags."""
        self._counters.tag_reads += 1
        return frozenset(tag.value for tag in self.load().tags)

    def has_tag(self, value: str) -> bool:
        """Case-insensitive, as the reference tool's ``has_tag`` is."""
        wanted = value.casefold()
        return any(tag.casefold() == wanted for tag in self.tags)

    def __repr__(self) -> str:
        state = "loaded" if self.is_loaded else "not loaded"
        return f"<AssetWrapper {self.id} {state}>"
