"""Tag writers: how the tagger's decisions reach the server.

- ``ImmediateWriter``: one request per asset and tag (``PUT``/``DELETE /tags/{id}/assets {"ids":[one]}``), as the
  reference tool writes.
- ``BatchWriter``: buffers ids per tag and direction and flushes a group when it reaches ``limit``, at the end of
  every page (``page_done``) when ``flush_each_page`` is set, and always on exit from its ``with`` block, exceptions
  included. With ``bulk_adds`` the additions go through ``PUT /tags/assets`` (one tag, many assets).

Immich 3.1 can lose a tag write that lands within seconds of another tag write on the same asset (a sidecar
re-read overwrites it), so fewer, larger requests are also the safer way to write.

Writers decide *when*, *how grouped* and *through which endpoint* writes go out, by calling one of the three write
methods of a ``WriteTarget``: the sync ``ImmichClient`` itself sends each at once (so a profile shows each write
endpoint under its own client method, which ``bench stats`` reads), ``QueuedWrites`` keeps them as ``Call``s for the
async tagger to send concurrently, and a dry run has no target at all: the writer records the operations and
sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Protocol

from autotag.client import METHOD_ENDPOINTS, Call, Calls
from autotag.counters import Counters
from autotag.models import Tag

Direction = Literal["add", "remove"]


@dataclass(frozen=True)
class WriteOp:
    """One write request (sent, or only planned in a dry run)."""

    direction: Direction
    tag: str
    asset_ids: tuple[str, ...]
    endpoint: str
    sent: bool


class WriteTarget(Protocol):
    """Where a writer's requests go: the three tag-write endpoints."""

    def tag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> object: ...

    def untag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> object: ...

    def bulk_tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> object: ...


class QueuedWrites:
    """A ``WriteTarget`` that keeps each write as a ``Call`` until ``take()`` (the async tagger sends them)."""

    def __init__(self) -> None:
        self._calls: list[Call] = []

    def tag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> None:
        self._calls.append(Calls.tag_assets(tag_id, asset_ids))

    def untag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> None:
        self._calls.append(Calls.untag_assets(tag_id, asset_ids))

    def bulk_tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> None:
        self._calls.append(Calls.bulk_tag_assets(tag_ids, asset_ids))

    def take(self) -> list[Call]:
        """The queued calls, in order; the queue is empty afterwards."""
        calls, self._calls = self._calls, []
        return calls


class Writer:
    """Shared base: record the op, count it, and hand it to the target (none in a dry run)."""

    def __init__(self, counters: Counters, target: WriteTarget | None = None) -> None:
        self.counters = counters
        self.target = target
        self.ops: list[WriteOp] = []

    @property
    def apply(self) -> bool:
        return self.target is not None

    def add(self, tag: Tag, asset_id: str) -> None:
        """Add ``tag`` to the asset (now or later, by the writer's strategy)."""
        raise NotImplementedError

    def remove(self, tag: Tag, asset_id: str) -> None:
        """Remove ``tag`` from the asset (now or later, by the writer's strategy)."""
        raise NotImplementedError

    def page_done(self) -> None:
        """Called by the tagger after each search page."""

    def flush(self) -> None:
        """Send everything still buffered."""

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.flush()

    def _send(self, direction: Direction, tag: Tag, asset_ids: list[str], bulk: bool = False) -> None:
        ids = tuple(asset_ids)
        if direction == "remove":
            method = "untag_assets"
            self.counters.remove_requests += 1
            self.counters.tag_pairs_removed += len(ids)
        else:
            method = "bulk_tag_assets" if bulk else "tag_assets"
            self.counters.add_requests += 1
            self.counters.tag_pairs_added += len(ids)
        self.ops.append(WriteOp(direction, tag.value, ids, METHOD_ENDPOINTS[method], self.apply))
        target = self.target
        if target is None:
            return
        if method == "untag_assets":
            target.untag_assets(tag.id, ids)
        elif method == "bulk_tag_assets":
            target.bulk_tag_assets([tag.id], ids)
        else:
            target.tag_assets(tag.id, ids)


class ImmediateWriter(Writer):
    """One request per asset and tag, as the reference tool writes."""

    def add(self, tag: Tag, asset_id: str) -> None:
        self._send("add", tag, [asset_id])

    def remove(self, tag: Tag, asset_id: str) -> None:
        self._send("remove", tag, [asset_id])


class BatchWriter(Writer):
    """Buffers ids per tag and direction; flushes at ``limit``, per page when asked, and on exit."""

    def __init__(
        self,
        counters: Counters,
        target: WriteTarget | None = None,
        limit: int = 500,
        flush_each_page: bool = True,
        bulk_adds: bool = False,
    ) -> None:
        super().__init__(counters, target)
        if limit < 1:
            raise ValueError("batch limit must be at least 1")
        self.limit = limit
        self.flush_each_page = flush_each_page
        self.bulk_adds = bulk_adds
        self._pending: defaultdict[tuple[Direction, str], list[str]] = defaultdict(list)
        self._tags: dict[str, Tag] = {}

    @property
    def dirty(self) -> bool:
        """True while writes are buffered and unsent."""
        return any(self._pending.values())

    def add(self, tag: Tag, asset_id: str) -> None:
        self._queue("add", tag, asset_id)

    def remove(self, tag: Tag, asset_id: str) -> None:
        self._queue("remove", tag, asset_id)

    def _queue(self, direction: Direction, tag: Tag, asset_id: str) -> None:
        self._tags[tag.id] = tag
        group = self._pending[(direction, tag.id)]
        group.append(asset_id)
        if len(group) >= self.limit:
            self._flush_group(direction, tag.id)

    def page_done(self) -> None:
        if self.flush_each_page:
            self.flush()

    def flush(self) -> None:
        for direction, tag_id in sorted(self._pending):
            self._flush_group(direction, tag_id)

    def _flush_group(self, direction: Direction, tag_id: str) -> None:
        ids = self._pending.pop((direction, tag_id), [])
        if ids:
            self._send(direction, self._tags[tag_id], ids, bulk=self.bulk_adds and direction == "add")
