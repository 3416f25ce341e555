"""Put on ``PYTHONPATH`` of a program subject, this profiles every Python process of the program (the interpreter
imports ``sitecustomize`` at start-up) and writes its profile when the process exits. Nothing else changes: the
program's own ``sitecustomize``, when it has one, is imported after this one.

Environment (set by ``harness.measure.program_runner``):

- ``AUTOTAG_BENCH_PROFILE_DIR``: the folder for profiles (unset: do nothing);
- ``AUTOTAG_BENCH_PROFILER``: ``cprofile`` (a ``<pid>.pstats``: the main thread and every thread started through
  ``threading``, each with its own ``cProfile.Profile``, merged at exit; and ``<pid>.folders.json``, this
  interpreter's package and standard-library folders, with which the harness makes the file names portable) or
  ``pyinstrument`` (``<pid>.pyinstrument.html`` of the main thread, async-aware, with its session
  ``<pid>.pyinstrument.pyisession`` and ``<pid>.pyinstrument.speedscope.json``; needs pyinstrument importable, or
  the harness's own copy on ``AUTOTAG_BENCH_PYINSTRUMENT_PATH`` for the same Python version).

A process that ends by ``os._exit`` or a signal writes no profile.
"""

from __future__ import annotations

import atexit
import importlib.machinery
import importlib.util
import json
import os
import sys
import threading
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


def _cprofile(folder: str) -> None:
    import cProfile
    import pstats

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start() -> None:
        profile = cProfile.Profile()
        with lock:
            profiles.append(profile)
        profile.enable()

    def thread_hook(_frame: Any, _event: str, _arg: Any) -> None:
        sys.setprofile(None)  # this hook ran once in the new thread: hand the thread to its own cProfile
        start()

    def dump() -> None:
        profiles[0].disable()
        with lock:
            stats = pstats.Stats(profiles[0])
            for other in profiles[1:]:
                stats.add(other)
        _write(os.path.join(folder, f"{os.getpid()}.folders.json"), json.dumps(_folders()))
        partial = os.path.join(folder, f".{os.getpid()}.pstats.partial")
        stats.dump_stats(partial)
        os.replace(partial, os.path.join(folder, f"{os.getpid()}.pstats"))

    threading.setprofile(thread_hook)
    start()
    atexit.register(dump)


def _pyinstrument(folder: str) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        extra = os.environ.get("AUTOTAG_BENCH_PYINSTRUMENT_PATH", "")
        if not extra or os.environ.get("AUTOTAG_BENCH_PYTHON") != "{}.{}".format(*sys.version_info[:2]):
            return
        sys.path.append(extra)
        try:
            from pyinstrument import Profiler
        finally:
            sys.path.remove(extra)
    profiler = Profiler(interval=0.001, async_mode="enabled")
    profiler.start()

    def dump() -> None:
        from pyinstrument.renderers import HTMLRenderer, SessionRenderer, SpeedscopeRenderer

        session = profiler.stop()
        stem = os.path.join(folder, f"{os.getpid()}.pyinstrument")
        _write(stem + ".pyisession", SessionRenderer().render(session))
        _write(stem + ".speedscope.json", SpeedscopeRenderer().render(session))
        _write(stem + ".html", HTMLRenderer().render(session))  # last: the harness looks for the pages

    atexit.register(dump)


def _write(path: str, text: str) -> None:
    with open(path + ".partial", "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(path + ".partial", path)


def _folders() -> dict[str, list[str]]:
    """This interpreter's package and standard-library folders (as ``harness.measure.pstats_keys`` reads them)."""
    import site
    import sysconfig

    paths = sysconfig.get_paths()
    packages = [paths["purelib"], paths["platlib"], *getattr(site, "getsitepackages", list)()]
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if isinstance(user, str):
        packages.append(user)
    return {"packages": packages, "stdlib": [paths["stdlib"], paths["platstdlib"]]}


def _chain() -> None:
    """Import the program's own ``sitecustomize``, if one lies further along ``sys.path``."""
    path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_folder = os.environ.get("AUTOTAG_BENCH_PROFILE_DIR")
if _folder and os.path.isdir(_folder):
    if os.environ.get("AUTOTAG_BENCH_PROFILER") == "pyinstrument":
        _pyinstrument(_folder)
    else:
        _cprofile(_folder)
_chain()
