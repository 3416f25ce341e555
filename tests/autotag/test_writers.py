from __future__ import annotations

import pytest

from autotag.client import ImmichClient
from autotag.counters import Counters
from autotag.models import Tag
from autotag.writers import BatchWriter, ImmediateWriter
from tests.autotag.fake_immich import library

TAG = Tag("", "autotag_output_unknown", "autotag_output_unknown")


def setup():
    fake = library()
    tag = Tag(fake.tag_id("autotag_output_unknown"), "autotag_output_unknown", "autotag_output_unknown")
    assets = list(fake.assets)
    return fake, tag, assets


def test_immediate_writer_sends_one_request_per_asset() -> None:
    fake, tag, assets = setup()
    with fake.client() as http, ImmediateWriter(Counters(), ImmichClient(http)) as writer:
        writer.add(tag, assets[0])
        writer.add(tag, assets[1])
        writer.remove(tag, assets[1])
    assert fake.calls["PUT /tags/{id}/assets"] == 2
    assert fake.calls["DELETE /tags/{id}/assets"] == 1
    assert [b["ids"] for k, b in fake.bodies if k.endswith("/assets")] == [[assets[0]], [assets[1]], [assets[1]]]


def test_batch_flushes_at_the_size_limit() -> None:
    fake, tag, assets = setup()
    with fake.client() as http:
        writer = BatchWriter(Counters(), ImmichClient(http), limit=3)
        for asset in assets[:7]:
            writer.add(tag, asset)
        assert fake.calls["PUT /tags/{id}/assets"] == 2  # 3 + 3 sent, 1 waiting
        assert writer.dirty
        writer.flush()
    assert fake.calls["PUT /tags/{id}/assets"] == 3
    assert not writer.dirty


def test_batch_flushes_at_page_end_only_when_asked() -> None:
    fake, tag, assets = setup()
    with fake.client() as http:
        per_page = BatchWriter(Counters(), ImmichClient(http), limit=100, flush_each_page=True)
        per_page.add(tag, assets[0])
        per_page.page_done()
        assert fake.calls["PUT /tags/{id}/assets"] == 1
        at_exit = BatchWriter(Counters(), ImmichClient(http), limit=100, flush_each_page=False)
        at_exit.add(tag, assets[1])
        at_exit.page_done()
        assert fake.calls["PUT /tags/{id}/assets"] == 1


def test_batch_flushes_on_exit_even_after_an_exception() -> None:
    fake, tag, assets = setup()
    with (
        fake.client() as http,
        pytest.raises(RuntimeError, match="boom"),
        BatchWriter(Counters(), ImmichClient(http), limit=100) as writer,
    ):
        writer.add(tag, assets[0])
        writer.remove(tag, assets[1])
        raise RuntimeError("boom")
    assert fake.calls["PUT /tags/{id}/assets"] == 1
    assert fake.calls["DELETE /tags/{id}/assets"] == 1
    assert "autotag_output_unknown" in fake.tag_values(assets[0])


def test_bulk_adds_use_the_bulk_endpoint() -> None:
    fake, tag, assets = setup()
    counters = Counters()
    with fake.client() as http, BatchWriter(counters, ImmichClient(http), bulk_adds=True) as writer:
        for asset in assets[:4]:
            writer.add(tag, asset)
    assert fake.calls["PUT /tags/assets"] == 1
    assert counters.add_requests == 1 and counters.tag_pairs_added == 4


def test_dry_run_records_but_sends_nothing() -> None:
    fake, tag, assets = setup()
    with BatchWriter(Counters()) as writer:
        writer.add(tag, assets[0])
    assert fake.calls == {}
    assert writer.ops[0].asset_ids == (assets[0],) and not writer.ops[0].sent


class FailingTarget:
    """A write target whose first ``failures`` requests fail, and that records the ones that got through."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[str, tuple[str, ...]]] = []

    def _write(self, kind: str, ids: tuple[str, ...]) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("503 after its retries")
        self.sent.append((kind, tuple(ids)))

    def tag_assets(self, tag_id, asset_ids) -> None:
        self._write("add", asset_ids)

    def untag_assets(self, tag_id, asset_ids) -> None:
        self._write("remove", asset_ids)

    def bulk_tag_assets(self, tag_ids, asset_ids) -> None:
        self._write("bulk", asset_ids)


def test_a_failed_write_is_kept_unsent_and_drained_later() -> None:
    target = FailingTarget(failures=1)
    writer = BatchWriter(Counters(), target, limit=2)
    writer.add(TAG, "a")
    with pytest.raises(RuntimeError):
        writer.add(TAG, "b")  # the group of 2 is sent, and fails
    writer.remove(TAG, "c")
    assert [(op.direction, op.asset_ids, op.sent) for op in writer.remaining()] == [
        ("add", ("a", "b"), False),
        ("remove", ("c",), False),
    ]
    writer.drain(deadline_s=10.0, clock=lambda: 0.0)
    assert target.sent == [("add", ("a", "b")), ("remove", ("c",))]
    assert writer.remaining() == [] and [op.sent for op in writer.ops] == [True, True]


def test_a_drain_stops_at_its_deadline_and_at_the_first_failure() -> None:
    late = BatchWriter(Counters(), FailingTarget(failures=0), limit=10)
    late.add(TAG, "a")
    late.drain(deadline_s=1.0, clock=lambda: 2.0)
    assert [op.asset_ids for op in late.remaining()] == [("a",)]
    failing = BatchWriter(Counters(), FailingTarget(failures=5), limit=10)
    failing.add(TAG, "a")
    failing.remove(TAG, "b")
    failing.drain(deadline_s=10.0, clock=lambda: 0.0)  # never raises
    assert sorted(op.direction for op in failing.remaining()) == ["add", "remove"]
