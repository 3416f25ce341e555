"""Profilers a mode runs under: cProfile (a ``.pstats`` that ``python -m pstats`` and snakeviz open) and
pyinstrument (an HTML profile). Both hook the interpreter's profile function, so they never run at once: ``both``
runs the mode twice on fresh replays and takes the measurements from the cProfile run.
"""

from __future__ import annotations

import cProfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PROFILERS = ("cprofile", "pyinstrument", "both", "none")


def run_cprofile(func: Callable[[], T], out: Path) -> T:
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(func)
    finally:
        profiler.dump_stats(str(out))


def run_pyinstrument(func: Callable[[], T], out: Path) -> T:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        return func()
    finally:
        profiler.stop()
        out.write_text(profiler.output_html(), encoding="utf-8")
