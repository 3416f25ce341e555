"""A replay of the shipped real cassette behind an httpx client, and OpenAPI validation of what it answers against
the spec of the version it answers as (3.1.0, or 2.7.5 for every 2.x version)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
from openapi_schema_validator import OAS30Validator

from harness.endpoints import endpoint_of
from harness.library.crawl_reader import load_library
from harness.library.snapshot import Library
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import loopback_profile
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore, ReplayTransport
from tests.conftest import DEFAULT_CASSETTE, FIXTURES


@cache
def _real() -> Library:
    return load_library(DEFAULT_CASSETTE)[0]


def fresh_library() -> Library:
    import copy

    return copy.deepcopy(_real())


SPECS = {"3.1.0": "immich-openapi-specs.json", "2.7.5": "immich-openapi-specs.v2.7.5.json"}


def replay_client(
    library: Library | None = None, key: str | None = "k", immich_version: str | None = None
) -> tuple[httpx.Client, ReplayTransport]:
    server = ReplayServer(library or fresh_library(), immich_version=immich_version)
    transport = ReplayTransport(ReplayCore(server, LatencyModel(loopback_profile())))
    headers = {"x-api-key": key} if key else {}
    return httpx.Client(transport=transport, base_url="http://replay/api", headers=headers), transport


def _nullable_refs(node: Any) -> Any:
    """The spec writes nullable references as ``{allOf: [$ref], nullable: true}``; the validator ignores
    ``nullable`` beside ``allOf``, though a real 3.1.0 server does send null there (e.g. ``stack``). Spell it as
    ``anyOf: [$ref, null]``, which is what it means."""
    if isinstance(node, dict):
        if (
            node.get("nullable")
            and len(node.get("allOf", ())) == 1
            and set(node) <= {"allOf", "nullable", "description"}
        ):
            return {"anyOf": [_nullable_refs(node["allOf"][0]), {"enum": [None]}]}
        return {key: _nullable_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_nullable_refs(item) for item in node]
    return node


def _closed(node: Any) -> Any:
    """Every object schema closed (``additionalProperties: false`` unless it says otherwise): an answer may carry no
    key its version's spec does not know, so a 3.x field left in a 2.x answer (or the reverse) fails."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@cache
def spec(version: str = "3.1.0") -> dict[str, Any]:
    """The official spec of ``version`` (a key of ``SPECS``), object schemas closed."""
    data: dict[str, Any] = _closed(_nullable_refs(json.loads((FIXTURES / SPECS[version]).read_text())))
    return data


def spec_of(served: str) -> str:
    """The spec version that checks answers of the served version (``2.x.y`` -> 2.7.5)."""
    return "2.7.5" if served.startswith("2.") else "3.1.0"


def validate(response: httpx.Response, version: str = "3.1.0") -> str:
    """Validate a 2xx body against the response schema of ``version``'s spec; returns the endpoint checked."""
    endpoint = endpoint_of(response.request.method, response.request.url.path)
    method, template = endpoint.split(" ", 1)
    spec_data = spec(spec_of(version))
    operation = spec_data["paths"][template][method.lower()]
    content = operation["responses"][str(response.status_code)].get("content")
    if content is None:
        assert not response.content
        return endpoint
    schema = content["application/json"]["schema"]
    OAS30Validator({**schema, "components": spec_data["components"]}).validate(response.json())
    return endpoint
