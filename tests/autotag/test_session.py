from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from autotag.async_client import AdaptiveLimiter, AsyncImmichClient
from autotag.client import Calls, ImmichClient
from autotag.errors import UnreachableError
from autotag.session import AsyncSession, RequestBuilder, Session, env_proxy

ASSET = "0b7a4c5e-1f2d-4e6a-9c8b-7d6e5f4a3b2c"


@pytest.mark.parametrize(
    "base", ["http://replay/api", "https://photos.example.org:8443/immich/api/", "http://10.0.0.2"]
)
@pytest.mark.parametrize("path", ["/assets/" + ASSET, "/tags/assets", "/server/version", "/search/metadata"])
def test_plain_paths_give_the_url_httpx_would_parse(base: str, path: str) -> None:
    builder = RequestBuilder(base)
    assert builder.fast_urls  # the installed httpx keeps its parsed-URL record as the builder expects
    built, parsed = builder.url(path), httpx.URL(base.rstrip("/") + path)
    assert built == parsed
    assert (built.raw_scheme, built.raw_host, built.port, built.raw_path) == (
        parsed.raw_scheme,
        parsed.raw_host,
        parsed.port,
        parsed.raw_path,
    )


@pytest.mark.parametrize("path", ["/albums/a b", "/assets/../tags", "/assets/%41", "/tags/é"])
def test_other_paths_are_parsed_by_httpx(path: str) -> None:
    builder = RequestBuilder("http://replay/api")
    assert builder.url(path) == httpx.URL("http://replay/api" + path)


def test_a_base_url_with_a_query_never_takes_the_shortcut() -> None:
    builder = RequestBuilder("http://replay/api?tenant=1")
    assert not builder.fast_urls
    assert builder.url("/tags") == httpx.URL("http://replay/api?tenant=1/tags")


@pytest.mark.parametrize("bad", ["ftp://immich/api", "immich:2283", "http:///api", "http://[::1/api"])
def test_bad_base_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        RequestBuilder(bad)


def capture() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"count": 2})

    return seen, httpx.MockTransport(answer)


def test_requests_carry_the_key_host_and_a_compact_json_body() -> None:
    seen, transport = capture()
    with Session("http://immich:2283/api", "secret", transport=transport) as session:
        client = ImmichClient(session)
        assert client.bulk_tag_assets(["t1"], ["a1", "a2"]) == 2
        client.send(Calls.get_asset(ASSET))
        assert session.requests == 2
    post, get = seen
    assert post.method == "PUT" and str(post.url) == "http://immich:2283/api/tags/assets"
    assert post.headers["x-api-key"] == "secret" and post.headers["host"] == "immich:2283"
    assert post.headers["content-type"] == "application/json"
    assert post.content == b'{"tagIds":["t1"],"assetIds":["a1","a2"]}'
    assert int(post.headers["content-length"]) == len(post.content)
    assert json.loads(post.content) == {"tagIds": ["t1"], "assetIds": ["a1", "a2"]}
    assert get.method == "GET" and get.url.path == f"/api/assets/{ASSET}" and get.content == b""
    assert "content-length" not in get.headers and get.extensions["timeout"]["read"] == 30.0


def test_no_key_no_key_header() -> None:
    seen, transport = capture()
    Session("http://immich/api", transport=transport).send("GET", "/server/version")
    assert "x-api-key" not in seen[0].headers


def test_a_transport_failure_is_unreachable_naming_the_endpoint() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    session = Session("http://immich/api", "k", transport=httpx.MockTransport(refuse))
    with pytest.raises(UnreachableError, match=r"GET /assets/\{id\}: cannot reach http://immich/api"):
        ImmichClient(session).get_asset(ASSET)


def test_the_response_is_read_and_closed() -> None:
    closed: list[bool] = []

    class Body(httpx.SyncByteStream):
        def __iter__(self):
            yield b'{"major":3,'
            yield b'"minor":1,"patch":0}'

        def close(self) -> None:
            closed.append(True)

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Body()))
    response = Session("http://immich/api", transport=transport).send("GET", "/server/version")
    assert response.json() == {"major": 3, "minor": 1, "patch": 0} and closed == [True]


def test_env_proxy_follows_the_proxy_variables(monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    monkeypatch.setenv("NO_PROXY", "immich.lan")
    assert env_proxy(httpx.URL("http://photos.example.org/api")) == "http://proxy:3128"
    assert env_proxy(httpx.URL("http://immich.lan/api")) is None
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.delenv("http_proxy", raising=False)
    assert env_proxy(httpx.URL("http://photos.example.org/api")) is None


def test_async_session_sends_the_same_requests_and_frees_the_limiter_on_failure() -> None:
    seen, transport = capture()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async def main() -> AdaptiveLimiter:
        async with AsyncSession("http://immich/api", "k", transport=transport) as session:
            assert await AsyncImmichClient(session).bulk_tag_assets(["t"], ["a"]) == 2
        limiter = AdaptiveLimiter(2, 4)
        async with AsyncSession("http://immich/api", "k", transport=httpx.MockTransport(refuse)) as session:
            with pytest.raises(UnreachableError, match="PUT /tags/assets"):
                await AsyncImmichClient(session, limiter).bulk_tag_assets(["t"], ["a"])
        return limiter

    limiter = asyncio.run(main())
    assert seen[0].content == b'{"tagIds":["t"],"assetIds":["a"]}' and seen[0].headers["x-api-key"] == "k"
    assert limiter.inflight == 0


def test_a_closed_session_refuses_to_send() -> None:
    _seen, transport = capture()
    with Session("http://immich/api", "k", transport=transport) as session:
        session.send("GET", "/server/version")
    with pytest.raises(RuntimeError, match="closed: send requests inside its `with` block"):
        session.send("GET", "/server/version")

    async def main() -> None:
        async with AsyncSession("http://immich/api", "k", transport=transport) as late:
            pass
        await late.send("GET", "/server/version")

    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(main())
