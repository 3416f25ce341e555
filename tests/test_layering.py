"""The import rules of DESIGN section 2 and the harness's pipeline (section 3), walked from the source:

- ``autotag`` never imports ``harness``; nothing under ``harness/render`` imports the tagger;
- ``harness`` stages import only their own stage and earlier ones:
  base (errors, paths, files, endpoints) -> library -> replay -> measure -> judge -> render -> cli;
- the package root ``harness`` (``harness/__init__.py``, the public API) is the composition of the stages: it
  re-exports names of library, replay, measure, judge and render, loaded on first use from its ``EXPORTS`` table
  (read here as its imports), never the CLI; and no module of any stage imports the root back;
- no import cycle between modules anywhere (imports under ``if TYPE_CHECKING:`` do not count);
- no module over 400 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["base", "library", "replay", "measure", "judge", "render", "cli", "root"]
SOURCES = sorted([*(ROOT / "autotag").rglob("*.py"), *(ROOT / "harness").rglob("*.py")])


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Modules imported at run time (``TYPE_CHECKING`` blocks skipped), ``from a import b`` as ``a.b`` when ``a.b``
    is a module of this project, else ``a``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    known = {module_name(p) for p in SOURCES}
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in known else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def stage(module: str) -> str:
    if module == "harness":
        return "root"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "base"


def root_exports() -> dict[str, str]:
    """The root's ``EXPORTS`` table (public name -> the stage module it is loaded from), read from the source."""
    tree = ast.parse((ROOT / "harness" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["EXPORTS"]:
            table: dict[str, str] = ast.literal_eval(node.value)
            return table
    raise AssertionError("harness/__init__.py has no EXPORTS table")


def graph() -> dict[str, set[str]]:
    known = {module_name(p) for p in SOURCES}
    edges = {module_name(p): {m for m in imported_modules(p) if m in known} for p in SOURCES}
    edges["harness"] |= set(root_exports().values())
    return edges


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


def test_harness_stages_import_only_earlier_stages() -> None:
    backwards = []
    for module, imports in graph().items():
        if not module.startswith("harness."):
            continue
        if "harness" in imports:
            backwards.append(f"{module} ({stage(module)}) imports the package root harness")
        own = STAGES.index(stage(module))
        for target in imports:
            if target.startswith("harness.") and STAGES.index(stage(target)) > own:
                backwards.append(f"{module} ({stage(module)}) imports {target} ({stage(target)})")
    assert backwards == []


def test_the_root_composes_the_stages_below_the_cli() -> None:
    exports = root_exports()
    import harness

    assert sorted(harness.__all__) == harness.__all__ == sorted(exports)
    assert {stage(module) for module in exports.values()} <= {"base", "library", "replay", "measure", "judge", "render"}
    for name, module in exports.items():
        assert module in graph(), module
        assert getattr(harness, name).__module__ == module, name  # each name is the stage's own object


def test_importing_the_root_loads_no_stage() -> None:
    """The root's names load on first use: ``import harness`` (and so ``import harness.errors``) stays cheap."""
    code = "import sys, harness; print(sorted(m for m in sys.modules if m.startswith(('harness', 'pandas'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "['harness']"


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle a depth-first walk meets (a package importing its own submodules is not one)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target.startswith(node + "."):
                continue
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"p": {"p.x"}, "p.x": {"q"}, "q": set()}) == []


def test_no_import_cycles() -> None:
    edges = graph()
    assert "harness.replay.routes" in edges["harness.replay.server"]  # the walk sees real imports
    assert cycles(edges) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
