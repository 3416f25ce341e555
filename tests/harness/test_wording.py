from __future__ import annotations

import pytest

from harness.wording import all_of, plural


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 requests"), (1, "1 request"), (2, "2 requests"), (4813, "4,813 requests")]
)
def test_counts_take_the_right_plural(count: int, text: str) -> None:
    assert plural(count, "request") == text


def test_all_of_names_two_as_both() -> None:
    assert [all_of(n, "subject") for n in (1, 2, 5)] == ["the one subject", "both subjects", "all 5 subjects"]
