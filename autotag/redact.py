"""Secrets out of URLs before they are printed, recorded or stored: the user-info (``http://user:KEY@host``) and the
value of every key-like query parameter (``apiKey``, ``key``, ``api_key``, ``token``, ``password``, ``slug``, ...).

``redact_url`` rewrites one URL; ``redact_text`` every URL inside a text (an error message, a command line).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "REDACTED"
# A query parameter is secret when its name holds one of these (any case, any separator): key, apiKey, api_key,
# x-api-key, token, access_token, password, passwd, secret, signature, sig, auth, session, slug (a shared link's).
SECRET_NAME = re.compile(r"key|token|pass|secret|sig|auth|session|slug|credential", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
TRAILING = ".,:;!?)]}"  # punctuation after a URL in a sentence, not part of it
QUERY_PAIR = re.compile(r"([?&])([A-Za-z0-9_.-]+)=([^&#\s'\"<>]*)")


def secret_param(name: str) -> bool:
    """Whether a query parameter of this name carries a secret."""
    return bool(SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """``url`` without user-info and with the values of key-like query parameters replaced by ``REDACTED``; a text
    that does not parse as a URL is returned with every ``user:pass@`` dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@\s]*@", "//", url)
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(secret_param(name) for name, _value in pairs):
            query = "&".join(
                f"{quote(name, safe='')}={REDACTED if secret_param(name) else quote(value, safe='')}"
                for name, value in pairs
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (``redact_url``), and every key-like ``?name=value`` or
    ``&name=value`` pair outside one too (a URL built from a variable in a command line)."""

    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        bare = url.rstrip(TRAILING)
        return redact_url(bare) + url[len(bare) :]

    def pair(match: re.Match[str]) -> str:
        sep, name, value = match.groups()
        if not secret_param(name):
            return match.group(0)
        return f"{sep}{name}={REDACTED}" + value[len(value.rstrip(TRAILING)) :]

    return QUERY_PAIR.sub(pair, URL_IN_TEXT.sub(one, text))
