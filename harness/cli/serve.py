"""``bench serve``: the replay over real HTTP on 127.0.0.1, measuring whatever talks to it.

For a tagger the harness cannot start itself (in a container, on another machine, under a debugger): every request
is counted and given its modeled time on the same virtual clock as a program subject (``--watch PID`` lets the
replay see the client's threads, so that overlapping requests are modeled as overlapping; without it they are
modeled one after another). When it stops (Ctrl-C or SIGTERM) it prints the requests per endpoint and, with
``--json FILE``, writes a RunResult that ``bench report`` and ``bench gate`` read like any other.
"""

from __future__ import annotations

import secrets
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from harness.atomic_write import write_json
from harness.cli.group import OUT_FILE, cli, err, fail, handle_errors, out, workload_options, workload_spec
from harness.measure import process_tree
from harness.measure.probes import Probe
from harness.measure.run_spec import RunSpec
from harness.measure.runner import Measured, result_of
from harness.measure.subjects import NAME, Program
from harness.render.text import run_report
from harness.replay.faults import FaultPlan
from harness.replay.http_app import Gate, ReplayApp, accepting, bind, running, unread_input
from harness.replay.latency_profiles import workload_model
from harness.replay.realtime import RealTimeGate
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore
from harness.replay.virtual_time import VirtualTimeGate
from harness.wording import plural


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM, either being the normal way to end ``bench serve``."""
    stopped = threading.Event()
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stopped.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command("serve", short_help="Serve the replay over HTTP on 127.0.0.1, counting what talks to it.")
@workload_options
@click.option("--rules", type=click.Path(path_type=Path), help="Rules file recorded in the RunResult (optional).")
@click.option("--latency", metavar="PROFILE", help="Latency profile (default: as `bench run`).")
@click.option("--port", type=click.IntRange(0, 65535), default=2283, show_default=True, help="Port (0: any free).")
@click.option("--api-key", help="Key clients must send as x-api-key (default: a fresh random one).")
@click.option(
    "--watch",
    "watch_pid",
    type=click.IntRange(min=1),
    metavar="PID",
    help="The client's process id: its threads' states let overlapping requests overlap in modeled time.",
)
@click.option(
    "--realtime",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SCALE",
    help="Answer each request after its modeled time x SCALE on the wall clock (requests in flight sharing the "
    "server as modeled): a server a client can time, e.g. to check `bench calibrate --url`.",
)
@click.option("--json", "json_path", type=OUT_FILE, help="Write a RunResult here when stopped.")
@click.option("--name", default="served", show_default=True, help="The subject name in the RunResult.")
@handle_errors
def serve_command(
    port: int,
    api_key: str | None,
    watch_pid: int | None,
    realtime: float | None,
    json_path: Path | None,
    name: str,
    **options: Any,
) -> None:
    """Serve the replay over real HTTP on 127.0.0.1 so any Immich client can talk to it. Ctrl-C stops it."""
    if not NAME.fullmatch(name):
        raise click.BadParameter("use letters, digits, '_', '.' and '-'", param_hint="--name")
    if realtime is not None and watch_pid is not None:
        raise click.UsageError("--realtime answers on the wall clock; --watch is for virtual time: give one")
    if realtime is not None and options.get("faults"):
        raise click.UsageError("--realtime plays the fault-free model on the wall clock; --faults is for virtual time")
    workload = workload_spec(options)
    library, recorded, info = workload.load()
    key = api_key or secrets.token_urlsafe(24)
    tree = process_tree.ProcessTree(watch_pid) if watch_pid else None
    if tree is not None and not tree.alive():
        raise click.BadParameter(f"no process {watch_pid}", param_hint="--watch")
    try:
        sock = bind(port)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}")
        return
    probe = Probe()
    model = workload_model(workload, library, recorded)
    server = ReplayServer(library, api_key=key, seed=workload.seed, immich_version=workload.immich_version)
    faults = FaultPlan.of(workload.faults, workload.seed, workload.fault_hold_s)
    core = ReplayCore(server, model, observer=probe, faults=faults)
    gate: Gate = (
        RealTimeGate(core, realtime)
        if realtime is not None
        else VirtualTimeGate(core, tree, proxy_limit=workload.proxy_limit, incoming=accepting(sock))
    )
    app = ReplayApp(gate)
    started, cpu0 = time.perf_counter(), time.process_time()
    with stop_signals() as stopped:
        _serve(app, sock, info, key, stopped)
    gate.close()
    sock.close()
    if tree is not None:
        tree.close()
    probe.finish(core.clock.now)
    spec = RunSpec(subject=Program(name, "(served)"), workload=workload, profiler="none")
    measured = Measured(None, round(time.process_time() - cpu0, 4), round(time.perf_counter() - started, 4), None)
    result = result_of(spec, info, model, probe, core.clock.now, library, measured, {}, faults=faults)
    err.print(run_report(result))
    err.print(f"stopped after {plural(app.requests, 'request')}")
    if json_path is not None:
        write_json(json_path, result.to_json())
        err.print(f"RunResult: {json_path}")


def _serve(app: ReplayApp, sock: socket.socket, info: dict[str, Any], key: str, stopped: threading.Event) -> None:
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    out.print(f"serving {info['source']} ({info['assets']:,} assets, Immich {info['immich_version']})", highlight=False)
    out.print(f"URL      {url}/api", highlight=False)
    out.print(f"API key  {key}", highlight=False)
    out.print(f"try      curl -H 'x-api-key: {key}' {url}/api/server/about", highlight=False)
    out.print("Ctrl-C stops it.", style="dim")
    out.file.flush()
    with running(app, sock) as uvicorn_server:
        if isinstance(app.gate, VirtualTimeGate):
            app.gate.incoming = unread_input(sock, uvicorn_server)  # until here: connections waiting to be accepted
        while not stopped.wait(0.5):
            pass
