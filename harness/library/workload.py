"""``WorkloadSpec``: what a run replays, as one frozen, serialisable record.

A workload is a library (a cassette file, or a synthetic preset with its size and seed), the rules the tagger
applies, the latency model, and the conditions around the server (the Immich version it answers as, a modeled
reverse proxy's limit, the faults injected: ``harness.replay.faults``, drawn with ``seed``). With neither
``cassette`` nor ``preset``, the shipped real cassette (``cassettes/immich-3.1.0-3k.json.gz``) is replayed; without
``rules``, the shipped example rules. The spec travels whole from the command line to the worker process and is
stored in every RunResult (``workload.spec``), so a saved run says exactly how to replay it again.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from harness.errors import CassetteError, ResultError
from harness.library.crawl_reader import load_library
from harness.library.recorded_timings import Recorded
from harness.library.snapshot import Library
from harness.project_paths import DEFAULT_CASSETTE, DEFAULT_RULES, repo_relative, resolve_stored


@dataclass(frozen=True, kw_only=True)
class WorkloadSpec:
    """The library, rules, latency and server conditions of a run."""

    cassette: str | None = None
    preset: str | None = None
    assets: int | None = None
    seed: int = 0
    rules: str | None = None
    latency: str | None = None
    proxy_limit: int | None = None
    immich_version: str | None = None  # the version served; None: the one the library was recorded from
    timings: str | None = None  # a timings sidecar for the cassette; None: the one beside it, if any
    faults: str | None = None  # injected faults (``--faults``, canonical text); None: none
    fault_hold_s: float | None = None  # over HTTP, how long a ``timeout`` fault holds its answer; None: the default

    @property
    def cassette_path(self) -> Path:
        return Path(self.cassette) if self.cassette else DEFAULT_CASSETTE

    @property
    def rules_path(self) -> Path:
        return Path(self.rules) if self.rules else DEFAULT_RULES

    def to_json(self) -> dict[str, Any]:
        """The spec with project paths stored relative to the project (see ``repo_relative``)."""
        data = asdict(self)
        for key in ("cassette", "rules", "timings"):
            if data[key] is not None:
                data[key] = repo_relative(Path(data[key]))
        return data

    @classmethod
    def from_json(cls, data: Any, source: str = "workload spec") -> WorkloadSpec:
        if not isinstance(data, dict) or set(data) - {f.name for f in fields(cls)}:
            raise ResultError(f"{source}: not a workload spec")
        resolved: dict[str, Any] = {
            k: str(resolve_stored(v)) if k in ("cassette", "rules", "timings") and v else v for k, v in data.items()
        }
        try:
            return cls(**resolved)
        except TypeError as exc:
            raise ResultError(f"{source}: malformed workload spec ({exc})") from None

    def load(self) -> tuple[Library, Recorded, dict[str, Any]]:
        """The library, its recorded durations, and the description stored in RunResults."""
        if self.preset is not None:
            from harness.library.synthetic import generate_library

            library = generate_library(self.preset, assets=self.assets, seed=self.seed)
            recorded = Recorded()
            digest = hashlib.sha256(f"{self.preset}:{len(library.assets)}:{self.seed}".encode()).hexdigest()
            source = f"preset:{self.preset}"
        else:
            path = self.cassette_path
            if not path.exists():
                raise CassetteError(f"cassette not found: {path}")
            library, recorded = load_library(path, Path(self.timings) if self.timings else None)
            digest = file_sha256(path)
            source = repo_relative(path)
        info = {
            "source": source,
            "sha256": digest,
            "assets": len(library.assets),
            "seed": self.seed if self.preset else None,
            "immich_version": self.immich_version or library.version_string,
            "initial_state_digest": library.state_digest(),
            **library.summary(),
        }
        if self.timings:
            info["timings"] = repo_relative(Path(self.timings))
        return library, recorded, info


def file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
