"""The charts: endpoint colours fixed by name, wall time never exceeded, overlapping timelines told apart."""

from __future__ import annotations

import re
from dataclasses import replace

from harness.judge.compare import Comparison
from harness.render import charts
from harness.render.palette import ENDPOINT_COLORS, endpoint_color


def fill(svg: str, element_id: str) -> str:
    match = re.search(rf'<g id="{re.escape(element_id)}">\s*<path [^>]*style="fill: (#[0-9a-f]{{6}})', svg)
    assert match, element_id
    return match.group(1)


def test_an_endpoint_has_one_colour_in_every_report(five: Comparison) -> None:
    index, asynchronous = five.runs[3:]
    one = charts.wall_shares(five)
    other = charts.wall_shares(Comparison.of([index, asynchronous]))  # other subjects, other endpoint order
    assert fill(one, "share-0-GET-assets-id") == fill(other, "share-1-GET-assets-id") == "#4c72b0"
    assert fill(one, "share-3-PUT-tags-assets") == fill(other, "share-0-PUT-tags-assets") == "#55a868"
    assert endpoint_color("GET /some/new/{thing}") == endpoint_color("GET /some/new/{thing}")
    assert endpoint_color("GET /some/new/{thing}") not in ENDPOINT_COLORS.values()


def test_every_subject_bar_is_its_wall_split_by_shares(five: Comparison) -> None:
    svg = charts.wall_shares(five)
    for index, run in enumerate(five.runs):
        assert f'id="wall-{index}"' in svg
        shares = run.share_by_endpoint or {}
        assert sum(shares.values()) <= run.modeled_wall_s + 1e-6
        for endpoint, value in shares.items():
            assert (f'id="share-{index}-{charts.slug(endpoint)}"' in svg) == (value > 0)
    assert "up to 16 in flight" in svg and "summed" not in svg


def test_the_in_flight_chart_is_a_percent_of_wall_and_only_when_requests_overlap(five: Comparison) -> None:
    svg = charts.in_flight(five)
    assert svg is not None and "% of the subject" in svg
    assert charts.in_flight(Comparison.of(five.runs[:4])) is None  # nothing overlaps without async


def test_a_timeline_hidden_under_another_says_so(five: Comparison) -> None:
    eager = five.runs[0]
    twin = replace(eager, mode="twin")
    svg = charts.timeline(Comparison.of([eager, twin]))
    assert "twin (same curve as eager)" in svg
    assert "stroke-dasharray" in svg  # the second is dashed over the first


def test_function_deltas_are_labelled_wall_clock(five: Comparison) -> None:
    svg = charts.function_deltas(five)
    assert svg is not None and "wall-clock" in svg and "CPU" not in svg
