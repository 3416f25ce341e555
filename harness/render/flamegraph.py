"""Flame graphs as inline SVG, no script: frames are nested ``<svg>`` elements placed in percent of the width (so a
graph fills any page width) that clip their own labels, each with a ``<title>`` tooltip. Root at the top (icicle).

- ``flame_svg``: one profile; a frame's width is its time, its colour says what it is (the code under test in warm
  colours by name, the bench's folded frames grey).
- ``diff_svg``: two profiles merged by path (``judge.flame.differential``); a frame's width is its time in both
  together, so frames that vanished or appeared still show, and its colour the change: red where the judged
  subject spends more, blue less, pale where about the same.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.judge.flame import ROOT, DiffFlame, Flame
from harness.judge.frame_kinds import FOLDED
from harness.render.palette import BENCH

ROW = 18
MIN_PERCENT = 0.05  # frames narrower than this are left out (they would be under a pixel)
LABEL_PERCENT = 0.8  # frames narrower than this get no label, only a tooltip
PALE, MORE, LESS = (236, 231, 220), (232, 98, 88), (104, 140, 232)
NAME = re.compile(r"^(?P<file>.*?):(?P<line>\d+)\((?P<func>.*)\)$")


@dataclass(frozen=True)
class Box:
    """One frame as drawn: where (percent of the width, row), its label, tooltip and fill."""

    x: float
    width: float
    depth: int
    label: str
    tooltip: str
    fill: str


def label(name: str) -> str:
    """``_decide  tagger.py:126`` from ``autotag/tagger.py:126(_decide)``; other names as they are."""
    match = NAME.match(name)
    if match is None:
        return name
    return f"{match['func']}  {match['file'].rsplit('/', 1)[-1]}:{match['line']}"


def warm(name: str) -> str:
    """A warm colour fixed by the frame's name (the classic flame graph palette)."""
    if name == FOLDED:
        return BENCH
    if name == ROOT:
        return "#eceff3"
    digest = hashlib.sha256(name.encode()).digest()
    return f"rgb({205 + digest[0] % 50},{90 + digest[1] % 110},{30 + digest[2] % 40})"


def change_color(base: float, new: float) -> str:
    """Red for more time in the judged profile, blue for less, pale for about the same; never so dark that the
    label is lost."""
    total = base + new
    ratio = (new - base) / total if total else 0.0
    weight = 0.0 if abs(ratio) < 0.05 else abs(ratio)
    target = MORE if ratio > 0 else LESS
    red, green, blue = (round(p + weight * (t - p)) for p, t in zip(PALE, target, strict=True))
    return f"rgb({red},{green},{blue})"


def _flame_boxes(node: Flame, x: float, scale: float, depth: int, total: float) -> Iterator[Box]:
    width = node.value * scale
    if width < MIN_PERCENT:
        return
    share = 100.0 * node.value / total if total else 0.0
    yield Box(x, width, depth, label(node.name), f"{node.name}\n{node.value:,.3f} s, {share:.1f} %", warm(node.name))
    for child in sorted(node.children.values(), key=lambda c: (-c.value, c.name)):
        yield from _flame_boxes(child, x, scale, depth + 1, total)
        x += child.value * scale


def _diff_boxes(node: DiffFlame, x: float, scale: float, depth: int, names: tuple[str, str]) -> Iterator[Box]:
    width = (node.base + node.new) * scale
    if width < MIN_PERCENT:
        return
    delta = node.new - node.base
    tooltip = f"{node.name}\n{names[0]} {node.base:,.3f} s -> {names[1]} {node.new:,.3f} s ({delta:+,.3f} s)"
    yield Box(x, width, depth, label(node.name), tooltip, change_color(node.base, node.new))
    for child in sorted(node.children.values(), key=lambda c: (-(c.base + c.new), c.name)):
        yield from _diff_boxes(child, x, scale, depth + 1, names)
        x += (child.base + child.new) * scale


def _svg(boxes: list[Box], element_id: str, caption: str) -> str:
    depth = 1 + max((box.depth for box in boxes), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flame" id="{element_id}" width="100%" '
        f'height="{depth * ROW}" font-family="DejaVu Sans, sans-serif" font-size="11" role="img" '
        f'aria-label="{html.escape(caption)}">'
    ]
    for box in boxes:
        text = html.escape(box.label) if box.width >= LABEL_PERCENT else ""
        parts.append(
            f'<svg x="{box.x:.4f}%" y="{box.depth * ROW}" width="{box.width:.4f}%" height="{ROW - 1}">'
            f"<g><title>{html.escape(box.tooltip)}</title>"
            f'<rect width="100%" height="100%" rx="2" fill="{box.fill}"/>'
            + (f'<text x="4" y="12.5">{text}</text>' if text else "")
            + "</g></svg>"
        )
    parts.append("</svg>")
    return "".join(parts)


def flame_svg(tree: Flame, element_id: str) -> str:
    """One profile's flame graph."""
    scale = 100.0 / tree.value if tree.value else 0.0
    return _svg(list(_flame_boxes(tree, 0.0, scale, 0, tree.value)), element_id, f"flame graph {element_id}")


def diff_svg(tree: DiffFlame, base: str, new: str, element_id: str) -> str:
    """The differential flame graph of ``base`` -> ``new``."""
    total = tree.base + tree.new
    scale = 100.0 / total if total else 0.0
    boxes = list(_diff_boxes(tree, 0.0, scale, 0, (base, new)))
    return _svg(boxes, element_id, f"differential flame graph, {base} to {new}")
