from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = FIXTURES / "immich-samples"
DEFAULT_CASSETTE = ROOT / "cassettes" / "immich-3.1.0-3k.json.gz"
SMALL_CASSETTE = ROOT / "cassettes" / "small-300.json.gz"


def sample(name: str) -> dict[str, Any]:
    """A real Immich 3.1.0 request/response pair from shared/immich-api/samples."""
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text())
    return data


@pytest.fixture(autouse=True)
def reports_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests never write run folders into the user's reports/: the default folder is a temporary one."""
    from harness.measure import run_folders

    folder = tmp_path_factory.mktemp("reports")
    monkeypatch.setattr(run_folders, "DEFAULT_REPORTS", folder)
    return folder


@pytest.fixture(scope="session", autouse=True)
def repo_reports_untouched():
    """Nothing a test runs (in this process or a subprocess) adds anything to the repository's reports/."""
    folder = ROOT / "reports"
    before = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    yield
    after = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    assert after <= before, f"tests wrote into {folder}: {sorted(after - before)}"


@pytest.fixture
def rules_file(tmp_path: Path):
    def write(text: str) -> Path:
        path = tmp_path / "rules.yaml"
        path.write_text(text)
        return path

    return write
