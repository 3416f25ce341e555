"""What a run has done so far, kept up to date as it goes, so that a run that stopped early (its retries ran out, or
a signal) can say what it decided, what it sent and what it could not send.

A write the tagger decided and could not send is listed here; a rerun sends it, because the tagger decides from
the server's state (a run is idempotent).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from autotag.retry import RetryLog
from autotag.writers import WriteOp, Writer


@dataclass
class RunState:
    """The decisions made so far, the writer holding what was sent and what was not, and the retries."""

    decided: int = 0  # assets decided
    pages: int = 0  # search pages finished
    writer: Writer | None = None
    retry_log: RetryLog = field(default_factory=RetryLog)

    def sent(self) -> list[WriteOp]:
        return [op for op in self.writer.ops if op.sent] if self.writer is not None else []

    def remaining(self) -> list[WriteOp]:
        return self.writer.remaining() if self.writer is not None else []

    def progress(self) -> str:
        """What was decided and sent: ``3 pages, 750 assets decided; sent 40 write requests (95 tag changes)``."""
        sent = self.sent()
        pairs = sum(len(op.asset_ids) for op in sent)
        return (
            f"{_count(self.pages, 'page')} done, {_count(self.decided, 'asset')} decided; "
            f"sent {_count(len(sent), 'write request')} ({_count(pairs, 'tag change')})"
        )

    def unsent(self) -> str:
        """What remains: ``not sent: none``, or the writes per tag and direction."""
        remaining = self.remaining()
        if not remaining:
            return "not sent: none"
        groups: Counter[tuple[str, str]] = Counter()
        for op in remaining:
            groups[(op.direction, op.tag)] += len(op.asset_ids)
        listed = ", ".join(
            f"{'add' if direction == 'add' else 'remove'} {tag} {'to' if direction == 'add' else 'from'} "
            f"{_count(count, 'asset')}"
            for (direction, tag), count in sorted(groups.items())
        )
        return (
            f"not sent: {_count(len(remaining), 'write request')} ({listed}); run again to send them "
            "(the tagger decides from the server's state)"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
