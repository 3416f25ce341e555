"""Profiles of a program subject: what ``program_site/sitecustomize.py`` wrote from inside each Python process.

cProfile files of every process are merged into one ``<name>.pstats`` (``pstats.Stats.add``), so the function
table, ``bench stats`` and the HTML report read it as they read a mode's. pyinstrument writes one page per
process; the largest (the program's main process) becomes ``<name>.pyinstrument.html``. A program that is not
Python, or that exits without running its ``atexit`` handlers, leaves no profile: the run then has none, and the
reports say so.
"""

from __future__ import annotations

import os
import pstats
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_DIR = "AUTOTAG_BENCH_PROFILE_DIR"


@dataclass(frozen=True)
class ProfileFolder:
    """Where the processes of one program run write their profiles, and how they are gathered afterwards."""

    folder: Path
    out: Path
    name: str
    profiler: str  # "cprofile" or "pyinstrument"

    @classmethod
    def for_choice(cls, out: Path, name: str, profiler: str) -> ProfileFolder | None:
        """The folder for a ``--profile`` pass of a program (None for ``none``)."""
        if profiler not in ("cprofile", "pyinstrument"):
            return None
        folder = out / f"{name}.profiles"
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, out, name, profiler)

    def environment(self) -> dict[str, str]:
        """What the program's environment needs for ``sitecustomize`` to profile it."""
        env = {ENV_DIR: str(self.folder), "AUTOTAG_BENCH_PROFILER": self.profiler}
        if self.profiler == "pyinstrument":
            import pyinstrument

            env["AUTOTAG_BENCH_PYINSTRUMENT_PATH"] = str(Path(pyinstrument.__file__).resolve().parent.parent)
            env["AUTOTAG_BENCH_PYTHON"] = "{}.{}".format(*sys.version_info[:2])
        return env

    def collect(self) -> dict[str, str]:
        """Gather the written profiles into the run's artifacts; empty when the program wrote none."""
        try:
            if self.profiler == "cprofile":
                return self._merge_pstats()
            return self._largest_html()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _merge_pstats(self) -> dict[str, str]:
        files = sorted(self.folder.glob("*.pstats"))
        if not files:
            return {}
        stats = pstats.Stats(str(files[0]))
        for other in files[1:]:
            stats.add(str(other))
        target = self.out / f"{self.name}.pstats"
        partial = target.with_name(f".{target.name}.partial")
        stats.dump_stats(str(partial))
        os.replace(partial, target)
        return {"pstats": str(target)}

    def _largest_html(self) -> dict[str, str]:
        pages = sorted(self.folder.glob("*.pyinstrument.html"), key=lambda p: p.stat().st_size)
        if not pages:
            return {}
        target = self.out / f"{self.name}.pyinstrument.html"
        os.replace(pages[-1], target)
        return {"pyinstrument": str(target)}
