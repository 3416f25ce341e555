"""The replay server model: answers Immich requests from a ``Library`` snapshot, statefully.

It is transport-agnostic: ``handle()`` takes a method, a path relative to ``/api``, headers, a JSON body and the
raw query string and returns a ``Reply``. ``harness.replay.transports`` puts it behind httpx,
``harness.replay.http_app`` behind real HTTP. The endpoints it serves are the handlers registered in
``harness.replay.routes`` (one module per resource: ``server_info``, ``users``, ``tags``, ``albums``,
``album_writes``, ``assets``, ``asset_writes``, ``duplicates``). It answers as one Immich version
(``immich_version``; default: the library's own), shaped by ``harness.replay.shapes``; ``harness.replay.versions``
lists the versions it serves and what differs.

Before any handler: 401 without ``x-api-key`` (or with another key than the server's, when it has one), except on
``GET /server/version`` and ``/ping``, as on Immich; 400 for a path id that is not a UUID v4 and for a body that is
not JSON. A request outside the served endpoints raises ``ReplayMiss`` rather than being answered with a guess.

Every lookup is indexed (dicts and cached sorted id lists keyed by a state version), so a request costs what its
response holds, not what the library holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import parse_qsl

from harness.endpoints import PARAM, UUID_V4
from harness.errors import ReplayMiss
from harness.library.snapshot import Library
from harness.replay import (  # noqa: F401  (they register their handlers)
    album_writes,
    albums,
    asset_writes,
    assets,
    duplicates,
    server_info,
    tags,
    users,
)
from harness.replay.routes import ROUTES
from harness.replay.state import ReplayState
from harness.replay.versions import served_version
from harness.replay.wire import Reply, invalid_uuid

NO_AUTH = frozenset({"GET /server/version", "GET /server/ping"})


class ReplayServer:
    """A served library: ``handle()`` answers one request; ``state`` holds what the writes change."""

    def __init__(
        self, library: Library, api_key: str | None = None, seed: int = 0, immich_version: str | None = None
    ) -> None:
        self.state = ReplayState(library, seed, served_version(immich_version, library.version_string))
        self.api_key = api_key
        self._router = ROUTES.router
        self._handlers = ROUTES.handlers
        self._query_handlers = ROUTES.query_handlers
        self._params = {r.endpoint: tuple(p[1:-1] for p in PARAM.findall(r.template)) for r in self._router.routes}

    @property
    def lib(self) -> Library:
        return self.state.lib

    @lib.setter
    def lib(self, library: Library) -> None:
        self.state.lib = library

    def warm(self) -> None:
        """Serialise every asset's detail and search item now, so that a measured run finds them cached: what the
        run then allocates and spends is the tagger's (and each response's), not the replay filling its caches."""
        for asset_id in self.state.lib.assets:
            self.state.detail(asset_id)
            self.state.index.item(asset_id, with_exif=False)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes, query: bytes = b"") -> Reply:
        """Answer ``method path?query`` (path relative to ``/api``); ``ReplayMiss`` when no served endpoint
        matches."""
        found = self._router.match(method, path)
        if found is None:
            raise ReplayMiss(self._miss_message(method, path))
        route, ids = found
        endpoint = route.endpoint
        if endpoint not in NO_AUTH:
            key = headers.get("x-api-key")
            if not key:
                return Reply(401, {"message": "Authentication required"}, endpoint)
            if self.api_key is not None and key != self.api_key:
                return Reply(401, {"message": "Invalid API key"}, endpoint)
        for name, value in zip(self._params[endpoint], ids, strict=True):
            if not UUID_V4.match(value):
                return Reply(400, invalid_uuid(name), endpoint)
        payload = None
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                return Reply(400, {"message": "Unexpected token in JSON body"}, endpoint)
        handler = self._handlers.get(endpoint)
        if handler is not None:
            answer = handler(self.state, ids, payload)
        else:
            params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
            answer = self._query_handlers[endpoint](self.state, ids, payload, params)
        return Reply(answer.status, answer.body, endpoint, answer.units)

    def _miss_message(self, method: str, path: str) -> str:
        served = ROUTES.endpoints
        same_method = [e for e in served if e.startswith(method + " ")]
        listed = ", ".join(same_method or served)
        return f"the replay cannot serve {method} /api{path}: no such endpoint in the snapshot; it serves {listed}"
