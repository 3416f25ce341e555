"""A typed Immich 3.x client over a ``Session`` that the caller builds and owns.

The client never creates its own connection: the caller's session decides the transport (a live server, a replay,
a mock), so the same code runs against a real Immich and under the harness. Each public method is one endpoint;
every request is described once as a ``Call`` so that sync and async clients share the request shapes and the
error mapping.

Example::

    with Session("http://immich:2283/api", key) as session:
        print(ImmichClient(session).server_version())
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from autotag.errors import ApiError, AuthError, UnsupportedServerError
from autotag.models import Album, AssetDetail, SearchPage, ServerVersion, Tag
from autotag.session import Session

SEARCH_PAGE_SIZE = 250
MEMBER_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Call:
    """One request: method, concrete path (relative to the base URL), JSON body and the endpoint template."""

    method: str
    path: str
    endpoint: str
    body: Any = None

    def parse(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise self.error_for(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise UnsupportedServerError(
                f"{self.endpoint} answered {response.status_code} with a body that is not JSON: is this Immich?"
            ) from exc

    def error_for(self, response: httpx.Response) -> ApiError:
        try:
            payload = response.json()
            message = str(payload.get("message", payload)) if isinstance(payload, dict) else str(payload)
        except ValueError:
            message = response.text[:200] or response.reason_phrase
        if response.status_code == 401:
            return AuthError(self.endpoint, 401, f"{message} (the API key is missing or not valid)")
        if response.status_code == 403:
            return AuthError(self.endpoint, 403, f"{message} (give the API key this permission)")
        return ApiError(self.endpoint, response.status_code, message)


class Calls:
    """The requests a tagger sends, one static constructor per endpoint (paths relative to ``/api``)."""

    @staticmethod
    def server_version() -> Call:
        return Call("GET", "/server/version", "GET /server/version")

    @staticmethod
    def list_tags() -> Call:
        return Call("GET", "/tags", "GET /tags")

    @staticmethod
    def upsert_tags(values: Sequence[str]) -> Call:
        return Call("PUT", "/tags", "PUT /tags", {"tags": list(values)})

    @staticmethod
    def list_albums() -> Call:
        return Call("GET", "/albums", "GET /albums")

    @staticmethod
    def get_album(album_id: str) -> Call:
        return Call("GET", f"/albums/{album_id}", "GET /albums/{id}")

    @staticmethod
    def search(page: int, size: int, **filters: Any) -> Call:
        body: dict[str, Any] = {"page": page, "size": size, "order": "desc", **filters}
        return Call("POST", "/search/metadata", "POST /search/metadata", body)

    @staticmethod
    def get_asset(asset_id: str) -> Call:
        return Call("GET", f"/assets/{asset_id}", "GET /assets/{id}")

    @staticmethod
    def tag_assets(tag_id: str, asset_ids: Sequence[str]) -> Call:
        return Call("PUT", f"/tags/{tag_id}/assets", "PUT /tags/{id}/assets", {"ids": list(asset_ids)})

    @staticmethod
    def untag_assets(tag_id: str, asset_ids: Sequence[str]) -> Call:
        return Call("DELETE", f"/tags/{tag_id}/assets", "DELETE /tags/{id}/assets", {"ids": list(asset_ids)})

    @staticmethod
    def bulk_tag_assets(tag_ids: Sequence[str], asset_ids: Sequence[str]) -> Call:
        body = {"tagIds": list(tag_ids), "assetIds": list(asset_ids)}
        return Call("PUT", "/tags/assets", "PUT /tags/assets", body)


def check_version(data: dict[str, Any]) -> ServerVersion:
    """Parse ``GET /server/version`` and refuse anything but Immich 3.x."""
    try:
        version = ServerVersion.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UnsupportedServerError("GET /server/version did not answer like Immich: not an Immich server?") from exc
    if version.major != 3:
        raise UnsupportedServerError(
            f"the server runs Immich {version}; this tagger speaks Immich 3.x only "
            "(2.x embeds album assets in GET /albums/{id} and has other DTOs)"
        )
    return version


# Each ImmichClient method and the endpoint it calls (profile readers such as `bench stats` rely on it).
METHOD_ENDPOINTS = {
    "server_version": "GET /server/version",
    "list_tags": "GET /tags",
    "upsert_tags": "PUT /tags",
    "list_albums": "GET /albums",
    "get_album": "GET /albums/{id}",
    "search": "POST /search/metadata",
    "get_asset": "GET /assets/{id}",
    "tag_assets": "PUT /tags/{id}/assets",
    "untag_assets": "DELETE /tags/{id}/assets",
    "bulk_tag_assets": "PUT /tags/assets",
}


class ImmichClient:
    """Synchronous Immich 3.x client; one method per endpoint a tagger uses."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, call: Call) -> Any:
        """Send ``call`` and return its parsed JSON answer (an ``ImmichError`` for an error status)."""
        return call.parse(self.session.send(call.method, call.path, call.body, call.endpoint))

    def server_version(self) -> ServerVersion:
        return check_version(self.send(Calls.server_version()))

    def list_tags(self) -> list[Tag]:
        return [Tag.from_json(t) for t in self.send(Calls.list_tags())]

    def upsert_tags(self, values: Sequence[str]) -> list[Tag]:
        return [Tag.from_json(t) for t in self.send(Calls.upsert_tags(values))]

    def list_albums(self) -> list[Album]:
        return [Album.from_json(a) for a in self.send(Calls.list_albums())]

    def get_album(self, album_id: str) -> Album:
        return Album.from_json(self.send(Calls.get_album(album_id)))

    def search(self, page: int, size: int = SEARCH_PAGE_SIZE, **filters: Any) -> SearchPage:
        return SearchPage.from_json(self.send(Calls.search(page, size, **filters)))

    def iter_search(self, size: int = SEARCH_PAGE_SIZE, **filters: Any) -> Iterable[SearchPage]:
        """Every page of a search, following ``nextPage`` until it is null."""
        page: int | None = 1
        while page is not None:
            result = self.search(page, size, **filters)
            yield result
            page = result.next_page

    def get_asset(self, asset_id: str) -> AssetDetail:
        return AssetDetail.from_json(self.send(Calls.get_asset(asset_id)))

    def tag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.send(Calls.tag_assets(tag_id, asset_ids))
        return result

    def untag_assets(self, tag_id: str, asset_ids: Sequence[str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.send(Calls.untag_assets(tag_id, asset_ids))
        return result

    def bulk_tag_assets(self, tag_ids: Sequence[str], asset_ids: Sequence[str]) -> int:
        return int(self.send(Calls.bulk_tag_assets(tag_ids, asset_ids))["count"])
