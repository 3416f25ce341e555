from __future__ import annotations

from autotag import ImmichClient, Tagger, get_mode
from autotag.rules import load_rules
from autotag.verify import verify
from tests.autotag.fake_immich import library
from tests.autotag.test_tagger import RULES


def test_verify_finds_lost_and_reverted_writes(rules_file) -> None:
    fake = library()
    with fake.client() as http:
        client = ImmichClient(http)
        plan = Tagger(client, load_rules(rules_file(RULES)), get_mode("batch"), apply=True).run()
        assert verify(client, plan).ok
        # what Immich 3.1.0's sidecar race does: one added pair vanishes, one removed pair comes back
        added = next(d for d in plan.decisions if d.add)
        removed = next(d for d in plan.decisions if d.remove)
        fake.asset_tags[added.asset_id].remove(fake.tag_id(added.add[0]))
        fake.asset_tags[removed.asset_id].append(fake.tag_id(removed.remove[0]))
        result = verify(client, plan)
    assert result.lost == [(added.asset_id, added.add[0])]
    assert result.reverted == [(removed.asset_id, removed.remove[0])]
    assert result.checked == sum(len(d.add) + len(d.remove) for d in plan.decisions)
