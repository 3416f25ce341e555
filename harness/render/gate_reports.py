"""Renderings of a ``GateReport``: JUnit XML (a test case per check) and a markdown summary for pull requests."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from xml.etree import ElementTree

from harness.judge.gate import GateReport

ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


def junit(report: GateReport, seconds: float = 0.0, timestamp: datetime | None = None, hostname: str = "") -> str:
    """JUnit XML as Jenkins' xunit plugin validates it (its ``junit-10.xsd``): one ``testsuite`` with ``name``,
    ``tests``, ``failures``, ``errors``, ``skipped``, ``time`` (``seconds``: what the gate's runs took),
    ``timestamp`` and ``hostname``, the thresholds as ``properties``, and one ``testcase`` per check with its
    ``time`` (0: judging is instant). Failures are ``failure`` elements; warnings go to the case's ``system-out``."""
    checks = report.checks
    when = (timestamp or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    suite = ElementTree.Element(
        "testsuite",
        name=f"bench gate {report.mode}",
        tests=str(len(checks)),
        failures=str(sum(c.level == "fail" for c in checks)),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
        timestamp=when.isoformat(timespec="seconds"),
        hostname=hostname or platform.node() or "localhost",
    )
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in report.settings.items():
        ElementTree.SubElement(properties, "property", name=name, value=value)
    for check in checks:
        case = ElementTree.SubElement(
            suite, "testcase", classname=f"bench.gate.{report.mode}", name=check.name, time="0.000"
        )
        if check.level == "fail":
            ElementTree.SubElement(case, "failure", message=check.message, type="regression").text = check.message
        elif check.level == "warn":
            ElementTree.SubElement(case, "system-out").text = f"WARN: {check.message}"
    ElementTree.SubElement(suite, "system-out").text = f"gate {report.mode}: {report.outcome.upper()}"
    ElementTree.SubElement(suite, "system-err").text = ""
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)


def markdown(report: GateReport) -> str:
    """The outcome, the checks that did not pass, and every check folded away."""
    lines = [f"## {ICON[report.outcome]} bench gate ({report.mode}): **{report.outcome.upper()}**", ""]
    lines += [f"- {ICON[c.level]} {c.message}" for c in report.checks if c.level != "pass"]
    lines += ["", "<details><summary>all checks</summary>", ""]
    lines += [f"- {c.level.upper()}: {c.message}" for c in report.checks]
    lines += ["", "</details>", ""]
    return "\n".join(lines)
