"""The crawl's reads retried as a busy server needs: faked with an httpx MockTransport, waits with a fake sleep."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from autotag.retry import Retrier, RetryPolicy
from harness.errors import HarnessError, ServerFailure
from harness.library.crawl import http_sender


def client(answers: list[Callable[[httpx.Request], httpx.Response]], seen: list[str]) -> httpx.Client:
    """A client whose n-th request gets ``answers[n]`` (the last one for every request after)."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return answers[min(len(seen), len(answers)) - 1](request)

    return httpx.Client(base_url="http://immich.test/api", transport=httpx.MockTransport(handler))


def status(code: int, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(code, headers=headers, json={"message": "busy"})


def reset(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadError("connection reset by peer", request=request)


def ok(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"major": 3, "minor": 1, "patch": 0})


def test_a_read_survives_a_502_a_reset_and_a_429_with_the_waits_it_asked_for() -> None:
    seen: list[str] = []
    waits: list[float] = []
    retrier = Retrier(RetryPolicy(), sleep=waits.append)
    send = http_sender(client([status(502), reset, status(429, **{"retry-after": "7"}), ok], seen), retrier)
    assert send("GET", "/server/version", None) == {"major": 3, "minor": 1, "patch": 0}
    assert seen == ["GET /api/server/version"] * 4
    assert dict(retrier.log.reasons) == {"502": 1, "reset": 1, "429": 1}
    assert len(waits) == 3 and waits[2] == 7.0  # Retry-After honoured
    assert 0.25 <= waits[0] < 0.5 and 0.5 <= waits[1] < 1.0  # exponential backoff with jitter


def test_a_server_that_keeps_failing_ends_the_crawl_saying_how_often_it_was_asked() -> None:
    seen: list[str] = []
    send = http_sender(client([status(503)], seen), Retrier(RetryPolicy(retries=3), sleep=lambda _s: None))
    with pytest.raises(ServerFailure, match=r"answered 503: .*retries: 3 \(3 x 503\); 1 request ran out of retries"):
        send("POST", "/search/metadata", {"page": 1})
    assert len(seen) == 4


def test_a_500_is_retried_twice_only_and_a_404_not_at_all() -> None:
    seen: list[str] = []
    send = http_sender(client([status(500)], seen), Retrier(RetryPolicy(), sleep=lambda _s: None))
    with pytest.raises(ServerFailure):
        send("GET", "/albums", None)
    assert len(seen) == 3
    seen.clear()
    send = http_sender(client([status(404)], seen), Retrier(RetryPolicy(), sleep=lambda _s: None))
    with pytest.raises(HarnessError, match="answered 404"):
        send("GET", "/albums/x", None)
    assert len(seen) == 1
