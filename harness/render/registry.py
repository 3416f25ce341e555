"""Renderers of a ``Comparison``, registered by name, one interface: ``render(comparison, out_path) -> str``.

``out_path`` is where the text will be written, when known: the HTML page links its profiles relative to it.

    for name, renderer in RENDERERS.items():
        write_atomic(folder / f"report{renderer.extension}", renderer.render(comparison, folder / ...))
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rich.console import Console

from harness.judge.compare import Comparison
from harness.render.html import HtmlReport
from harness.render.markdown import markdown_report
from harness.render.text import compare_report


class Renderer(Protocol):
    """Turns a comparison into one file's text."""

    @property
    def name(self) -> str: ...

    @property
    def extension(self) -> str: ...

    def render(self, comparison: Comparison, out_path: Path | None = None) -> str: ...


class TextRenderer:
    """The terminal report as plain text (what ``bench compare`` prints, without colour)."""

    name = "text"
    extension = ".txt"

    def render(self, comparison: Comparison, out_path: Path | None = None) -> str:
        console = Console(width=160, record=True, file=io.StringIO(), color_system=None)
        console.print(compare_report(comparison))
        return console.export_text()


class MarkdownRenderer:
    """GitHub-flavoured markdown: the verdict, the summary, the endpoint and function tables, artifact links."""

    name = "markdown"
    extension = ".md"

    def render(self, comparison: Comparison, out_path: Path | None = None) -> str:
        return markdown_report(comparison, out_path)


class HtmlRenderer:
    """The self-contained HTML page reviewers read (tables and charts built once per comparison)."""

    name = "html"
    extension = ".html"

    def render(self, comparison: Comparison, out_path: Path | None = None) -> str:
        return _page(comparison).render(out_path)


class JsonRenderer:
    """The compare record (``autotag-bench/compare/2``)."""

    name = "json"
    extension = ".json"

    def render(self, comparison: Comparison, out_path: Path | None = None) -> str:
        return json.dumps(comparison.to_json(), indent=2, sort_keys=False) + "\n"


@lru_cache(maxsize=4)
def _page(comparison: Comparison) -> HtmlReport:
    return HtmlReport(comparison)


RENDERERS: dict[str, Renderer] = {
    r.name: r for r in (TextRenderer(), MarkdownRenderer(), HtmlRenderer(), JsonRenderer())
}
