"""Warnings about how far measured figures can be trusted: a run whose real time far exceeds its CPU time waited for
a CPU (the machine was busy), so its CPU and real times carry scheduling noise.

A replay never sleeps (virtual time), so an undisturbed run takes about as much real time as CPU time: the tagger's
(``cpu_s``) plus the in-process replay's (``replay_cpu_s``); measured at 1.02x on an idle machine.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.measure.result import RunResult

BUSY_FACTOR = 1.5  # real time beyond this many times the CPU time: the run waited for a CPU
BUSY_FLOOR_S = 0.1  # and by at least this much (very short runs are all start-up jitter)


def busy_warnings(runs: Sequence[RunResult]) -> list[str]:
    """One sentence naming the runs that waited for a CPU, or none."""
    busy = []
    for run in runs:
        if run.cpu_s is None:
            continue
        cpu = run.cpu_s + run.replay_cpu_s
        if run.real_wall_s > BUSY_FACTOR * cpu and run.real_wall_s - cpu > BUSY_FLOOR_S:
            busy.append(f"{run.mode} {run.real_wall_s:,.2f} s real for {cpu:,.2f} s CPU")
    if not busy:
        return []
    return [
        f"the machine was busy: {'; '.join(busy)} (more than {BUSY_FACTOR:g}x). Measured CPU and real times carry "
        "scheduling noise; modeled figures do not. For quieter figures: --jobs 1 on an idle machine, --repeats 5."
    ]
