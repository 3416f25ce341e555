"""``bench generate``: a synthetic library written as a crawl cassette (vcrpy v1, JSON), so synthetic and recorded
libraries flow through the same loader. The crawl asks the replay server of the library directly (no HTTP stack:
this is a file writer, not a measurement) and keeps every exchange in vcrpy's own interaction shape, with
``duration_ms`` holding the modeled latency of the chosen profile (``seed-2026-01`` by default).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from harness.atomic_write import write_atomic
from harness.library.cassette import CASSETTE_VERSION
from harness.library.crawl import Progress, crawl
from harness.library.snapshot import Library
from harness.replay.latency import LatencyModel
from harness.replay.latency_profiles import load_profile
from harness.replay.server import ReplayServer

BASE = "http://immich.local:2283/api"
HEADERS = {"x-api-key": "generated"}


class Recorder:
    """A crawl ``send`` that answers from a replay server and records vcrpy interactions."""

    def __init__(self, server: ReplayServer, latency: LatencyModel) -> None:
        self.server = server
        self.latency = latency
        self.interactions: list[dict[str, Any]] = []

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        route, _, query = path.partition("?")
        reply = self.server.handle(method, route, HEADERS, raw, query.encode())
        content = reply.content()
        request_headers = {"accept": ["application/json"]}
        if raw:
            request_headers["content-type"] = ["application/json"]
        self.interactions.append(
            {
                "request": {"body": raw.decode(), "headers": request_headers, "method": method, "uri": BASE + path},
                "response": {
                    "status": {"code": reply.status, "message": "OK" if reply.status == 200 else "Error"},
                    "headers": {"content-type": ["application/json; charset=utf-8"]},
                    "body": {"string": content.decode()},
                },
                "duration_ms": round(self.latency.seconds("", reply.endpoint, reply.units) * 1000, 3),
            }
        )
        return json.loads(content)


def cassette_of(
    library: Library, progress: Progress | None = None, latency: str = "seed-2026-01", immich_version: str | None = None
) -> dict[str, Any]:
    """The crawl of ``library`` (served as ``immich_version``: default its own) as a vcrpy v1 cassette, each
    interaction with its modeled ``duration_ms``."""
    recorder = Recorder(ReplayServer(library, immich_version=immich_version), LatencyModel(load_profile(latency)))
    crawl(recorder, progress)
    return {"version": CASSETTE_VERSION, "interactions": recorder.interactions}


def write_cassette(path: Path, cassette: dict[str, Any]) -> Path:
    """JSON, gzip-compressed when the name ends in ``.gz``; written atomically."""
    text = json.dumps(cassette, separators=(",", ":"))
    data = gzip.compress(text.encode(), compresslevel=6, mtime=0) if path.suffix == ".gz" else text.encode()
    return write_atomic(path, data)
