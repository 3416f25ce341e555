"""A foreign tagger for the tests, as a tagger author might write one: plain httpx, one request at a time, with
``--threads N`` reading the assets from N worker threads. It pages through the library, reads every asset, and tags
the assets that have no tag with ``untagged`` (one bulk write per page). It prints its own request counts as JSON."""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    limits = httpx.Limits(max_connections=args.threads + 1)
    with httpx.Client(base_url=os.environ["IMMICH_INSTANCE_URL"], headers=headers, limits=limits) as http:

        def call(method: str, path: str, endpoint: str, body: object = None) -> object:
            counts[endpoint] += 1
            response = http.request(method, path, json=body)
            response.raise_for_status()
            return response.json()

        call("GET", "/server/version", "GET /server/version")
        (tag,) = call("PUT", "/tags", "PUT /tags", {"tags": ["untagged"]})  # type: ignore[misc]
        page: int | None = 1
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            while page is not None:
                result = call("POST", "/search/metadata", "POST /search/metadata", {"page": page, "size": 250})
                items = result["assets"]["items"]  # type: ignore[index]
                details = pool.map(lambda a: call("GET", f"/assets/{a['id']}", "GET /assets/{id}"), items)
                bare = [d["id"] for d in details if not d["tags"]]  # type: ignore[index]
                if bare:
                    call("PUT", "/tags/assets", "PUT /tags/assets", {"tagIds": [tag["id"]], "assetIds": bare})
                next_page = result["assets"]["nextPage"]  # type: ignore[index]
                page = int(next_page) if next_page else None
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
