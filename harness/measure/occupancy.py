"""Time in flight on the virtual clock, from each request's interval: what a run's wall time was spent waiting on.

Summed request latency counts overlapping requests once each, so a concurrent run's sum can be several times its
wall time. Two figures never exceed the wall, and are what reports show for overlapping runs:

- **in flight** per endpoint: the time at least one of its requests was in flight (the union of its intervals);
- **share of the wall** per endpoint: every instant of the run split evenly among the requests in flight then, and
  added up per endpoint. The shares add up to ``busy_s``, the time any request was in flight; the rest of the wall
  is time with nothing in flight. For a run that never overlaps, a share is exactly the endpoint's summed latency.

Both come from one sweep over the interval ends, exact on the virtual clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Occupancy:
    """The in-flight figures of one run (see the module docstring)."""

    busy_s: float
    peak: int
    in_flight_s: dict[str, float]
    share_s: dict[str, float]

    def to_json(self) -> dict[str, object]:
        return {
            "busy_s": round(self.busy_s, 6),
            "peak": self.peak,
            "by_endpoint_s": {e: round(s, 6) for e, s in sorted(self.in_flight_s.items())},
            "share_s": {e: round(s, 6) for e, s in sorted(self.share_s.items())},
        }


def occupancy(intervals: Mapping[str, Sequence[float]], latency_s: Mapping[str, float]) -> Occupancy:
    """The figures of ``intervals`` (per endpoint, flat ``start, end, start, end...`` on the virtual clock).

    ``latency_s`` is each endpoint's summed latency: when no two requests ever overlap, it is the share exactly
    (taken as is, so a sequential run's shares are its summed latencies to the last digit)."""
    events = sorted(
        (times[i + offset], -1 if offset else 1, endpoint)
        for endpoint, times in intervals.items()
        for i in range(0, len(times), 2)
        if times[i + 1] > times[i]
        for offset in (0, 1)
    )
    active = dict.fromkeys(intervals, 0)
    in_flight = dict.fromkeys(intervals, 0.0)
    share = dict.fromkeys(intervals, 0.0)
    busy, peak, total, previous = 0.0, 0, 0, 0.0
    for time, step, endpoint in events:
        if total and time > previous:
            span = time - previous
            busy += span
            for name, count in active.items():
                if count:
                    in_flight[name] += span
                    share[name] += span * count / total
        active[endpoint] += step
        total += step
        peak = max(peak, total)
        previous = time
    if peak <= 1:
        share = {e: float(latency_s.get(e, 0.0)) for e in intervals}
    return Occupancy(busy, peak, in_flight, share)
