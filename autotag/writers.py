"""Tag writers: how the tagger's decisions reach the server.

- ``ImmediateWriter``: one request per asset and tag (``PUT``/``DELETE /tags/{id}/assets {"ids":[one]}``), as the
  reference tool writes.
- ``BatchWriter``: buffers ids per tag and direction and flushes a group when it reaches ``limit``, at the end of
  every page (``page_done``) when ``flush_each_page`` is set, and always on exit from its ``with`` block, exceptions
  included. With ``bulk_adds`` the additions go through ``PUT /tags/assets`` (one tag, many assets).

Immich 3.1 can lose a tag write that lands within seconds of another tag write on the same asset (a sidecar
re-read overwrites it), so fewer, larger requests are also the safer way to write.

Writers decide *when* and *how grouped* writes go out, as ``Call``s; a ``Sender`` decides *how* they are sent:
``client_sender(client)`` sends each at once on a sync client, the async tagger queues them and sends them
concurrently, and a dry run has no sender at all: the writer records the operations and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

from autotag.client import Call, Calls, ImmichClient
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


Sender = Callable[[Call], None]


def client_sender(client: ImmichClient) -> Sender:
    """Send each write at once on a sync client."""

    def send(call: Call) -> None:
        client.send(call)

    return send


class Writer:
    """Shared base: record the op, count it, and hand it to the sender (none in a dry run)."""

    def __init__(self, counters: Counters, sender: Sender | None = None) -> None:
        self.counters = counters
        self.sender = sender
        self.ops: list[WriteOp] = []

    @property
    def apply(self) -> bool:
        return self.sender is not None

    def add(self, tag: Tag, asset_id: str) -> None:
        raise NotImplementedError

    def remove(self, tag: Tag, asset_id: str) -> None:
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
            call = Calls.untag_assets(tag.id, ids)
            self.counters.remove_requests += 1
            self.counters.tag_pairs_removed += len(ids)
        else:
            call = Calls.bulk_tag_assets([tag.id], ids) if bulk else Calls.tag_assets(tag.id, ids)
            self.counters.add_requests += 1
            self.counters.tag_pairs_added += len(ids)
        self.ops.append(WriteOp(direction, tag.value, ids, call.endpoint, self.apply))
        if self.sender is not None:
            self.sender(call)


class ImmediateWriter(Writer):
    def add(self, tag: Tag, asset_id: str) -> None:
        self._send("add", tag, [asset_id])

    def remove(self, tag: Tag, asset_id: str) -> None:
        self._send("remove", tag, [asset_id])


class BatchWriter(Writer):
    def __init__(
        self,
        counters: Counters,
        sender: Sender | None = None,
        limit: int = 500,
        flush_each_page: bool = True,
        bulk_adds: bool = False,
    ) -> None:
        super().__init__(counters, sender)
        if limit < 1:
            raise ValueError("batch limit must be at least 1")
        self.limit = limit
        self.flush_each_page = flush_each_page
        self.bulk_adds = bulk_adds
        self._pending: defaultdict[tuple[Direction, str], list[str]] = defaultdict(list)
        self._tags: dict[str, Tag] = {}

    @property
    def dirty(self) -> bool:
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
