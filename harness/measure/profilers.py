"""Profilers a run goes under, as small objects behind one interface.

- ``CProfile``: a ``.pstats`` that ``python -m pstats`` and snakeviz open, its file names made portable
  (``harness.measure.pstats_keys``: ``autotag/tagger.py``, ``site-packages/httpx/...``, ``stdlib/json/...``);
- ``Pyinstrument``: an HTML profile, the saved session (``.pyisession``, ``pyinstrument --load``) and a speedscope
  JSON beside it;
- ``Unprofiled``: nothing, for the quietest measurements.

Both real profilers hook the interpreter's profile function, so they never run at once: the ``both`` choice is two
passes, on fresh replays, and the measurements come from the first (``passes()``).
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from harness.atomic_write import write_atomic
from harness.measure.pstats_keys import dump_portable, roots_for
from harness.project_paths import REPO_ROOT

if TYPE_CHECKING:
    from pyinstrument.session import Session

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

    def outputs(self, out: Path) -> dict[str, str]:
        """The RunResult artifacts a run writes when its main file is ``out``."""


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
            dump_portable(pstats.Stats(profiler), out, roots_for(REPO_ROOT))

    def outputs(self, out: Path) -> dict[str, str]:
        return {self.artifact: str(out)}


class Pyinstrument:
    """pyinstrument's sampling profiler (1 ms): its HTML page, its session and a speedscope JSON."""

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
            session = profiler.stop()
            write_pyinstrument(session, self.outputs(out))

    def outputs(self, out: Path) -> dict[str, str]:
        return pyinstrument_outputs(out)


def pyinstrument_outputs(html: Path) -> dict[str, str]:
    """The three files of a pyinstrument profile whose page is ``html`` (``NAME.pyinstrument.html``)."""
    stem = html.name.removesuffix(".html")
    return {
        "pyinstrument": str(html),
        "pyinstrument_session": str(html.with_name(stem + ".pyisession")),
        "speedscope": str(html.with_name(stem + ".speedscope.json")),
    }


def write_pyinstrument(session: Session, outputs: dict[str, str]) -> None:
    """A pyinstrument session as its HTML page, its saved session and speedscope JSON (``speedscope.app`` opens it)."""
    from pyinstrument.renderers import HTMLRenderer, SessionRenderer, SpeedscopeRenderer

    write_atomic(Path(outputs["pyinstrument"]), HTMLRenderer().render(session))
    write_atomic(Path(outputs["pyinstrument_session"]), SessionRenderer().render(session))
    write_atomic(Path(outputs["speedscope"]), SpeedscopeRenderer().render(session))


class Unprofiled:
    """No profiler: the run as it is."""

    name = "none"
    artifact = ""
    suffix = ""

    def run(self, func: Callable[[], T], out: Path) -> T:
        return func()

    def outputs(self, out: Path) -> dict[str, str]:
        return {}


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
