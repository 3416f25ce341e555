"""Each run in a spawned process of its own, so memory, caches and imports never leak between runs.

Errors come back from the worker as data (an exception class with extra constructor arguments does not pickle) and
are raised again here as the same class of the harness's or the tagger's error tree.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import autotag
import harness.errors
from autotag import AutotagError
from harness.errors import HarnessError, RunError
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute


def _worker(spec: RunSpec) -> dict[str, Any]:
    try:
        return {"result": execute(spec).to_json()}
    except (HarnessError, AutotagError) as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


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
    with context.Pool(1) as pool:
        try:
            data = pool.apply(_worker, (spec,))
        except Exception as exc:  # a crash inside the tagger: report it, do not hide it
            raise RunError(f"{spec.name}: the run failed: {type(exc).__name__}: {exc}") from exc
    if "error" in data:
        raise _reraise(data["error"], data["message"])
    return RunResult.from_json(data["result"])
