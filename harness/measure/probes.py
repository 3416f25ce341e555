"""What crossed the wire during a replay: requests, modeled seconds and statuses per endpoint, a timeline, and each
request's interval on the virtual clock (for the time in flight, ``harness.measure.occupancy``).

It is the replay core's observer (``harness.replay.transports.Observer``); the tagger never sees it. The timeline
keeps (requests answered, modeled seconds) points, thinned to at most ``max_points`` so that a 100,000-request run
stays small on disk; the intervals are kept whole, as two floats per request.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from harness.measure.occupancy import Occupancy, occupancy


@dataclass
class Probe:
    """Counts per endpoint and status, modeled seconds per endpoint, intervals, and a thinned timeline."""

    max_points: int = 400
    requests: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    statuses: Counter[int] = field(default_factory=Counter)
    intervals: defaultdict[str, array[float]] = field(default_factory=lambda: defaultdict(lambda: array("d")))
    timeline: list[tuple[int, float]] = field(default_factory=list)
    total: int = 0
    _stride: int = 1

    def record(self, endpoint: str, status: int, seconds: float, started: float, finished: float) -> None:
        """One answered request: ``seconds`` of modeled latency, in flight from ``started`` to ``finished``."""
        self.requests[endpoint] += 1
        self.seconds[endpoint] += seconds
        self.statuses[status] += 1
        self.intervals[endpoint].extend((started, finished))
        self.total += 1
        if self.total % self._stride == 0:
            self.timeline.append((self.total, round(finished, 6)))
            if len(self.timeline) >= self.max_points:
                self.timeline = self.timeline[::2]
                self._stride *= 2

    def finish(self, clock_now: float) -> None:
        """Pin the last point so the timeline ends at the run's end."""
        if not self.timeline or self.timeline[-1][0] != self.total:
            self.timeline.append((self.total, round(clock_now, 6)))

    def occupancy(self) -> Occupancy:
        """Time in flight and share of the wall per endpoint, from the recorded intervals."""
        return occupancy(self.intervals, self.seconds)
