"""Duplicate groups for synthetic libraries: which assets share a ``duplicateId``.

Drawn from a random stream of their own (seeded ``autotag-bench:duplicates:<seed>``), so adding them changed no
other choice of a synthetic library: every asset, album, tag and membership is what it was without them.

Shape: groups of 2 + a geometric number of further members, mean ``mean_size`` (3.14 in the reference library:
51,399 groups holding 161,317 assets), each a run of assets taken close together in time (burst shots, re-imports),
until ``share`` of the assets are in a group. The reference's own share was 40-65 %, but over the whole library
``GET /duplicates`` returned (~270k assets), not the 26,562-asset slice its run processed; that run looked up 8,840
duplicate members for 26,562 assets (0.33 per asset), which with groups of mean 3.14 (each grouped asset looking up
its 2.14 others on average, more in larger groups) means about 13-16 % of the slice's assets were in a group. A
40-65 % share would multiply the reference tagger's duplicate lookups and per-group conflict tags several times over
the measured run, so the presets use 15 %.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime


def duplicate_groups(dated: dict[str, datetime], seed: int, share: float, mean_size: float) -> dict[str, str]:
    """asset id -> duplicateId for about ``share`` of the assets, in groups of mean ``mean_size`` (>= 2)."""
    if share <= 0 or len(dated) < 2:
        return {}
    rng = random.Random(f"autotag-bench:duplicates:{seed}")
    by_time = sorted(dated, key=lambda a: (dated[a], a))
    extra = 1.0 / (mean_size - 1.0)  # P(stop) of the geometric tail beyond the first two members
    target = int(len(by_time) * share)
    groups: dict[str, str] = {}
    while len(groups) < target:
        size = 2
        while rng.random() > extra:
            size += 1
        for _attempt in range(100):  # a free run of this size; the size is kept, so the mean stays as drawn
            start = rng.randrange(len(by_time) - size + 1) if size <= len(by_time) else 0
            run = by_time[start : start + size]
            if len(run) == size and not any(a in groups for a in run):
                break
        else:
            return groups  # the library is too full of groups for another of this size
        group_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        groups.update(dict.fromkeys(run, group_id))
    return groups
