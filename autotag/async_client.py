"""An asyncio Immich 3.x client over an ``AsyncSession``, with adaptive concurrency.

``AdaptiveLimiter`` bounds the requests in flight and adapts the bound (AIMD, like TCP congestion control):
one more slot after ``limit`` successes in a row, half the slots on a 429 (Immich itself never answers 429; a
reverse proxy in front of it may). Every attempt of a request takes a slot; retries (429 after its ``Retry-After``,
and every other failure the policy retries) are the session's, as in the sync client (``autotag.retry``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from autotag.client import MEMBER_PAGE_SIZE, SEARCH_PAGE_SIZE, Call, Calls, check_version, not_immich
from autotag.errors import ApiError
from autotag.models import Album, AssetDetail, SearchPage, ServerVersion, Tag
from autotag.session import AsyncSession


class AdaptiveLimiter:
    """A semaphore whose size adapts; waiters are woken in FIFO order, one per free slot (no thundering herd)."""

    def __init__(self, start: int = 4, maximum: int = 16, minimum: int = 1) -> None:
        if not 1 <= minimum <= start <= maximum:
            raise ValueError("need 1 <= minimum <= start <= maximum")
        self.limit = start
        self.maximum = maximum
        self.minimum = minimum
        self.inflight = 0
        self.peak = 0
        self.throttled = 0
        self._streak = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @classmethod
    def for_concurrency(cls, maximum: int) -> AdaptiveLimiter:
        """Start at 4 in flight (or fewer) and grow up to ``maximum``."""
        return cls(start=min(4, maximum), maximum=maximum)

    async def acquire(self) -> None:
        """Wait for a free slot (FIFO among waiters)."""
        if self.inflight < self.limit and not self._waiters:
            self._take()
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter  # the releaser took the slot for us

    def _take(self) -> None:
        self.inflight += 1
        self.peak = max(self.peak, self.inflight)

    async def release(self, throttled: bool) -> None:
        """Free a slot; a throttled answer halves the limit, a run of successes grows it by one."""
        self.inflight -= 1
        if throttled:
            self.throttled += 1
            self.limit = max(self.minimum, self.limit // 2)
            self._streak = 0
        else:
            self._streak += 1
            if self._streak >= self.limit and self.limit < self.maximum:
                self.limit += 1
                self._streak = 0
        while self._waiters and self.inflight < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._take()
                waiter.set_result(None)


class AsyncImmichClient:
    """Async twin of ``ImmichClient``; every attempt of every request goes through the limiter."""

    def __init__(self, session: AsyncSession, limiter: AdaptiveLimiter | None = None) -> None:
        self.session = session
        self.limiter = limiter or AdaptiveLimiter()

    async def send(self, call: Call) -> Any:
        """Send one request (retried by the session as its endpoint allows) and return its parsed answer."""
        if call.reads:
            self.session.check_stop()
        response = await self.session.send(
            call.method, call.path, call.body, call.endpoint, idempotent=call.idempotent, around=self._limited
        )
        answer = call.parse(response)
        self.session.retry_log.repeats += call.accept_repeats(answer, response)
        return answer

    async def _limited(self, attempt: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        """One attempt in a slot of the limiter; a 429 halves the limit."""
        await self.limiter.acquire()
        try:
            response = await attempt()
        except BaseException:
            await self.limiter.release(False)
            raise
        await self.limiter.release(response.status_code == 429)
        return response

    async def server_version(self) -> ServerVersion:
        try:
            return check_version(await self.send(Calls.server_version()))
        except ApiError as exc:
            raise not_immich(exc) from exc

    async def list_tags(self) -> list[Tag]:
        return [Tag.from_json(t) for t in await self.send(Calls.list_tags())]

    async def upsert_tags(self, values: Sequence[str]) -> list[Tag]:
        return [Tag.from_json(t) for t in await self.send(Calls.upsert_tags(values))]

    async def list_albums(self) -> list[Album]:
        return [Album.from_json(a) for a in await self.send(Calls.list_albums())]

    async def search(self, page: int, size: int = SEARCH_PAGE_SIZE, **filters: Any) -> SearchPage:
        return SearchPage.from_json(await self.send(Calls.search(page, size, **filters)))

    async def search_all(self, size: int = MEMBER_PAGE_SIZE, **filters: Any) -> list[str]:
        """The ids of every asset matching ``filters``, all pages (1000 per page by default)."""
        ids: list[str] = []
        page: int | None = 1
        while page is not None:
            result = await self.search(page, size, **filters)
            ids.extend(item.id for item in result.items)
            page = result.next_page
        return ids

    async def get_asset(self, asset_id: str) -> AssetDetail:
        return AssetDetail.from_json(await self.send(Calls.get_asset(asset_id)))

    async def tag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> Any:
        return await self.send(Calls.tag_assets(tag_id, asset_ids))

    async def untag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> Any:
        return await self.send(Calls.untag_assets(tag_id, asset_ids))

    async def bulk_tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> int:
        return int((await self.send(Calls.bulk_tag_assets(tag_ids, asset_ids)))["count"])
