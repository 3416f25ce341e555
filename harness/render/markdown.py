"""GitHub-flavoured markdown of a comparison: the verdict, the summary and the per-endpoint table."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from harness.judge.compare import Comparison

ICON = {"merge": "✅", "incremental": "🟦", "pivot": "🟨", "reject": "❌"}


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:,.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    align = "| " + " | ".join("---" if frame[c].dtype == object else "---:" for c in frame.columns) + " |"
    body = []
    for record in frame.itertuples(index=False):
        cells = [_cell(v) for v in record]
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([header, align, *body])


def markdown_report(comparison: Comparison) -> str:
    """The verdict, the summary and the per-endpoint table as GitHub markdown."""
    verdict = comparison.verdict
    eq = comparison.equivalence
    w = comparison.baseline.workload
    lines = [
        f"## {ICON[verdict.decision]} bench verdict: **{verdict.decision.upper()}** {verdict.mode} "
        f"({verdict.improvement_pct:+.2f} % modeled wall vs {verdict.baseline})",
        "",
        *[f"- {reason}" for reason in verdict.reasons],
        f"- {eq.line()}",
        "",
        f"Workload: `{w['source']}` ({w['assets']:,} assets, Immich {w.get('immich_version')}), "
        f"latency `{comparison.baseline.latency}`.",
        "",
        "### Summary",
        "",
        _table(comparison.summary),
        "",
        "### Requests and modeled seconds per endpoint",
        "",
        _table(comparison.endpoints),
        "",
    ]
    return "\n".join(lines)


def publish_step_summary(text: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when running in GitHub Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
