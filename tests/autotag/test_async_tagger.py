from __future__ import annotations

import asyncio

import httpx
import pytest

from autotag import Tagger, get_mode
from autotag.async_client import AdaptiveLimiter, AsyncImmichClient
from autotag.async_tagger import AsyncTagger
from autotag.client import ImmichClient
from autotag.errors import ApiError
from autotag.retry import RetryPolicy
from autotag.rules import load_rules
from autotag.session import AsyncSession
from tests.autotag.fake_immich import library
from tests.autotag.test_tagger import RULES


def run_async(fake, rules, apply=True, limiter=None):
    async def main():
        transport = fake.transport()
        async with AsyncSession("http://fake/api", "k", transport=transport) as session:
            client = AsyncImmichClient(session, limiter or AdaptiveLimiter(2, 8))
            return await AsyncTagger(client, rules, get_mode("async"), apply=apply).run()

    return asyncio.run(main())


def test_async_mode_makes_the_same_plan_and_state_as_eager(rules_file) -> None:
    rules = load_rules(rules_file(RULES))
    fake = library()
    plan = run_async(fake, rules)
    reference = library()
    with reference.client() as http:
        eager = Tagger(ImmichClient(http), rules, get_mode("eager"), apply=True).run()
    assert plan.decision_key() == eager.decision_key()
    assert {a: fake.tag_values(a) for a in fake.assets} == {a: reference.tag_values(a) for a in reference.assets}
    assert fake.calls["GET /assets/{id}"] == len(fake.assets)
    assert fake.calls["PUT /tags/assets"] >= 1  # additions in bulk


def test_limiter_grows_additively_and_halves_on_throttling() -> None:
    async def scenario() -> list[int]:
        limiter = AdaptiveLimiter(start=2, maximum=4)
        seen = []
        for _ in range(12):
            await limiter.acquire()
            await limiter.release(throttled=False)
            seen.append(limiter.limit)
        await limiter.acquire()
        await limiter.release(throttled=True)
        seen.append(limiter.limit)
        return seen

    seen = asyncio.run(scenario())
    assert seen[1] == 3 and max(seen) == 4  # +1 after `limit` successes, capped at the maximum
    assert seen[-1] == 2  # halved by a 429


def test_limiter_never_exceeds_its_limit() -> None:
    async def scenario() -> int:
        limiter = AdaptiveLimiter(start=3, maximum=3)

        async def work() -> None:
            await limiter.acquire()
            await asyncio.sleep(0)
            await limiter.release(False)

        await asyncio.gather(*(work() for _ in range(50)))
        return limiter.peak

    assert asyncio.run(scenario()) == 3


def test_429_is_retried_after_retry_after_then_gives_up() -> None:
    attempts = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts["n"] += 1
        if attempts["n"] <= 2:
            return httpx.Response(429, headers={"retry-after": "0"}, json={"message": "slow down"})
        return httpx.Response(200, json={"major": 3, "minor": 1, "patch": 0})

    async def call(handler, retries=8):
        policy = RetryPolicy(retries=retries)
        async with AsyncSession("http://x/api", transport=httpx.MockTransport(handler), retry=policy) as session:
            client = AsyncImmichClient(session, AdaptiveLimiter(4, 8))
            return await client.server_version(), client.limiter

    version, limiter = asyncio.run(call(flaky))
    # 4 -> 2 -> 1 after two 429s, then one success at limit 1 earns a slot back
    assert str(version) == "3.1.0" and attempts["n"] == 3 and limiter.throttled == 2 and limiter.limit == 2
    always = lambda request: httpx.Response(429, headers={"retry-after": "0"}, json={})  # noqa: E731
    with pytest.raises(ApiError, match="429"):
        asyncio.run(call(always, retries=2))
