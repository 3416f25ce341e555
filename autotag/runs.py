"""One tagger run of a mode: the sequential ``Tagger`` on a ``Session``, or the ``AsyncTagger`` on an
``AsyncSession`` and an event loop. The only place that chooses between them, for the CLI and the harness alike.

Example::

    plan, requests = run_mode(Connection("http://immich:2283/api", key), rules, get_mode("lazy"), apply=False)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from autotag.async_client import AdaptiveLimiter, AsyncImmichClient
from autotag.async_tagger import AsyncTagger
from autotag.client import ImmichClient
from autotag.modes import ModeSpec
from autotag.retry import AsyncSleep, RetryPolicy, Sleep
from autotag.rules import RuleSet
from autotag.run_state import RunState
from autotag.session import DEFAULT_TIMEOUT_S, AsyncSession, Session
from autotag.stopping import StopRequest
from autotag.tagger import ProgressCallback, Tagger, TagPlan

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


@dataclass(frozen=True)
class Connection:
    """How to reach the server: its API root and key, the timeout and retry policy, and optionally the transports
    (a live server's ``httpx.HTTPTransport``/``AsyncHTTPTransport`` when not given) and how a retry waits (``sleep``
    and ``async_sleep``: ``time.sleep`` and ``asyncio.sleep`` when not given; the harness advances its virtual
    clock instead)."""

    base_url: str
    api_key: str
    timeout: float = DEFAULT_TIMEOUT_S
    transport: httpx.BaseTransport | None = None
    async_transport: httpx.AsyncBaseTransport | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep | None = None
    async_sleep: AsyncSleep | None = None
    stop: StopRequest | None = None

    def session(self) -> Session:
        return Session(
            self.base_url,
            self.api_key,
            transport=self.transport,
            timeout=self.timeout,
            retry=self.retry,
            sleep=self.sleep,
            stop=self.stop,
        )

    def async_session(self) -> AsyncSession:
        return AsyncSession(
            self.base_url,
            self.api_key,
            transport=self.async_transport,
            timeout=self.timeout,
            retry=self.retry,
            sleep=self.async_sleep,
            stop=self.stop,
        )


def run_mode(
    connection: Connection,
    rules: RuleSet,
    mode: ModeSpec,
    *,
    apply: bool,
    on_assets: ProgressCallback | None = None,
    new_loop: LoopFactory | None = None,
    state: RunState | None = None,
) -> tuple[TagPlan, int]:
    """Run ``mode`` once; returns the plan and the number of requests sent (retries included). A concurrent mode
    runs on a loop from ``new_loop`` (the harness passes a virtual-time loop), or ``asyncio.run``'s own. ``state``
    follows the run as it goes: what it decided, sent and could not send, and its retries, also when it stops
    early."""
    state = state if state is not None else RunState()
    if mode.concurrency > 1:

        async def main() -> tuple[TagPlan, int]:
            async with connection.async_session() as session:
                state.retry_log = session.retry_log
                client = AsyncImmichClient(session, AdaptiveLimiter.for_concurrency(mode.concurrency))
                plan = await AsyncTagger(client, rules, mode, apply=apply, on_assets=on_assets, state=state).run()
                return plan, session.requests

        return _run_on(main(), new_loop)
    with connection.session() as session:
        state.retry_log = session.retry_log
        plan = Tagger(ImmichClient(session), rules, mode, apply=apply, on_assets=on_assets, state=state).run()
        return plan, session.requests


def _run_on(coroutine: Coroutine[Any, Any, T], new_loop: LoopFactory | None) -> T:
    if new_loop is None:
        return asyncio.run(coroutine)
    loop = new_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
