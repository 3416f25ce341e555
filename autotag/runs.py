"""One tagger run of a mode: the sequential ``Tagger`` on a ``Session``, or the ``AsyncTagger`` on an
``AsyncSession`` and an event loop. The only place that chooses between them, for the CLI and the harness alike.

Example::

    plan, requests = run_mode(Connection("http://immich:2283/api", key), rules, get_mode("lazy"), apply=False)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from autotag.async_client import AdaptiveLimiter, AsyncImmichClient
from autotag.async_tagger import AsyncTagger
from autotag.client import ImmichClient
from autotag.modes import ModeSpec
from autotag.rules import RuleSet
from autotag.session import DEFAULT_TIMEOUT_S, AsyncSession, Session
from autotag.tagger import ProgressCallback, Tagger, TagPlan

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


@dataclass(frozen=True)
class Connection:
    """How to reach the server: its API root and key, and optionally the transports to use (a live server's
    ``httpx.HTTPTransport``/``AsyncHTTPTransport`` when not given)."""

    base_url: str
    api_key: str
    timeout: float = DEFAULT_TIMEOUT_S
    transport: httpx.BaseTransport | None = None
    async_transport: httpx.AsyncBaseTransport | None = None

    def session(self) -> Session:
        return Session(self.base_url, self.api_key, transport=self.transport, timeout=self.timeout)

    def async_session(self) -> AsyncSession:
        return AsyncSession(self.base_url, self.api_key, transport=self.async_transport, timeout=self.timeout)


def run_mode(
    connection: Connection,
    rules: RuleSet,
    mode: ModeSpec,
    *,
    apply: bool,
    on_assets: ProgressCallback | None = None,
    new_loop: LoopFactory | None = None,
) -> tuple[TagPlan, int]:
    """Run ``mode`` once; returns the plan and the number of requests sent. A concurrent mode runs on a loop from
    ``new_loop`` (the harness passes a virtual-time loop), or ``asyncio.run``'s own."""
    if mode.concurrency > 1:

        async def main() -> tuple[TagPlan, int]:
            async with connection.async_session() as session:
                client = AsyncImmichClient(session, AdaptiveLimiter.for_concurrency(mode.concurrency))
                plan = await AsyncTagger(client, rules, mode, apply=apply, on_assets=on_assets).run()
                return plan, session.requests

        return _run_on(main(), new_loop)
    with connection.session() as session:
        plan = Tagger(ImmichClient(session), rules, mode, apply=apply, on_assets=on_assets).run()
        return plan, session.requests


def _run_on(coroutine: Coroutine[Any, Any, T], new_loop: LoopFactory | None) -> T:
    if new_loop is None:
        return asyncio.run(coroutine)
    loop = new_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
