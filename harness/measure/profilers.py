"""Profilers a run goes under, as small objects behind one interface.

- ``CProfile``: a ``.pstats`` that ``python -m pstats`` and snakeviz open;
- ``Pyinstrument``: an HTML profile;
- ``Unprofiled``: nothing, for the quietest measurements.

Both real profilers hook the interpreter's profile function, so they never run at once: the ``both`` choice is two
passes, on fresh replays, and the measurements come from the first (``passes()``).
"""

from __future__ import annotations

import cProfile
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from harness.atomic_write import write_atomic

T = TypeVar("T")


class Profiler(Protocol):
    """Runs a function under a profiler and writes the profile as ``out/<stem><suffix>``."""

    @property
    def name(self) -> str:
        """The ``--profile`` choice of this profiler alone."""

    @property
    def artifact(self) -> str:
        """The RunResult artifact key of what it writes ("" for nothing)."""

    @property
    def suffix(self) -> str:
        """The file name suffix of what it writes."""

    def run(self, func: Callable[[], T], out: Path) -> T: ...


class CProfile:
    """cProfile, dumped as a ``.pstats`` file."""

    name = "cprofile"
    artifact = "pstats"
    suffix = ".pstats"

    def run(self, func: Callable[[], T], out: Path) -> T:
        profiler = cProfile.Profile()
        try:
            return profiler.runcall(func)
        finally:
            partial = out.with_name(f".{out.name}.partial")
            profiler.dump_stats(str(partial))  # then renamed: a reader never sees half a profile
            os.replace(partial, out)


class Pyinstrument:
    """pyinstrument's sampling profiler (1 ms), written as its HTML page."""

    name = "pyinstrument"
    artifact = "pyinstrument"
    suffix = ".pyinstrument.html"

    def run(self, func: Callable[[], T], out: Path) -> T:
        from pyinstrument import Profiler as Sampler

        profiler = Sampler(interval=0.001)
        profiler.start()
        try:
            return func()
        finally:
            profiler.stop()
            write_atomic(out, profiler.output_html())


class Unprofiled:
    """No profiler: the run as it is."""

    name = "none"
    artifact = ""
    suffix = ""

    def run(self, func: Callable[[], T], out: Path) -> T:
        return func()


CHOICES: dict[str, tuple[Profiler, ...]] = {
    "cprofile": (CProfile(),),
    "pyinstrument": (Pyinstrument(),),
    "both": (CProfile(), Pyinstrument()),
    "none": (Unprofiled(),),
}
PROFILERS = tuple(CHOICES)


def passes(choice: str) -> tuple[Profiler, ...]:
    """The profilers of a ``--profile`` choice, one pass each; the first pass is the measured one."""
    return CHOICES[choice]
