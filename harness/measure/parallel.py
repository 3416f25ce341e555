"""Several runs, ``jobs`` at a time, each in its own process; the caller is told when each starts and ends.

Interrupted (Ctrl-C, SIGTERM), it starts no more runs, terminates the running ones (``isolation.stop_all``) and
raises the interruption once every worker is gone: nothing is left running, nothing writes afterwards."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from harness.measure import isolation
from harness.measure.result import RunResult
from harness.measure.run_spec import RunSpec

Started = Callable[[int], None]
Finished = Callable[[int, RunResult], None]


def run_all(
    specs: list[RunSpec], jobs: int, started: Started | None = None, finished: Finished | None = None
) -> list[RunResult]:
    """The results of ``specs``, in their order; the first failure cancels the runs not yet started."""

    def one(index: int) -> RunResult:
        if started is not None:
            started(index)
        result = isolation.run_isolated(specs[index])
        if finished is not None:
            finished(index, result)
        return result

    isolation.reset()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, index) for index in range(len(specs))]
        try:
            return [future.result() for future in futures]
        except BaseException as exc:
            for future in futures:
                future.cancel()
            if not isinstance(exc, Exception):  # interrupted: stop the workers now rather than wait for them
                isolation.stop_all()
            raise
