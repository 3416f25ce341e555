"""How the replay writes a JSON body: compact and UTF-8 with non-ASCII left as is, as Immich (``JSON.stringify``)
sends it. One definition for every body the replay serialises, so they cannot drift apart."""

from __future__ import annotations

import json
from typing import Any


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
