"""The crawl of DESIGN section 5: what ``bench record`` sends to a live Immich and ``bench generate`` writes.

Order (base path ``/api``): server version, about, users/me; tags; albums; per album ``GET /albums/{id}`` and its
member pages ``POST /search/metadata {"albumIds":[id],"page":p,"size":1000}``; the library pages
``{"page":p,"size":250,"withExif":true}``; then ``GET /assets/{id}`` per asset in page order. On Immich 2.x the
album read already embeds every member (``withoutAssets`` defaults to false), so the member searches are skipped.
Every request is a call of the ``send`` function it is given: ``bench record`` sends through httpx (where vcrpy
records it), ``bench generate`` asks the replay server directly and keeps each exchange.

Every crawl request is a read, so ``http_sender`` retries it on what a busy server or network does (connection
errors, resets, timeouts, 429, 502/503/504, a 500 twice) with the tagger's own policy (``autotag.retry``: tenacity,
exponential backoff with seeded jitter, ``Retry-After`` honoured): one 502 no longer ends a crawl of hours. vcrpy
records the failed attempts too; reading a cassette keeps only 2xx answers, so they teach the library nothing and
their durations are never used as latency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from autotag.retry import Retrier, RetryPolicy
from harness.errors import HarnessError, NotImmichError, ServerFailure

Progress = Callable[[str, int], None]
Send = Callable[[str, str, "dict[str, Any] | None"], Any]


def http_sender(http: httpx.Client, retrier: Retrier | None = None) -> Send:
    """A ``send`` over an httpx client whose base URL ends in ``/api``, retrying as ``retrier`` allows (default:
    ``RetryPolicy()``, waiting with ``time.sleep``); its ``log`` counts the retries."""
    retry = retrier or Retrier(RetryPolicy())

    def send(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        def attempt() -> httpx.Response:
            return http.request(method, path, json=body)

        response = retry.send(attempt, safe=True)  # a read: safe to repeat
        status = response.status_code
        if status != 200:
            said = " ".join(response.text[:200].split())
            what = f"crawl: {method} /api{path} answered {status}: {said}"
            if status in (401, 403):
                raise NotImmichError(f"{what} (the API key is refused: check it and its permissions)")
            if status >= 500 or status == 429:
                raise ServerFailure(f"{what} ({retry.log.summary()})")
            raise HarnessError(what)
        try:
            return response.json()
        except ValueError:
            raise NotImmichError(f"crawl: {method} /api{path} answered 200 with a body that is not JSON") from None

    return send


def _pages(send: Send, body: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    page: int | None = 1
    while page is not None:
        result = send("POST", "/search/metadata", {**body, "page": page})
        ids.extend(item["id"] for item in result["assets"]["items"])
        next_page = result["assets"]["nextPage"]
        page = int(next_page) if next_page is not None else None
    return ids


def crawl(send: Send, progress: Progress | None = None) -> dict[str, int]:
    """Crawl the library behind ``send``; returns what it saw."""
    report = progress or (lambda _stage, _n: None)
    version = send("GET", "/server/version", None)
    major = version.get("major")
    if major not in (2, 3):
        raise HarnessError(
            f"crawl: the server runs Immich {major}.{version.get('minor')}; recording needs Immich 2.x or 3.x"
        )
    send("GET", "/server/about", None)
    send("GET", "/users/me", None)
    tags = send("GET", "/tags", None)
    albums = send("GET", "/albums", None)
    report("albums", len(albums))
    for album in albums:
        send("GET", f"/albums/{album['id']}", None)
        if major == 3:  # 2.x embedded the members in the answer above
            _pages(send, {"albumIds": [album["id"]], "size": 1000})
        report("album", 1)
    assets = _pages(send, {"size": 250, "withExif": True})
    report("assets", len(assets))
    for asset_id in assets:
        send("GET", f"/assets/{asset_id}", None)
        report("asset", 1)
    return {"tags": len(tags), "albums": len(albums), "assets": len(assets)}
