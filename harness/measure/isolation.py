"""Each run in a spawned process of its own, so memory, caches and imports never leak between runs.

Errors come back from the worker as data (an exception class with extra constructor arguments does not pickle) and
are raised again here as the same class of the harness's or the tagger's error tree.

Stopping: a worker ignores SIGINT (Ctrl-C at a terminal reaches the whole process group; the parent decides), and
on SIGTERM it exits at once, stopping a program subject's process group on its way out (``program_runner``). When
the parent is interrupted, ``stop_all`` terminates every live worker and waits for them, briefly.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import autotag
import harness.errors
from autotag import AutotagError
from harness.errors import HarnessError, RunError
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute

WORKER = "bench-worker"
GRACE_S = 1.2  # how long a terminated worker may take to stop its program subject before it is killed
_live: set[BaseProcess] = set()
_lock = threading.Lock()
_stopping = threading.Event()


class Stopped(RunError):
    """A run that did not finish because the command was interrupted."""


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminated(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signal.SIGTERM)


if multiprocessing.parent_process() is not None and multiprocessing.current_process().name.startswith(WORKER):
    _ignore_interrupts()  # as soon as a worker imports this module, before it unpickles its run


def _worker(spec: RunSpec) -> dict[str, Any]:
    try:
        return {"result": execute(spec).to_json()}
    except (HarnessError, AutotagError) as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    except Exception as exc:  # a crash inside the tagger: report it, do not hide it
        return {"error": "RunError", "message": f"{spec.name}: the run failed: {type(exc).__name__}: {exc}"}


def _entry(spec: RunSpec, channel: Connection) -> None:
    _ignore_interrupts()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        channel.send(_worker(spec))
    finally:
        channel.close()


def _reraise(name: str, message: str) -> HarnessError | AutotagError:
    for module in (harness.errors, autotag):
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, HarnessError | AutotagError):
            try:
                return cls(message)
            except TypeError:
                break
    return RunError(message)


def run_isolated(spec: RunSpec) -> RunResult:
    """Run ``spec`` in a fresh spawned process and return its result."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_entry, args=(spec, sender), name=f"{WORKER}-{spec.name}", daemon=True)
    with _lock:
        if _stopping.is_set():
            raise Stopped(f"{spec.name}: not run (interrupted)")
        process.start()
        _live.add(process)
    sender.close()
    try:
        data = receiver.recv()
    except EOFError:
        process.join()
        if _stopping.is_set():
            raise Stopped(f"{spec.name}: stopped (interrupted)") from None
        raise RunError(f"{spec.name}: the run's process ended (exit {process.exitcode}) without a result") from None
    finally:
        receiver.close()
        process.join()
        with _lock:
            _live.discard(process)
    if "error" in data:
        raise _reraise(data["error"], data["message"])
    return RunResult.from_json(data["result"])


def stop_all() -> None:
    """Terminate every live worker (no new one starts), wait up to ``GRACE_S`` for them, then kill what is left."""
    with _lock:
        _stopping.set()
        workers = list(_live)
    for process in workers:
        process.terminate()
    deadline = time.monotonic() + GRACE_S
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def reset() -> None:
    """Allow runs again after ``stop_all`` (a long-lived process, such as a test session)."""
    _stopping.clear()
