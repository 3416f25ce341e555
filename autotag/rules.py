"""Classification rules with immich-autotag's semantics.

A rule has ``tag_names`` (exact, case-sensitive, compared with the tag's full path such as ``Places/Paris``),
``album_name_patterns`` (Python regexes applied with ``re.match``, so anchored at the start only) and ``asset_ids``.
Within one rule the criteria are OR. The status of an asset follows the reference tool's table:

    matched rules | distinct matched album names | status
    0             | -                            | UNCLASSIFIED  -> output tag "unknown"
    1             | <= 1                         | CLASSIFIED
    1             | > 1                          | CONFLICT      -> output tag "conflict"
    >= 2          | -                            | CONFLICT

Matched tags do not count toward a conflict. An output tag that no longer applies is removed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from autotag.errors import ConfigError

RULE_KEYS = frozenset({"name", "tag_names", "album_name_patterns", "asset_ids"})
TOP_KEYS = frozenset({"rules", "output_tags"})
OUTPUT_KEYS = frozenset({"unknown", "conflict"})


class Status(enum.Enum):
    """What a classification concluded; UNCLASSIFIED and CONFLICT call for an output tag."""

    UNCLASSIFIED = "unclassified"
    CLASSIFIED = "classified"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Rule:
    """One classification rule: tag names, album name patterns and asset ids, matched with OR."""

    name: str
    tag_names: frozenset[str] = frozenset()
    album_patterns: tuple[re.Pattern[str], ...] = ()
    asset_ids: frozenset[str] = frozenset()

    def matched_albums(self, album_names: Iterable[str]) -> set[str]:
        """The album names any of the rule's patterns matches (``re.match``: anchored at the start)."""
        return {album for album in album_names if any(p.match(album) for p in self.album_patterns)}

    def matches(self, asset_id: str, tag_values: Collection[str], matched_albums: Collection[str]) -> bool:
        """True when the asset matches by an album, its id or one of its tags."""
        return bool(matched_albums) or asset_id in self.asset_ids or not self.tag_names.isdisjoint(tag_values)


@dataclass(frozen=True)
class OutputTags:
    """The tag values written for UNCLASSIFIED and CONFLICT assets."""

    unknown: str = "autotag_output_unknown"
    conflict: str = "autotag_output_conflict"

    def all(self) -> tuple[str, str]:
        return (self.unknown, self.conflict)

    def for_status(self, status: Status) -> str | None:
        """The output tag ``status`` calls for, or None for CLASSIFIED."""
        return {Status.UNCLASSIFIED: self.unknown, Status.CONFLICT: self.conflict}.get(status)


@dataclass(frozen=True)
class Classification:
    """A status and the rules and album names that led to it."""

    status: Status
    rules: tuple[str, ...]
    albums: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    """The rules of a run and its output tags."""

    rules: tuple[Rule, ...]
    output: OutputTags = field(default_factory=OutputTags)

    @property
    def tag_names(self) -> frozenset[str]:
        """Every tag a rule names: the only tags whose presence can change a classification."""
        return frozenset().union(*(rule.tag_names for rule in self.rules))

    def classify(self, asset_id: str, tag_values: Collection[str], album_names: Collection[str]) -> Classification:
        """The status of an asset from its tag values and album names, by the reference tool's table."""
        matched_rules: list[str] = []
        matched_albums: set[str] = set()
        for rule in self.rules:
            albums = rule.matched_albums(album_names)
            if rule.matches(asset_id, tag_values, albums):
                matched_rules.append(rule.name)
                matched_albums |= albums
        if not matched_rules:
            status = Status.UNCLASSIFIED
        elif len(matched_rules) == 1 and len(matched_albums) <= 1:
            status = Status.CLASSIFIED
        else:
            status = Status.CONFLICT
        return Classification(status, tuple(matched_rules), tuple(sorted(matched_albums)))


def load_rules(path: Path) -> RuleSet:
    """Read a YAML rules file; every problem is a ``ConfigError`` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"rules file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read rules file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"rules file {path} is not valid YAML{line}") from None
    try:
        return parse_rules(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def parse_rules(data: Any) -> RuleSet:
    """A ``RuleSet`` from the parsed YAML of a rules file; ``ConfigError`` naming what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a 'rules' list")
    _reject_unknown(data, TOP_KEYS, "top level")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigError("'rules' must be a non-empty list")
    rules = tuple(_parse_rule(raw, index) for index, raw in enumerate(raw_rules, start=1))
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise ConfigError(f"rule names must be unique: {names}")
    return RuleSet(rules, _parse_output(data.get("output_tags") or {}))


def _parse_rule(raw: Any, index: int) -> Rule:
    where = f"rule {index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping")
    _reject_unknown(raw, RULE_KEYS, where)
    name = str(raw.get("name") or f"rule-{index}")
    tags = _string_list(raw, "tag_names", where)
    patterns = _string_list(raw, "album_name_patterns", where)
    asset_ids = _string_list(raw, "asset_ids", where)
    if not (tags or patterns or asset_ids):
        raise ConfigError(f"{where} ({name}) is empty: give tag_names, album_name_patterns or asset_ids")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"{where} ({name}): bad regex {pattern!r}: {exc}") from None
    return Rule(name, frozenset(tags), tuple(compiled), frozenset(asset_ids))


def _parse_output(raw: Any) -> OutputTags:
    if not isinstance(raw, dict):
        raise ConfigError("'output_tags' must be a mapping with 'unknown' and/or 'conflict'")
    _reject_unknown(raw, OUTPUT_KEYS, "output_tags")
    defaults = OutputTags()
    output = OutputTags(str(raw.get("unknown", defaults.unknown)), str(raw.get("conflict", defaults.conflict)))
    if output.unknown == output.conflict:
        raise ConfigError("output_tags 'unknown' and 'conflict' must differ")
    return output


def _string_list(raw: dict[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


def _reject_unknown(raw: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
