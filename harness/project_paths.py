"""Where the project's shipped inputs live, and how paths inside it are stored so results travel between machines."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CASSETTE_DIR = REPO_ROOT / "cassettes"
DEFAULT_CASSETTE = CASSETTE_DIR / "immich-3.1.0-3k.json.gz"
DEFAULT_RULES = REPO_ROOT / "rules.example.yaml"
DEFAULT_REPORTS = REPO_ROOT / "reports"


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
