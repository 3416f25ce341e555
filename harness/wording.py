"""How the harness says a count in words: ``1 request``, ``4,813 requests``, ``both subjects``."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 request``, ``4,813 requests`` (``many``: an irregular plural)."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def all_of(count: int, word: str) -> str:
    """``both subjects``, ``all 5 subjects``, ``the one subject``."""
    if count == 1:
        return f"the one {word}"
    return f"both {word}s" if count == 2 else f"all {count:,} {word}s"
