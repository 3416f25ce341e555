"""The replay's endpoint table: each handler is registered once, under the endpoint it serves.

    @route("GET /assets/{id}")
    def get_asset(state: ReplayState, ids: tuple[str, ...], body: Any) -> Answer: ...

The router of the served endpoints (``ROUTES.router``) is built from these registrations, so an endpoint string is
written once, beside its handler. ``ids`` are the path parameters in path order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from harness.endpoints import Router, immich
from harness.replay.state import ReplayState
from harness.replay.wire import Answer

Handler = Callable[[ReplayState, tuple[str, ...], Any], Answer]


class RouteTable:
    """Handlers by endpoint key, and the router over them."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def route(self, endpoint: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of ``endpoint`` (a key of the Immich specs)."""
        found = immich().match(*endpoint.split(" ", 1))
        if found is None or found[0].endpoint != endpoint:
            raise ValueError(f"{endpoint!r} is not an endpoint of the shipped Immich specs")

        def register(handler: Handler) -> Handler:
            if endpoint in self.handlers:
                raise ValueError(f"{endpoint} has two handlers")
            self.handlers[endpoint] = handler
            return handler

        return register

    @cached_property
    def router(self) -> Router:
        return Router(self.handlers)


ROUTES = RouteTable()
route = ROUTES.route
