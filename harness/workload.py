"""What a run replays: a cassette file or a synthetic preset, and the latency model that goes with it.

With neither ``--cassette`` nor ``--library``, commands use the shipped real cassette
(``cassettes/immich-3.1.0-3k.json.gz``). Latency: ``--latency`` wins when given; otherwise a cassette with recorded
durations replays them (endpoints it never recorded, such as writes, come from ``immich-3.1-loopback``, the same
server measured under load), and a synthetic library uses ``seed-2026-01``, the reference run's latencies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import CassetteError
from harness.latency import LatencyModel, Recorded, load_profile, loopback_profile
from harness.library import Library
from harness.snapshot import load_library

REPO_ROOT = Path(__file__).resolve().parent.parent
CASSETTE_DIR = REPO_ROOT / "cassettes"
DEFAULT_CASSETTE = CASSETTE_DIR / "immich-3.1.0-3k.json.gz"
DEFAULT_RULES = REPO_ROOT / "rules.example.yaml"


@dataclass(frozen=True)
class WorkloadSpec:
    cassette: str | None = None
    preset: str | None = None
    assets: int | None = None
    seed: int = 0

    def resolved_cassette(self) -> Path:
        return Path(self.cassette) if self.cassette else DEFAULT_CASSETTE

    def load(self) -> tuple[Library, Recorded, dict[str, Any]]:
        if self.preset is not None:
            from harness.synth import generate_library

            library = generate_library(self.preset, assets=self.assets, seed=self.seed)
            recorded = Recorded()
            digest = hashlib.sha256(f"{self.preset}:{len(library.assets)}:{self.seed}".encode()).hexdigest()
            source = f"preset:{self.preset}"
        else:
            path = self.resolved_cassette()
            if not path.exists():
                raise CassetteError(f"cassette not found: {path}")
            library, recorded = load_library(path)
            digest = file_sha256(path)
            source = repo_relative(path)
        info = {
            "source": source,
            "sha256": digest,
            "assets": len(library.assets),
            "seed": self.seed if self.preset else None,
            "immich_version": library.version_string,
            "initial_state_digest": library.state_digest(),
            **library.summary(),
        }
        return library, recorded, info


def repo_relative(path: Path) -> str:
    """Paths inside the project are stored relative to it, so results and baselines travel between machines."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def resolve_stored(path: str) -> Path:
    """The inverse of ``repo_relative``."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else REPO_ROOT / candidate


def file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def latency_model(latency: str | None, recorded: Recorded) -> LatencyModel:
    if latency is not None:
        return LatencyModel(load_profile(latency))
    if recorded:
        return LatencyModel(recorded.profile("recorded"), recorded, fallback=loopback_profile())
    return LatencyModel(load_profile("seed-2026-01"))
