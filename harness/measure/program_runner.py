"""Run a program subject (``NAME=COMMAND``) against a fresh replay over loopback HTTP and measure it.

The replay is served on 127.0.0.1 (a free port) behind a ``VirtualTimeGate`` whose quiet test watches the program's
process tree in ``/proc``: requests are counted exactly, and modeled time means what it means for the modes (see
``harness.replay.virtual_time``). The program runs as ``sh -c COMMAND`` in a fresh working directory
(``<out>/<name>.workdir``, kept with its ``<name>.stdout.log`` and ``<name>.stderr.log``), with ``IMMICH_URL``,
``IMMICH_INSTANCE_URL``, ``IMMICH_HOST``, ``IMMICH_PORT`` and ``IMMICH_API_KEY`` (a throwaway key the replay
requires) in its environment. A Python program is profiled from inside by ``program_site/sitecustomize.py``.

Measured: real wall time from start to exit; CPU time and peak resident memory of the whole process tree, from the
kernel's accounting of the ``sh`` child and every descendant it waited for (``wait4``), taken by a small launcher
(``program_launcher``): started from the worker itself, the program's peak would count the worker's memory.
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from autotag.redact import redact_text
from harness.errors import SubjectError, SubjectFailed
from harness.library.snapshot import Library
from harness.library.workload import WorkloadSpec
from harness.measure import process_tree
from harness.measure.probes import Probe
from harness.measure.program_profiles import ProfileFolder
from harness.measure.subjects import Program
from harness.replay.faults import FaultPlan
from harness.replay.http_app import ReplayApp, bind, running, unread_input
from harness.replay.latency import LatencyModel
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore
from harness.replay.virtual_time import VirtualTimeGate

SITE = Path(__file__).resolve().parent / "program_site"
LAUNCHER = Path(__file__).resolve().parent / "program_launcher.py"
COMMAND_NOT_FOUND = 127
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Failed|Failure)\b.*?: ")


@dataclass(frozen=True)
class ProgramRun:
    """A finished program run: the replay's record of it and what the kernel measured."""

    gate: VirtualTimeGate
    probe: Probe
    library: Library
    cpu_s: float
    replay_cpu_s: float
    real_wall_s: float
    peak_rss_mb: float
    artifacts: dict[str, str]


@contextmanager
def serving(gate: VirtualTimeGate) -> Iterator[int]:
    """The replay app on a free loopback port, in a thread of its own; yields the port."""
    sock = bind(0)
    try:
        with running(ReplayApp(gate), sock) as uvicorn_server:
            gate.incoming = unread_input(sock, uvicorn_server)  # set before the program starts
            yield int(sock.getsockname()[1])
    finally:
        gate.close()
        sock.close()


def environment(port: int, key: str, profiles: ProfileFolder | None) -> dict[str, str]:
    """The program's environment: the caller's, the Immich connection, and the profiling hook for Python."""
    env = dict(os.environ)
    env.update(
        IMMICH_URL=f"http://127.0.0.1:{port}",
        IMMICH_INSTANCE_URL=f"http://127.0.0.1:{port}/api",
        IMMICH_HOST="127.0.0.1",
        IMMICH_PORT=str(port),
        IMMICH_API_KEY=key,
    )
    if profiles is not None:
        env.update(profiles.environment())
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SITE), env.get("PYTHONPATH", "")) if p)
    return env


def run_program(
    program: Program, library: Library, model: LatencyModel, out: Path, profiler: str, workload: WorkloadSpec
) -> ProgramRun:
    """Serve ``library`` as ``workload`` says, run ``program`` against it to its end, and measure it; ``out`` gets
    its artifacts."""
    key = secrets.token_urlsafe(24)
    probe = Probe()
    server = ReplayServer(library, api_key=key, seed=workload.seed, immich_version=workload.immich_version)
    faults = FaultPlan.of(workload.faults, workload.seed, workload.fault_hold_s)
    core = ReplayCore(server, model, observer=probe, faults=faults)
    workdir = out / f"{program.name}.workdir"
    workdir.mkdir(parents=True, exist_ok=False)
    profiles = ProfileFolder.for_choice(out, program.name, profiler)
    tree = process_tree.ProcessTree()  # watched from the moment the program starts
    gate = VirtualTimeGate(core, tree, proxy_limit=workload.proxy_limit)
    cpu0 = time.process_time()
    with serving(gate) as port:
        stdout = (out / f"{program.name}.stdout.log").open("wb")
        stderr_path = out / f"{program.name}.stderr.log"
        with stdout, stderr_path.open("wb") as stderr:
            started = time.perf_counter()
            report = out / f".{program.name}.launch.json"
            child = subprocess.Popen(
                [sys.executable, "-S", "-E", str(LAUNCHER), str(report), "--", "sh", "-c", program.command],
                cwd=workdir,
                env=environment(port, key, profiles),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
            tree.root = child.pid
            launched = _launched(report, *_wait(child))
            real_wall = time.perf_counter() - started
    tree.close()  # the gate and its watcher are closed: nobody reads the tree any more
    replay_cpu = time.process_time() - cpu0
    _check_exit(program, launched.exit, stderr_path)
    probe.finish(gate.now)
    artifacts = {"workdir": str(workdir), "stdout": str(stdout.name), "stderr": str(stderr_path)}
    if profiles is not None:
        artifacts.update(profiles.collect())
    return ProgramRun(
        gate,
        probe,
        library,
        launched.cpu_s,
        replay_cpu,
        real_wall,
        launched.peak_rss_mb,
        artifacts,
    )


@dataclass(frozen=True)
class Launched:
    """What ``program_launcher`` reported of the program: its exit code and its process tree's CPU and peak."""

    exit: int
    cpu_s: float
    peak_rss_mb: float


def _launched(report: Path, status: int, usage: resource.struct_rusage) -> Launched:
    """The launcher's report (removed once read); the launcher's own accounting if it wrote none (killed)."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
        return Launched(int(data["exit"]), data["utime_s"] + data["stime_s"], data["maxrss_kb"] / 1024)
    except (OSError, ValueError, KeyError, TypeError):
        return Launched(status, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _wait(child: subprocess.Popen[bytes]) -> tuple[int, resource.struct_rusage]:
    """Wait for the child (and with it, its waited-for descendants' accounting); on interruption, stop the whole
    process group first."""
    try:
        _pid, status, usage = os.wait4(child.pid, 0)
    except BaseException:
        _stop_group(child.pid)
        raise
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage


def _stop_group(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG) != (0, 0):
                    return
            except ChildProcessError:
                return
            time.sleep(0.02)


def _check_exit(program: Program, status: int, stderr: Path) -> None:
    if status == 0:
        return
    lines = stderr.read_bytes().decode("utf-8", errors="replace").strip().splitlines()
    raised = [line for line in lines if EXCEPTION_LINE.match(line)]  # a Python error's own line, when there is one
    last = redact_text((raised or lines or ["(nothing on stderr)"])[-1].strip())
    last += _relative_path_hint(program.command)
    if status == COMMAND_NOT_FOUND:
        raise SubjectError(f"{program.name}: command not found (exit 127): {last}")
    what = f"killed by signal {-status}" if status < 0 else f"exited with {status}"
    raise SubjectFailed(f"{program.name}: {what}: {last}")


def _relative_path_hint(command: str) -> str:
    """A hint when the command names a path relative to where ``bench`` was started: the program runs elsewhere."""
    try:
        words = shlex.split(command)
    except ValueError:
        return ""
    relative = [w for w in words if "/" in w and not w.startswith(("/", "-", "$", "~")) and Path(w).exists()]
    if not relative:
        return ""
    return (
        f" (the command runs in a fresh working directory: give {relative[0]} as an absolute path, e.g. "
        f'"NAME=$PWD/{relative[0].removeprefix("./")}")'
    )
