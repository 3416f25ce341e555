"""The replay's endpoint table: each handler is registered once, under the endpoint it serves.

    @route("GET /assets/{id}")
    def get_asset(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer: ...

The router of the served endpoints (``ROUTES.router``) is built from these registrations, so an endpoint string is
written once, beside its handler. ``ids`` are the path parameters in path order. The few handlers that read the
query string register with ``query_route`` and take it parsed as a fourth argument (the others never pay for it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from harness.endpoints import Router, immich
from harness.replay.state import ReplayState
from harness.replay.wire import Answer

Handler = Callable[[ReplayState, tuple[str, ...], Any], Answer]
QueryHandler = Callable[[ReplayState, tuple[str, ...], Any, Mapping[str, str]], Answer]


class RouteTable:
    """Handlers by endpoint key, and the router over them."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.query_handlers: dict[str, QueryHandler] = {}

    def route(self, endpoint: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of ``endpoint`` (a key of the Immich specs)."""
        self._check(endpoint)

        def register(handler: Handler) -> Handler:
            self.handlers[endpoint] = handler
            return handler

        return register

    def query_route(self, endpoint: str) -> Callable[[QueryHandler], QueryHandler]:
        """As ``route``, for a handler that also takes the request's query parameters."""
        self._check(endpoint)

        def register(handler: QueryHandler) -> QueryHandler:
            self.query_handlers[endpoint] = handler
            return handler

        return register

    @property
    def endpoints(self) -> list[str]:
        """Every served endpoint key."""
        return [*self.handlers, *self.query_handlers]

    def _check(self, endpoint: str) -> None:
        found = immich().match(*endpoint.split(" ", 1))
        if found is None or found[0].endpoint != endpoint:
            raise ValueError(f"{endpoint!r} is not an endpoint of the shipped Immich specs")
        if endpoint in self.handlers or endpoint in self.query_handlers:
            raise ValueError(f"{endpoint} has two handlers")

    @cached_property
    def router(self) -> Router:
        return Router(self.endpoints)


ROUTES = RouteTable()
route = ROUTES.route
query_route = ROUTES.query_route
