"""The CI examples users copy: every ``bench`` line parses as the CLI defines it, and the GitHub workflow posts one
sticky pull-request comment (found again by its marker and updated) and uploads the report."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from harness.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ci"
WORKFLOW = EXAMPLES / "github-actions.yml"
JENKINS = EXAMPLES / "Jenkinsfile"


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def steps() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow()["jobs"]["gate"]["steps"]
    return found


def bench_lines(text: str) -> list[list[str]]:
    """Every ``bench`` command line of a script (backslash continuations joined)."""
    joined = text.replace("\\\n", " ")
    found = re.finditer(r"(?:^|[\s'])((?:[\w.$/-]*/)?bench [^'\n|]+)", joined)
    lines = [shlex.split(m.group(1))[1:] for m in found]
    return [args for args in lines if args and args[0] in cli.commands]


@pytest.mark.parametrize("path", [WORKFLOW, JENKINS], ids=lambda p: p.name)
def test_every_bench_line_of_the_examples_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path == WORKFLOW:
        text = "\n".join(str(step.get("run", "")) for step in steps())
    lines = bench_lines(text)
    assert [args[0] for args in lines] == ["compare", "gate", "gate"]
    _parse(lines)


@pytest.mark.parametrize(
    "path", [EXAMPLES / "own-tagger-github-actions.yml", EXAMPLES / "own-tagger-Jenkinsfile"], ids=lambda p: p.name
)
def test_the_own_tagger_examples_compare_and_gate_a_base_and_a_head(path: Path) -> None:
    """A user's tagger: base and head as program subjects, compared, then gated (baseline from the base)."""
    lines = bench_lines(path.read_text(encoding="utf-8"))
    assert [args[0] for args in lines] == ["compare", "gate", "gate"]
    compare, update, gate = lines
    assert [a.split("=", 1)[0] for a in compare[1:3]] == ["base", "head"]
    assert "--update-baseline" in update and "--baseline" in gate
    _parse(lines)


def _parse(lines: list[list[str]]) -> None:
    for args in lines:
        command = cli.commands[args[0]]
        with command.make_context(args[0], args[1:]) as context:
            assert isinstance(context, click.Context)


def test_the_workflow_comments_once_and_updates_that_comment() -> None:
    assert workflow()["permissions"]["pull-requests"] == "write"
    (comment,) = [s for s in steps() if str(s.get("uses", "")).startswith("actions/github-script@")]
    script = comment["with"]["script"]
    marker = re.search(r"const marker = '(<!-- [^']+ -->)'", script)
    assert marker is not None
    assert "github.paginate(github.rest.issues.listComments" in script
    assert "c.body.includes(marker)" in script
    assert script.index("updateComment") < script.index("createComment")  # update when found, create otherwise
    assert "read('reports/compare/bench.md')" in script
    assert comment["env"]["ARTIFACT_URL"] == "${{ steps.upload.outputs.artifact-url }}"
    assert comment["if"] == "always() && github.event_name == 'pull_request'"


def test_the_workflow_uploads_the_report_and_fails_on_a_regression() -> None:
    by_id = {s.get("id"): s for s in steps()}
    assert by_id["upload"]["uses"].startswith("actions/upload-artifact@")
    assert by_id["upload"]["with"]["path"] == "reports/" and by_id["upload"]["if"] == "always()"
    assert by_id["gate"]["continue-on-error"] is True
    assert steps()[-1]["if"] == "steps.gate.outcome == 'failure'" and steps()[-1]["run"] == "exit 1"
    compare = next(s for s in steps() if "bench compare" in str(s.get("run", "")))
    assert "--markdown reports/compare/bench.md" in compare["run"] and "--out reports/compare" in compare["run"]
