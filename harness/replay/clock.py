"""Virtual time. Replay never sleeps: each request advances a clock by its modeled latency.

``VirtualClock`` serves sequential clients: a request starts when the previous one ended, so modeled time is the
sum of latencies. Concurrent (async) clients run on looptime's virtual-time event loop instead (see
``harness.replay.transports.AsyncReplayTransport``), where overlapping requests overlap. ``realtime_scale``
(``--realtime``) additionally sleeps ``scale`` real seconds per modeled second, to check the model on a wall clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class VirtualClock:
    """Modeled seconds since the run started; ``advance`` moves it (and sleeps only with ``realtime_scale``)."""

    now: float = 0.0
    realtime_scale: float = 0.0

    def advance(self, seconds: float) -> float:
        """Move the clock forward; returns the new time."""
        if seconds < 0:
            raise ValueError("time does not run backwards")
        self.now += seconds
        if self.realtime_scale > 0:
            time.sleep(seconds * self.realtime_scale)
        return self.now
