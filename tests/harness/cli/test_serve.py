from __future__ import annotations

import httpx

from harness.library.cassette import read_cassette
from tests.conftest import DEFAULT_CASSETTE
from tests.harness.cli.helpers import serving

ASSET = "5f7fa4a4-81de-4044-9a1c-6df549dd8c2e"


def test_serve_answers_with_the_recorded_body_and_stops_on_ctrl_c() -> None:
    recorded = next(i for i in read_cassette(DEFAULT_CASSETTE) if i.path == f"/api/assets/{ASSET}")
    with serving("--api-key", "curl-key") as url:
        response = httpx.get(f"{url}/api/assets/{ASSET}", headers={"x-api-key": "curl-key"})
        assert response.status_code == 200
        assert response.content == recorded.response_body.encode()
        assert httpx.get(f"{url}/api/assets/{ASSET}").status_code == 401
        missing = httpx.get(f"{url}/api/people", headers={"x-api-key": "curl-key"})
        assert missing.status_code == 501 and "cannot serve GET /api/people" in missing.json()["message"]
    # leaving the block sent SIGINT and checked a clean exit 0 without a traceback
