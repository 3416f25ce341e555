"""What the harness adds per request of a program over loopback, and its memory over 500,000 requests (issue 16).

A lean client in another process (raw keep-alive sockets, one request at a time, its process watched as a program
subject's is) sends ``GET /api/assets/{id}``; the same client against a do-nothing HTTP server (fixed bytes from an
asyncio protocol) is the floor. What the harness adds is the difference of the round trips, both measured in
alternation. Target: at most 250 us per request (a real Immich 3.1.0 answers this read in about 3 ms on loopback).
Memory: the harness process's resident set after 100,000 and after 500,000 requests: flat (under 10 MB more).
Figures are asserted only with `--benchmark-enable` (`.ci/run`); the plain test run sends a few thousand requests
to prove the setup still works.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.library.crawl_reader import load_library
from harness.measure.memory import max_rss_mb
from harness.measure.probes import Probe
from harness.measure.process_tree import ProcessTree
from harness.replay.http_app import ReplayApp, bind, running, unread_input
from harness.replay.latency_profiles import model_for
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore
from harness.replay.virtual_time import VirtualTimeGate
from tests.conftest import DEFAULT_CASSETTE

CLIENT = r"""
import socket, sys, time
port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ids = open(sys.argv[4]).read().split()
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
stream = sock.makefile("rb")
requests = [f"GET /api/assets/{ids[i % len(ids)]} HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\r\n".encode()
            for i in range(len(ids))]
started = time.perf_counter()
for i in range(n):
    sock.sendall(requests[i % len(requests)])
    length = 0
    while True:
        line = stream.readline()
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        if line in (b"\r\n", b""):
            break
    stream.read(length)
    if (i + 1) % 100_000 == 0:
        print("mark", i + 1, flush=True)
print("us", (time.perf_counter() - started) / n * 1e6, flush=True)
"""


def client(port: int, n: int, ids: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", CLIENT, str(port), "k", str(n), str(ids)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


@contextmanager
def harness_server() -> Iterator[tuple[int, VirtualTimeGate, ProcessTree]]:
    library, recorded = load_library(DEFAULT_CASSETTE)
    core = ReplayCore(ReplayServer(library, api_key="k"), model_for(None, recorded), observer=Probe())
    sock = bind(0)
    tree = ProcessTree()
    gate = VirtualTimeGate(core, tree)
    try:
        with running(ReplayApp(gate), sock) as uvicorn_server:
            gate.incoming = unread_input(sock, uvicorn_server)  # as program subjects are served
            yield sock.getsockname()[1], gate, tree
    finally:
        gate.close()
        sock.close()
        tree.close()


@contextmanager
def floor_server(body: bytes) -> Iterator[int]:
    """Fixed bytes for every request: what any HTTP server on loopback costs at least."""
    answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)

    class Fixed(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:
                _head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
                self.transport.write(answer)  # type: ignore[attr-defined]

    sock = bind(0)
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(Fixed, sock=sock))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


def round_trip_us(proc: subprocess.Popen[str]) -> float:
    out, _ = proc.communicate(timeout=3600)
    assert proc.returncode == 0
    return float(out.split("us", 1)[1])


def ids(folder: Path) -> Path:
    path = folder / "ids.txt"
    path.write_text(" ".join(list(load_library(DEFAULT_CASSETTE)[0].assets)[:2000]))
    return path


def test_what_the_harness_adds_per_request_over_loopback(benchmark, tmp_path: Path) -> None:
    n = 3000 if benchmark.disabled else 20_000
    assets = ids(tmp_path)
    body = Path(DEFAULT_CASSETTE).read_bytes()[:1300]  # a body as large as an asset's, roughly
    results: dict[str, list[float]] = {"harness": [], "floor": []}
    for _round in range(1 if benchmark.disabled else 3):
        with harness_server() as (port, gate, tree):
            proc = client(port, n, assets)
            tree.root = proc.pid
            results["harness"].append(round_trip_us(proc))
            assert gate.core.observer.total == n  # type: ignore[attr-defined]
        with floor_server(body) as port:
            results["floor"].append(round_trip_us(client(port, n, assets)))
    added = min(results["harness"]) - min(results["floor"])
    benchmark.extra_info.update({k: [round(v, 1) for v in vs] for k, vs in results.items()}, added_us=round(added, 1))
    benchmark.pedantic(lambda: None, rounds=1)
    print(f"\nround trip us: harness {results['harness']}, floor {results['floor']}; added {added:.0f} us")
    if not benchmark.disabled:
        assert added <= 250


def test_memory_stays_flat_over_500000_requests(benchmark, tmp_path: Path) -> None:
    n = 5000 if benchmark.disabled else 500_000
    with harness_server() as (port, gate, tree):
        proc = client(port, n, ids(tmp_path))
        tree.root = proc.pid
        assert proc.stdout is not None
        rss: dict[int, float] = {}
        for line in proc.stdout:
            if line.startswith("mark"):
                rss[int(line.split()[1])] = current_rss_mb()
        proc.stdout.close()
        assert proc.wait(timeout=600) == 0
        assert gate.core.observer.total == n  # type: ignore[attr-defined]
    benchmark.extra_info["rss_mb"] = rss
    benchmark.pedantic(lambda: None, rounds=1)
    print(f"\nharness RSS by requests served: {rss}; peak {max_rss_mb():.0f} MB")
    if not benchmark.disabled:
        assert rss[500_000] - rss[100_000] < 10.0


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")
