"""``bench record``: crawl a live Immich 2.x or 3.x into a vcrpy v1 cassette, through vcrpy itself.

vcrpy records every request of the crawl (``harness.library.crawl``) with the JSON serializer; the API key is
scrubbed by vcrpy's ``filter_headers`` / ``filter_query_parameters`` before anything is written, and every recorded
``uri`` loses its user-info (``http://user:KEY@host``) and the values of key-like query parameters
(``autotag.redact``). The persister below adds what vcrpy ignores on load: each interaction's measured
``duration_ms`` and a ``recorded_with`` block (Immich version, recording time, tool). It writes gzip when the file
name ends in ``.gz``, and always atomically; the durations also go to the ``.timings.json`` sidecar (a cassette
vcrpy re-saves loses them), and with ``plain_json`` a plain JSON copy goes beside a ``.gz``, which vcrpy's own
persister reads as it is.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpcore
import httpx

from autotag.redact import redact_url
from autotag.retry import Retrier, RetryLog, RetryPolicy, Sleep
from harness.atomic_write import write_atomic
from harness.errors import NotImmichError, ServerFailure
from harness.library.crawl import Progress, crawl, http_sender
from harness.library.timings_sidecar import write_sidecar

SECRET_HEADERS = ["x-api-key", "authorization", "cookie", "set-cookie", "proxy-authorization"]
SECRET_QUERY = ["apiKey", "key", "api_key", "token", "access_token", "password", "slug"]


def make_persister(durations: list[float], meta: dict[str, Any]) -> type:
    """A vcrpy persister that writes JSON (gzip for .gz) atomically, with durations and metadata added."""

    class TimedPersister:
        @classmethod
        def load_cassette(cls, cassette_path: str, serializer: Any) -> Any:
            from vcr.persisters.filesystem import CassetteNotFoundError

            raise CassetteNotFoundError()  # recording always starts empty

        @staticmethod
        def save_cassette(cassette_path: str, cassette_dict: dict[str, Any], serializer: Any) -> None:
            from vcr.serialize import serialize

            data = json.loads(serialize(cassette_dict, serializer))
            for interaction, duration in zip(data["interactions"], durations, strict=False):
                interaction["duration_ms"] = round(duration, 3)
            data["recorded_with"] = meta
            text = json.dumps(data, separators=(",", ":")).encode()
            path = Path(cassette_path)
            write_atomic(path, gzip.compress(text, mtime=0) if path.suffix == ".gz" else text)

    return TimedPersister


class TimingPool:
    """Wraps httpcore's connection pool inside an ``httpx.HTTPTransport``: times each exchange from sending the
    request to reading the whole body. vcrpy records one level up (it patches ``HTTPTransport.handle_request``), so
    the durations are the server's and the network's, never vcrpy's own recording overhead (which grew to ~23 ms
    per call in the shared reference recording)."""

    def __init__(self, pool: Any, durations: list[float]) -> None:
        self._pool = pool
        self.durations = durations

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        started = time.perf_counter()
        response = self._pool.handle_request(request)
        try:
            content = b"".join(response.stream)
        finally:
            response.close()
        self.durations.append((time.perf_counter() - started) * 1000)
        return httpcore.Response(
            response.status, headers=response.headers, content=content, extensions=response.extensions
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def timing_transport(durations: list[float]) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    transport._pool = TimingPool(transport._pool, durations)  # type: ignore[assignment]
    return transport


def scrub_uri(request: Any) -> Any:
    """vcrpy's ``before_record_request``: the request's URI without user-info or key-like query values."""
    request.uri = redact_url(request.uri)
    return request


def server_version(http: httpx.Client) -> str:
    """``X.Y.Z`` from ``GET /server/version``; ``NotImmichError`` when the server does not answer like Immich,
    ``ServerFailure`` when it fails."""
    response = http.get("/server/version")
    where = redact_url(str(response.request.url))
    if response.status_code >= 500:
        raise ServerFailure(f"{where} answered {response.status_code}: the server failed; try again later")
    try:
        data: Any = response.json() if response.status_code == 200 else {}
        version = f"{int(data['major'])}.{int(data['minor'])}.{int(data['patch'])}"
    except (ValueError, TypeError, KeyError):
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise NotImmichError(
            f"{where} answered {response.status_code} ({kind}), not an Immich server version: is --url an Immich "
            "server (its web address, with or without /api)?"
        ) from None
    return version


def plain_copy(cassette: Path) -> Path:
    """The plain JSON beside a ``.json.gz`` (``mine.json.gz`` -> ``mine.json``)."""
    return cassette.with_name(cassette.name.removesuffix(".gz").removesuffix(".json") + ".json")


def record(
    url: str,
    api_key: str,
    out: Path,
    progress: Progress | None = None,
    client_factory: Callable[..., httpx.Client] = httpx.Client,
    plain_json: bool = False,
    retry: RetryPolicy | None = None,
    sleep: Sleep | None = None,
    retry_log: RetryLog | None = None,
) -> dict[str, int]:
    """Crawl the server at ``url`` into the cassette ``out`` (vcrpy JSON, gzip for ``.gz``) and its timings
    sidecar, with a plain JSON copy beside a ``.gz`` when ``plain_json``; returns what it saw. Failed reads are
    retried by ``retry`` (waiting with ``sleep``, ``time.sleep`` by default); ``retry_log`` receives their count."""
    import vcr

    durations: list[float] = []
    meta: dict[str, Any] = {
        "tool": "autotag-bench record",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    recorder = vcr.VCR(
        serializer="json",
        record_mode="all",
        filter_headers=SECRET_HEADERS,
        filter_query_parameters=SECRET_QUERY,
        before_record_request=scrub_uri,
        decode_compressed_response=True,
    )
    recorder.register_persister(make_persister(durations, meta))
    headers = {"x-api-key": api_key, "accept": "application/json"}
    with client_factory(base_url=url, headers=headers, timeout=120, transport=timing_transport(durations)) as http:
        meta["immich_version"] = server_version(http)  # outside the cassette: to label it
        durations.clear()
        # Record beside the target and rename on success: a crawl that fails half-way leaves no cassette behind.
        partial = out.with_name(f".{out.name}.partial{''.join(out.suffixes[-1:])}")
        try:
            with recorder.use_cassette(str(partial)):
                retrier = Retrier(retry or RetryPolicy(), sleep)
                if retry_log is not None:
                    retrier.log = retry_log
                seen = crawl(http_sender(http, retrier), progress)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    companions(out, plain_json)
    return seen


def companions(cassette: Path, plain_json: bool) -> None:
    """The timings sidecar of a written cassette, and its plain JSON copy when asked for (beside a ``.gz``)."""
    raw = cassette.read_bytes()
    text = gzip.decompress(raw) if cassette.suffix == ".gz" else raw
    write_sidecar(cassette, json.loads(text))
    if plain_json and cassette.suffix == ".gz":
        write_atomic(plain_copy(cassette), text)
