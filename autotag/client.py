"""A typed Immich 3.x client over a ``Session`` that the caller builds and owns.

The client never creates its own connection: the caller's session decides the transport (a live server, a replay,
a mock), so the same code runs against a real Immich and under the harness. Each public method is one endpoint;
every request is described once as a ``Call`` so that sync and async clients share the request shapes and the
error mapping. ``@endpoint`` also says, per endpoint, whether repeating a request is safe (``idempotent``: the
session may then retry it, see ``autotag.retry``) and which per-item answer a repeated write gets for an item the
first attempt already wrote (``repeat``: Immich answers a repeated add ``duplicate``, a repeated removal
``not_found``); after a retry those answers are taken as success.

Example::

    with Session("http://immich:2283/api", key) as session:
        print(ImmichClient(session).server_version())
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

import httpx

from autotag.errors import ApiError, AuthError, ImmichError, UnsupportedServerError
from autotag.models import Album, AssetDetail, SearchPage, ServerVersion, Tag
from autotag.session import Session, attempts_of

P = ParamSpec("P")
SEARCH_PAGE_SIZE = 250
MEMBER_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Call:
    """One request: method, concrete path (relative to the base URL), JSON body and the endpoint template."""

    method: str
    path: str
    endpoint: str
    body: Any = None
    idempotent: bool = False
    repeat: str | None = None

    def parse(self, response: httpx.Response) -> Any:
        """The JSON answer of ``response``; an ``ImmichError`` for an error status or a body that is not JSON."""
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

    @property
    def reads(self) -> bool:
        """A read (a GET or a search): it changes nothing on the server, so a stop may take effect before it."""
        return self.method == "GET" or self.endpoint.startswith("POST /search/")

    def accept_repeats(self, answer: Any, response: httpx.Response) -> int:
        """After a retry, turn the per-item answers a repeat gets (``repeat``) into success, in place; returns how
        many. The first attempt may have written them before its answer was lost."""
        if self.repeat is None or attempts_of(response) < 2 or not isinstance(answer, list):
            return 0
        taken = 0
        for item in answer:
            if isinstance(item, dict) and item.get("success") is False and item.get("error") == self.repeat:
                item["success"] = True
                del item["error"]
                taken += 1
        return taken

    def error_for(self, response: httpx.Response) -> ApiError:
        """The error an error status means, with Immich's own message."""
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


@dataclass(frozen=True, slots=True)
class Target:
    """What a ``Calls`` constructor fills in: the path id of an ``{id}`` template, and the JSON body."""

    path_id: str = ""
    body: Any = None


# Each Calls constructor (and the ImmichClient method of the same name) and the endpoint it calls, filled by
# ``@endpoint``: profile readers such as `bench stats` and the writers' records rely on it.
METHOD_ENDPOINTS: dict[str, str] = {}


def endpoint(
    spec: str, *, idempotent: bool | None = None, repeat: str | None = None
) -> Callable[[Callable[P, Target]], Callable[P, Call]]:
    """Declare the endpoint (``"GET /assets/{id}"``) a ``Calls`` constructor builds requests for: the one place
    its method and path template are written, whether a request may be repeated (``idempotent``; GETs always),
    and the per-item error a repeated write answers for what the first attempt wrote (``repeat``)."""
    method, template = spec.split(" ", 1)
    safe = method == "GET" if idempotent is None else idempotent
    head, has_id, tail = template.partition("{id}")

    def decorate(build: Callable[P, Target]) -> Callable[P, Call]:
        METHOD_ENDPOINTS[build.__name__] = spec

        def make(*args: P.args, **kwargs: P.kwargs) -> Call:
            target = build(*args, **kwargs)
            path = head + target.path_id + tail if has_id else template
            return Call(method, path, spec, target.body, safe, repeat)

        return functools.wraps(build)(make)

    return decorate


class Calls:
    """The requests a tagger sends, one static constructor per endpoint (paths relative to ``/api``)."""

    @staticmethod
    @endpoint("GET /server/version")
    def server_version() -> Target:
        return Target()

    @staticmethod
    @endpoint("GET /tags")
    def list_tags() -> Target:
        return Target()

    @staticmethod
    @endpoint("PUT /tags", idempotent=True)  # an upsert: a repeat answers the same tags
    def upsert_tags(values: Sequence[str]) -> Target:
        return Target(body={"tags": list(values)})

    @staticmethod
    @endpoint("GET /albums")
    def list_albums() -> Target:
        return Target()

    @staticmethod
    @endpoint("GET /albums/{id}")
    def get_album(album_id: str) -> Target:
        return Target(album_id)

    @staticmethod
    @endpoint("POST /search/metadata", idempotent=True)  # a read
    def search(page: int, size: int, **filters: Any) -> Target:
        return Target(body={"page": page, "size": size, "order": "desc", **filters})

    @staticmethod
    @endpoint("GET /assets/{id}")
    def get_asset(asset_id: str) -> Target:
        return Target(asset_id)

    @staticmethod
    @endpoint("PUT /tags/{id}/assets", idempotent=True, repeat="duplicate")
    def tag_assets(tag_id: str, asset_ids: Sequence[str]) -> Target:
        return Target(tag_id, {"ids": list(asset_ids)})

    @staticmethod
    @endpoint("DELETE /tags/{id}/assets", idempotent=True, repeat="not_found")
    def untag_assets(tag_id: str, asset_ids: Sequence[str]) -> Target:
        return Target(tag_id, {"ids": list(asset_ids)})

    @staticmethod
    @endpoint("PUT /tags/assets", idempotent=True)  # a repeat counts 0 new pairs
    def bulk_tag_assets(tag_ids: Sequence[str], asset_ids: Sequence[str]) -> Target:
        return Target(body={"tagIds": list(tag_ids), "assetIds": list(asset_ids)})


def not_immich(exc: ApiError) -> ImmichError:
    """An error answer to ``GET /server/version``: a 404 means no Immich API is at that URL."""
    if exc.status == 404:
        return UnsupportedServerError(f"GET /server/version answered 404 ({exc.message}): no Immich API at this URL")
    return exc


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


class ImmichClient:
    """Synchronous Immich 3.x client; one method per endpoint a tagger uses."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, call: Call) -> Any:
        """Send ``call`` (retried when its endpoint is idempotent) and return its parsed JSON answer (an
        ``ImmichError`` for an error status)."""
        if call.reads:
            self.session.check_stop()
        response = self.session.send(call.method, call.path, call.body, call.endpoint, idempotent=call.idempotent)
        answer = call.parse(response)
        self.session.retry_log.repeats += call.accept_repeats(answer, response)
        return answer

    def server_version(self) -> ServerVersion:
        try:
            return check_version(self.send(Calls.server_version()))
        except ApiError as exc:
            raise not_immich(exc) from exc

    def list_tags(self) -> list[Tag]:
        return [Tag.from_json(t) for t in self.send(Calls.list_tags())]

    def upsert_tags(self, values: Sequence[str]) -> list[Tag]:
        return [Tag.from_json(t) for t in self.send(Calls.upsert_tags(values))]

    def list_albums(self) -> list[Album]:
        return [Album.from_json(a) for a in self.send(Calls.list_albums())]

    def get_album(self, album_id: str) -> Album:
        return Album.from_json(self.send(Calls.get_album(album_id)))

    def search(self, page: int, size: int = SEARCH_PAGE_SIZE, **filters: Any) -> SearchPage:
        """One page of ``POST /search/metadata`` (newest first) with the given filters."""
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
