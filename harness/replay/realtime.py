"""The replay's model played out on the wall clock: ``bench serve --realtime SCALE`` answers each request after its
modeled time (times ``SCALE``), requests in flight sharing the server as ``harness.replay.concurrency`` models it.

For checking the model against a real client, and for calibrating: a client timing this server end to end (``bench
calibrate --url``) measures the profile being served, plus the HTTP round trip on loopback (a fraction of a
millisecond). Modeled time still runs on its own clock (``now``, in modeled seconds), so counts and modeled figures
are what a virtual-time replay of the same requests would give.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from harness.replay.concurrency import Key, SharedServer
from harness.replay.transports import ReplayCore
from harness.replay.wire import Reply


@dataclass
class _Waiting:
    admitted: float
    done: asyncio.Future[float]


class RealTimeGate:
    """Holds each answer for its modeled time on the event loop's real clock (see the module docstring)."""

    def __init__(self, core: ReplayCore, scale: float = 1.0) -> None:
        if scale <= 0:
            raise ValueError("the real-time scale must be positive")
        self.core = core
        self.scale = scale
        self.server = SharedServer()
        self.peak = 0
        self._start: float | None = None
        self._waiting: dict[Key, _Waiting] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._arrivals = itertools.count()

    @property
    def now(self) -> float:
        """Modeled seconds since the first request."""
        if self._start is None:
            return 0.0
        return (asyncio.get_running_loop().time() - self._start) / self.scale

    async def answer(
        self, method: str, path: str, query: bytes, headers: Mapping[str, str], body: bytes
    ) -> tuple[Reply, list[tuple[bytes, bytes]]]:
        """The reply to one request, after its modeled time has passed on the wall clock."""
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        now = self.now  # the request's arrival: the server's own work to answer it is part of its modeled time
        reply, base = self.core.answer(method, path, query, headers, body)
        key = (f"{method} {path}?{query.decode('latin-1')}", body, next(self._arrivals))
        self.server.admit(now, key, base, self.core.latency.slowdown(reply.endpoint, reply.units))
        self.peak = max(self.peak, self.server.inflight)
        waiting = _Waiting(now, loop.create_future())
        self._waiting[key] = waiting
        self._reschedule(loop)
        finished = await waiting.done
        self.core.clock.now = max(self.core.clock.now, finished)
        self.core.observer.record(reply.endpoint, reply.status, finished - now, now, finished)
        return reply, []

    def delivered(self) -> None:
        """Nothing to do: answers are released by the clock, not by the client."""

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _reschedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        upcoming = self.server.next_completion()
        if upcoming is not None and self._start is not None:
            due, key = upcoming
            self._timer = loop.call_at(self._start + due * self.scale, self._complete, loop, due, key)

    def _complete(self, loop: asyncio.AbstractEventLoop, due: float, key: Key) -> None:
        self._timer = None
        self.server.complete(due, key)
        waiting = self._waiting.pop(key)
        if not waiting.done.done():
            waiting.done.set_result(due)
        self._reschedule(loop)
