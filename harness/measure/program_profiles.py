"""Profiles of a program subject: what ``program_site/sitecustomize.py`` wrote from inside each Python process.

cProfile files of every process are merged into one ``<name>.pstats`` (``pstats.Stats.add``), so the function
table, ``bench stats`` and the HTML report read it as they read a mode's; each process's file names are first made
portable against its own package and standard-library folders and the repository ``bench`` runs in
(``harness.measure.pstats_keys``). pyinstrument writes one page per process, with its session and speedscope JSON;
the largest page (the program's main process) becomes ``<name>.pyinstrument.html``, beside
``<name>.pyinstrument.pyisession`` and ``<name>.pyinstrument.speedscope.json``. A program that is not Python, or
that exits without running its ``atexit`` handlers, leaves no profile: the run then has none, and the reports say so.
"""

from __future__ import annotations

import json
import os
import pstats
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.measure.environment import work_tree
from harness.measure.profilers import pyinstrument_outputs
from harness.measure.pstats_keys import dump_portable, rewrite, roots_for

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
        repository = work_tree(Path.cwd()) or Path.cwd()
        combined: pstats.Stats | None = None
        for file in files:
            stats = pstats.Stats(str(file))
            stats.stats = rewrite(stats.stats, roots_for(repository, _folders(file)))  # type: ignore[attr-defined]
            if combined is None:
                combined = stats
            else:
                combined.add(stats)
        assert combined is not None
        target = self.out / f"{self.name}.pstats"
        dump_portable(combined, target, [])
        return {"pstats": str(target)}

    def _largest_html(self) -> dict[str, str]:
        pages = sorted(self.folder.glob("*.pyinstrument.html"), key=lambda p: p.stat().st_size)
        if not pages:
            return {}
        found = pyinstrument_outputs(pages[-1])
        targets = pyinstrument_outputs(self.out / f"{self.name}.pyinstrument.html")
        for key, source in found.items():
            if Path(source).is_file():
                os.replace(source, targets[key])
            else:
                del targets[key]
        return targets


def _folders(pstats_file: Path) -> dict[str, list[str]]:
    """The package and standard-library folders the process of ``<pid>.pstats`` recorded (none: only the
    repository is made relative)."""
    try:
        data = json.loads(pstats_file.with_suffix(".folders.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"packages": [], "stdlib": []}
    return {key: [str(p) for p in data.get(key, [])] for key in ("packages", "stdlib")}
