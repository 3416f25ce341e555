"""Tag writers: how the tagger's decisions reach the server.

- ``ImmediateWriter``: one request per asset and tag (``PUT``/``DELETE /tags/{id}/assets {"ids":[one]}``), as the
  reference tool writes.
- ``BatchWriter``: buffers ids per tag and direction and flushes a group when it reaches ``limit``, at the end of
  every page (``page_done``) when ``flush_each_page`` is set, and on exit from its ``with`` block (after an
  exception, by ``drain``: in bounded time). With ``bulk_adds`` the additions go through ``PUT /tags/assets`` (one
  tag, many assets).

A write that fails (its retries ran out, or a signal stopped it) is kept in ``unsent``, beside what is still
buffered; ``drain`` sends both after a run stopped early, in bounded time, and leaves listed what it could not send.
Every tag write is idempotent, so sending one again that may have reached the server is safe.

Immich 3.1 can lose a tag write that lands within seconds of another tag write on the same asset (a sidecar
re-read overwrites it), so fewer, larger requests are also the safer way to write.

Writers decide *when*, *how grouped* and *through which endpoint* writes go out, by calling one of the three write
methods of a ``WriteTarget``: the sync ``ImmichClient`` itself sends each at once (so a profile shows each write
endpoint under its own client method, which ``bench stats`` reads), ``QueuedWrites`` keeps them as ``Call``s for the
async tagger to send concurrently, and a dry run has no target at all: the writer records the operations and
sends nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Literal, Protocol

from autotag.client import METHOD_ENDPOINTS, Call, Calls
from autotag.counters import Counters
from autotag.models import Tag

Direction = Literal["add", "remove"]
DRAIN_S = 15.0  # how long a run stopped early may go on sending what it decided


@dataclass(frozen=True)
class WriteOp:
    """One write request (sent, or only planned in a dry run)."""

    direction: Direction
    tag: str
    asset_ids: tuple[str, ...]
    endpoint: str
    sent: bool
    tag_id: str = ""


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
        self.unsent: list[WriteOp] = []  # decided, and not sent: the request failed or was stopped

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

    def pending(self) -> list[WriteOp]:
        """What is buffered and not sent yet, as the requests it would be."""
        return []

    def remaining(self) -> list[WriteOp]:
        """Every decided write not sent: failed or stopped requests, then what is still buffered."""
        return [*self.unsent, *self.pending()]

    def mark_unsent(self, op: WriteOp) -> None:
        """``op`` was recorded as sent but its request failed: move it to ``unsent``."""
        for index in range(len(self.ops) - 1, -1, -1):
            if self.ops[index] is op:
                del self.ops[index]
                break
        self.unsent.append(replace(op, sent=False))

    def drain(self, deadline_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        """After a run stopped early: send what failed and what is buffered, one request at a time until the first
        that fails or ``deadline_s`` (on ``clock``) passes; what is left stays in ``remaining()``. Never raises."""
        if self.target is None:
            return
        retry, self.unsent = self.unsent, []
        try:
            for index, op in enumerate(retry):
                if clock() >= deadline_s:
                    self.unsent.extend(retry[index:])
                    return
                try:
                    self._deliver(op)
                except BaseException:
                    self.unsent.extend(retry[index:])
                    raise
                self.ops.append(replace(op, sent=True))
            self._drain_buffer(deadline_s, clock)
        except BaseException:  # a failure or a second signal ends the drain; the run's own error is reported
            return

    def _drain_buffer(self, deadline_s: float, clock: Callable[[], float]) -> None:
        """Send what is buffered, group by group, while time remains."""

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.flush()
        else:
            self.drain(time.monotonic() + DRAIN_S)

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
        op = WriteOp(direction, tag.value, ids, METHOD_ENDPOINTS[method], self.apply, tag.id)
        if self.target is None:
            self.ops.append(op)
            return
        try:
            self._deliver(op)
        except BaseException:
            self.unsent.append(replace(op, sent=False))
            raise
        self.ops.append(op)

    def _deliver(self, op: WriteOp) -> None:
        target = self.target
        assert target is not None
        if op.direction == "remove":
            target.untag_assets(op.tag_id, op.asset_ids)
        elif op.endpoint == METHOD_ENDPOINTS["bulk_tag_assets"]:
            target.bulk_tag_assets([op.tag_id], op.asset_ids)
        else:
            target.tag_assets(op.tag_id, op.asset_ids)


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

    def _drain_buffer(self, deadline_s: float, clock: Callable[[], float]) -> None:
        for direction, tag_id in sorted(self._pending):
            if clock() >= deadline_s:
                return
            self._flush_group(direction, tag_id)

    def pending(self) -> list[WriteOp]:
        bulk = METHOD_ENDPOINTS["bulk_tag_assets"] if self.bulk_adds else METHOD_ENDPOINTS["tag_assets"]
        return [
            WriteOp(
                direction,
                self._tags[tag_id].value,
                tuple(ids),
                METHOD_ENDPOINTS["untag_assets"] if direction == "remove" else bulk,
                False,
                tag_id,
            )
            for (direction, tag_id), ids in sorted(self._pending.items())
            if ids
        ]

    def _flush_group(self, direction: Direction, tag_id: str) -> None:
        ids = self._pending.pop((direction, tag_id), [])
        if ids:
            self._send(direction, self._tags[tag_id], ids, bulk=self.bulk_adds and direction == "add")
