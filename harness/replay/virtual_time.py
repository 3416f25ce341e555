"""Virtual time for a program that talks to the replay over real HTTP: a discrete-event simulation whose clock the
replay owns and whose one unknown, "can the program still send something before this answer is due?", the kernel
answers.

The modes of the tagger run in process on a virtual clock: a sequential client's requests add up, an asyncio
client's overlap on a virtual-time event loop (looptime), and the tagger's own CPU takes no modeled time. A program
in another process gets the same meaning this way:

- a request that arrives is answered at once (state changes happen in arrival order) and admitted, at the current
  virtual time ``now``, to the same model of the server the async transport uses
  (``harness.replay.concurrency.SharedServer``: processor sharing with the measured slowdown curves); its answer
  is *held*;
- held answers are released one at a time, the one the model completes first, and only when the program is
  *quiet*: none of its threads can run, and it has run since the last answer it was given (``Watch``, from the
  process tree's states in ``/proc``), so it cannot send anything else before that completion. Releasing one moves
  ``now`` to its completion.

A program that sends one request at a time therefore gets exactly the sum of its requests' latencies, as the
sequential modes do; one that keeps several requests in flight gets them overlapped and slowed as the async mode
does. Requests issued at one virtual instant are modeled alike whatever order they reach the server in, so the
figures do not depend on how the program's threads happen to be scheduled. The program's own CPU takes no modeled
time (it is measured and reported beside), its real sleeps neither. Without a ``Watch`` (a client the harness
cannot see), every answer is released as soon as it arrives: requests are modeled one after another.

The quiet checks run in a watcher thread that polls the kernel while answers are held (every 20 us, backing off to
1 ms); a request that finds the program already quiet is released on the event loop at once. One released answer
is outstanding at a time: the next is looked for once it is written to its socket.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from harness.endpoints import endpoint_of
from harness.replay.concurrency import Key, SharedServer
from harness.replay.faults import RETRY_AFTER_S
from harness.replay.transports import ReplayCore, observed_status
from harness.replay.wire import Reply

PROXY_BUSY = b'{"message":"Too Many Requests (proxy)"}'
PROXY_S = 0.001  # what a modeled reverse proxy takes to answer 429
DRAIN_STEPS = 6  # loop iterations a request already received needs to reach the gate (accept, read, parse, task)
DRAIN_ROUNDS = 50  # at most this many more drains while connections wait to be accepted
POLL_S = (0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001)


class Watch(Protocol):
    """What the gate knows of the program: whether it is quiet, and that an answer is about to reach it."""

    def quiet(self) -> bool:
        """No thread of the program can run, and it has run since the last ``released()``: it waits for an answer.
        (An answer released wakes the program, which must run to take it; until it has, it is not quiet again,
        however slowly the kernel delivers the answer on a busy machine.)"""

    def released(self) -> None:
        """An answer is about to be written to the program."""


@dataclass
class _Held:
    """A request whose answer is held until the model completes it."""

    reply: Reply
    admitted: float
    released: asyncio.Future[float]


class VirtualTimeGate:
    """Holds answers over real HTTP until they are due in virtual time; see the module docstring."""

    def __init__(
        self,
        core: ReplayCore,
        watch: Watch | None = None,
        proxy_limit: int | None = None,
        retry_after_s: float = 1.0,
        incoming: Callable[[], bool] | None = None,
    ) -> None:
        self.core = core
        self.incoming = incoming  # True while the program has sent what the server has not read (``unread_input``)
        self.watch = watch
        self.proxy_limit = proxy_limit
        self.retry_after_s = retry_after_s
        self.now = 0.0
        self.peak = 0
        self.forced = 0  # releases made because the program never went quiet (see ``stall_s``)
        self.stall_s = 10.0
        self.server = SharedServer()
        self._held: dict[Key, _Held] = {}
        self._proxied: list[tuple[float, Key]] = []  # 429s of the modeled proxy: due at a fixed delay, not served
        self._arrivals = itertools.count()
        self._releasing = False  # an answer is released and not yet written to its socket
        self._lock = threading.Lock()
        self._quiet_lock = threading.Lock()  # the loop's fast path and the watcher both ask; one at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: threading.Thread | None = None

    # -- on the event loop -------------------------------------------------------------------------------------

    async def answer(
        self, method: str, path: str, query: bytes, headers: Mapping[str, str], body: bytes
    ) -> tuple[Reply, list[tuple[bytes, bytes]]]:
        """The reply to one request, once it is due; extra headers (a proxy's ``retry-after``) beside it."""
        self._start()
        key = (f"{method} {path}?{query.decode('latin-1')}", body, next(self._arrivals))
        if self.proxy_limit is not None and self.server.inflight >= self.proxy_limit:
            reply = Reply(429, PROXY_BUSY, endpoint_of(method, path))
            with self._lock:
                heapq.heappush(self._proxied, (self.now + PROXY_S, key))
            await self._hold(key, reply)
            return reply, [(b"retry-after", str(self.retry_after_s).encode())]
        reply, base = self.core.answer(method, path, query, headers, body)
        if reply.fault == "timeout" and self.core.faults is not None:
            base += self.core.faults.hold_s  # the answer is held this long (``ReplayApp``): modeled as waited
        with self._lock:
            self.server.admit(self.now, key, base, self.core.latency.slowdown(reply.endpoint, reply.units))
        self.peak = max(self.peak, self.server.inflight)
        await self._hold(key, reply)
        return reply, [(b"retry-after", RETRY_AFTER_S.encode())] if reply.fault == "429" else []

    def delivered(self) -> None:
        """The app wrote a released answer to its socket: the program has it (and may send again), so the next
        release may be looked for."""
        self._unclaim()
        self._wake.set()

    async def _hold(self, key: Key, reply: Reply) -> None:
        held = _Held(reply, self.now, asyncio.get_running_loop().create_future())
        with self._lock:
            self._held[key] = held
        if self.watch is None:
            self._release()
        else:
            await self._release_if_quiet()
        finished = await held.released
        status = observed_status(reply)
        self.core.observer.record(reply.endpoint, status, finished - held.admitted, held.admitted, finished)

    async def _release_if_quiet(self) -> None:
        """The fast path, on the loop: a program that sends and then waits (every sequential one) is found quiet at
        once, and its answer released without a round trip through the watcher thread. The loop is drained *after*
        the program is found quiet, as the watcher does: a request sent just before it went quiet is taken in first.
        (Draining before the look let a thread's request sent in between reach the gate after the release: a
        4-thread program was modeled differently about one run in twenty on a busy machine.)"""
        if not self._claim():
            self._wake.set()  # a release is outstanding, or the watcher is looking: it will see this one too
        elif self._is_quiet():
            await self._release_when_drained()
        else:
            self._unclaim()
            self._wake.set()

    async def _release_when_drained(self) -> None:
        await self._drain()
        self._release()

    async def _drain(self) -> None:
        """Let the loop take in what the program has already sent: requests on open connections, and connections
        still waiting to be accepted (a program that opens a new one and sends on it is quiet before its request
        has reached the gate). Done when a whole round of ``DRAIN_STEPS`` started and ended with nothing unread: what
        was read before it has had the round's steps to reach the gate. (Checking only at the end of a round missed a
        connection accepted during it: its request, not yet read, reached the gate after an answer was released, and
        a 4-thread program was modeled differently from run to run on a busy machine.)"""
        for _round in range(DRAIN_ROUNDS):
            before = self.incoming is not None and self.incoming()
            for _ in range(DRAIN_STEPS):
                await asyncio.sleep(0)
            if self.incoming is None or not (before or self.incoming()):
                return

    def _release(self) -> None:
        """Release the answer the model completes first, and move virtual time to its completion."""
        with self._lock:
            upcoming = self.server.next_completion()
            if self._proxied and (upcoming is None or self._proxied[0] < upcoming):
                due, key = heapq.heappop(self._proxied)
            elif upcoming is not None:
                due, key = upcoming
                self.server.complete(due, key)
            else:
                self._releasing = False
                return
            held = self._held.pop(key)
        self.now = max(self.now, due)
        self.core.clock.now = self.now
        if self.watch is not None:
            with self._quiet_lock:
                self.watch.released()
        held.released.set_result(self.now)

    # -- the watcher thread ------------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._watcher is not None or self.watch is None:
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

    def _claim(self) -> bool:
        """Take the one release that may be outstanding: a second answer is released only once the program has
        had the first and has been seen quiet again, or two answers would be due at the same look."""
        with self._lock:
            if self._releasing or not self._held:
                return False
            self._releasing = True
            return True

    def _unclaim(self) -> None:
        with self._lock:
            self._releasing = False

    def _is_quiet(self) -> bool:
        """The program's quiet test, one caller at a time; a test that fails counts as quiet, so that a program
        the harness cannot read any more (it ended) is never waited for."""
        assert self.watch is not None
        with self._quiet_lock:
            try:
                return self.watch.quiet()
            except Exception:  # any failure to look means: nothing more to wait for
                return True

    def _watch(self) -> None:
        assert self._loop is not None
        loop = self._loop
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            polls = 0
            started = time.monotonic()
            while not self._stop.is_set() and self._claim():
                stalled = time.monotonic() - started > self.stall_s
                if self._is_quiet() or stalled:
                    self.forced += stalled
                    loop.call_soon_threadsafe(lambda: loop.create_task(self._release_when_drained()))
                    break  # ``delivered`` wakes this loop again
                self._unclaim()
                time.sleep(POLL_S[min(polls, len(POLL_S) - 1)])
                polls += 1
