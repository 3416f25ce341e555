from __future__ import annotations

import pytest

from autotag.redact import redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:KEY@immich:2283/api", "http://immich:2283/api"),
        ("https://KEY@[::1]:8443/api", "https://[::1]:8443/api"),
        ("http://immich/api?apiKey=KEY&page=2", "http://immich/api?apiKey=REDACTED&page=2"),
        (
            "http://immich/api?api_key=KEY&x-api-key=KEY&token=KEY&password=KEY&slug=KEY",
            "http://immich/api?api_key=REDACTED&x-api-key=REDACTED&token=REDACTED&password=REDACTED&slug=REDACTED",
        ),
        ("http://immich/api", "http://immich/api"),
    ],
)
def test_urls_lose_user_info_and_key_like_query_values(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_texts_lose_them_wherever_they_are() -> None:
    text = 'GET /x: cannot reach http://u:KEY@h/api?key=KEY: refused; curl "$URL/v?apiKey=KEY&a=1"'
    assert redact_text(text) == (
        'GET /x: cannot reach http://h/api?key=REDACTED: refused; curl "$URL/v?apiKey=REDACTED&a=1"'
    )
