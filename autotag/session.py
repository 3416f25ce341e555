"""The client's HTTP path: each request is built once and handed straight to an httpx transport.

A ``Session`` holds what every Immich request shares (the API root, the API key, a timeout) and a transport:
``httpx.HTTPTransport`` for a live server (connection pool, TLS, timeouts, the ``HTTP(S)_PROXY``/``NO_PROXY``
variables), any other ``httpx.BaseTransport`` for a replay or a test. The transport API is httpx's public seam,
so the tagger cannot tell a live server from a replay.

Why not ``httpx.Client.send``: per request it runs an auth generator, a redirect loop, a cookie-jar extraction
through urllib's request and response shims, and parses the URL text again. An API-key client needs none of
it (Immich authenticates by ``x-api-key``, sets no cookies on it and does not redirect the API), and it was most of
a profiled tagger run: on the 26,562-asset ``seed`` library the eager mode's 36,191 requests took 26.9 s under
cProfile through ``Client.send`` and 10.7 s this way, with the same requests, modeled time and final state.

Each request is retried as ``autotag.retry`` says when its repeat is safe (``idempotent``, declared per endpoint by
the client); a request that succeeds at once never enters the retry machinery. A retry waits through the session's
``sleep`` (``time.sleep``/``asyncio.sleep`` by default; the harness advances its virtual clock).

Example::

    with Session("http://immich:2283/api", api_key) as session:
        print(ImmichClient(session).server_version())
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from autotag.errors import UnreachableError
from autotag.redact import redact_url
from autotag.retry import AsyncSleep, Retrier, RetryLog, RetryPolicy, Sleep
from autotag.stopping import StopRequest

DEFAULT_TIMEOUT_S = 30.0
WIND_DOWN_TIMEOUT_S = 5.0
ATTEMPTS = "autotag_attempts"  # response extension: how many attempts the answer took (1 when not retried)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
USER_AGENT = "autotag"
# Paths made of unreserved characters only: nothing in them to percent-encode or normalise.
PLAIN_PATH = re.compile(r"/[A-Za-z0-9/_~-]*")


def body_bytes(body: Any) -> bytes:
    """A JSON body encoded as httpx's ``json=`` would encode it (compact, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class RequestBuilder:
    """Builds the ``httpx.Request`` for a method and a path below the API root, with the shared headers.

    URLs of plain paths (every path the tagger sends: words and UUIDs) are derived from the base URL's parsed form
    instead of parsing the whole URL text again, which was 13 % of a profiled run. That uses httpx's parsed-URL
    record, so the builder checks once that both ways give the same URL and parses every URL if they do not
    (``fast_urls`` says which way it took).
    """

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        try:
            self.base_url = httpx.URL(base_url.rstrip("/"))
        except httpx.InvalidURL as exc:
            raise ValueError(f"not a valid URL: {base_url!r} ({exc})") from exc
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ValueError(f"not an http(s) URL with a host: {base_url!r}")
        self._prefix = self.base_url.path.rstrip("/")
        headers = [(b"host", self.base_url.netloc), (b"accept", b"application/json")]
        headers += [(b"accept-encoding", b"gzip, deflate"), (b"user-agent", USER_AGENT.encode())]
        if api_key is not None:
            headers.append((b"x-api-key", api_key.encode()))
        self._headers = headers
        self._bare = httpx.Headers(headers)
        self.timeout = timeout
        self._extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
        self.fast_urls = self._fast_urls_agree()

    def cap_timeout(self, seconds: float) -> None:
        """Requests built from now on time out after at most ``seconds``."""
        self.timeout = min(self.timeout, seconds)
        self._extensions = {"timeout": httpx.Timeout(self.timeout).as_dict()}

    def url(self, path: str) -> httpx.URL:
        """The URL of ``path`` below the API root."""
        if self.fast_urls and PLAIN_PATH.fullmatch(path):
            url = httpx.URL.__new__(httpx.URL)
            url._uri_reference = self.base_url._uri_reference._replace(path=self._prefix + path)
            return url
        return httpx.URL(str(self.base_url) + path) if path else self.base_url

    def build(self, method: str, path: str, body: Any = None) -> httpx.Request:
        """A request with the shared headers and, when given, a JSON body."""
        if body is None:
            headers, content = self._bare, b""
        else:
            content = body_bytes(body)
            headers = httpx.Headers(
                [*self._headers, (b"content-type", b"application/json"), (b"content-length", b"%d" % len(content))]
            )
        return httpx.Request(
            method, self.url(path), headers=headers, stream=httpx.ByteStream(content), extensions=self._extensions
        )

    def _fast_urls_agree(self) -> bool:
        if self.base_url.query or self.base_url.fragment:
            return False
        probe = "/assets/0b7a4c5e-1f2d-4e6a-9c8b-7d6e5f4a3b2c"
        self.fast_urls = True
        try:
            fast = self.url(probe)
        except (AttributeError, TypeError, ValueError):
            return False
        parsed = httpx.URL(str(self.base_url) + probe)
        same = (fast.raw_scheme, fast.raw_host, fast.port, fast.raw_path, str(fast))
        return same == (parsed.raw_scheme, parsed.raw_host, parsed.port, parsed.raw_path, str(parsed))


def env_proxy(url: httpx.URL) -> str | None:
    """The proxy the ``HTTP(S)_PROXY``/``NO_PROXY`` environment variables give for ``url``, as httpx would use."""
    proxy = urllib.request.getproxies().get(url.scheme)
    if proxy is None or urllib.request.proxy_bypass(url.host):
        return None
    return proxy


class SessionBase:
    """What the sync and async sessions share: the request builder, the request count, the retry policy and its log,
    the error for no answer."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeout: float,
        retry: RetryPolicy | None,
        sleep: Sleep | None = None,
        async_sleep: AsyncSleep | None = None,
        stop: StopRequest | None = None,
    ) -> None:
        self.builder = RequestBuilder(base_url, api_key, timeout)
        self.requests = 0
        self.closed = False
        self.stop = stop
        stopped = None if stop is None else (lambda: stop.requested)
        self.retrier = Retrier(retry or RetryPolicy(), sleep, async_sleep, stopped)

    def check_stop(self) -> None:
        """Before a read: raise ``Interrupted`` when a stop was asked for (not while winding down)."""
        if self.stop is not None and not self.retrier.winding:
            self.stop.check()

    @property
    def base_url(self) -> httpx.URL:
        return self.builder.base_url

    @property
    def retry_log(self) -> RetryLog:
        """What the retries did."""
        return self.retrier.log

    def _next(self, method: str, path: str, body: Any) -> httpx.Request:
        if self.closed:
            raise RuntimeError(f"the session to {self.where} is closed: send requests inside its `with` block")
        return self.builder.build(method, path, body)

    def wind_down(self, timeout_s: float = WIND_DOWN_TIMEOUT_S) -> None:
        """After a run stopped early (an error, a signal): at most one retry and a short timeout per request, so that
        sending what it decided ends in bounded time."""
        self.retrier.wind_down()
        self.builder.cap_timeout(timeout_s)

    @property
    def where(self) -> str:
        """The API root, without any user-info or key-like query parameter."""
        return redact_url(str(self.base_url))

    def _unreachable(self, exc: httpx.TransportError, what: str) -> UnreachableError:
        detail = redact_url(str(exc)) or type(exc).__name__
        return UnreachableError(f"{what}: cannot reach {self.where}: {detail}")


Around = Callable[[Callable[[], Awaitable[httpx.Response]]], Awaitable[httpx.Response]]


def attempts_of(response: httpx.Response) -> int:
    """How many attempts ``response`` took (more than 1: it answers a retried request)."""
    return int(response.extensions.get(ATTEMPTS, 1))


class Session(SessionBase):
    """A synchronous Immich session over ``transport`` (a live ``httpx.HTTPTransport`` when none is given);
    ``requests`` counts the requests sent."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        stop: StopRequest | None = None,
    ) -> None:
        super().__init__(base_url, api_key, timeout, retry, sleep=sleep, stop=stop)
        self.transport = transport or httpx.HTTPTransport(proxy=env_proxy(self.base_url))

    def send(
        self, method: str, path: str, body: Any = None, endpoint: str = "", *, idempotent: bool | None = None
    ) -> httpx.Response:
        """Send one request and return its response, read in full, retried as the policy allows when its repeat is
        safe (``idempotent``; by default for GET). No HTTP answer at all is an UnreachableError."""
        request = self._next(method, path, body)
        attempts = [0]

        def attempt() -> httpx.Response:
            attempts[0] += 1
            self.requests += 1
            response = self.transport.handle_request(request)
            try:
                response.read()
            finally:
                response.close()
            response.extensions[ATTEMPTS] = attempts[0]
            return response

        safe = method in SAFE_METHODS if idempotent is None else idempotent
        try:
            return self.retrier.send(attempt, safe)
        except httpx.TransportError as exc:
            raise self._unreachable(exc, endpoint or f"{method} {path}") from exc

    def close(self) -> None:
        self.closed = True
        self.transport.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncSession(SessionBase):
    """The asyncio twin of ``Session`` (a live ``httpx.AsyncHTTPTransport`` when no transport is given)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        sleep: AsyncSleep | None = None,
        stop: StopRequest | None = None,
    ) -> None:
        super().__init__(base_url, api_key, timeout, retry, async_sleep=sleep, stop=stop)
        self.transport = transport or httpx.AsyncHTTPTransport(proxy=env_proxy(self.base_url))

    async def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        endpoint: str = "",
        *,
        idempotent: bool | None = None,
        around: Around | None = None,
    ) -> httpx.Response:
        """Send one request and return its response, read in full, retried as ``Session.send`` is; ``around`` wraps
        every attempt (the async client's concurrency limiter)."""
        request = self._next(method, path, body)
        attempts = [0]

        async def attempt() -> httpx.Response:
            attempts[0] += 1
            self.requests += 1
            response = await (around(lambda: self._attempt(request)) if around else self._attempt(request))
            response.extensions[ATTEMPTS] = attempts[0]
            return response

        safe = method in SAFE_METHODS if idempotent is None else idempotent
        try:
            return await self.retrier.send_async(attempt, safe)
        except httpx.TransportError as exc:
            raise self._unreachable(exc, endpoint or f"{method} {path}") from exc

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        response = await self.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        self.closed = True
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
