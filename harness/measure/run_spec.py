"""``RunSpec``: one run of one subject on one workload, frozen and keyword-only, passed whole from the command line
to the worker process that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.library.workload import WorkloadSpec
from harness.measure.subjects import Subject, parse_subject


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """What to run (``subject``: a mode or a program; a string is parsed as on the command line), on what
    (``workload``), under which profiler, and where results go (``out_dir``; no artifacts when None for a mode, a
    temporary folder for a program). ``realtime`` > 0 really sleeps that many seconds per modeled second (modes)."""

    subject: Subject
    workload: WorkloadSpec = field(default_factory=WorkloadSpec)
    profiler: str = "cprofile"
    out_dir: str | None = None
    realtime: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.subject, str):
            object.__setattr__(self, "subject", parse_subject(self.subject))

    @property
    def name(self) -> str:
        """The subject's name: the RunResult's ``mode`` and the stem of its files."""
        return self.subject.name
