"""How a value reads in any report: thousands separators always, a fixed number of decimals per kind of figure,
"n/a" for what was not measured, and signed deltas with an explicit sign (counts in words: ``harness.wording``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def decimals(column: str) -> int:
    """Decimals of a column's numbers, from its unit: megabytes 1, percent 1, seconds (and the rest) 3."""
    return 1 if column.endswith(("MB", "%")) else 3


def cell(value: Any, places: int = 3) -> str:
    """``1,234.568``, ``4,813``, ``n/a``; anything else as its text."""
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return "n/a" if math.isnan(value) else f"{float(value):,.{places}f}"
    return str(value)


def signed(value: float | int, places: int = 3) -> str:
    """A delta with its sign always shown: ``+1.250``, ``-55``, ``0``."""
    if isinstance(value, int | np.integer):
        return f"{int(value):+,}" if value else "0"
    if math.isnan(value):
        return "n/a"
    text = f"{float(value):+,.{places}f}"
    return text if float(text.replace(",", "")) else f"{0:.{places}f}"
