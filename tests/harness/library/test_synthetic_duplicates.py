"""Duplicate groups of synthetic libraries: their own random stream, the preset's share, groups of 2+."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from harness.library import synthetic
from harness.library.synthetic import PRESETS, generate_library


def groups(library) -> Counter[str]:
    return Counter(a["duplicateId"] for a in library.assets.values() if a["duplicateId"])


def test_adding_duplicates_changed_nothing_else(monkeypatch) -> None:
    with_them = generate_library("demo", assets=800, seed=5)
    monkeypatch.setitem(synthetic.PRESETS, "demo", dataclasses.replace(PRESETS["demo"], duplicate_share=0.0))
    without = generate_library("demo", assets=800, seed=5)
    assert not groups(without) and groups(with_them)
    assert with_them.state_digest() == without.state_digest()
    assert with_them.albums == without.albums and with_them.tags == without.tags
    assert with_them.asset_tags == without.asset_tags and with_them.album_assets == without.album_assets
    for asset_id, body in with_them.assets.items():
        assert {**body, "duplicateId": None} == without.assets[asset_id]


@pytest.mark.parametrize(("preset", "assets", "seed"), [("demo", None, 0), ("seed", 4000, 0), ("demo", 1500, 9)])
def test_share_and_group_shape(preset, assets, seed) -> None:
    library = generate_library(preset, assets=assets, seed=seed)
    found = groups(library)
    grouped = sum(found.values())
    target = int(len(library.assets) * PRESETS[preset].duplicate_share)
    assert target <= grouped < target + max(found.values())
    assert min(found.values()) >= 2
    order = sorted(library.assets, key=lambda a: (library.assets[a]["fileCreatedAt"], a))
    position = {a: i for i, a in enumerate(order)}
    for group_id in found:
        spots = sorted(position[a] for a, body in library.assets.items() if body["duplicateId"] == group_id)
        assert spots == list(range(spots[0], spots[0] + len(spots)))  # taken close together in time


def test_deterministic_by_seed() -> None:
    def ids(seed: int) -> dict[str, str]:
        return {a: b["duplicateId"] for a, b in generate_library("demo", assets=600, seed=seed).assets.items()}

    assert ids(3) == ids(3) and ids(3) != ids(4)
