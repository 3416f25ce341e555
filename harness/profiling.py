"""Profilers a mode runs under: cProfile (a ``.pstats`` that ``python -m pstats`` and snakeviz open) and
pyinstrument (an HTML profile). Both hook the interpreter's profile function, so they never run at once: ``both``
runs the mode twice on fresh replays and takes the measurements from the cProfile run.
"""

from __future__ import annotations

import cProfile
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from harness.files import write_atomic

T = TypeVar("T")

PROFILERS = ("cprofile", "pyinstrument", "both", "none")


def run_cprofile(func: Callable[[], T], out: Path) -> T:
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(func)
    finally:
        partial = out.with_name(f".{out.name}.partial")
        profiler.dump_stats(str(partial))  # then renamed: a reader never sees half a profile
        os.replace(partial, out)


def run_pyinstrument(func: Callable[[], T], out: Path) -> T:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        return func()
    finally:
        profiler.stop()
        write_atomic(out, profiler.output_html())
