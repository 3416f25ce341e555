"""Renderings of a ``GateReport``: JUnit XML (a test case per check) and a markdown summary for pull requests."""

from __future__ import annotations

from xml.etree import ElementTree

from harness.judge.gate import GateReport

ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


def junit(report: GateReport) -> str:
    """JUnit XML: one ``testcase`` per check, failures as ``failure``, warnings in ``system-out``."""
    suite = ElementTree.Element(
        "testsuite",
        name=f"bench gate {report.mode}",
        tests=str(len(report.checks)),
        failures=str(sum(c.level == "fail" for c in report.checks)),
    )
    for check in report.checks:
        case = ElementTree.SubElement(suite, "testcase", classname=f"bench.gate.{report.mode}", name=check.name)
        if check.level == "fail":
            ElementTree.SubElement(case, "failure", message=check.message).text = check.message
        elif check.level == "warn":
            ElementTree.SubElement(case, "system-out").text = f"WARN: {check.message}"
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)


def markdown(report: GateReport) -> str:
    """The outcome, the checks that did not pass, and every check folded away."""
    lines = [f"## {ICON[report.outcome]} bench gate ({report.mode}): **{report.outcome.upper()}**", ""]
    lines += [f"- {ICON[c.level]} {c.message}" for c in report.checks if c.level != "pass"]
    lines += ["", "<details><summary>all checks</summary>", ""]
    lines += [f"- {c.level.upper()}: {c.message}" for c in report.checks]
    lines += ["", "</details>", ""]
    return "\n".join(lines)
