"""Start a program subject from a small process and report what it used (run as a script: standard library only).

Linux counts in a process's peak resident set (``ru_maxrss``) the memory of the process it was started from: when a
process execs, the kernel records the high-water mark of the memory it replaces. Started straight from a worker
that holds the replayed library, a program's peak would include the worker's (a program that does nothing showed
96 MB). Started from this launcher, run as ``python -S -E program_launcher.py``, it includes at most the launcher's own
high-water mark, which the report gives as ``floor_kb``.

    usage: python -S -E program_launcher.py REPORT -- COMMAND [ARG...]

Runs COMMAND (found on ``PATH``) with this process's environment and waits for it; then writes REPORT (JSON: the
exit code as ``subprocess`` gives it, negative for a signal; user and system CPU seconds and peak resident set of
COMMAND and every descendant it waited for; ``floor_kb``) and exits 0.
"""

from __future__ import annotations

import json
import os
import sys


def high_water_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print("usage: program_launcher.py REPORT -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    report, command = sys.argv[1], sys.argv[3:]
    floor_kb = high_water_kb()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ)
    except OSError as exc:
        print(f"{command[0]}: {exc.strerror}", file=sys.stderr)
        status, usage = 127 << 8, None
    else:
        _pid, status, usage = os.wait4(pid, 0)
    result = {
        "exit": os.waitstatus_to_exitcode(status),
        "utime_s": usage.ru_utime if usage else 0.0,
        "stime_s": usage.ru_stime if usage else 0.0,
        "maxrss_kb": usage.ru_maxrss if usage else 0,
        "floor_kb": floor_kb,
    }
    partial = f"{report}.partial"
    with open(partial, "w", encoding="utf-8") as out:
        json.dump(result, out)
    os.replace(partial, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
