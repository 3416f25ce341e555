"""The HTML report in a real headless Chromium (Debian's, installed by .ci/run), driven by Playwright."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SMALL_CASSETTE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "reports" / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    import _pytest.capture  # noqa: F401

    out = tmp_path_factory.mktemp("html")
    from autotag.cli import run_cli
    from harness.cli import cli

    with pytest.raises(SystemExit) as done:
        run_cli(
            cli,
            "bench",
            [
                "compare",
                "eager",
                "lazy",
                "batch",
                "index",
                "--cassette",
                str(SMALL_CASSETTE),
                "--out",
                str(out / "runs"),
                "--html",
                str(out / "report.html"),
                "--json",
                str(out / "compare.json"),
                "--profile",
                "both",
            ],
        )
    assert done.value.code == 0
    return out / "report.html", json.loads((out / "compare.json").read_text())


def test_report_renders_offline_without_errors(report) -> None:
    from playwright.sync_api import sync_playwright

    html, record = report
    console_errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        assert console_errors == []
        assert outside == []
        for chart in ("chart-seconds", "chart-timeline", "chart-requests", "chart-functions"):
            box = page.locator(f"#{chart} svg").bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, chart
        assert page.locator("#decision").inner_text().strip().lower() == record["verdict"]["decision"]
        improvement = float(page.locator("#improvement").inner_text())
        assert improvement == pytest.approx(record["verdict"]["improvement_pct"], abs=0.01)
        assert ("NOT" not in page.locator("#equivalence").inner_text()) == record["equivalent"]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, "the page itself must not scroll sideways at 1280 px"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-1280.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "report-1280.png").stat().st_size > 10_000


def test_report_is_one_self_contained_file(report) -> None:
    html, _ = report
    text = html.read_text()
    assert "<script src" not in text and "<link" not in text and "@import" not in text
    assert text.count("<svg") == 4
