"""What a tagger run did, counted by the tagger itself (the harness counts requests on the wire separately)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Counters:
    """What a tagger run did, counted by the tagger (reads, loads, writes)."""

    tag_reads: int = 0
    asset_loads: int = 0
    tag_pairs_added: int = 0
    tag_pairs_removed: int = 0
    add_requests: int = 0
    remove_requests: int = 0
    index_searches: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
