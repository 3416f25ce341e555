"""The replay seam: httpx transports that answer from a ``ReplayServer`` on virtual time.

Usage::

    core = ReplayCore(ReplayServer(library), LatencyModel(profile), observer=Probe())
    with Session("http://replay/api", "k", transport=ReplayTransport(core)) as session:
        ImmichClient(session).server_version()
    core.clock.now  # modeled seconds spent on the network

``ReplayCore`` is what both transports share: the server, the latency model, the virtual clock, the observer that
records each answered request, and the CPU spent answering. Nothing is patched and nothing sleeps; the tagger cannot
tell a replay from a server.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Mapping
from typing import Protocol

import httpx

from harness.endpoints import endpoint_of, strip_prefix
from harness.library.recorded_timings import request_key
from harness.replay.clock import VirtualClock
from harness.replay.concurrency import Key, SharedServer
from harness.replay.faults import BEFORE, FAST_S, LOST, RETRY_AFTER_S, FaultPlan, message, status_of
from harness.replay.latency import LatencyModel
from harness.replay.server import ReplayServer
from harness.replay.wire import JSON_CONTENT_TYPE, Reply

JSON_HEADERS = [(b"content-type", JSON_CONTENT_TYPE)]


class Observer(Protocol):
    """Told of every answered request (``harness.measure.probes.Probe`` counts them)."""

    def record(self, endpoint: str, status: int, seconds: float, started: float, finished: float) -> None:
        """One answered request: its endpoint, status, modeled latency, and when it was in flight (from ``started``
        to ``finished``, on the virtual clock; ``finished`` is the clock after it)."""


class Unobserved:
    """An observer that keeps nothing."""

    def record(self, endpoint: str, status: int, seconds: float, started: float, finished: float) -> None:
        return None


def api_key_header(request: httpx.Request) -> dict[str, str]:
    """The only header the replay reads. A scan of the raw pairs: httpx's ``Headers.get`` rebuilds a list of every
    header per call, which was 4 % of a profiled replay."""
    for name, value in request.headers.raw:
        if name.lower() == b"x-api-key":
            return {"x-api-key": value.decode("latin-1")}
    return {}


class ReplayCore:
    """Answers requests and models their latency; the sync and async transports are thin shells around it."""

    def __init__(
        self,
        server: ReplayServer,
        latency: LatencyModel,
        clock: VirtualClock | None = None,
        observer: Observer | None = None,
        faults: FaultPlan | None = None,
    ) -> None:
        self.server = server
        self.latency = latency
        self.clock = clock or VirtualClock()
        self.observer: Observer = observer or Unobserved()
        self.faults = faults  # injected faults; None: every request is answered as the server would
        self.cpu_s = 0.0  # CPU spent answering, so it can be told apart from the tagger's own
        self._keyed = bool(latency.recorded)  # exact per-request latencies need each request's identity

    def serve(self, request: httpx.Request) -> tuple[Reply, float]:
        """Answer one httpx request and compute its modeled latency (before any in-flight slowdown)."""
        url = request.url
        return self.answer(request.method, strip_prefix(url.path), url.query, api_key_header(request), request.read())

    def answer(
        self, method: str, path: str, query: bytes, headers: Mapping[str, str], body: bytes
    ) -> tuple[Reply, float]:
        """Answer one request (path relative to ``/api``) and compute its modeled latency; an injected fault is
        marked on the reply (``Reply.fault``) for the transport to act out."""
        fault = None if self.faults is None else self.faults.decide(method, path, query, body)
        if fault in BEFORE:
            reply = Reply(status_of(fault), message(fault), endpoint_of(method, path), 0, fault)
            return reply, FAST_S
        reply = self.server.handle(method, path, headers, body, query)
        key = request_key(method, path, query.decode(), body) if self._keyed else ""
        seconds = self.latency.seconds(key, reply.endpoint, reply.units)
        if fault in LOST:  # the answer is what the server gave; the transport loses it
            reply = reply._replace(fault=fault)
        elif fault is not None:
            reply = reply._replace(fault=fault, status=status_of(fault), body=message(fault))
        return reply, seconds


def response(request: httpx.Request, reply: Reply, extra: list[tuple[bytes, bytes]] | None = None) -> httpx.Response:
    """The httpx response of a reply. A ByteStream skips httpx's content encoding: 8x cheaper per response, and the
    client reads it the same way."""
    if reply.fault == "429":
        extra = [*(extra or []), (b"retry-after", RETRY_AFTER_S.encode())]
    headers = JSON_HEADERS if extra is None else [*JSON_HEADERS, *extra]
    return httpx.Response(reply.status, stream=httpx.ByteStream(reply.content()), headers=headers, request=request)


def observed_status(reply: Reply) -> int:
    """The status the observer counts: 0 for an answer that never reached the client whole."""
    return 0 if reply.fault in LOST else reply.status


def client_timeout(request: httpx.Request) -> float:
    """How long the client waits for this answer (its read timeout; httpx's default 5 s when it set none)."""
    timeout = request.extensions.get("timeout", {})
    read = timeout.get("read") if isinstance(timeout, dict) else None
    return float(read) if read is not None else 5.0


def lost_answer(request: httpx.Request, reply: Reply) -> httpx.TransportError:
    """The transport error a client sees for an answer that never arrived whole (an injected reset or timeout)."""
    if reply.fault == "timeout":
        return httpx.ReadTimeout("timed out (injected: the answer was held past the timeout)", request=request)
    return httpx.ReadError("connection reset by peer (injected, mid-answer)", request=request)


class ReplayTransport(httpx.BaseTransport):
    """The replay for ``httpx.Client`` and ``autotag.Session``: one request at a time, each advancing the clock."""

    def __init__(self, core: ReplayCore) -> None:
        self.core = core

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.process_time()
        core = self.core
        reply, seconds = core.serve(request)
        if reply.fault in LOST:
            seconds = client_timeout(request) if reply.fault == "timeout" else seconds
        began = core.clock.now
        now = core.clock.advance(seconds)
        core.observer.record(reply.endpoint, observed_status(reply), seconds, began, now)
        core.cpu_s += time.process_time() - started
        if reply.fault in LOST:
            raise lost_answer(request, reply)
        return response(request, reply)


class AsyncReplayTransport(httpx.AsyncBaseTransport):
    """The replay for ``httpx.AsyncClient`` on a discrete-event virtual clock.

    Run it on an event loop whose clock is virtual (``looptime``): requests in flight share the server as
    ``harness.replay.concurrency.SharedServer`` models it (processor sharing with the measured slowdown curves), each
    answer is given when the model completes it, and the loop's time at the end is the run's makespan. With
    ``proxy_limit``, a request beyond that many in flight is answered 429 with ``Retry-After`` by a modeled reverse
    proxy, as Immich itself never throttles.
    """

    def __init__(
        self, core: ReplayCore, proxy_limit: int | None = None, retry_after_s: float = 1.0, time_scale: float = 1.0
    ) -> None:
        self.core = core
        self.proxy_limit = proxy_limit
        self.time_scale = time_scale  # 1 on a virtual loop; SCALE on a real loop with --realtime
        self.retry_after_s = retry_after_s
        self.server = SharedServer()
        self.peak = 0
        self.start: float | None = None
        self._waiting: dict[Key, tuple[asyncio.Future[float], float]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._arrivals = itertools.count()

    @property
    def inflight(self) -> int:
        return self.server.inflight

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core = self.core
        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        began = self._now(loop.time())
        if self.proxy_limit is not None and self.inflight >= self.proxy_limit:
            await asyncio.sleep(0.001 * self.time_scale)
            endpoint = endpoint_of(request.method, request.url.path)
            core.observer.record(endpoint, 429, 0.001, began, self._now(loop.time()))
            body = Reply(429, b'{"message":"Too Many Requests (proxy)"}', endpoint)
            return response(request, body, [(b"retry-after", str(self.retry_after_s).encode())])
        started = time.process_time()
        reply, base_seconds = core.serve(request)
        core.cpu_s += time.process_time() - started
        now = self._now(loop.time())
        key = (f"{request.method} {request.url.raw_path.decode()}", request.content, next(self._arrivals))
        self.server.admit(now, key, base_seconds, core.latency.slowdown(reply.endpoint, reply.units))
        self.peak = max(self.peak, self.inflight)
        done = loop.create_future()
        self._waiting[key] = (done, now)
        self._reschedule(loop)
        if reply.fault == "timeout":  # the server works on it; the client gives up after its own timeout
            await asyncio.sleep(client_timeout(request) * self.time_scale)
            finished = self._now(loop.time())
        else:
            finished = await done
        core.observer.record(reply.endpoint, observed_status(reply), finished - now, now, finished)
        core.clock.now = max(core.clock.now, finished)
        if reply.fault in LOST:
            raise lost_answer(request, reply)
        return response(request, reply)

    def _reschedule(self, loop: asyncio.AbstractEventLoop) -> None:
        """Set the one timer the model needs: the next completion, if nothing else arrives first."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        upcoming = self.server.next_completion()
        if upcoming is not None:
            due, key = upcoming
            start = self.start or 0.0
            self._timer = loop.call_at(start + due * self.time_scale, self._complete, loop, due, key)

    def _complete(self, loop: asyncio.AbstractEventLoop, due: float, key: Key) -> None:
        self._timer = None
        self.server.complete(due, key)
        done, _admitted = self._waiting.pop(key)
        if not done.done():
            done.set_result(due)
        self._reschedule(loop)

    def _now(self, loop_time: float) -> float:
        return (loop_time - (self.start or 0.0)) / self.time_scale
