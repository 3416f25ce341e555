"""``bench serve``: the replay over real HTTP on 127.0.0.1, as an ASGI app run by uvicorn.

curl, ``autotag run --url`` and any other Immich client can talk to it. Requests need the printed throwaway
``x-api-key`` (except ``GET /api/server/version`` and ``/ping``, as on Immich). A request the replay cannot serve
gets 501 with the miss diagnosis as its ``message``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from harness.endpoints import strip_prefix
from harness.errors import ReplayMiss
from harness.replay.server import ReplayServer

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ReplayApp:
    """An ASGI application answering from a ``ReplayServer``."""

    def __init__(self, server: ReplayServer) -> None:
        self.server = server
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
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
        status, content = self.answer(scope["method"], scope["path"], headers, body, scope.get("query_string", b""))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(content)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes, query: bytes = b""
    ) -> tuple[int, bytes]:
        """Status and body of one request, the API prefix checked; a replay miss is a 501 naming it."""
        self.requests += 1
        if not path.startswith("/api/"):
            return 404, json.dumps({"message": f"Cannot {method} {path}", "statusCode": 404}).encode()
        try:
            reply = self.server.handle(method, strip_prefix(path), headers, body, query)
        except ReplayMiss as miss:
            return 501, json.dumps({"message": str(miss), "statusCode": 501}).encode()
        return reply.status, reply.content()


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no 40 ms Nagle stalls
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


def serve(app: ReplayApp, sock: socket.socket) -> None:
    """Run ``app`` on the listening socket with uvicorn until interrupted."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
