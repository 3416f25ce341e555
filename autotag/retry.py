"""The client's one retry policy, sync and async alike: which failures are retried, how often, how long to wait.

Retried, on a request whose repeat is safe (``idempotent``, declared per endpoint where ``Calls`` declares it):
connection errors, resets (the connection lost before a whole answer), timeouts, 502/503/504 and 429, up to
``retries`` times; a 500 up to ``server_error_retries`` times (a bug in the server is seldom cured by asking again).
A request whose repeat is not safe is retried only when it never reached the server (no connection). The wait
before retry ``n`` is exponential with jitter, ``backoff_s x 2^(n-1)`` capped at ``max_backoff_s``, times a factor
in [0.5, 1) drawn from a ``random.Random(seed)``, so a replay draws the same waits every run; a 429 or 503 with
``Retry-After`` waits what it asks (capped at ``max_retry_after_s``). When the budget runs out, the last answer is
returned (and its error status raised by the caller) or the last transport error raised.

Why tenacity: it is a well-kept library with sync and async twins of one configuration, an injectable sleep
(``Retrying(sleep=...)``: the harness advances its virtual clock instead of sleeping, and the async twin sleeps on
the replay's virtual-time loop) and waits, stops and conditions that are plain callables, so the seeded jitter, the
smaller budget of a 500 and ``Retry-After`` are each a few lines. stamina, built on tenacity, fixes its jitter to the
global ``random`` and has no sleep hook (only a testing switch that turns waiting off), so a replay could not keep
its modeled time exact. A request that succeeds at once never enters tenacity (``Retrier.send`` makes the first attempt
itself): the common path costs nothing more than before.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying
from tenacity import Future as Attempt

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries, and how long to wait before each (see the module docstring)."""

    retries: int = 5
    server_error_retries: int = 2
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_retry_after_s: float = 120.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.retries < 0 or self.server_error_retries < 0:
            raise ValueError("retries cannot be negative")
        if self.backoff_s < 0 or self.max_backoff_s < 0 or self.max_retry_after_s < 0:
            raise ValueError("waits cannot be negative")

    def limit(self, reason: str) -> int:
        """Retries allowed for a failure of this kind."""
        return min(self.server_error_retries, self.retries) if reason == "500" else self.retries


def reason_of(outcome: httpx.Response | BaseException) -> str | None:
    """Why an attempt failed in a way worth retrying (``connect``, ``reset``, ``timeout`` or the status), or None."""
    if isinstance(outcome, httpx.Response):
        return str(outcome.status_code) if outcome.status_code in RETRIED_STATUSES else None
    if isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout):
        return "connect"
    if isinstance(outcome, httpx.TimeoutException):
        return "timeout"
    if isinstance(outcome, httpx.NetworkError | httpx.RemoteProtocolError):
        return "reset"
    return None


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a 429 or 503 asks to wait (``Retry-After``: seconds or an HTTP date), None when it does not say."""
    value = response.headers.get("retry-after")
    if value is None or response.status_code not in (429, 503):
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        date = response.headers.get("date")
        now = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        return None
    return max((when - now).total_seconds(), 0.0) if now is not None else None


@dataclass
class RetryLog:
    """What the retries of a session did: retries per reason, requests that ran out of retries, and repeated writes
    whose ``duplicate``/``not_found`` answers were taken as done."""

    reasons: Counter[str] = field(default_factory=Counter)
    exhausted: int = 0
    repeats: int = 0

    @property
    def retried(self) -> int:
        return sum(self.reasons.values())

    def summary(self) -> str:
        """One line: how many retries, and why."""
        line = "retries: none"
        if self.retried:
            why = ", ".join(f"{count:,} x {reason}" for reason, count in sorted(self.reasons.items()))
            line = f"retries: {self.retried:,} ({why})"
        if self.repeats:
            line += f"; {_count(self.repeats, 'repeated write')} answered duplicate/not_found, taken as done"
        if self.exhausted:
            line += f"; {_count(self.exhausted, 'request')} ran out of retries"
        return line


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def replaying(first: Attempt, send: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """An attempt function whose first call gives the outcome already known, and every later call sends again."""
    known = [first]

    def attempt() -> httpx.Response:
        if known:
            result: httpx.Response = known.pop().result()
            return result
        return send()

    return attempt


def replaying_async(
    first: Attempt, send: Callable[[], Awaitable[httpx.Response]]
) -> Callable[[], Awaitable[httpx.Response]]:
    """The async twin of ``replaying``."""
    known = [first]

    async def attempt() -> httpx.Response:
        if known:
            result: httpx.Response = known.pop().result()
            return result
        return await send()

    return attempt


def outcome(value: httpx.Response | BaseException) -> Attempt:
    """A finished attempt (tenacity's record of one), for ``Retrier.again``."""
    done = Attempt(1)
    if isinstance(value, BaseException):
        done.set_exception(value)
    else:
        done.set_result(value)
    return done


class Retrier:
    """The policy bound to one session: its seeded jitter, its sleep functions, and its ``RetryLog``."""

    def __init__(
        self,
        policy: RetryPolicy,
        sleep: Sleep | None = None,
        async_sleep: AsyncSleep | None = None,
        stopped: Callable[[], bool] | None = None,
    ) -> None:
        import asyncio
        import time

        self.policy = policy
        self.stopped = stopped  # True once a stop was asked for: no more retries, except while winding down
        self.winding = False
        self.log = RetryLog()
        self.random = random.Random(policy.seed)
        common: dict[str, Any] = {
            "stop": self._stop,
            "wait": self._wait,
            "before_sleep": self._count,
            "retry_error_callback": self._give_up,
        }
        self._sync = {
            safe: Retrying(sleep=sleep or time.sleep, retry=self._condition(safe), **common) for safe in (True, False)
        }
        self._async = {
            safe: AsyncRetrying(sleep=async_sleep or asyncio.sleep, retry=self._condition(safe), **common)
            for safe in (True, False)
        }

    def wind_down(self) -> None:
        """From now on at most one retry, after at most a second: a run that stopped early is sending what it
        decided (``Writer.drain``), in bounded time."""
        self.policy = replace(
            self.policy,
            retries=min(self.policy.retries, 1),
            server_error_retries=0,
            max_backoff_s=min(self.policy.max_backoff_s, 1.0),
            max_retry_after_s=min(self.policy.max_retry_after_s, 1.0),
        )
        self.winding = True

    def send(self, attempt: Callable[[], httpx.Response], safe: bool) -> httpx.Response:
        """``attempt()``'s answer, retried as the policy allows; a first attempt that succeeds (or fails in a way
        not worth retrying) never enters tenacity."""
        try:
            response = attempt()
            if response.status_code not in RETRIED_STATUSES:
                return response
            first = outcome(response)
        except httpx.TransportError as exc:
            first = outcome(exc)
        return self.again(first, attempt, safe)

    async def send_async(self, attempt: Callable[[], Awaitable[httpx.Response]], safe: bool) -> httpx.Response:
        """The async twin of ``send``."""
        try:
            response = await attempt()
            if response.status_code not in RETRIED_STATUSES:
                return response
            first = outcome(response)
        except httpx.TransportError as exc:
            first = outcome(exc)
        return await self.again_async(first, attempt, safe)

    def again(self, first: Attempt, send: Callable[[], httpx.Response], safe: bool) -> httpx.Response:
        """Retry after the failed ``first`` attempt as the policy allows; the final answer, or the last error."""
        response: httpx.Response = self._sync[safe].copy()(replaying(first, send))
        return response

    async def again_async(
        self, first: Attempt, send: Callable[[], Awaitable[httpx.Response]], safe: bool
    ) -> httpx.Response:
        """The async twin of ``again`` (its waits on the running loop's clock)."""
        response: httpx.Response = await self._async[safe].copy()(replaying_async(first, send))
        return response

    @staticmethod
    def _condition(safe: bool) -> Callable[[RetryCallState], bool]:
        def worth_retrying(state: RetryCallState) -> bool:
            reason = _reason(state)
            return reason is not None and (safe or reason == "connect")

        return worth_retrying

    def _stop(self, state: RetryCallState) -> bool:
        if self.stopped is not None and not self.winding and self.stopped():
            return True
        reason = _reason(state) or ""
        return state.attempt_number > self.policy.limit(reason)

    def _wait(self, state: RetryCallState) -> float:
        assert state.outcome is not None
        if not state.outcome.failed:
            response: httpx.Response = state.outcome.result()
            asked = retry_after(response)
            if asked is not None:
                return min(asked, self.policy.max_retry_after_s)
        ceiling = min(self.policy.max_backoff_s, self.policy.backoff_s * 2.0 ** (state.attempt_number - 1))
        return float(ceiling * (0.5 + 0.5 * self.random.random()))

    def _count(self, state: RetryCallState) -> None:
        self.log.reasons[_reason(state) or "?"] += 1

    def _give_up(self, state: RetryCallState) -> httpx.Response:
        self.log.exhausted += 1
        assert state.outcome is not None
        last: httpx.Response = state.outcome.result()  # raises the last transport error
        return last


def _reason(state: RetryCallState) -> str | None:
    attempt = state.outcome
    if attempt is None:
        return None
    return reason_of(attempt.exception() if attempt.failed else attempt.result())  # type: ignore[arg-type]
