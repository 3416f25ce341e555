"""The replay seam: httpx transports that answer from a ``ReplayServer`` on virtual time.

Usage::

    transport = ReplayTransport(ReplayServer(library), LatencyModel(profile))
    with Session("http://replay/api", "k", transport=transport) as session:
        ImmichClient(session).server_version()
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
from harness.routes import endpoint_of, strip_prefix

JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


def api_key_header(request: httpx.Request) -> dict[str, str]:
    """The only header the replay reads. A scan of the raw pairs: httpx's ``Headers.get`` rebuilds a list of every
    header per call, which was 4 % of a profiled replay."""
    for name, value in request.headers.raw:
        if name.lower() == b"x-api-key":
            return {"x-api-key": value.decode("latin-1")}
    return {}


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
        self._keyed = bool(latency.recorded)  # exact per-request latencies need each request's identity

    def serve(self, request: httpx.Request) -> tuple[Reply, float]:
        """Answer one request and compute its modeled latency (shared by the sync and async transports)."""
        path = strip_prefix(request.url.path)
        body = request.read()
        reply = self.server.handle(request.method, path, api_key_header(request), body)
        key = request_key(request.method, path, request.url.query.decode(), body) if self._keyed else ""
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


class AsyncReplayTransport(httpx.AsyncBaseTransport):
    """The replay for ``httpx.AsyncClient`` on a discrete-event virtual clock.

    Run it on an event loop whose clock is virtual (``looptime``): each request sleeps its modeled latency, so
    overlapping requests overlap in virtual time, and the loop's time at the end is the run's makespan. A request
    issued while ``n`` others are in flight takes ``latency * (1 + per_inflight * n)`` (fitted to the real
    measurements at 1/4/16 concurrent requests). With ``proxy_limit``, a request beyond that many in flight is
    answered 429 with ``Retry-After`` by a modeled reverse proxy, as Immich itself never throttles.
    """

    def __init__(
        self, sync: ReplayTransport, proxy_limit: int | None = None, retry_after_s: float = 1.0, time_scale: float = 1.0
    ) -> None:
        self.sync = sync
        self.proxy_limit = proxy_limit
        self.time_scale = time_scale  # 1 on a virtual loop; SCALE on a real loop with --realtime
        self.retry_after_s = retry_after_s
        self.inflight = 0
        self.peak = 0
        self.start: float | None = None

    @property
    def probe(self) -> Probe:
        return self.sync.probe

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        if self.proxy_limit is not None and self.inflight >= self.proxy_limit:
            await asyncio.sleep(0.001 * self.time_scale)
            endpoint = endpoint_of(request.method, request.url.path)
            self.sync.probe.record(endpoint, 429, 0.001, self._now(loop.time()))
            headers = [*JSON_HEADERS, (b"retry-after", str(self.retry_after_s).encode())]
            body = httpx.ByteStream(b'{"message":"Too Many Requests (proxy)"}')
            return httpx.Response(429, stream=body, headers=headers, request=request)
        started = time.process_time()
        reply, base_seconds = self.sync.serve(request)
        self.sync.cpu_s += time.process_time() - started
        seconds = base_seconds * (1.0 + self.sync.latency.per_inflight * self.inflight)
        self.inflight += 1
        self.peak = max(self.peak, self.inflight)
        try:
            await asyncio.sleep(seconds * self.time_scale)
        finally:
            self.inflight -= 1
        now = self._now(loop.time())
        self.sync.probe.record(reply.endpoint, reply.status, seconds, now)
        self.sync.clock.now = max(self.sync.clock.now, now)
        return httpx.Response(
            reply.status, stream=httpx.ByteStream(reply.content()), headers=JSON_HEADERS, request=request
        )

    def _now(self, loop_time: float) -> float:
        return (loop_time - (self.start or 0.0)) / self.time_scale
