"""GitHub-flavoured markdown of a comparison: the verdicts, the summary and the per-endpoint tables (the same cells
as the terminal and the HTML page, ``views``)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from harness.judge.compare import Comparison
from harness.render import views
from harness.render.text import OVERLAP_TITLE, judged_phrase, summary_title

ICON = {"merge": "✅", "incremental": "🟦", "pivot": "🟨", "reject": "❌"}


def _table(frame: pd.DataFrame, prose: frozenset[str] = frozenset()) -> str:
    """A markdown table of text cells: the naming column and ``prose`` left-aligned, the numbers right-aligned."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    left = [i == 0 or str(c) in prose for i, c in enumerate(frame.columns)]
    align = "| " + " | ".join("---" if flush else "---:" for flush in left) + " |"
    body = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, align, *body])


def markdown_report(comparison: Comparison) -> str:
    """The verdicts, the summary and the per-endpoint tables as GitHub markdown."""
    verdict = comparison.verdict
    eq = comparison.equivalence
    w = comparison.baseline.workload
    base = comparison.baseline.mode
    which = judged_phrase(comparison)
    best = f" ({which})" if which else ""
    lines = [
        f"## {ICON[verdict.decision]} bench verdict: **{verdict.decision.upper()}** {verdict.mode}, "
        f"{verdict.versus}{best}",
        "",
        *[f"- {reason}" for reason in verdict.reasons],
        f"- {eq.line()}",
        *[f"- ⚠️ {warning}" for warning in comparison.warnings],
        "",
    ]
    if len(comparison.verdicts) > 1:
        verdicts = _table(views.verdict_view(comparison), frozenset({"why"}))
        lines += [f"### Verdict for every subject against {base}", "", verdicts, ""]
    lines += [
        f"Workload: `{w['source']}` ({w['assets']:,} assets, Immich {w.get('immich_version')}), "
        f"latency `{comparison.baseline.latency}`.",
        "",
        f"### {summary_title(comparison)}",
        "",
        _table(views.summary_view(comparison)),
        "",
        f"### Requests per endpoint (in brackets: subject minus {base})",
        "",
        _table(views.endpoint_matrix(comparison, views.REQUESTS)),
        "",
        f"### Modeled seconds per endpoint: share of the wall time (in brackets: subject minus {base})",
        "",
        _table(views.endpoint_matrix(comparison, views.SHARE)),
        "",
    ]
    overlap = views.overlap_view(comparison)
    if overlap is not None:
        lines += [f"### {OVERLAP_TITLE}", "", _table(overlap), ""]
    return "\n".join(lines)


def publish_step_summary(text: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when running in GitHub Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
