"""The one exception tree of the tagger core.

    AutotagError
    ├── ConfigError            a rules file that is missing, unparseable or invalid
    ├── UnknownModeError       a mode name that is not in the registry
    └── ImmichError            anything a server (or the way to it) answered badly
        ├── UnreachableError   no HTTP answer at all (DNS, refused, timeout)
        ├── UnsupportedServerError   not an Immich 3.x server
        └── ApiError           an HTTP error status from Immich, with endpoint and message
            └── AuthError      401 or 403 (the message names the missing permission)

The CLI catches only the root and prints ``ErrorName: message`` on one line.
"""

from __future__ import annotations


class AutotagError(Exception):
    """Root of every error the tagger core raises on purpose."""


class ConfigError(AutotagError):
    """The rules configuration cannot be used; the message names the file and the problem."""


class UnknownModeError(AutotagError):
    """A mode name that the registry does not know; the message lists the valid ones."""


class ImmichError(AutotagError):
    """A failure talking to an Immich server."""


class UnreachableError(ImmichError):
    """The server could not be reached at all."""


class UnsupportedServerError(ImmichError):
    """The server answered, but it is not an Immich 3.x server."""


class ApiError(ImmichError):
    """An error status from Immich, carrying the endpoint, the status and Immich's own message."""

    def __init__(self, endpoint: str, status: int, message: str) -> None:
        self.endpoint = endpoint
        self.status = status
        self.message = message
        super().__init__(f"{endpoint} -> {status}: {message}")


class AuthError(ApiError):
    """401 (no or bad API key) or 403 (the key lacks a permission)."""
