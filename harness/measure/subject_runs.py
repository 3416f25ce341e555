"""``run``: measure one subject on a fresh replay of a workload from Python, as ``bench run`` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.library.workload import WorkloadSpec
from harness.measure.isolation import run_isolated
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.measure.subjects import Subject, parse_subject


def run(
    subject: Subject | str,
    workload: WorkloadSpec | None = None,
    *,
    profiler: str = "none",
    out_dir: str | Path | None = None,
    isolated: bool = False,
    **fields: Any,
) -> RunResult:
    """Run ``subject`` (a mode such as ``"lazy"``, ``"NAME=COMMAND"`` for any program, or a ``Mode``/``Program``)
    on a fresh replay of ``workload`` (or ``WorkloadSpec(**fields)``) under ``profiler`` (``cprofile``,
    ``pyinstrument``, ``both`` or ``none``) and return its RunResult; profiles and the final state go to
    ``out_dir`` when given. ``isolated`` runs it in a spawned process of its own, as ``bench`` does."""
    spec = RunSpec(
        subject=parse_subject(subject) if isinstance(subject, str) else subject,
        workload=workload if workload is not None else WorkloadSpec(**fields),
        profiler=profiler,
        out_dir=None if out_dir is None else str(out_dir),
    )
    return run_isolated(spec) if isolated else execute(spec)
