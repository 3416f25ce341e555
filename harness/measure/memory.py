"""Memory of a measured window: how much the resident set grew while the tagger ran.

A worker's peak RSS is mostly the interpreter and the library snapshot (loading it peaks far above what a run adds),
so it cannot show a tagger that holds more. ``MemoryWindow`` resets the kernel's high-water mark when the window
opens (Linux: ``echo 5 > /proc/self/clear_refs``) and reads it when the window closes: the growth is the peak RSS
during the window minus the RSS when it opened. The worker's own peak before the reset is kept, so the whole
process's peak can still be reported. Where ``/proc`` does not allow it, the growth is ``None`` (not measured).

Before the reset the window collects garbage and hands the C heap's free pages back to the system (glibc
``malloc_trim``): freed memory left resident in holes of the heap would otherwise absorb the run's first
allocations and hide them (measured: 29 MB allocated in a fragmented heap showed as 0 MB of growth).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import re
import resource
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(field: str) -> float:
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise OSError(f"no {field} in {STATUS}")
    return int(found.group(1)) / 1024


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, found once per process (``find_library`` may run ``ldconfig``); None elsewhere."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_free_memory() -> None:
    """Collect garbage and return the C heap's free pages to the system where the C library can (glibc)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def max_rss_mb() -> float:
    """This process's peak resident set: its memory's high-water mark (Linux ``VmHWM``, since the last reset), or
    getrusage's where ``/proc`` has none. getrusage's also counts the process that started this one (the kernel
    keeps the high-water mark of the memory an exec replaces), so a worker spawned by a ``bench`` that had pandas
    loaded would report that ``bench``'s resident set as its own."""
    try:
        return _status_mb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryWindow:
    """``with MemoryWindow() as window: ...`` then ``window.growth_mb`` (or None) and ``window.peak_before_mb``."""

    def __init__(self) -> None:
        self.peak_before_mb = 0.0
        self.start_mb: float | None = None
        self.peak_mb: float | None = None

    def __enter__(self) -> MemoryWindow:
        self.peak_before_mb = max_rss_mb()
        release_free_memory()
        try:
            CLEAR_REFS.write_text("5")
            self.start_mb = _status_mb("VmRSS")
        except OSError:
            self.start_mb = None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.start_mb is not None:
            try:
                self.peak_mb = _status_mb("VmHWM")
            except OSError:
                self.start_mb = None

    @property
    def growth_mb(self) -> float | None:
        if self.start_mb is None or self.peak_mb is None:
            return None
        return max(0.0, self.peak_mb - self.start_mb)
