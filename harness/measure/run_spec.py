"""``RunSpec``: one run of one subject on one workload, frozen and keyword-only, passed whole from the command line
to the worker process that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.library.workload import WorkloadSpec


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """What to run (``subject``: a mode name), on what (``workload``), under which profiler, and where results go
    (``out_dir``; no artifacts when None). ``realtime`` > 0 really sleeps that many seconds per modeled second."""

    subject: str
    workload: WorkloadSpec = field(default_factory=WorkloadSpec)
    profiler: str = "cprofile"
    out_dir: str | None = None
    realtime: float = 0.0
