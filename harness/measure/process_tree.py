"""Is a program waiting? The kernel's view of every thread of a process tree, read from ``/proc`` (Linux).

A program under measurement is *quiet* when none of its threads can run: each sleeps (in ``recv`` on a socket to
the replay, in ``epoll_wait``, on a lock or a timer) or has stopped. Quiet twice in a row, with no CPU time spent by
any thread in between (``schedstat``'s run time, in nanoseconds), means it is blocked and will stay blocked until
something wakes it: on a replay, an answer. A thread that is runnable (``R``) or in uninterruptible I/O (``D``)
means it is still working.

The tree is followed on every look (threads and child processes come and go: a shell script forks ``curl`` per
request), but cheaply: the ``stat``, ``schedstat`` and ``children`` files of known threads stay open and are
re-read with ``pread``, and a process's thread list is read again only when its thread count changes.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

PROC = "/proc"
BUSY_STATES = frozenset(b"RD")
NUM_THREADS = 17  # index of num_threads among the stat fields after the ")" that ends the command name


def supported() -> bool:
    """Whether this system shows threads' states and run times in ``/proc``."""
    return os.path.isdir(f"{PROC}/self/task") and os.path.exists(f"{PROC}/self/task/{os.getpid()}/schedstat")


@dataclass
class _Task:
    stat: int
    schedstat: int
    children: int


@dataclass
class _Process:
    pid: int
    threads: int = -1
    tasks: dict[int, _Task] = field(default_factory=dict)

    def close(self) -> None:
        for task in self.tasks.values():
            for fd in (task.stat, task.schedstat, task.children):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.tasks.clear()


class _Gone(Exception):
    """The process ended while being read."""


@dataclass
class ProcessTree:
    """The threads of ``root`` and all its descendants; ``quiet()`` tells whether none of them can run."""

    root: int | None = None  # None until the program has started: never quiet before
    _processes: dict[int, _Process] = field(default_factory=dict)
    _last_quiet: int | None = None
    _at_release: int | None = None

    def quiet(self) -> bool:
        """True when every thread of the tree sleeps, twice in a row, with no CPU time spent in between, and the
        tree has run since the last ``released()`` (an answer released must first be taken)."""
        first = self._look()
        if first is None or self._look() != first or first == self._at_release:
            return False
        self._last_quiet = first
        return True

    def released(self) -> None:
        """An answer is about to reach the program: the next quiet look must see it run first."""
        self._at_release = self._last_quiet

    def alive(self) -> bool:
        return self.root is not None and os.path.exists(f"{PROC}/{self.root}")

    def close(self) -> None:
        for process in self._processes.values():
            process.close()
        self._processes.clear()

    def _look(self) -> int | None:
        """The tree's total run time in ns when no thread is runnable, else None."""
        if self.root is None:
            return None
        seen: set[int] = set()
        total = 0
        pending = [self.root]
        while pending:
            pid = pending.pop()
            try:
                run_ns, children = self._read(pid)
            except _Gone:
                continue
            if run_ns is None:
                return None
            seen.add(pid)
            total += run_ns
            pending.extend(children)
        for pid in self._processes.keys() - seen:
            self._processes.pop(pid).close()
        return total

    def _read(self, pid: int) -> tuple[int | None, list[int]]:
        """One process: its threads' total run time (None when one can run) and its children."""
        process = self._processes.get(pid) or self._processes.setdefault(pid, _Process(pid))
        for _attempt in range(3):
            if process.threads < 0 and not _list_tasks(process):
                raise _Gone
            try:
                return _read_tasks(process)
            except _Changed:
                process.close()
                process.threads = -1
        raise _Gone


class _Changed(Exception):
    """A process gained or lost threads since its task list was read."""


def _list_tasks(process: _Process) -> bool:
    try:
        tids = [int(t) for t in os.listdir(f"{PROC}/{process.pid}/task")]
    except OSError:
        return False
    for tid in tids:
        base = f"{PROC}/{process.pid}/task/{tid}"
        fds: list[int] = []
        try:
            for name in ("stat", "schedstat", "children"):
                fds.append(os.open(f"{base}/{name}", os.O_RDONLY))
        except OSError:
            for fd in fds:
                os.close(fd)
            continue  # the thread ended meanwhile
        process.tasks[tid] = _Task(*fds)
    process.threads = len(process.tasks)
    return bool(process.tasks)


def _read_tasks(process: _Process) -> tuple[int | None, list[int]]:
    total = 0
    children: list[int] = []
    for tid, task in process.tasks.items():
        try:
            stat = os.pread(task.stat, 512, 0)
            schedstat = os.pread(task.schedstat, 128, 0)
            kids = os.pread(task.children, 4096, 0)
        except OSError:
            raise _Changed from None
        fields = stat[stat.rindex(b")") + 2 :].split(maxsplit=NUM_THREADS + 1)
        if tid == process.pid and int(fields[NUM_THREADS]) != process.threads:
            raise _Changed
        if fields[0][0] in BUSY_STATES:
            return None, []
        total += int(schedstat.split(maxsplit=1)[0] or 0)
        children.extend(int(child) for child in kids.split())
    return total, children
