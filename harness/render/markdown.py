"""GitHub-flavoured markdown of a comparison (a PR comment, a job summary): the verdicts, the summary, the
per-endpoint and function tables (the same cells as the terminal and the HTML page, ``views``) and links to the
artifacts (relative to where the markdown is written)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from harness.judge.compare import Comparison
from harness.render import views
from harness.render.text import OVERLAP_TITLE, judged_phrase, summary_title

ICON = {"merge": "✅", "incremental": "🟦", "pivot": "🟨", "reject": "❌"}
ARTIFACTS = {
    "pstats": "cProfile",
    "pyinstrument": "pyinstrument",
    "speedscope": "speedscope",
    "pyinstrument_session": "pyinstrument session",
    "final_state": "final state",
}


def _table(frame: pd.DataFrame, prose: frozenset[str] = frozenset()) -> str:
    """A markdown table of text cells: the naming column and ``prose`` left-aligned, the numbers right-aligned."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    left = [i == 0 or str(c) in prose for i, c in enumerate(frame.columns)]
    align = "| " + " | ".join("---" if flush else "---:" for flush in left) + " |"
    body = ["| " + " | ".join(_escaped(str(v)) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, align, *body])


def _escaped(text: str) -> str:
    """A cell as GitHub shows it literally: no HTML (``<method 'recv'>``), no column break."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def markdown_report(comparison: Comparison, out_path: Path | None = None) -> str:
    """The verdicts, the summary, the per-endpoint and function tables and the artifacts as GitHub markdown; links
    are relative to ``out_path``'s folder (without it, files are named but not linked)."""
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
        f"latency: {comparison.latency}.",
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
    lines += [*_functions(comparison), *_artifacts(comparison, out_path.parent if out_path is not None else None)]
    return "\n".join(lines)


def _functions(comparison: Comparison) -> list[str]:
    base, new = comparison.baseline.mode, comparison.judged.mode
    view = views.function_view(comparison)
    if view is None:
        why = "; ".join(comparison.unprofiled) or "no profiles"
        return [f"### Functions, {base} -> {new}", "", f"No function table: no cProfile file for {why}.", ""]
    title = f"### Functions, {base} -> {new}: top {len(view)} by |Δ cumtime| (cProfile wall-clock seconds)"
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
