"""The import direction of DESIGN section 2: harness may import autotag; autotag never imports harness."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_autotag_never_imports_harness() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] == "harness")
        for path in (ROOT / "autotag").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_renderers_read_no_tagger() -> None:
    """Reports are rebuilt from RunResult records alone: nothing under harness/render imports autotag."""
    for path in (ROOT / "harness" / "render").rglob("*.py"):
        assert not any(m.split(".")[0] == "autotag" for m in imported_modules(path)), path
