"""Virtual time for a program that talks to the replay over real HTTP: a discrete-event simulation whose clock the
replay owns and whose one unknown, "can the program still send something before this answer is due?", the kernel
answers.

The modes of the tagger run in process on a virtual clock: a sequential client's requests add up, an asyncio
client's overlap on a virtual-time event loop (looptime), and the tagger's own CPU takes no modeled time. A program
in another process gets the same meaning this way:

- a request that arrives is answered at once (state changes happen in arrival order) and given its modeled latency
  at the current virtual time ``now``, slowed by the requests already in flight exactly as the async transport does
  (``latency x (1 + per_inflight x n)``); its answer is then *held*;
- held answers are released one at a time, earliest modeled completion first, and only when the program is
  *quiet*: none of its threads can run (``quiet()``, from the process tree's states in ``/proc``), so it cannot
  send anything else before that completion. Releasing one moves ``now`` to its completion.

A program that sends one request at a time therefore gets exactly the sum of its requests' latencies, as the
sequential modes do; one that keeps several requests in flight gets them overlapped and slowed as the async mode
does. The program's own CPU takes no modeled time (it is measured and reported beside), its real sleeps neither.
Without a ``quiet`` function (a client the harness cannot see), every answer is released as soon as it arrives:
requests are modeled one after another.

The quiet checks run in a watcher thread that polls the kernel while answers are held (every 20 us, backing off to
1 ms); a request that finds the program already quiet is released on the event loop at once.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from harness.endpoints import endpoint_of
from harness.replay.transports import ReplayCore
from harness.replay.wire import Reply

PROXY_BUSY = b'{"message":"Too Many Requests (proxy)"}'
DRAIN_STEPS = 3  # loop iterations given to requests already received but not yet parsed, before a release
POLL_S = (0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001)


@dataclass(order=True)
class _Held:
    due: float
    seq: int
    reply: Reply = field(compare=False)
    seconds: float = field(compare=False)
    started: float = field(compare=False)
    counted: bool = field(compare=False)  # in flight at the server (a proxy's 429 is not)
    released: asyncio.Future[float] = field(compare=False)


class VirtualTimeGate:
    """Holds answers over real HTTP until they are due in virtual time; see the module docstring."""

    def __init__(
        self,
        core: ReplayCore,
        quiet: Callable[[], bool] | None = None,
        proxy_limit: int | None = None,
        retry_after_s: float = 1.0,
    ) -> None:
        self.core = core
        self.quiet = quiet
        self.proxy_limit = proxy_limit
        self.retry_after_s = retry_after_s
        self.now = 0.0
        self.peak = 0
        self.forced = 0  # releases made because the program never went quiet (see ``stall_s``)
        self.stall_s = 10.0
        self._held: list[_Held] = []
        self._inflight = 0
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._quiet_lock = threading.Lock()  # the loop's fast path and the watcher both ask; one at a time
        self._wake = threading.Event()
        self._delivered = threading.Event()
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: threading.Thread | None = None

    # -- on the event loop -------------------------------------------------------------------------------------

    async def answer(
        self, method: str, path: str, query: bytes, headers: Mapping[str, str], body: bytes
    ) -> tuple[Reply, list[tuple[bytes, bytes]]]:
        """The reply to one request, once it is due; extra headers (a proxy's ``retry-after``) beside it."""
        self._start()
        if self.proxy_limit is not None and self._inflight >= self.proxy_limit:
            reply = Reply(429, PROXY_BUSY, endpoint_of(method, path))
            await self._hold(reply, 0.001, counted=False)
            return reply, [(b"retry-after", str(self.retry_after_s).encode())]
        reply, base = self.core.answer(method, path, query, headers, body)
        seconds = base * (1.0 + self.core.latency.per_inflight * self._inflight)
        await self._hold(reply, seconds, counted=True)
        return reply, []

    def delivered(self) -> None:
        """The app wrote a released answer to its socket: the program may now wake, so look again."""
        self._delivered.set()

    async def _hold(self, reply: Reply, seconds: float, counted: bool) -> None:
        loop = asyncio.get_running_loop()
        held = _Held(self.now + seconds, next(self._seq), reply, seconds, self.now, counted, loop.create_future())
        with self._lock:
            heapq.heappush(self._held, held)
        if counted:
            self._inflight += 1
            self.peak = max(self.peak, self._inflight)
        if self.quiet is None:
            self._release()
        else:
            await self._release_if_quiet()
        now = await held.released
        if counted:
            self._inflight -= 1
        self.core.observer.record(reply.endpoint, reply.status, seconds, held.started, now)

    async def _release_if_quiet(self) -> None:
        """The fast path, on the loop: a program that sends and then waits (every sequential one) is found quiet at
        once, and its answer released without a round trip through the watcher thread."""
        for _ in range(DRAIN_STEPS):
            await asyncio.sleep(0)
        if self._held and self._is_quiet():
            self._release()
        else:
            self._wake.set()

    async def _release_when_drained(self) -> None:
        for _ in range(DRAIN_STEPS):
            await asyncio.sleep(0)
        self._release()

    def _release(self) -> None:
        """Release the held answer due first and move virtual time to its completion."""
        with self._lock:
            if not self._held:
                self._delivered.set()
                return
            held = heapq.heappop(self._held)
        self.now = max(self.now, held.due)
        self.core.clock.now = self.now
        held.released.set_result(self.now)

    # -- the watcher thread ------------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._watcher is not None or self.quiet is None:
            return
        self._loop = asyncio.get_running_loop()
        self._watcher = threading.Thread(target=self._watch, name="virtual-time-gate", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Stop the watcher thread."""
        self._stop.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)

    def _is_quiet(self) -> bool:
        """The program's quiet test, one caller at a time; a test that fails counts as quiet, so that a program
        the harness cannot read any more (it ended) is never waited for."""
        assert self.quiet is not None
        with self._quiet_lock:
            try:
                return self.quiet()
            except Exception:  # any failure to look means: nothing more to wait for
                return True

    def _pending(self) -> bool:
        with self._lock:
            return bool(self._held)

    def _watch(self) -> None:
        assert self._loop is not None
        loop = self._loop
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            polls = 0
            started = time.monotonic()
            while self._pending() and not self._stop.is_set():
                stalled = time.monotonic() - started > self.stall_s
                if self._is_quiet() or stalled:
                    self.forced += stalled
                    self._delivered.clear()
                    loop.call_soon_threadsafe(lambda: loop.create_task(self._release_when_drained()))
                    self._delivered.wait(timeout=1.0)
                    polls, started = 0, time.monotonic()
                    continue
                time.sleep(POLL_S[min(polls, len(POLL_S) - 1)])
                polls += 1
