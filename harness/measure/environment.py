"""Where a run happened: machine, Python, package versions and the git commit, for every stored result.

The commit is that of the git work tree ``bench`` runs in (the current directory, as pytest-benchmark and asv take
it: the tagger under test), falling back to the harness's own checkout when the current directory is in none. It
holds the commit id, whether tracked files had uncommitted changes (``dirty``), the commit's time and its branch;
``bench history`` orders runs by it. ``host`` and ``cpus`` tell machines apart.
"""

from __future__ import annotations

import os
import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("autotag-bench", "httpx", "click", "rich", "vcrpy", "pyinstrument", "pandas", "matplotlib")
HERE = Path(__file__).resolve().parent


def environment() -> dict[str, Any]:
    """Python, platform, host, CPU count, package versions, and the git commit of the current directory."""
    return {**_static(), "commit": commit_info(Path.cwd())}


@cache
def _static() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def machine_label(env: dict[str, Any]) -> str:
    """A short name of the machine of a stored environment: host, architecture and CPU count."""
    return f"{env.get('host') or '?'} ({env.get('machine') or '?'}, {env.get('cpus') or '?'} cpus)"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5, check=True).stdout.strip()


def work_tree(cwd: Path) -> Path | None:
    """The top folder of the git work tree holding ``cwd``; None outside one (or without git)."""
    try:
        return Path(_git(cwd, "rev-parse", "--show-toplevel"))
    except (OSError, subprocess.SubprocessError):
        return None


def commit_info(cwd: Path) -> dict[str, Any]:
    """The commit checked out where ``cwd`` is (else where the harness is): id, dirty, time, branch."""
    for folder in (cwd, HERE):
        try:
            sha = _git(folder, "rev-parse", "HEAD")
            dirty = _git(folder, "status", "--porcelain", "--untracked-files=no")
            when = _git(folder, "show", "-s", "--format=%cI", "HEAD")
            branch = _git(folder, "rev-parse", "--abbrev-ref", "HEAD")
        except (OSError, subprocess.SubprocessError):
            continue
        return {"id": sha, "dirty": bool(dirty), "time": when, "branch": None if branch == "HEAD" else branch}
    return {"id": None, "dirty": None, "time": None, "branch": None}
