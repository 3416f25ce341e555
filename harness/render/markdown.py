"""GitHub-flavoured markdown of a comparison (a PR comment, a job summary): the verdict, the summary, the
per-endpoint table, the function table and links to the artifacts (relative to where the markdown is written)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
from pandas.api.types import is_numeric_dtype

from harness.judge.compare import Comparison

ICON = {"merge": "✅", "incremental": "🟦", "pivot": "🟨", "reject": "❌"}


ARTIFACTS = {
    "pstats": "cProfile",
    "pyinstrument": "pyinstrument",
    "speedscope": "speedscope",
    "pyinstrument_session": "pyinstrument session",
    "final_state": "final state",
}


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    align = "| " + " | ".join("---:" if is_numeric_dtype(frame[c]) else "---" for c in frame.columns) + " |"
    body = []
    for record in frame.itertuples(index=False):
        cells = [_cell(v) for v in record]
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([header, align, *body])


def markdown_report(comparison: Comparison, out_path: Path | None = None) -> str:
    """The verdict, the summary, the per-endpoint and function tables and the artifacts as GitHub markdown; links
    are relative to ``out_path``'s folder (without it, files are named but not linked)."""
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
        *_functions(comparison),
        *_artifacts(comparison, out_path.parent if out_path is not None else None),
    ]
    return "\n".join(lines)


def _functions(comparison: Comparison) -> list[str]:
    base, new = comparison.baseline.mode, comparison.candidate.mode
    view = comparison.function_view
    if view is None:
        why = "; ".join(comparison.unprofiled) or "no profiles"
        return [f"### Functions, {base} -> {new}", "", f"No function table: no cProfile file for {why}.", ""]
    title = f"### Functions, {base} -> {new}: top {len(view)} by |Δ cumtime| (cProfile, seconds)"
    return [title, "", _table(view), ""]


def _artifacts(comparison: Comparison, folder: Path | None) -> list[str]:
    lines = ["### Artifacts", ""]
    report = _beside(comparison, "report.html")
    if report is not None:
        lines.append(f"- full report: {_link('report.html', str(report), folder)}")
    for run in comparison.runs:
        files = [_link(label, run.artifacts[key], folder) for key, label in ARTIFACTS.items() if key in run.artifacts]
        lines.append(f"- {run.mode}: {', '.join(files) if files else 'none kept'}")
    return [*lines, ""]


def _beside(comparison: Comparison, name: str) -> Path | None:
    """``name`` in the folder of the runs' artifacts, when it is there."""
    for run in comparison.runs:
        for path in run.artifacts.values():
            candidate = Path(path).parent / name
            if candidate.is_file():
                return candidate
    return None


def _link(label: str, path: str, folder: Path | None) -> str:
    if folder is None:
        return f"{label} (`{Path(path).name}`)"
    target = Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
    return f"[{label}]({target})"


def publish_step_summary(text: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when running in GitHub Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
