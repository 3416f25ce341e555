from __future__ import annotations

from pathlib import Path

import pytest

from autotag import ImmichClient, Status, Tagger, get_mode
from autotag.modes import MODES
from autotag.rules import load_rules
from tests.autotag.fake_immich import library

RULES = r"""
rules:
  - name: events
    album_name_patterns: ['^\d{4}-\d{2}-\d{2} ']
  - name: family
    album_name_patterns: ['^Family \d{4}$']
  - name: pets
    tag_names: [Pets/Cat]
"""

EXPECTED = {
    "classified": (Status.CLASSIFIED, (), ()),
    "classified_stale_unknown": (Status.CLASSIFIED, (), ("autotag_output_unknown",)),
    "conflict_two_albums": (Status.CONFLICT, ("autotag_output_conflict",), ()),
    "conflict_two_rules": (Status.CONFLICT, ("autotag_output_conflict",), ()),
    "conflict_already": (Status.CONFLICT, (), ()),
    "unclassified": (Status.UNCLASSIFIED, ("autotag_output_unknown",), ()),
    "unclassified_no_album": (Status.UNCLASSIFIED, ("autotag_output_unknown",), ()),
    "unclassified_already": (Status.UNCLASSIFIED, (), ()),
    "unclassified_stale_conflict": (Status.UNCLASSIFIED, ("autotag_output_unknown",), ("autotag_output_conflict",)),
    "pets_tag_only": (Status.CLASSIFIED, (), ()),
}


def run(mode: str, rules_path: Path, apply: bool = True):
    fake = library()
    with fake.client() as http:
        plan = Tagger(ImmichClient(http), load_rules(rules_path), get_mode(mode), apply=apply).run()
    return fake, plan


@pytest.mark.parametrize("mode", list(MODES))
def test_every_status_row_and_output_tag_change(mode: str, rules_file) -> None:
    fake, plan = run(mode, rules_file(RULES))
    by_id = {d.asset_id: d for d in plan.decisions}
    for name, (status, add, remove) in EXPECTED.items():
        decision = by_id[fake.ids[name]]
        assert (decision.status, decision.add, decision.remove) == (status, add, remove), name


@pytest.mark.parametrize("mode", list(MODES))
def test_applied_writes_reach_the_server(mode: str, rules_file) -> None:
    fake, _plan = run(mode, rules_file(RULES))
    tags = {
        name: fake.tag_values(asset) & {"autotag_output_unknown", "autotag_output_conflict"}
        for name, asset in fake.ids.items()
    }
    assert tags["classified_stale_unknown"] == set()
    assert tags["conflict_two_albums"] == {"autotag_output_conflict"}
    assert tags["unclassified_stale_conflict"] == {"autotag_output_unknown"}
    assert tags["classified"] == set()


def test_all_modes_make_the_same_plan(rules_file) -> None:
    path = rules_file(RULES)
    keys = {mode: run(mode, path)[1].decision_key() for mode in MODES}
    assert len(set(keys.values())) == 1


def test_dry_run_writes_nothing(rules_file) -> None:
    fake, plan = run("lazy", rules_file(RULES), apply=False)
    writes = [k for k in fake.calls if k.startswith(("PUT /tags/", "DELETE", "PUT /tags/assets"))]
    assert writes == []
    assert "PUT /tags" not in fake.calls  # output tags are not even created
    assert plan.writes and not any(op.sent for op in plan.writes)


def test_eager_and_lazy_read_every_asset_once(rules_file) -> None:
    path = rules_file(RULES)
    for mode in ("eager", "lazy"):
        fake, plan = run(mode, path)
        assert fake.calls["GET /assets/{id}"] == len(fake.assets)
        assert plan.counters.asset_loads == len(fake.assets)


def test_index_mode_reads_no_asset(rules_file) -> None:
    fake, plan = run("index", rules_file(RULES))
    assert fake.calls["GET /assets/{id}"] == 0
    assert plan.counters.index_searches >= 3  # Pets/Cat and the two output tags


def test_index_mode_resolves_parent_tags_exactly(rules_file) -> None:
    """A rule naming a parent tag must not match an asset tagged only with its child (tagIds is hierarchical)."""
    rules = RULES.replace("[Pets/Cat]", "[Pets]")
    fake = library()
    fake.add_tag("Pets") if not any(t["value"] == "Pets" for t in fake.tags.values()) else None
    with fake.client() as http:
        plan = Tagger(ImmichClient(http), load_rules(rules_file(rules)), get_mode("index"), apply=False).run()
    with library().client() as http:
        eager = Tagger(ImmichClient(http), load_rules(rules_file(rules)), get_mode("eager"), apply=False).run()
    assert plan.decision_key() == eager.decision_key()
    assert 0 < fake.calls["GET /assets/{id}"] < len(fake.assets)  # only the ambiguous ones


def test_immediate_writes_are_one_asset_per_request(rules_file) -> None:
    fake, _plan = run("eager", rules_file(RULES))
    for key, body in fake.bodies:
        if key in ("PUT /tags/{id}/assets", "DELETE /tags/{id}/assets"):
            assert len(body["ids"]) == 1


def test_batch_groups_writes_per_tag(rules_file) -> None:
    fake, plan = run("batch", rules_file(RULES))
    assert fake.calls["PUT /tags/{id}/assets"] == 2  # one per output tag added (one page)
    assert fake.calls["DELETE /tags/{id}/assets"] == 2
    assert plan.counters.tag_pairs_added == 5


def test_version_gate_refuses_immich_2(rules_file) -> None:
    from autotag.errors import UnsupportedServerError

    fake = library()
    fake.version = {"major": 2, "minor": 7, "patch": 5}
    with fake.client() as http, pytest.raises(UnsupportedServerError, match=r"2\.7\.5"):
        Tagger(ImmichClient(http), load_rules(rules_file(RULES)), get_mode("lazy")).run()
