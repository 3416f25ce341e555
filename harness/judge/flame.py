"""Flame graphs from a cProfile call graph: one tree per profile, and the differential tree of two.

cProfile keeps no stacks, only caller -> callee edges with the callee's cumulative time per caller. A tree is
unfolded from the roots along those edges; a function reached along one path gets the share of its edges that the
path's time is of the function's total (snakeviz's approximation). Recursion is cut where a function reappears on
its own path, and frames under ``min_share`` of the total are left out. Values are cProfile's times: wall-clock
seconds of the profiled process (its default timer), not CPU time.

With ``fold`` the bench's own frames (``frame_kinds``) become one ``FOLDED`` frame wherever they occur; a run of
folded frames is one frame, and the code under test they call continues above it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from harness.judge.frame_kinds import FOLDED, Key, RawStats, folded_keys
from harness.judge.pstats_rows import short_name

ROOT = "all"


@dataclass
class Flame:
    """A frame: its name, seconds along its path, and the frames it called, by name."""

    name: str
    value: float = 0.0
    children: dict[str, Flame] = field(default_factory=dict)

    def child(self, name: str) -> Flame:
        return self.children.setdefault(name, Flame(name))

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children.values()), default=0)


@dataclass
class DiffFlame:
    """A frame of two profiles merged by path: its seconds in the baseline and in the judged one."""

    name: str
    base: float
    new: float
    children: dict[str, DiffFlame] = field(default_factory=dict)

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children.values()), default=0)


class _Unfolder:
    """Unfolds one raw pstats dict into a ``Flame`` tree (see the module docstring)."""

    def __init__(self, stats: RawStats, fold: bool, min_share: float, max_depth: int) -> None:
        self.stats = stats
        self.folded = folded_keys(stats)[0] if fold else frozenset()
        self.kids: defaultdict[Key, list[tuple[Key, float]]] = defaultdict(list)
        for key, entry in stats.items():
            for caller, edge in entry[4].items():
                if isinstance(edge, tuple):
                    self.kids[caller].append((key, float(edge[3])))
        self.roots = [key for key, entry in stats.items() if not entry[4]]
        total = sum(float(stats[key][3]) for key in self.roots)
        self.tree = Flame(ROOT, total)
        self.min_value = total * min_share
        self.max_depth = max_depth

    def unfold(self) -> Flame:
        for key in self.roots:
            self._enter(self.tree, key, float(self.stats[key][3]), (), 1)
        return self.tree

    def _enter(self, parent: Flame, key: Key, value: float, path: tuple[Key, ...], depth: int) -> None:
        if value < self.min_value or key in path or depth > self.max_depth:
            return
        if key in self.folded and parent.name == FOLDED:
            node = parent  # a run of folded frames is one frame, already counting this one's time
        else:
            node = parent.child(FOLDED if key in self.folded else short_name(*key))
            node.value += value
            depth += 1
        total = float(self.stats[key][3])
        scale = value / total if total > 0 else 0.0
        for callee, edge_s in self.kids.get(key, ()):
            self._enter(node, callee, edge_s * scale, (*path, key), depth)


def flame(stats: RawStats, fold: bool = True, min_share: float = 0.002, max_depth: int = 40) -> Flame:
    """The flame tree of a raw pstats dict (``pstats.Stats(...).stats``), its root ``ROOT`` holding the total."""
    return _Unfolder(stats, fold, min_share, max_depth).unfold()


def differential(base: Flame, new: Flame) -> DiffFlame:
    """Both trees merged by path: every frame of either, with its seconds in each (0 where it does not occur)."""
    node = DiffFlame(new.name if new.value else base.name, base.value, new.value)
    for name in sorted(base.children.keys() | new.children.keys()):
        node.children[name] = differential(base.children.get(name, Flame(name)), new.children.get(name, Flame(name)))
    return node
