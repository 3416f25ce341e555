"""Time in flight and share of the wall per endpoint, from request intervals on the virtual clock."""

from __future__ import annotations

import pytest

from harness.library.workload import WorkloadSpec
from harness.measure.occupancy import occupancy
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from tests.conftest import SMALL_CASSETTE


def test_sequential_intervals_share_the_wall_as_their_summed_latency_exactly() -> None:
    intervals = {"A": [0.0, 1.0, 3.0, 3.5], "B": [1.0, 3.0]}
    latency = {"A": 1.5, "B": 2.0}
    flight = occupancy(intervals, latency)
    assert (flight.busy_s, flight.peak) == (3.5, 1)
    assert flight.in_flight_s == {"A": 1.5, "B": 2.0}
    assert flight.share_s == latency


def test_overlapping_intervals_split_their_common_time_evenly() -> None:
    """A from 0 to 4, B from 1 to 3, two more A from 2 to 3, nothing in flight from 4 to 5, then B from 5 to 6.

    0-1: A alone (1 s to A); 1-2: A and B (0.5 each); 2-3: A, A, A and B (0.75 to A, 0.25 to B); 3-4: A alone."""
    intervals = {"A": [0.0, 4.0, 2.0, 3.0, 2.0, 3.0], "B": [1.0, 3.0, 5.0, 6.0]}
    flight = occupancy(intervals, {"A": 6.0, "B": 3.0})
    assert (flight.busy_s, flight.peak) == (5.0, 4)
    assert flight.in_flight_s == {"A": 4.0, "B": 3.0}
    assert flight.share_s == {"A": pytest.approx(3.25), "B": pytest.approx(1.75)}
    assert sum(flight.share_s.values()) == pytest.approx(flight.busy_s)


def test_zero_length_requests_take_no_time() -> None:
    flight = occupancy({"A": [2.0, 2.0], "B": [0.0, 1.0]}, {"A": 0.0, "B": 1.0})
    assert flight.in_flight_s == {"A": 0.0, "B": 1.0} and flight.peak == 1


@pytest.mark.parametrize("mode", ["eager", "async"])
def test_a_run_records_its_time_in_flight(mode: str) -> None:
    """Sequential: shares are the summed latencies, exactly. Concurrent: each endpoint's time in flight and share
    stay within the wall, and the shares add up to the time anything was in flight."""
    run = execute(RunSpec(subject=mode, workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), profiler="none"))
    flight = run.in_flight
    assert set(flight["share_s"]) == set(run.by_endpoint) == set(flight["by_endpoint_s"])
    assert flight["busy_s"] <= run.modeled_wall_s + 1e-6
    assert sum(flight["share_s"].values()) == pytest.approx(flight["busy_s"], abs=1e-5)
    assert all(s <= run.modeled_wall_s + 1e-6 for s in flight["by_endpoint_s"].values())
    if mode == "eager":
        assert flight["peak"] == 1 and run.share_by_endpoint == run.seconds_by_endpoint
        assert not run.overlapping
    else:
        assert flight["peak"] == 16 and run.overlapping
        assert sum(run.seconds_by_endpoint.values()) > 2 * run.modeled_wall_s  # summed latency overlaps
