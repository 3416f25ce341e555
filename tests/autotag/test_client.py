from __future__ import annotations

import httpx
import pytest

from autotag.client import ImmichClient
from autotag.errors import ApiError, AuthError, UnreachableError, UnsupportedServerError
from autotag.session import Session
from tests.conftest import sample


def client_answering(status: int, body) -> ImmichClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))
    return ImmichClient(Session("http://x/api", transport=transport))


def test_parses_real_responses() -> None:
    assert str(client_answering(200, sample("server-version")["body"]).server_version()) == "3.1.0"
    page = client_answering(200, sample("search-metadata-page")["body"]).search(1)
    assert len(page.items) == 3 and page.next_page == 2
    tags = client_answering(200, sample("tags-list")["body"]).list_tags()
    assert tags[0].value == "Beach"
    albums = client_answering(200, sample("albums-list")["body"]).list_albums()
    assert albums[0].asset_count > 0 and albums[0].name


def test_errors_carry_endpoint_status_and_message() -> None:
    error = sample("error-400-asset-not-found")
    with pytest.raises(ApiError) as info:
        client_answering(400, error["body"]).get_asset("8f0c3a3e-5b1d-4c8e-9a6f-2d7b1e4c9a10")
    assert info.value.status == 400
    assert info.value.endpoint == "GET /assets/{id}"
    assert info.value.message == "Not found or no asset.read access"


def test_401_and_403_are_auth_errors_saying_what_is_missing() -> None:
    with pytest.raises(AuthError, match="missing or not valid"):
        client_answering(401, sample("error-401-missing-key")["body"]).list_albums()
    with pytest.raises(AuthError, match=r"Missing required permission: tag\.asset.*give the API key"):
        client_answering(403, {"message": "Missing required permission: tag.asset"}).tag_assets("t", ["a"])


def test_not_immich() -> None:
    with pytest.raises(UnsupportedServerError):
        client_answering(200, {"hello": "world"}).server_version()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>"))
    with pytest.raises(UnsupportedServerError, match="not JSON"):
        ImmichClient(Session("http://x/api", transport=transport)).server_version()


def test_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    client = ImmichClient(Session("http://x/api", transport=httpx.MockTransport(refuse)))
    with pytest.raises(UnreachableError, match="cannot reach"):
        client.server_version()


def test_iter_search_follows_next_page() -> None:
    pages = {1: "2", 2: "3", 3: None}

    def answer(request: httpx.Request) -> httpx.Response:
        import json

        page = json.loads(request.content)["page"]
        body = {"albums": {}, "assets": {"items": [], "nextPage": pages[page]}}
        return httpx.Response(200, json=body)

    client = ImmichClient(Session("http://x/api", transport=httpx.MockTransport(answer)))
    assert len(list(client.iter_search())) == 3
