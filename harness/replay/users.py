"""Handlers of the user endpoints: ``GET /users/me`` (the recorded admin body) and ``GET /users`` (every user the
library knows: its own, then those its albums are shared with, as UserResponseDto)."""

from __future__ import annotations

from typing import Any

from harness.replay.routes import route
from harness.replay.state import ReplayState
from harness.replay.wire import Answer, ok


@route("GET /users/me")
def users_me(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    return ok(state.lib.user)


@route("GET /users")
def search_users(state: ReplayState, _ids: tuple[str, ...], _body: Any) -> Answer:
    users = state.users()
    return ok(users, units=len(users))
