"""A replay of the shipped real cassette behind an httpx client, and OpenAPI validation of what it answers."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
from openapi_schema_validator import OAS30Validator

from harness.endpoints import endpoint_of
from harness.library.crawl_reader import load_library
from harness.library.snapshot import Library
from harness.replay.latency import LatencyModel, loopback_profile
from harness.replay.server import ReplayServer
from harness.replay.transports import ReplayCore, ReplayTransport
from tests.conftest import DEFAULT_CASSETTE, FIXTURES


@cache
def _real() -> Library:
    return load_library(DEFAULT_CASSETTE)[0]


def fresh_library() -> Library:
    import copy

    return copy.deepcopy(_real())


def replay_client(library: Library | None = None, key: str | None = "k") -> tuple[httpx.Client, ReplayTransport]:
    transport = ReplayTransport(ReplayCore(ReplayServer(library or fresh_library()), LatencyModel(loopback_profile())))
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


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = _nullable_refs(json.loads((FIXTURES / "immich-openapi-specs.json").read_text()))
    return data


def validate(response: httpx.Response) -> str:
    """Validate a 2xx body against the 3.1.0 spec's response schema; returns the endpoint checked."""
    endpoint = endpoint_of(response.request.method, response.request.url.path)
    method, template = endpoint.split(" ", 1)
    operation = spec()["paths"][template][method.lower()]
    content = operation["responses"][str(response.status_code)].get("content")
    if content is None:
        assert not response.content
        return endpoint
    schema = content["application/json"]["schema"]
    OAS30Validator({**schema, "components": spec()["components"]}).validate(response.json())
    return endpoint
