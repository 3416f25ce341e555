"""The tagger run: list every asset, classify it by its albums and tags, and write the output tags.

Steps, in every mode: ``GET /server/version`` (refuses anything but 3.x); ensure the output tags (``PUT /tags``
upsert when applying, ``GET /tags`` in a dry run or when the index needs tag ids); build the album map once;
page through ``POST /search/metadata`` (size 250, newest first); per asset read its tags, classify it and add or
remove each output tag. What differs between modes is only *how* tags are loaded and writes are sent (see
``autotag.modes``); the plan -- each asset's status and tag changes -- must be the same in every mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from autotag.albums import AlbumMap
from autotag.assets import AssetWrapper, DetailLoader
from autotag.client import ImmichClient
from autotag.counters import Counters
from autotag.models import AssetDetail, AssetSummary, Tag
from autotag.modes import ModeSpec
from autotag.rules import RuleSet, Status
from autotag.run_state import RunState
from autotag.tag_index import TagIndex
from autotag.writers import BatchWriter, ImmediateWriter, WriteOp, Writer, WriteTarget

ProgressCallback = Callable[[int], None]
ClientT = TypeVar("ClientT")


@dataclass(frozen=True)
class AssetDecision:
    """One asset's status and the output tags added and removed."""

    asset_id: str
    status: Status
    add: tuple[str, ...]
    remove: tuple[str, ...]


@dataclass(frozen=True)
class TagPlan:
    """What a run decided and wrote; ``decisions`` is in processing order."""

    mode: str
    server_version: str
    applied: bool
    decisions: tuple[AssetDecision, ...]
    writes: tuple[WriteOp, ...]
    counters: Counters = field(default_factory=Counters)
    missing_output_tags: tuple[str, ...] = ()

    def by_status(self) -> dict[str, int]:
        """Assets per status."""
        counts = Counter(decision.status.value for decision in self.decisions)
        return {status.value: counts.get(status.value, 0) for status in Status}

    def changes(self) -> dict[str, int]:
        """Tag additions and removals decided."""
        return {
            "tag adds": sum(len(d.add) for d in self.decisions),
            "tag removes": sum(len(d.remove) for d in self.decisions),
        }

    def decision_key(self) -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]:
        """Decisions sorted by asset id: equal between two runs exactly when they decided the same."""
        return tuple(sorted((d.asset_id, d.status.value, d.add, d.remove) for d in self.decisions))


class TaggerCore(Generic[ClientT]):
    """What every tagger shares, sync or async: deciding an asset, choosing the writer, assembling the plan."""

    def __init__(
        self,
        client: ClientT,
        rules: RuleSet,
        mode: ModeSpec,
        apply: bool = False,
        on_assets: ProgressCallback | None = None,
        state: RunState | None = None,
    ) -> None:
        self.client = client
        self.rules = rules
        self.mode = mode
        self.apply = apply
        self.on_assets = on_assets
        self.counters = Counters()
        self.state = state or RunState()

    def output_tags(self, all_tags: list[Tag], upserted: list[Tag] | None) -> dict[str, Tag]:
        """Output tags by value: as upserted when applying; from the tag list in a dry run, where a missing one
        gets an empty id (``PUT /tags`` would create it on --apply)."""
        values = self.rules.output.all()
        source = upserted if upserted is not None else all_tags
        found = {tag.value: tag for tag in source if tag.value in values}
        return {value: found.get(value, Tag("", value, value)) for value in values}

    def needs_tag_list(self) -> bool:
        """The index mode needs tag ids, and a dry run reads the tags instead of upserting them."""
        return self.mode.tags == "index" or not self.apply

    def make_writer(self, target: WriteTarget | None) -> Writer:
        """The writer of the mode (immediate, batched or bulk); no target in a dry run."""
        if self.mode.writes == "immediate":
            return ImmediateWriter(self.counters, target)
        return BatchWriter(
            self.counters,
            target,
            limit=self.mode.batch_limit,
            flush_each_page=self.mode.writes in ("batch", "concurrent"),
            bulk_adds=self.mode.writes in ("bulk", "concurrent"),
        )

    def page_done(self, count: int) -> None:
        """Report a finished page of ``count`` assets."""
        self.state.pages += 1
        if self.on_assets is not None:
            self.on_assets(count)

    def plan(
        self, version: object, decisions: list[AssetDecision], writer: Writer, output_tags: dict[str, Tag]
    ) -> TagPlan:
        """The plan of a finished run."""
        missing = tuple(value for value, tag in output_tags.items() if not tag.id)
        return TagPlan(
            self.mode.name, str(version), self.apply, tuple(decisions), tuple(writer.ops), self.counters, missing
        )

    def _decide(
        self, asset: AssetWrapper, albums: AlbumMap, output_tags: dict[str, Tag], writer: Writer
    ) -> AssetDecision:
        result = self.rules.classify(asset.id, asset.tags, albums.names_for(asset.id))
        wanted = self.rules.output.for_status(result.status)
        added: list[str] = []
        removed: list[str] = []
        for value, tag in output_tags.items():
            has = asset.has_tag(value)
            if value == wanted and not has:
                writer.add(tag, asset.id)
                added.append(value)
            elif value != wanted and has:
                writer.remove(tag, asset.id)
                removed.append(value)
        self.state.decided += 1
        return AssetDecision(asset.id, result.status, tuple(added), tuple(removed))


class Tagger(TaggerCore[ImmichClient]):
    """The sequential tagger on a sync ``ImmichClient``."""

    def run(self) -> TagPlan:
        """One run over every asset: read, classify, write; returns the plan."""
        version = self.client.server_version()
        all_tags = self.client.list_tags() if self.needs_tag_list() else []
        upserted = self.client.upsert_tags(self.rules.output.all()) if self.apply else None
        output_tags = self.output_tags(all_tags, upserted)
        albums = AlbumMap.build(self.client, self.mode.albums)
        loader = self._loader(all_tags)
        decisions: list[AssetDecision] = []
        writer = self.state.writer = self.make_writer(self.client if self.apply else None)
        with writer:
            try:
                for page in self.client.iter_search():
                    wrappers = [AssetWrapper(item, loader, self.counters) for item in page.items]
                    if self.mode.tags == "eager":
                        for wrapper in wrappers:
                            wrapper.load()
                    for wrapper in wrappers:
                        decisions.append(self._decide(wrapper, albums, output_tags, writer))
                    writer.page_done()
                    self.page_done(len(wrappers))
            except BaseException:
                self.client.session.wind_down()  # the writer drains what was decided, in bounded time
                raise
        return self.plan(version, decisions, writer, output_tags)

    def _loader(self, all_tags: list[Tag]) -> DetailLoader:
        if self.mode.tags == "index":
            index = TagIndex(self.client, self.counters)
            return index.build(self.rules.tag_names | set(self.rules.output.all()), all_tags).detail

        def fetch(summary: AssetSummary) -> AssetDetail:
            self.counters.asset_loads += 1
            return self.client.get_asset(summary.id)

        return fetch
