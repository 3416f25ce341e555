"""The gate's JUnit XML, parsed and checked against the rules of Jenkins' xunit plugin schema (``junit-10.xsd``):
which elements may hold which, which attributes each may carry and which it must."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

from harness.judge.gate import GateReport, GateThresholds, judge
from harness.library.workload import WorkloadSpec
from harness.measure.run_spec import RunSpec
from harness.measure.runner import execute
from harness.render.gate_reports import junit, markdown
from tests.conftest import SMALL_CASSETTE

# junit-10.xsd, restated: element -> (children allowed, attributes allowed, attributes required)
TEXT_ONLY: tuple[set[str], set[str], set[str]] = (set(), {"type", "message"}, set())
SCHEMA: dict[str, tuple[set[str], set[str], set[str]]] = {
    "testsuite": (
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
        {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "skips", "timestamp", "hostname", "id"}
        | {"package", "assertions", "file", "skip", "log", "url"},
        {"tests"},
    ),
    "properties": ({"property"}, set(), set()),
    "property": (set(), {"name", "value"}, {"name", "value"}),
    "testcase": (
        {"skipped", "error", "failure", "rerunFailure", "rerunError", "system-out", "system-err"},
        {"name", "assertions", "time", "timestamp", "classname", "status", "class", "file", "line", "log"}
        | {"group", "url"},
        {"name"},
    ),
    "failure": TEXT_ONLY,
    "error": TEXT_ONLY,
    "skipped": TEXT_ONLY,
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}


def violations(element: ElementTree.Element) -> list[str]:
    """Every place ``element`` and its descendants break the schema's rules."""
    children, allowed, required = SCHEMA[element.tag]
    found = [f"{element.tag}: unknown attribute {a}" for a in sorted(set(element.attrib) - allowed)]
    found += [f"{element.tag}: missing {a}" for a in sorted(required - set(element.attrib))]
    for child in element:
        if child.tag not in children:
            found.append(f"{element.tag} may not hold {child.tag}")
        else:
            found += violations(child)
    return found


def report() -> GateReport:
    gate = GateReport("lazy", settings={"wall_pct": "2"})
    gate.add("determinism", "pass", "5 repeated runs agree exactly")
    gate.add("requests GET /assets/{id}", "fail", "GET /assets/{id}: 303 requests, baseline 300 (+3)")
    gate.add("cpu_s", "warn", "CPU seconds: median 0.300 vs baseline 0.200 (x1.50, limit x1.25; too few samples)")
    return gate


def parsed(text: str) -> ElementTree.Element:
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    return ElementTree.fromstring(text)


def test_junit_validates_against_the_xunit_schema_with_every_count_and_time() -> None:
    when = datetime(2026, 11, 27, 12, 30, 5, tzinfo=UTC)
    suite = parsed(junit(report(), seconds=12.3456, timestamp=when, hostname="ci-7"))
    assert suite.tag == "testsuite" and violations(suite) == []
    assert suite.attrib == {
        "name": "bench gate lazy",
        "tests": "3",
        "failures": "1",
        "errors": "0",
        "skipped": "0",
        "time": "12.346",
        "timestamp": "2026-11-27T12:30:05",
        "hostname": "ci-7",
    }
    cases = suite.findall("testcase")
    assert [c.attrib["name"] for c in cases] == ["determinism", "requests GET /assets/{id}", "cpu_s"]
    assert {c.attrib["time"] for c in cases} == {"0.000"} and {c.attrib["classname"] for c in cases} == {
        "bench.gate.lazy"
    }
    failure = cases[1].find("failure")
    assert failure is not None and failure.attrib["message"] == failure.text == (
        "GET /assets/{id}: 303 requests, baseline 300 (+3)"
    )
    assert cases[2].findtext("system-out", "").startswith("WARN: CPU seconds")
    assert cases[0].find("failure") is None and cases[0].find("system-out") is None
    assert [(p.attrib["name"], p.attrib["value"]) for p in suite.iter("property")] == [("wall_pct", "2")]
    assert suite.findtext("system-out") == "gate lazy: FAIL"


def test_a_judged_report_carries_its_thresholds_as_properties() -> None:
    spec = RunSpec(subject="lazy", workload=WorkloadSpec(cassette=str(SMALL_CASSETTE)), profiler="none")
    base = execute(spec)
    gate = judge(base, [base], GateThresholds(wall_pct=3.0))
    suite = parsed(junit(gate, hostname="h"))
    assert violations(suite) == []
    assert {p.attrib["name"]: p.attrib["value"] for p in suite.iter("property")} == {
        "wall_pct": "3",
        "cpu_factor": "1.25",
        "memory_factor": "1.25",
        "alpha": "0.05",
        "repeats": "1",
    }
    assert suite.attrib["failures"] == "0" and int(suite.attrib["tests"]) == len(gate.checks)


def test_markdown_lists_what_did_not_pass_first() -> None:
    text = markdown(report())
    assert text.splitlines()[0] == "## ❌ bench gate (lazy): **FAIL**"
    assert "- ❌ GET /assets/{id}: 303 requests, baseline 300 (+3)" in text
