"""What the replay puts on the wire: JSON bodies encoded as Immich sends them, answers, and Immich's error bodies.

Bodies are compact UTF-8 with non-ASCII left as is, as Immich (``JSON.stringify``) sends them: one definition for
every body the replay serialises, so they cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

JSON_CONTENT_TYPE = b"application/json; charset=utf-8"


def json_bytes(value: Any) -> bytes:
    """A JSON body as Immich encodes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Answer(NamedTuple):
    """What a handler returns: status, JSON body (or its bytes), and the units its latency scales with."""

    status: int
    body: Any
    units: int = 1


class Reply(NamedTuple):
    """One answer as the transports see it: an ``Answer`` plus the endpoint template that served it.
    A named tuple: built for every request, and a tuple is cheaper to build than a frozen dataclass."""

    status: int
    body: Any
    endpoint: str
    units: int = 1
    fault: str | None = None  # an injected fault (``harness.replay.faults``) the transport must act out

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json_bytes(self.body)


def ok(body: Any, units: int = 1, status: int = 200) -> Answer:
    return Answer(status, body, units)


def error(status: int, message: str) -> Answer:
    """Immich's plain error body: ``{"message": ...}``."""
    return Answer(status, {"message": message})


def validation(path: list[str | int], message: str, code: str = "invalid_type") -> Answer:
    """Immich's 400 for a body that fails validation."""
    return Answer(400, {"message": "Validation failed", "errors": [{"code": code, "path": path, "message": message}]})


def invalid_uuid(field: str) -> dict[str, Any]:
    """Immich's 400 body for a malformed UUID in ``field``."""
    return {
        "message": "Validation failed",
        "errors": [
            {"origin": "string", "code": "invalid_format", "format": "uuid", "path": [field], "message": "Invalid UUID"}
        ],
    }
