"""Tables that fit the terminal without cutting a number: a table of text cells is laid out at its natural width
when that fits, with its headers wrapped when only that fits, and otherwise split into several tables of the
columns that fit, each repeating the first (naming) column. Number cells never wrap or shrink; only headers wrap
(at spaces), a column of prose (``prose``) wraps its words, and, where allowed, the naming column folds (long
function names). The title is a line of its own, as wide as the console.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

FOLD_MIN = 24  # a foldable naming column keeps at least this many characters per line
PROSE_MIN = 28  # a prose column keeps at least this many characters per line


@dataclass(frozen=True)
class Column:
    """One column's text and the widths it can take."""

    header: str
    cells: list[str]
    content: int  # the widest cell: never less
    natural: int  # the header on one line

    @classmethod
    def of(cls, header: str, cells: list[str], prose: bool = False) -> Column:
        content = max((len(c) for c in cells), default=0)
        longest_word = max((len(w) for w in header.split()), default=0)
        natural = max(content, len(header))
        if prose:
            words = max((len(w) for c in cells for w in c.split()), default=0)
            content = max(words, min(content, PROSE_MIN))
        return cls(header, cells, max(content, longest_word), natural)

    def narrowed(self, width: int) -> Column:
        """The naming column broken into lines of at most ``width`` (used only when the table cannot fit
        otherwise), at the name's own seams: after ``/`` or a space, before ``(`` or ``:``."""
        return Column(self.header, [break_name(c, width) for c in self.cells], width, width)


SEAM = re.compile(r"(?<=[/ ])|(?=[(:])")


def break_name(name: str, width: int) -> str:
    """``name`` in lines of at most ``width`` characters, broken at its seams where it can be."""
    lines: list[str] = []
    line = ""
    for piece in (p for p in SEAM.split(name) if p):
        while len(piece) > width:  # a piece longer than a line: cut it where it must be
            if line:
                lines.append(line)
                line = ""
            lines.append(piece[:width])
            piece = piece[width:]
        if len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    return "\n".join([*lines, line] if line else lines)


def table_width(widths: list[int]) -> int:
    """What a rich table with these column widths takes: a border and two spaces of padding per column, plus one."""
    return 1 + sum(w + 3 for w in widths)


def chunks(columns: list[Column], width: int) -> Iterator[tuple[list[Column], bool]]:
    """Groups of the value columns that fit beside the naming column, and whether headers are at natural width."""
    key, values = columns[0], columns[1:]
    if table_width([c.natural for c in columns]) <= width:
        yield columns, True
        return
    if table_width([c.content for c in columns]) <= width or not values:
        yield columns, False
        return
    group: list[Column] = []
    for column in values:
        if group and table_width([key.content, *(c.content for c in group), column.content]) > width:
            yield [key, *group], False
            group = []
        group.append(column)
    yield [key, *group], False


def fitted_tables(
    frame: pd.DataFrame,
    title: str,
    width: int,
    style: Callable[[str, str], str],
    fold_key: bool = False,
    prose: frozenset[str] = frozenset(),
) -> list[RenderableType]:
    """The title, then ``frame`` (text cells) as one or more rich tables no wider than ``width``;
    ``style(column, cell)`` colours a cell. With ``fold_key`` the naming column may fold to make room (function
    names); the columns named in ``prose`` wrap their words, left-aligned."""
    columns = [Column.of(str(c), [str(v) for v in frame[c]], str(c) in prose) for c in frame.columns]
    if not columns:
        return [Text(title, style="bold")]
    if fold_key:
        others = table_width([c.content for c in columns[1:]]) - 1
        room = max(FOLD_MIN, width - others - 3 - 1)
        if columns[0].content > room:
            columns[0] = columns[0].narrowed(room)
    groups = list(chunks(columns, width))
    parts: list[RenderableType] = [Text(title, style="bold")]
    for index, (group, natural) in enumerate(groups, 1):
        part = f"columns {index}/{len(groups)}" if len(groups) > 1 else None
        table = Table(title=part, title_justify="left", title_style="dim", header_style="bold")
        for position, column in enumerate(group):
            table.add_column(
                column.header,
                justify="left" if position == 0 or column.header in prose else "right",
                width=column.natural if natural else column.content,
                overflow="fold",
            )
        for row in range(len(frame)):
            table.add_row(*(Text(c.cells[row], style=style(c.header, c.cells[row])) for c in group))
        parts.append(table)
    return parts
