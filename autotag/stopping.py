"""Stopping a run on SIGINT or SIGTERM without losing a decided write.

The first signal only asks for a stop (``StopRequest``): the run stops before its next *read* (a read has no effect
on the server, so every write decided until then is either sent or buffered), retries nothing more, and sends what
it decided (``Writer.drain``, in bounded time); the caller then reports what was sent and what remains and exits
``128 + signal`` (130 for SIGINT, 143 for SIGTERM). A second signal abandons the drain at once.

Example::

    stop = StopRequest()
    with on_signals(stop):
        run_mode(connection, rules, mode, apply=True, stop=stop)
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A run stopped by a signal (like ``KeyboardInterrupt``, not an error): ``exit_code`` is ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class StopRequest:
    """A stop asked for by a signal (``ask``), and whether the stop was asked twice (``abandoned``)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.abandoned = False
        self._event = threading.Event()

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def ask(self, signum: int) -> None:
        """A signal arrived; the second one abandons what the first let finish (raises ``Interrupted`` now)."""
        if self.signum is not None:
            self.abandoned = True
            raise Interrupted(self.signum)
        self.signum = signum
        self._event.set()

    def check(self) -> None:
        """Raise ``Interrupted`` when a stop was asked for: called before each read."""
        if self.signum is not None:
            raise Interrupted(self.signum)

    def sleep(self, seconds: float) -> None:
        """Sleep, waking at once when a stop is asked for (a retry's wait)."""
        self._event.wait(seconds)

    async def sleep_async(self, seconds: float) -> None:
        """The async twin of ``sleep``: at most a tenth of a second late to notice a stop."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while not self.requested and (left := end - loop.time()) > 0:
            await asyncio.sleep(min(left, 0.1))


@contextmanager
def on_signals(stop: StopRequest) -> Iterator[StopRequest]:
    """While the block runs, SIGINT and SIGTERM ask ``stop`` (in the main thread; elsewhere nothing is installed)."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        stop.ask(signum)

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
