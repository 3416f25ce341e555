from __future__ import annotations

from autotag.assets import AssetWrapper
from autotag.counters import Counters
from autotag.models import AssetDetail, AssetSummary, Tag
from tests.conftest import sample


def make():
    loads: list[str] = []
    detail = AssetDetail.from_json(sample("asset-get-with-tags")["body"])
    summary = AssetSummary.from_json(sample("search-metadata-page")["body"]["assets"]["items"][0])

    def loader(s: AssetSummary) -> AssetDetail:
        loads.append(s.id)
        return detail

    return AssetWrapper(summary, loader, Counters()), loads, detail


def test_not_loaded_until_tags_are_read() -> None:
    wrapper, loads, _ = make()
    assert not wrapper.is_loaded
    assert wrapper.id and loads == []
    assert "not loaded" in repr(wrapper)


def test_loads_once_on_first_tag_read() -> None:
    wrapper, loads, detail = make()
    assert wrapper.tags == {"People/Carmen", "Places/Paris", "People/David"}
    assert wrapper.has_tag("places/paris")  # case-insensitive, like the reference
    assert not wrapper.has_tag("Places")
    assert wrapper.asset is detail
    assert loads == [wrapper.id]
    assert wrapper.is_loaded


def test_explicit_load_is_idempotent() -> None:
    wrapper, loads, _ = make()
    wrapper.load()
    wrapper.load()
    assert len(loads) == 1


def test_search_items_carry_no_tags_and_full_assets_do() -> None:
    item = sample("search-metadata-page")["body"]["assets"]["items"][0]
    assert "tags" not in item
    detail = AssetDetail.from_json(sample("asset-get-with-tags")["body"])
    assert all(isinstance(tag, Tag) for tag in detail.tags) and len(detail.tags) == 3
    assert AssetDetail.from_json(sample("asset-get-without-tags")["body"]).tags == ()
