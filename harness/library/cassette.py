"""Read vcrpy v1 cassettes (JSON or YAML, plain or ``.gz``) into plain interactions, linearly in their size.

The format is vcrpy's own: ``{"version": 1, "interactions": [{"request": {method, uri, body, headers},
"response": {status: {code, message}, headers, body: {string}}}]}``. Extras vcrpy ignores are read when present:
``duration_ms`` on an interaction, and a sidecar ``<name>.timings.json`` (rows with ``net_ms`` in cassette order,
``harness.library.timings_sidecar``). Replaying does not need vcrpy; recording uses it (``harness.library.record``);
``harness.library.vcr_persister`` lets vcrpy itself read the gzip cassettes.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from harness.errors import CassetteError
from harness.library.timings_sidecar import sidecar_durations

CASSETTE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded exchange: request method, path, query and body; response status and body; duration."""

    method: str
    path: str
    query: str
    request_body: str
    status: int
    response_body: str
    duration_ms: float | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict):  # {"string": ...} or vcrpy's base64 form
        if "string" in value:
            return _text(value["string"])
        if "base64_string" in value:
            return base64.b64decode(value["base64_string"]).decode("utf-8", errors="replace")
    return str(value)


def read_bytes(path: Path) -> bytes:
    """The cassette's bytes, gunzipped when gzip; ``CassetteError`` when unreadable."""
    if not path.exists():
        raise CassetteError(f"cassette not found: {path}")
    if not path.is_file():
        raise CassetteError(f"not a file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CassetteError(f"cannot read cassette {path}: {exc.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            raise CassetteError(f"{path}: truncated or corrupt gzip file") from None
    return raw


def parse_document(path: Path, raw: bytes) -> Any:
    """The cassette document, JSON or YAML."""
    text = raw.decode("utf-8", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise CassetteError(f"{path}: not valid JSON ({exc})") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        raise CassetteError(f"{path}: neither JSON nor YAML") from None


def read_cassette(path: Path, timings: Path | None = None) -> list[Interaction]:
    """The interactions of a vcrpy v1 cassette, with durations from ``timings`` when given (a sidecar of this
    cassette, whatever its name: it overrides the cassette's own), else from the sidecar beside it when the
    cassette has none."""
    data = parse_document(path, read_bytes(path))
    if not isinstance(data, dict) or "interactions" not in data or not isinstance(data["interactions"], list):
        raise CassetteError(f"{path}: not a vcrpy cassette (no 'interactions' list)")
    version = data.get("version")
    if version != CASSETTE_VERSION:
        raise CassetteError(f"{path}: unknown cassette version {version!r} (this tool reads vcrpy version 1)")
    try:
        interactions = [_interaction(item) for item in data["interactions"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise CassetteError(f"{path}: malformed interaction ({exc.__class__.__name__}: {exc})") from None
    return _with_sidecar_timings(path, interactions, timings)


def _interaction(item: dict[str, Any]) -> Interaction:
    request, response = item["request"], item["response"]
    url = urlsplit(request["uri"])
    status = response["status"]
    code = status["code"] if isinstance(status, dict) else status
    duration = item.get("duration_ms")
    return Interaction(
        method=str(request["method"]).upper(),
        path=url.path,
        query=url.query,
        request_body=_text(request.get("body")),
        status=int(code),
        response_body=_text(response.get("body")),
        duration_ms=float(duration) if duration is not None else None,
    )


def _with_sidecar_timings(path: Path, interactions: list[Interaction], timings: Path | None) -> list[Interaction]:
    """The interactions with the durations of ``timings``, or of their ``.timings.json`` sidecar when they have
    none of their own."""
    if timings is None and any(i.duration_ms is not None for i in interactions):
        return interactions
    durations = sidecar_durations(path, [(i.method, i.path) for i in interactions], timings)
    if durations is None:
        return interactions
    return [replace(i, duration_ms=ms) for i, ms in zip(interactions, durations, strict=True)]
