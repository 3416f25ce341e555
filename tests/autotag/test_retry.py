"""The client's retry policy: what is retried, how often, how long it waits (an injected sleep: nothing sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from autotag.async_client import AsyncImmichClient
from autotag.client import METHOD_ENDPOINTS, Calls, ImmichClient
from autotag.errors import ApiError, UnreachableError
from autotag.retry import RetryPolicy
from autotag.session import AsyncSession, Session

VERSION = {"major": 3, "minor": 1, "patch": 0}
TAG = "0b7a4c5e-1f2d-4e6a-9c8b-7d6e5f4a3b2c"
Answer = Callable[[httpx.Request], httpx.Response]


def scripted(*steps: int | type[Exception], then: Answer | None = None) -> tuple[list[str], httpx.MockTransport]:
    """A transport answering each attempt by the next step (a status, or a transport error to raise), then ``then``
    (200 with the server version by default); returns the attempts seen."""
    seen: list[str] = []
    queue = list(steps)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if queue:
            step = queue.pop(0)
            if isinstance(step, int):
                headers = {"retry-after": "7"} if step == 429 else {}
                return httpx.Response(step, json={"message": f"status {step}"}, headers=headers)
            raise step("injected", request=request)
        return then(request) if then else httpx.Response(200, json=VERSION)

    return seen, httpx.MockTransport(answer)


def session(transport: httpx.BaseTransport, slept: list[float], **policy: int) -> Session:
    return Session("http://immich/api", "k", transport=transport, retry=RetryPolicy(**policy), sleep=slept.append)


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ((502, 503, 504), None),
        ((httpx.ConnectError,), "connect"),
        ((httpx.ReadError, httpx.RemoteProtocolError), "reset"),
        ((httpx.ReadTimeout,), "timeout"),
        ((500, 500), "500"),
    ],
)
def test_transient_failures_of_a_read_are_retried(steps, reason) -> None:
    seen, transport = scripted(*steps)
    slept: list[float] = []
    with session(transport, slept) as http:
        assert str(ImmichClient(http).server_version()) == "3.1.0"
        assert len(seen) == len(steps) + 1 and http.requests == len(steps) + 1
        log = http.retry_log
    assert log.retried == len(steps) and log.exhausted == 0
    if reason is not None:
        assert set(log.reasons) == {reason}
    # exponential backoff with jitter: retry n waits 0.5 x 2^(n-1) x [0.5, 1)
    for n, wait in enumerate(slept, 1):
        assert 0.25 * 2 ** (n - 1) <= wait < 0.5 * 2 ** (n - 1)


def test_the_jitter_is_seeded_so_a_replay_waits_the_same() -> None:
    def waits(seed: int) -> list[float]:
        slept: list[float] = []
        with session(scripted(503, 503, 503)[1], slept, seed=seed) as http:
            ImmichClient(http).server_version()
        return slept

    assert waits(1) == waits(1) != waits(2)


def test_retry_after_is_honoured() -> None:
    slept: list[float] = []
    with session(scripted(429, 429)[1], slept) as http:
        ImmichClient(http).server_version()
        assert http.retry_log.reasons == {"429": 2}
    assert slept == [7.0, 7.0]


def test_a_500_is_retried_fewer_times_then_raised() -> None:
    seen, transport = scripted(500, 500, 500, 500)
    with session(transport, [], retries=5, server_error_retries=2) as http, pytest.raises(ApiError, match="500"):
        ImmichClient(http).server_version()
    assert len(seen) == 3


def test_a_budget_that_runs_out_raises_the_last_error() -> None:
    seen, transport = scripted(*[httpx.ConnectError] * 9)
    with session(transport, [], retries=3) as http:
        with pytest.raises(UnreachableError, match="cannot reach http://immich/api"):
            ImmichClient(http).server_version()
        assert (len(seen), http.retry_log.exhausted, http.retry_log.reasons) == (4, 1, {"connect": 3})


def test_a_request_not_safe_to_repeat_is_retried_only_when_it_never_left() -> None:
    slept: list[float] = []
    seen, transport = scripted(httpx.ConnectError, httpx.ReadError)
    with session(transport, slept) as http, pytest.raises(UnreachableError):
        http.send("POST", "/albums", {"albumName": "x"}, "POST /albums")  # not declared idempotent
    assert len(seen) == 2  # the refused connection was retried, the reset (it may have been applied) was not


def test_every_endpoint_the_tagger_sends_says_whether_it_may_be_repeated() -> None:
    calls = {
        "server_version": Calls.server_version(),
        "list_tags": Calls.list_tags(),
        "upsert_tags": Calls.upsert_tags(["a"]),
        "list_albums": Calls.list_albums(),
        "get_album": Calls.get_album(TAG),
        "search": Calls.search(1, 250),
        "get_asset": Calls.get_asset(TAG),
        "tag_assets": Calls.tag_assets(TAG, [TAG]),
        "untag_assets": Calls.untag_assets(TAG, [TAG]),
        "bulk_tag_assets": Calls.bulk_tag_assets([TAG], [TAG]),
    }
    assert set(calls) == set(METHOD_ENDPOINTS)
    assert all(call.idempotent for call in calls.values())
    repeats = {name: call.repeat for name, call in calls.items() if call.repeat}
    assert repeats == {"tag_assets": "duplicate", "untag_assets": "not_found"}


def test_a_repeated_write_answered_duplicate_is_taken_as_done() -> None:
    """The first attempt was applied and its answer lost (502); the retry answers ``duplicate``: that is success."""

    def write(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": TAG, "success": False, "error": "duplicate"}])

    seen, transport = scripted(502, then=write)
    with session(transport, []) as http:
        answer = ImmichClient(http).tag_assets(TAG, [TAG])
        assert http.retry_log.repeats == 1
    assert answer == [{"id": TAG, "success": True}] and len(seen) == 2
    # without a retry the same answer is the server's word, and kept
    with session(scripted(then=write)[1], []) as http:
        assert ImmichClient(http).tag_assets(TAG, [TAG])[0]["error"] == "duplicate"


def test_the_async_client_retries_alike_on_its_loop() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    seen, transport = scripted(503, httpx.ReadTimeout, 429)

    async def main() -> str:
        retry = RetryPolicy(seed=3)
        async with AsyncSession("http://immich/api", "k", transport=transport, retry=retry, sleep=sleep) as http:
            version = await AsyncImmichClient(http).server_version()
            assert http.retry_log.reasons == {"503": 1, "timeout": 1, "429": 1}
            return str(version)

    assert asyncio.run(main()) == "3.1.0"
    assert len(seen) == 4 and slept[2] == 7.0
    sync_slept: list[float] = []
    with session(scripted(503, httpx.ReadTimeout, 429)[1], sync_slept, seed=3) as http:
        ImmichClient(http).server_version()
    assert sync_slept == slept  # one policy: the same waits, sync or async


def test_a_request_that_succeeds_at_once_never_waits() -> None:
    slept: list[float] = []
    with session(scripted()[1], slept) as http:
        ImmichClient(http).server_version()
        assert http.retry_log.summary() == "retries: none"
    assert slept == []
