"""A vcrpy persister for this project's cassettes: gzip or plain, read and written as vcrpy's JSON.

Why vcrpy alone reads ``cassettes/immich-3.1.0-3k.json.gz`` as an empty cassette: its ``FilesystemPersister``
opens every cassette as text, gzip bytes fail to decode, it raises ``CassetteDecodeError``, and ``Cassette._load``
treats that as "no cassette" with nothing but a log warning; the first request then fails with
``CannotOverwriteExistingCassetteException`` (``record_mode="none"``) or, worse, is recorded over the file. This
persister gunzips what starts with the gzip magic bytes and otherwise behaves as vcrpy's own; it writes gzip when the
name ends in ``.gz``, atomically. Use it with the JSON serializer::

    import vcr
    from harness.library.vcr_persister import GzipPersister

    my_vcr = vcr.VCR(serializer="json", record_mode="none", match_on=["method", "path", "query", "body"])
    my_vcr.register_persister(GzipPersister)
    with my_vcr.use_cassette("cassettes/immich-3.1.0-3k.json.gz"):
        ...

(with pytest-recording: ``vcr.register_persister(GzipPersister)`` in a ``pytest_recording_configure(config, vcr)``
hook of ``conftest.py``). vcrpy drops the ``duration_ms`` of each interaction when it saves a cassette; the
``.timings.json`` sidecar beside it keeps them (``harness.library.timings_sidecar``).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any

from harness.atomic_write import write_atomic

GZIP_MAGIC = b"\x1f\x8b"


class GzipPersister:
    """vcrpy's persister interface (``load_cassette``, ``save_cassette``) for plain and gzip cassettes."""

    @classmethod
    def load_cassette(cls, cassette_path: str | Path, serializer: Any) -> Any:
        """vcrpy's ``(requests, responses[, metadata])`` of the cassette; vcrpy's not-found and decode errors."""
        from vcr.persisters.filesystem import CassetteDecodeError, CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        raw = path.read_bytes()
        try:
            text = (gzip.decompress(raw) if raw[:2] == GZIP_MAGIC else raw).decode("utf-8")
        except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
            raise CassetteDecodeError(f"cannot read cassette {path}: {exc}") from exc
        if not text.strip():
            raise CassetteNotFoundError()
        return deserialize(text, serializer)

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: dict[str, Any], serializer: Any) -> None:
        """Serialise as vcrpy does; gzip when the name ends in ``.gz``."""
        from vcr.serialize import serialize

        path = Path(cassette_path)
        text = serialize(cassette_dict, serializer).encode("utf-8")
        write_atomic(path, gzip.compress(text, mtime=0) if path.suffix == ".gz" else text)
