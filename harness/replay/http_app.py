"""The replay over real HTTP on 127.0.0.1, as an ASGI app run by uvicorn (``bench serve``, and program subjects).

curl, ``autotag run --url``, immich-autotag and any other Immich client can talk to it. Requests need the
throwaway ``x-api-key`` (except ``GET /api/server/version`` and ``/ping``, as on Immich). Every answer goes through
a gate (``VirtualTimeGate``, or ``RealTimeGate`` for ``--realtime``), so what crosses the wire is counted and its
modeled time kept, as in process. A request the
replay cannot serve gets 501 with the miss diagnosis as its ``message`` (and is counted, with no modeled time).
Injected faults are acted out on the wire (``harness.replay.faults``): a ``reset`` sends half of the answer and closes
the connection, a ``timeout`` holds the answer ``--fault-hold`` seconds before sending it.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import select
import socket
import struct
import termios
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any, NamedTuple, Protocol

from harness.endpoints import endpoint_of, strip_prefix
from harness.errors import HarnessError, ReplayMiss
from harness.replay.transports import ReplayCore
from harness.replay.wire import JSON_CONTENT_TYPE, Reply

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Gate(Protocol):
    """What answers the app's requests and decides when: ``VirtualTimeGate`` or ``RealTimeGate``."""

    core: ReplayCore

    @property
    def now(self) -> float:
        """Modeled seconds so far."""

    async def answer(
        self, method: str, path: str, query: bytes, headers: Mapping[str, str], body: bytes
    ) -> tuple[Reply, list[tuple[bytes, bytes]]]:
        """The reply to one request, once it is due, and extra headers."""

    def delivered(self) -> None:
        """The app wrote the answer the gate released."""

    def close(self) -> None:
        """Stop whatever the gate runs beside the app."""


class ReplayApp:
    """An ASGI application answering through a gate."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query: bytes = scope.get("query_string", b"")
        status, content, extra, gated, fault = await self.answer(scope["method"], scope["path"], query, headers, body)
        try:
            if fault == "timeout" and self.gate.core.faults is not None:
                await asyncio.sleep(self.gate.core.faults.hold_s)
            start = [(b"content-type", JSON_CONTENT_TYPE), (b"content-length", str(len(content)).encode()), *extra]
            await send({"type": "http.response.start", "status": status, "headers": start})
            if fault == "reset":  # half the answer, then the connection closes (uvicorn: an incomplete response)
                await send({"type": "http.response.body", "body": content[: len(content) // 2], "more_body": True})
                return
            await send({"type": "http.response.body", "body": content})
        finally:
            if gated:
                self.gate.delivered()

    async def answer(self, method: str, path: str, query: bytes, headers: dict[str, str], body: bytes) -> Outgoing:
        """What to send for one request; the API prefix checked, a replay miss is a 501 (neither is held)."""
        self.requests += 1
        if not path.startswith("/api/"):
            return Outgoing(404, json.dumps({"message": f"Cannot {method} {path}", "statusCode": 404}).encode())
        try:
            reply, extra = await self.gate.answer(method, strip_prefix(path), query, headers, body)
        except ReplayMiss as miss:
            now = self.gate.now
            self.gate.core.observer.record(endpoint_of(method, path), 501, 0.0, now, now)
            return Outgoing(501, json.dumps({"message": str(miss), "statusCode": 501}).encode())
        return Outgoing(reply.status, reply.content(), tuple(extra), True, reply.fault)


class Outgoing(NamedTuple):
    """What the app sends for one request: status, body, extra headers, whether the gate held it (and must be told
    when it is delivered), and an injected fault to act out."""

    status: int
    content: bytes
    extra: tuple[tuple[bytes, bytes], ...] = ()
    gated: bool = False
    fault: str | None = None


class IncompleteAnswers(logging.Filter):
    """Drops uvicorn's report of an incomplete response: the replay ends an injected ``reset`` that way on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


INCOMPLETE = IncompleteAnswers()


def accepting(sock: socket.socket) -> Callable[[], bool]:
    """Whether connections wait on the listening ``sock`` to be accepted."""
    return lambda: bool(select.select([sock], [], [], 0)[0])


def unread_input(sock: socket.socket, uvicorn_server: Any) -> Callable[[], bool]:
    """Whether a client has sent what the server has not taken in yet: connections waiting on the listening
    ``sock`` to be accepted, or bytes the kernel holds unread on an accepted connection (``FIONREAD``). Called on
    the server's event loop, which owns uvicorn's set of open connections."""
    connections = uvicorn_server.server_state.connections
    waiting = accepting(sock)
    size = bytearray(struct.calcsize("i"))

    def unread() -> bool:
        if waiting():
            return True
        for protocol in list(connections):
            transport = getattr(protocol, "transport", None)
            conn = transport.get_extra_info("socket") if transport is not None else None
            if conn is None or conn.fileno() < 0:
                continue
            try:
                fcntl.ioctl(conn.fileno(), termios.FIONREAD, size)
            except OSError:
                continue  # closed meanwhile
            if struct.unpack("i", size)[0] > 0:
                return True
        return False

    return unread


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no 40 ms Nagle stalls
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    return sock


def server(app: ReplayApp, sock: socket.socket) -> Any:
    """A uvicorn server for ``app`` (httptools' parser: a third of h11's cost per request); ``.run(sockets=[sock])``
    serves until ``should_exit`` is set or the process is interrupted."""
    import uvicorn

    logging.getLogger("uvicorn.error").addFilter(INCOMPLETE)  # the same filter once, however many servers
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False, http="httptools")
    return uvicorn.Server(config)


@contextmanager
def running(app: ReplayApp, sock: socket.socket) -> Iterator[Any]:
    """``app`` served on ``sock`` by uvicorn in a thread of its own (signals stay with the caller's main thread);
    stopped, and its connections closed, when the block ends."""
    uvicorn_server = server(app, sock)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not uvicorn_server.started:
            if not thread.is_alive():
                raise HarnessError("the replay's HTTP server did not start")
            time.sleep(0.005)
        yield uvicorn_server
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=5)
