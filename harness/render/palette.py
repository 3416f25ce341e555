"""Colours that mean the same thing in every report: one per endpoint, fixed by its name (never by its position in
a chart, which changes with the subjects compared), and one per subject by its position on the command line.
"""

from __future__ import annotations

import hashlib

# The endpoints taggers spend their time on, each with a colour of its own.
ENDPOINT_COLORS = {
    "GET /assets/{id}": "#4c72b0",
    "PUT /tags/{id}/assets": "#dd8452",
    "PUT /tags/assets": "#55a868",
    "DELETE /tags/{id}/assets": "#c44e52",
    "POST /search/metadata": "#8172b3",
    "GET /albums/{id}": "#937860",
    "GET /albums": "#da8bc3",
    "PUT /tags": "#8c8c8c",
    "GET /tags": "#ccb974",
    "GET /server/version": "#64b5cd",
    "GET /duplicates": "#1b9e77",
    "PUT /assets": "#d95f02",
    "PUT /assets/{id}": "#7570b3",
    "POST /albums": "#e7298a",
    "PUT /albums/assets": "#66a61e",
    "GET /server/about": "#a6761d",
}
# Any other endpoint: a colour from this list, chosen by a hash of its name.
SPARE = ["#17becf", "#bcbd22", "#7f7f7f", "#9edae5", "#c5b0d5", "#f7b6d2", "#c49c94", "#dbdb8d", "#ff9896", "#98df8a"]
IDLE = "#e6e8ec"  # no request in flight
BENCH = "#b0b4bb"  # the bench's own frames, folded
SUBJECT_COLORS = ["#1d2433", "#e45756", "#4c78a8", "#54a24b", "#b279a2", "#f58518", "#72b7b2", "#9d755d"]
SUBJECT_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1))]
SUBJECT_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def endpoint_color(endpoint: str) -> str:
    """The colour of ``endpoint`` in every chart of every report."""
    known = ENDPOINT_COLORS.get(endpoint)
    if known is not None:
        return known
    digest = hashlib.sha256(endpoint.encode()).digest()
    return SPARE[digest[0] % len(SPARE)]


def subject_color(index: int) -> str:
    return SUBJECT_COLORS[index % len(SUBJECT_COLORS)]
