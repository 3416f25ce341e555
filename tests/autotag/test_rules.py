from __future__ import annotations

from pathlib import Path

import pytest

from autotag.errors import ConfigError
from autotag.rules import Status, load_rules, parse_rules


def ruleset(*rules: dict):
    return parse_rules({"rules": list(rules)})


@pytest.mark.parametrize(
    ("tags", "albums", "status"),
    [
        ((), (), Status.UNCLASSIFIED),  # 0 rules
        ((), ("2020-01-01 Beach",), Status.CLASSIFIED),  # 1 rule, 1 album
        (("Pets/Cat",), (), Status.CLASSIFIED),  # 1 rule, 0 albums
        ((), ("2020-01-01 Beach", "2021-02-02 Hike"), Status.CONFLICT),  # 1 rule, 2 albums
        (("Pets/Cat",), ("2020-01-01 Beach",), Status.CONFLICT),  # 2 rules
        (("Pets/Cat", "Pets/Dog"), (), Status.CLASSIFIED),  # matched tags do not count toward a conflict
    ],
)
def test_status_table(tags, albums, status) -> None:
    rules = ruleset(
        {"name": "events", "album_name_patterns": [r"^\d{4}-\d{2}-\d{2} "]},
        {"name": "pets", "tag_names": ["Pets/Cat", "Pets/Dog"]},
    )
    assert rules.classify("a", tags, albums).status == status


def test_patterns_are_anchored_at_the_start_only() -> None:
    rules = ruleset({"album_name_patterns": ["Beach"]})
    assert rules.classify("a", (), ("Beach 2020",)).status == Status.CLASSIFIED
    assert rules.classify("a", (), ("Summer Beach",)).status == Status.UNCLASSIFIED


def test_criteria_are_or_within_a_rule() -> None:
    rules = ruleset({"tag_names": ["Food"], "album_name_patterns": ["^Trips$"], "asset_ids": ["x1"]})
    assert rules.classify("x1", (), ()).status == Status.CLASSIFIED
    assert rules.classify("a", ("Food",), ()).status == Status.CLASSIFIED
    assert rules.classify("a", (), ("Trips",)).status == Status.CLASSIFIED


def test_tag_names_are_exact_and_case_sensitive() -> None:
    rules = ruleset({"tag_names": ["Pets/Cat"]})
    assert rules.classify("a", ("pets/cat",), ()).status == Status.UNCLASSIFIED
    assert rules.classify("a", ("Pets",), ()).status == Status.UNCLASSIFIED


def test_output_tag_names_are_configurable() -> None:
    rules = parse_rules({"rules": [{"tag_names": ["x"]}], "output_tags": {"unknown": "todo"}})
    assert rules.output.for_status(Status.UNCLASSIFIED) == "todo"
    assert rules.output.for_status(Status.CONFLICT) == "autotag_output_conflict"
    assert rules.output.for_status(Status.CLASSIFIED) is None


def test_shipped_example_rules_load() -> None:
    rules = load_rules(Path(__file__).resolve().parents[2] / "rules.example.yaml")
    assert {rule.name for rule in rules.rules} >= {"events", "family", "pets"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [\n  - {name: a\n", "not valid YAML"),
        ("rules: []\n", "non-empty list"),
        ("- just a list\n", "expected a mapping"),
        ("rules:\n  - name: a\n    tag_name: [x]\n", "unknown key(s) tag_name"),
        ("rulez: []\n", "unknown key(s) rulez"),
        ("rules:\n  - name: a\n    album_name_patterns: ['(unclosed']\n", "bad regex"),
        ("rules:\n  - name: empty\n", "is empty"),
        ("rules:\n  - name: a\n    tag_names: x\n", "must be a list"),
        ("rules:\n  - {name: a, tag_names: [x]}\n  - {name: a, tag_names: [y]}\n", "unique"),
    ],
)
def test_bad_rules_files(rules_file, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_rules(rules_file(text))


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_rules(tmp_path / "nope.yaml")
