"""Handlers of the server and user endpoints a tagger reads once per run.

``GET /server/version`` and ``/server/about`` answer the served version (the recorded bodies when it is the
recorded one).
"""

from __future__ import annotations

from typing import Any

from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, ok


@route("GET /server/version")
def server_version(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.shapes.server_version)


@route("GET /server/ping")
def server_ping(_state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok({"res": "pong"})


@route("GET /server/about")
def server_about(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.shapes.server_about)


@route("GET /users/me")
def users_me(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.lib.user)
