"""Machine-independent file names in cProfile keys, so that profiles from CI and a laptop line up.

A cProfile key is ``(file, line, function)`` with the absolute path of the machine that ran it. Before a profile is
written its keys (and its callers' keys) are rewritten against *roots*, longest first:

- a file under an installed-packages folder (site-packages, dist-packages) -> ``site-packages/<package path>``;
- a file of the standard library -> ``stdlib/<module path>``;
- a file under the repository -> its path relative to the repository (``autotag/tagger.py``);
- anything else (built-ins ``~``, ``<frozen ...>``, a file elsewhere) stays as it is, except that a built-in's
  memory address (``<built-in method __new__ of type object at 0x7f...>``) is dropped: it differs in every process.

Two keys that become one (the same module installed twice) are added together as ``pstats.Stats.add`` does.
"""

from __future__ import annotations

import os
import pstats
import re
import site
import sysconfig
from pathlib import Path
from typing import Any

Roots = list[tuple[str, str]]  # (absolute folder with a trailing "/", the prefix that replaces it)
Key = tuple[str, int, str]
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def process_folders() -> dict[str, list[str]]:
    """This interpreter's installed-packages and standard-library folders."""
    paths = sysconfig.get_paths()
    packages = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    user = site.getusersitepackages()
    if isinstance(user, str):
        packages.append(user)
    return {"packages": packages, "stdlib": [paths["stdlib"], paths["platstdlib"]]}


def roots_for(repository: Path | str | None, folders: dict[str, list[str]] | None = None) -> Roots:
    """The roots of a process (``folders``, default this one's) and a repository, longest folder first."""
    found = process_folders() if folders is None else folders
    pairs = [(folder, "site-packages/") for folder in found.get("packages", [])]
    pairs += [(folder, "stdlib/") for folder in found.get("stdlib", [])]
    if repository is not None:
        pairs.append((str(repository), ""))
    roots: dict[str, str] = {}
    for folder, prefix in pairs:
        for spelling in (os.path.abspath(folder), os.path.realpath(folder)):  # a symlinked venv has both
            roots.setdefault(spelling.rstrip("/") + "/", prefix)
    return sorted(roots.items(), key=lambda pair: -len(pair[0]))


def portable(file: str, roots: Roots) -> str:
    """``file`` relative to the first root it lies under; unchanged when under none."""
    if not file.startswith("/"):
        return file
    for folder, prefix in roots:
        if file.startswith(folder):
            return prefix + file[len(folder) :]
    return file


def rewrite(stats: dict[Key, Any], roots: Roots) -> dict[Key, Any]:
    """A ``pstats.Stats.stats`` dict with every key and caller key made portable."""
    cache: dict[str, str] = {}

    def key(old: Key) -> Key:
        file = cache.get(old[0])
        if file is None:
            file = cache[old[0]] = portable(old[0], roots)
        name = ADDRESS.sub("", old[2]) if file == "~" else old[2]
        return (file, old[1], name)

    result: dict[Key, Any] = {}
    for old, (cc, nc, tt, ct, callers) in stats.items():
        moved: dict[Key, Any] = {}
        for caller, figures in callers.items():
            target = key(caller)
            moved[target] = _add(moved[target], figures) if target in moved else figures
        entry = (cc, nc, tt, ct, moved)
        new = key(old)
        result[new] = pstats.add_func_stats(result[new], entry) if new in result else entry  # type: ignore[attr-defined]
    return result


def _add(first: Any, second: Any) -> Any:
    if isinstance(first, tuple):
        return tuple(a + b for a, b in zip(first, second, strict=True))
    return first + second


def dump_portable(stats: pstats.Stats, path: Path, roots: Roots) -> None:
    """Write ``stats`` to ``path`` with portable keys, through a partial file renamed over it."""
    stats.stats = rewrite(stats.stats, roots)  # type: ignore[attr-defined]
    partial = path.with_name(f".{path.name}.partial")
    stats.dump_stats(str(partial))
    os.replace(partial, path)
