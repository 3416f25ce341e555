"""Virtual time. Replay never sleeps: each request advances a clock by its modeled latency.

``VirtualClock`` serves sequential clients: a request starts when the previous one ended. ``EventClock`` serves
concurrent (async) clients as a small discrete-event simulation: each request starts at the virtual time its task
issued it, and its latency is stretched by the number of requests in flight, so overlapping requests overlap in
virtual time. ``realtime_scale`` (``--realtime``) additionally sleeps ``scale`` real seconds per modeled second,
for checking the model against a wall clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class VirtualClock:
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


@dataclass
class EventClock:
    """Virtual time for concurrent requests: ``start()`` and ``finish()`` bracket each request in flight."""

    per_inflight: float = 0.5
    now: float = 0.0
    inflight: int = 0
    makespan: float = 0.0
    busy: list[float] = field(default_factory=list)

    def stretch(self, base_seconds: float) -> float:
        """Latency of a request issued with ``inflight`` others already running (fitted to latency.json)."""
        return base_seconds * (1.0 + self.per_inflight * self.inflight)
