"""autotag: an Immich 3.x auto-tagger core with interchangeable loading and writing strategies.

It takes its ``Session`` (an httpx transport underneath) from the caller and never knows whether it talks to a live
server or a replay.
"""

from autotag.client import METHOD_ENDPOINTS, ImmichClient
from autotag.errors import (
    ApiError,
    AuthError,
    AutotagError,
    ConfigError,
    ImmichError,
    UnknownModeError,
    UnreachableError,
    UnsupportedServerError,
)
from autotag.modes import MODES, ModeSpec, get_mode
from autotag.rules import RuleSet, Status, load_rules
from autotag.runs import Connection, run_mode
from autotag.session import AsyncSession, Session
from autotag.tagger import AssetDecision, Tagger, TagPlan

__all__ = [
    "METHOD_ENDPOINTS",
    "MODES",
    "ApiError",
    "AssetDecision",
    "AsyncSession",
    "AuthError",
    "AutotagError",
    "ConfigError",
    "Connection",
    "ImmichClient",
    "ImmichError",
    "ModeSpec",
    "RuleSet",
    "Session",
    "Status",
    "TagPlan",
    "Tagger",
    "UnknownModeError",
    "UnreachableError",
    "UnsupportedServerError",
    "get_mode",
    "load_rules",
    "run_mode",
]
