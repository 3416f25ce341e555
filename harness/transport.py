"""The replay seam: httpx transports that answer from a ``ReplayServer`` on virtual time.

Usage::

    transport = ReplayTransport(ReplayServer(library), LatencyModel(profile))
    with httpx.Client(transport=transport, base_url="http://replay/api", headers={"x-api-key": "k"}) as http:
        ImmichClient(http).server_version()
    transport.clock.now  # modeled seconds spent on the network

Nothing is patched and nothing sleeps; the tagger cannot tell a replay from a server.
"""

from __future__ import annotations

import time

import httpx

from harness.clock import VirtualClock
from harness.latency import LatencyModel, request_key
from harness.probes import Probe
from harness.replay import ReplayServer, Reply
from harness.routes import strip_prefix

JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


class ReplayTransport(httpx.BaseTransport):
    def __init__(
        self,
        server: ReplayServer,
        latency: LatencyModel,
        clock: VirtualClock | None = None,
        probe: Probe | None = None,
    ) -> None:
        self.server = server
        self.latency = latency
        self.clock = clock or VirtualClock()
        self.probe = probe or Probe()
        self.cpu_s = 0.0  # CPU spent answering, so it can be told apart from the tagger's own

    def serve(self, request: httpx.Request) -> tuple[Reply, float]:
        """Answer one request and compute its modeled latency (shared by the sync and async transports)."""
        path = strip_prefix(request.url.path)
        body = request.read()
        reply = self.server.handle(request.method, path, request.headers, body)
        key = request_key(request.method, path, request.url.query.decode(), body) if self.latency.recorded else ""
        seconds = self.latency.seconds(key, reply.endpoint, reply.units)
        return reply, seconds

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.process_time()
        reply, seconds = self.serve(request)
        now = self.clock.advance(seconds)
        self.probe.record(reply.endpoint, reply.status, seconds, now)
        # A ByteStream skips httpx's content encoding: 8x cheaper per response, and the client reads it the same way.
        stream = httpx.ByteStream(reply.content())
        response = httpx.Response(reply.status, stream=stream, headers=JSON_HEADERS, request=request)
        self.cpu_s += time.process_time() - started
        return response
