"""The HTML report in a real headless Chromium (Debian's, installed by .ci/run), driven by Playwright, at 1400 and
800 px wide: it renders offline, every chart keeps each subject's shares inside its wall, and the verdict says what
the tables say. Screenshots go to a temporary folder (and to ``$BENCH_SCREENSHOTS`` when set, to look at them)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SMALL_CASSETTE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MODES = ["eager", "lazy", "batch", "index", "async"]

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
                *MODES,
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


def table(page: Any, table_id: str) -> list[dict[str, str]]:
    """The rows of an HTML table, by header."""
    headers = [h.strip() for h in page.locator(f"#{table_id} thead th").all_inner_texts()]
    rows = []
    for row in page.locator(f"#{table_id} tbody tr").all():
        rows.append(dict(zip(headers, [c.strip() for c in row.locator("td").all_inner_texts()], strict=True)))
    return rows


def right(page: Any, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["x"] + box["width"])


@pytest.mark.parametrize("width", [1400, 800])
def test_report_renders_offline_and_reads_correctly(report, width: int, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    html, record = report
    console_errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        assert console_errors == []
        assert outside == []
        for chart in ("chart-seconds", "chart-in-flight", "chart-timeline", "chart-requests", "chart-functions"):
            box = page.locator(f"#{chart} svg").bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, chart
        for flame in ("flame-diff", "flame-0", "flame-3"):
            box = page.locator(f"#{flame}").bounding_box()
            assert box and box["width"] > 300 and box["height"] > 50, flame
        check_no_share_passes_its_wall(page)
        check_the_verdict_agrees_with_the_tables(page, record)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page must not scroll sideways"
        shot = tmp_path / f"report-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("BENCH_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def check_no_share_passes_its_wall(page: Any) -> None:
    """In the wall-time chart, every endpoint's share and the idle time of a subject end inside its wall."""
    for index, mode in enumerate(MODES):
        wall = right(page, f"#chart-seconds #wall-{index}")
        segments = page.locator(f'#chart-seconds [id^="share-{index}-"], #chart-seconds #idle-{index}').all()
        assert segments, mode
        for segment in segments:
            box = segment.bounding_box()
            assert box is not None and box["x"] + box["width"] <= wall + 1.0, mode
    text = page.locator("#chart-seconds").inner_text()
    assert "summed" not in text.lower()


def check_the_verdict_agrees_with_the_tables(page: Any, record: dict) -> None:
    """The headline's subject, word and percent are the record's, the summary's and the verdict table's."""
    verdict = record["verdict"]
    judged, change = page.locator("#judged").inner_text(), page.locator("#change").inner_text()
    assert page.locator("#decision").inner_text().strip().lower() == verdict["decision"]
    assert judged == verdict["mode"] == record["best"]
    assert change == verdict["change"] and change.endswith(verdict["direction"])
    assert float(change.split(" %")[0]) == pytest.approx(verdict["change_pct"], abs=0.006)
    summary = {row["subject"]: row for row in table(page, "summary")}
    assert summary[judged]["vs eager"] == change
    walls = {subject: float(row["modeled wall s"].replace(",", "")) for subject, row in summary.items()}
    assert (walls[judged] < walls["eager"]) == change.endswith("faster")
    verdicts = {row["subject"]: row for row in table(page, "verdicts")}
    assert verdicts[judged]["vs eager"] == change and verdicts[judged]["verdict"] == verdict["decision"].upper()
    for subject, row in verdicts.items():
        assert row["vs eager"] == summary[subject]["vs eager"]
        faster, slower = walls[subject] < walls["eager"], walls[subject] > walls["eager"]
        assert row["vs eager"].endswith("faster") == faster and row["vs eager"].endswith("slower") == slower
    assert ("NOT" not in page.locator("#equivalence").inner_text()) == record["equivalent"]


def test_report_is_one_self_contained_file(report) -> None:
    html, _ = report
    text = html.read_text()
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert text.count("<svg") - text.count('<svg x="') == 5 + 6  # five charts, six flame graphs (nested frames aside)
