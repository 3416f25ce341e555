"""The inverted tag index of the ``index`` mode: asset id -> the rule-relevant tags it carries.

One ``POST /search/metadata {tagIds:[t], size:1000}`` series per needed tag replaces one ``GET /assets/{id}`` per
asset. Immich's ``tagIds`` filter is hierarchical (a parent matches assets tagged with its children), so for a
needed tag with descendants the descendants are searched too: an asset found under the parent and under none of
its descendants carries the parent directly; one found under both is ambiguous and falls back to
``GET /assets/{id}`` when it is processed. The index is therefore exact, never a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from autotag.client import MEMBER_PAGE_SIZE, ImmichClient
from autotag.counters import Counters
from autotag.models import AssetDetail, AssetSummary, Tag


class TagIndex:
    """Asset id -> the rule-relevant tags it carries, from one ``tagIds`` search series per needed tag."""

    def __init__(self, client: ImmichClient, counters: Counters) -> None:
        self.client = client
        self.counters = counters
        self._tags: defaultdict[str, set[str]] = defaultdict(set)
        self._ambiguous: set[str] = set()
        self._known: dict[str, Tag] = {}

    def build(self, needed: Iterable[str], all_tags: list[Tag]) -> TagIndex:
        """Search every needed tag (and the descendants of each) and index what they carry."""
        by_value = {tag.value: tag for tag in all_tags}
        for value in sorted(set(needed)):
            tag = by_value.get(value)
            if tag is None:
                continue  # no asset can carry a tag that does not exist
            self._known[value] = tag
            hits = self._search(tag.id)
            below: set[str] = set()
            for child in all_tags:
                if child.value.startswith(value + "/"):
                    below |= self._search(child.id)
            for asset_id in hits - below:
                self._tags[asset_id].add(value)
            self._ambiguous |= hits & below
        return self

    def _search(self, tag_id: str) -> set[str]:
        found: set[str] = set()
        for page in self.client.iter_search(size=MEMBER_PAGE_SIZE, tagIds=[tag_id]):
            self.counters.index_searches += 1
            found.update(item.id for item in page.items)
        return found

    def detail(self, summary: AssetSummary) -> AssetDetail:
        """The asset with the rule-relevant tags it carries; a real GET only for ambiguous assets."""
        if summary.id in self._ambiguous:
            self.counters.asset_loads += 1
            full = self.client.get_asset(summary.id)
            relevant = tuple(tag for tag in full.tags if tag.value in self._known)
            return AssetDetail(full.id, full.original_file_name, relevant)
        tags = tuple(self._known[value] for value in sorted(self._tags.get(summary.id, ())))
        return AssetDetail(summary.id, summary.original_file_name, tags)
