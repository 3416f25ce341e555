"""Output paths checked before anything runs: a folder or file the command will write must be creatable there, so
a path under a file, in ``/proc`` or in a read-only folder is one line and exit 2 up front, never a traceback after
minutes of work. The check writes nothing (its probe file is removed at once) and creates no folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from harness.errors import HarnessError


class OutputPathError(HarnessError):
    """An output path that cannot be written: under a file, in a read-only or virtual folder, or a folder where a
    file is expected (and the reverse)."""


def existing_ancestor(path: Path) -> Path:
    """The nearest ancestor of ``path`` (or the path itself) that exists."""
    current = path.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def topmost_missing(path: Path) -> Path | None:
    """The highest folder on the way to ``path`` that does not exist yet (what creating ``path`` would create
    first), or None when ``path`` exists."""
    current = path.absolute()
    missing = None
    while not current.exists() and current != current.parent:
        missing = current
        current = current.parent
    return missing


def _writable(folder: Path, path: Path, option: str) -> None:
    if not folder.is_dir():
        raise OutputPathError(f"{option} {path}: {folder} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".bench-probe-", dir=folder)
    except OSError as exc:
        raise OutputPathError(f"{option} {path}: cannot write in {folder} ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


def check_folder(path: Path, option: str) -> None:
    """``path`` is a folder, or one that can be created: else ``OutputPathError`` naming ``option``."""
    if path.exists() and not path.is_dir():
        raise OutputPathError(f"{option} {path}: a file is there, not a folder")
    _writable(existing_ancestor(path), path, option)


def check_file(path: Path, option: str) -> None:
    """``path`` is a file that can be written (made, or replaced): else ``OutputPathError`` naming ``option``."""
    if str(path) == "-":
        return
    if path.is_dir():
        raise OutputPathError(f"{option} {path}: is a folder, not a file")
    _writable(existing_ancestor(path.parent), path, option)
