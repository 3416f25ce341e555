"""The concurrency model against every row of the real Immich 3.1.0 measurements (``immich-3.1.0-latency.json``).

Each row is a closed loop of ``m`` clients sending one request kind to the server as fast as it answers. The test plays
the same loop on ``SharedServer`` with the shipped loopback profile's cost for that request (plus the 1.37 ms a busy
client on the measuring machine paid per request, ``RECORDING_SURPLUS_MS``: latency.json's client was one) and the
curve of its endpoint class, and compares throughput. The curves come from these rows, so most rows are met by
construction (0.1-0.2 %); what the test guards is the model that plays them (processor sharing, interpolation, the
class of each request, the fitted costs). 24 rows are met within 0.2 %; tag writes of 100 and 1000 new pairs follow
a fitted cost (relative over 1, 100 and 1000 ids): +4.7 % and +4.3 % alone. Rows under one request per second are
rounded to one decimal in the file, so they are compared on their median latency instead.

The one row missed: 4 writes of 1000 new pairs at once. They follow the large-write curve (measured with 100 ids,
s(4) = 2.0) where the real server shared them better (s(4) = 1.50 on the median): modeled 12.5 s per request
against a real median of 9.0 s, +39 %. A tagger sending several writes of hundreds of new pairs at once (the async
mode's page flush can) is modeled slower than that server would answer it; a curve of its own would rest on two
points, so the miss is kept and stated (README, "Modeled time").
"""

from __future__ import annotations

import itertools
import json
import re
from importlib import resources

from harness.replay.concurrency import SharedServer, Slowdown
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import RECORDING_SURPLUS_MS, loopback_profile

TOLERANCE = 0.20


def rows() -> list[tuple[str, int, dict[str, float]]]:
    cases = json.loads(resources.files("harness.data").joinpath("immich-3.1.0-latency.json").read_text())["cases"]
    return [
        (case, int(level), row)
        for case, levels in cases.items()
        for level, row in levels.items()
        if isinstance(row, dict) and row.get("throughput_rps")
    ]


def request_of(case: str) -> tuple[str, int]:
    """The endpoint and units of a row's request (``size=``/``ids=``; a repeated write carries none)."""
    endpoint = " ".join(case.split(" ")[:2])
    sized = re.search(r"(?:size|ids)=(\d+)", case)
    return endpoint, 0 if "count 0" in case else int(sized.group(1)) if sized else 1


def closed_loop(seconds: float, slowdown: Slowdown, clients: int, completions: int) -> tuple[float, float]:
    """Throughput (per second) and time per request of ``clients`` each sending again as soon as answered."""
    server, arrivals = SharedServer(), itertools.count()
    issued = {}
    for _ in range(clients):
        key = ("row", b"", next(arrivals))
        server.admit(0.0, key, seconds, slowdown)
        issued[key] = 0.0
    waited, due = 0.0, 0.0
    for _ in range(completions):
        upcoming = server.next_completion()
        assert upcoming is not None
        due, key = upcoming
        server.complete(due, key)
        waited += due - issued.pop(key)
        again = ("row", b"", next(arrivals))
        server.admit(due, again, seconds, slowdown)
        issued[again] = due
    return completions / due, waited / completions


def modeled(case: str, clients: int) -> tuple[float, float]:
    endpoint, units = request_of(case)
    model = LatencyModel(loopback_profile())
    seconds = model.seconds("row", endpoint, units) + RECORDING_SURPLUS_MS / 1000
    return closed_loop(seconds, model.slowdown(endpoint, units), clients, 100 * clients)


def test_every_row_of_the_real_measurements_but_one_is_met_within_20_percent() -> None:
    misses = []
    for case, clients, row in rows():
        throughput, per_request = modeled(case, clients)
        if row["throughput_rps"] < 1:  # one decimal of a fraction: compare the median latency instead
            real, model = float(row["p50_ms"]), per_request * 1000
        else:
            real, model = float(row["throughput_rps"]), throughput
        if abs(model / real - 1) > TOLERANCE:
            misses.append(f"{case} at {clients}: real {real:.4g}, modeled {model:.4g}")
    assert len(rows()) == 30
    assert misses == ["PUT /tags/assets ids=1000 (new rows) at 4: real 8990, modeled 1.248e+04"]


def test_reads_saturate_near_16_in_flight_and_fall_at_64() -> None:
    throughput = {m: modeled("GET /assets/{id}", m)[0] for m in (1, 4, 16, 32, 64)}
    assert throughput[1] < throughput[4] < throughput[16]
    assert throughput[64] < throughput[32] < throughput[16]
    assert throughput[64] < throughput[1]


def test_a_request_arriving_mid_flight_slows_the_others_from_then_on() -> None:
    slowdown = Slowdown("test", ((1, 1.0), (2, 2.0)))
    server = SharedServer()
    server.admit(0.0, ("a", b"", 0), 1.0, slowdown)
    server.admit(0.5, ("b", b"", 1), 1.0, slowdown)  # a has 0.5 s of work left, now at half speed
    assert server.next_completion() == (1.5, ("a", b"", 0))
    server.complete(1.5, ("a", b"", 0))
    assert server.next_completion() == (2.0, ("b", b"", 1))  # b did 0.5 s of work by 1.5, alone again
