"""The concurrent tagger (mode ``async``): the same decisions as every mode, with requests overlapped.

Per run: the album members are searched for all albums at once; per page of 250 assets the full assets are read
concurrently (``GET /assets/{id}``, as many in flight as the adaptive limiter allows), then each asset is decided in
page order, exactly as the sequential tagger does, and the page's writes (grouped per tag, additions in bulk) are
sent concurrently before the next page. Pages themselves are read one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from autotag.albums import AlbumMap
from autotag.assets import AssetWrapper
from autotag.async_client import AsyncImmichClient
from autotag.models import AssetDetail, AssetSummary
from autotag.tagger import AssetDecision, TaggerCore, TagPlan
from autotag.writers import DRAIN_S, QueuedWrites, Writer

T = TypeVar("T")


class AsyncTagger(TaggerCore[AsyncImmichClient]):
    """The tagger with overlapped requests: full assets per page at once, writes per page concurrently."""

    _queued: QueuedWrites

    async def run(self) -> TagPlan:
        """One run over every asset; the same plan as the sequential tagger."""
        version = await self.client.server_version()
        all_tags = await self.client.list_tags() if self.needs_tag_list() else []
        upserted = await self.client.upsert_tags(self.rules.output.all()) if self.apply else None
        output_tags = self.output_tags(all_tags, upserted)
        albums = await self._album_map()
        decisions: list[AssetDecision] = []
        self._queued = QueuedWrites()
        writer = self.state.writer = self.make_writer(self._queued if self.apply else None)
        try:
            page_number: int | None = 1
            while page_number is not None:
                page = await self.client.search(page_number)
                details = await settled(self._load(item) for item in page.items)
                by_id = {detail.id: detail for detail in details}
                wrappers = [AssetWrapper(item, by_id_loader(by_id), self.counters) for item in page.items]
                decisions.extend(self._decide(wrapper, albums, output_tags, writer) for wrapper in wrappers)
                writer.page_done()
                await self._send_queued(writer)
                self.page_done(len(wrappers))
                page_number = page.next_page
            writer.flush()
            await self._send_queued(writer)
        except BaseException:
            await self._salvage(writer)
            raise
        return self.plan(version, decisions, writer, output_tags)

    async def _salvage(self, writer: Writer) -> None:
        """After a stop: send what was decided (failed, buffered or queued) in bounded time; never raises."""
        self.client.session.wind_down()
        loop = asyncio.get_running_loop()
        writer.drain(loop.time() + DRAIN_S, loop.time)  # queues them (the queue never fails)
        try:
            await asyncio.wait_for(self._send_queued(writer), DRAIN_S)
        except BaseException:  # a failure, the time limit or a second signal: what failed is listed as not sent
            return

    async def _album_map(self) -> AlbumMap:
        albums = await self.client.list_albums()
        wanted = [album for album in albums if album.asset_count > 0]
        members = await settled(self.client.search_all(albumIds=[album.id]) for album in wanted)
        return AlbumMap.of(albums, {album.id: ids for album, ids in zip(wanted, members, strict=True)})

    async def _load(self, summary: AssetSummary) -> AssetDetail:
        self.counters.asset_loads += 1
        return await self.client.get_asset(summary.id)

    async def _send_queued(self, writer: Writer) -> None:
        """Send the queued writes concurrently and wait for all of them; a write that failed (or was still in flight
        when the run was stopped) goes back to the writer's ``unsent``; the first failure is raised."""
        calls = self._queued.take()
        if not calls:
            return
        ops = writer.ops[-len(calls) :]
        tasks = [asyncio.ensure_future(self.client.send(call)) for call in calls]
        try:
            await asyncio.wait(tasks)
        finally:
            failures = [task for task in tasks if not task.done() or task.cancelled() or task.exception()]
            for task, op in zip(tasks, ops, strict=True):
                if task in failures:
                    task.cancel()
                    writer.mark_unsent(op)
        for task in failures:
            if not task.cancelled() and task.done() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]


async def settled(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """``asyncio.gather`` that, when one fails (or a stop is asked for), lets the others finish before raising: a
    request in flight is never cut off mid-connection, and nothing is left running when the run ends."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        if tasks:
            await asyncio.wait(tasks)
        raise


def by_id_loader(details: dict[str, AssetDetail]) -> Callable[[AssetSummary], AssetDetail]:
    """A loader answering from the details this page already read concurrently."""
    return lambda summary: details[summary.id]
