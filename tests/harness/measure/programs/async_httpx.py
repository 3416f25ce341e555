"""A foreign asyncio tagger for the tests: httpx.AsyncClient with up to ``--inflight`` requests in flight (a
semaphore), reading every asset of a page at once. Same work as ``plain_httpx.py``; prints its counts as JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections import Counter
from typing import Any

import httpx


async def main(inflight: int) -> None:
    counts: Counter[str] = Counter()
    headers = {"x-api-key": os.environ["IMMICH_API_KEY"]}
    gate = asyncio.Semaphore(inflight)
    async with httpx.AsyncClient(base_url=os.environ["IMMICH_INSTANCE_URL"], headers=headers) as http:

        async def call(method: str, path: str, endpoint: str, body: object = None) -> Any:
            async with gate:
                counts[endpoint] += 1
                response = await http.request(method, path, json=body)
            response.raise_for_status()
            return response.json()

        await call("GET", "/server/version", "GET /server/version")
        (tag,) = await call("PUT", "/tags", "PUT /tags", {"tags": ["untagged"]})
        page: int | None = 1
        while page is not None:
            result = await call("POST", "/search/metadata", "POST /search/metadata", {"page": page, "size": 250})
            items = result["assets"]["items"]
            details = await asyncio.gather(*(call("GET", f"/assets/{a['id']}", "GET /assets/{id}") for a in items))
            bare = [d["id"] for d in details if not d["tags"]]
            if bare:
                await call("PUT", "/tags/assets", "PUT /tags/assets", {"tagIds": [tag["id"]], "assetIds": bare})
            next_page = result["assets"]["nextPage"]
            page = int(next_page) if next_page else None
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--inflight", type=int, default=8)
    asyncio.run(main(parser.parse_args().inflight))
