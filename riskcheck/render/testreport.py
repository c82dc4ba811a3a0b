"""Views of a ``riskcheck test`` run: text for people, JSON for scripts, JUnit XML for CI."""

from __future__ import annotations

import json
from typing import IO, Any, Callable
from xml.etree import ElementTree

from riskcheck.packtest import Expectation, TestRun

MISSES = {"fn": "should fire, did not (false negative)", "fp": "should stay silent, fired (false positive)"}


def _where(item: Expectation) -> str:
    return item.source if item.line is None else f"{item.source}:{item.line}"


def uncovered_reason(run: TestRun, rule: str) -> str:
    stats = run.stats[rule]
    missing = [what for what, count in (("firing fixture (expect: fire)", stats.tp + stats.fn),
                                        ("near-miss fixture (expect: silent)", stats.tn + stats.fp)) if not count]
    return "no " + " and no ".join(missing)


def summary(run: TestRun) -> dict[str, Any]:
    return {"passed": run.exit_code == 0, "fixtures": run.fixtures, "expectations": len(run.expectations),
            "failed": len(run.failures), "rules": len(run.required), "uncovered": len(run.uncovered),
            "errors": len(run.errors)}


def write_text(run: TestRun, out: IO[str], packs: list[dict[str, str]]) -> None:
    """Failures, errors and uncovered rules first, then a table of outcomes per rule."""
    for error in run.errors:
        out.write(f"ERROR {error}\n")
    for item in run.failures:
        out.write(f"FAIL  {_where(item)}: {item.rule} {MISSES[item.outcome]}\n")
    for rule in run.uncovered:
        out.write(f"UNCOVERED {rule}: {uncovered_reason(run, rule)}\n")
    width = max([len(rule) for rule in run.stats] + [4])
    out.write(f"\n{'rule':<{width}}  {'tp':>3} {'fn':>3} {'tn':>3} {'fp':>3}\n")
    for rule, stats in run.stats.items():
        state = "FAIL" if stats.fn or stats.fp else "uncovered" if rule in run.uncovered else "ok"
        out.write(f"{rule:<{width}}  {stats.tp:>3} {stats.fn:>3} {stats.tn:>3} {stats.fp:>3}  {state}\n")
    s = summary(run)
    names = ", ".join(f"{p['name']} {p['version']}" for p in packs)
    out.write(f"\n{'passed' if s['passed'] else 'FAILED'}: {names}; {s['fixtures']} fixture(s), "
              f"{s['expectations']} expectation(s), {s['failed']} failed; {s['rules']} rule(s), "
              f"{s['uncovered']} uncovered; {s['errors']} fixture error(s)\n")


def write_json(run: TestRun, out: IO[str], packs: list[dict[str, str]]) -> None:
    from riskcheck import __version__

    doc = {
        "riskcheck": 1,
        "generator": f"riskcheck {__version__}",
        "rule_packs": packs,
        "rules": {rule: {"tp": s.tp, "fn": s.fn, "tn": s.tn, "fp": s.fp, "covered": s.covered,
                         "required": rule in run.required} for rule, s in run.stats.items()},
        "expectations": [{"case": e.case, "source": e.source, "line": e.line, "rule": e.rule,
                          "expected": e.expected, "fired": e.fired, "outcome": e.outcome, "ok": e.ok}
                         for e in run.expectations],
        "errors": [str(error) for error in run.errors],
        "summary": summary(run),
    }
    out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def write_junit(run: TestRun, out: IO[str], packs: list[dict[str, str]]) -> None:
    """One test suite per rule (its expectations plus a coverage test), one for unreadable fixtures."""
    root = ElementTree.Element("testsuites", name="riskcheck test " + ", ".join(p["name"] for p in packs))
    by_rule: dict[str, list[Expectation]] = {rule: [] for rule in run.stats}
    for item in run.expectations:
        by_rule[item.rule].append(item)
    for rule, items in by_rule.items():
        suite = ElementTree.SubElement(root, "testsuite", name=rule)
        for item in items:
            case = ElementTree.SubElement(suite, "testcase", classname=rule, name=f"{_where(item)} {item.expected}",
                                          file=item.source)
            if not item.ok:
                ElementTree.SubElement(case, "failure", message=f"{rule} {MISSES[item.outcome]}",
                                       type=item.outcome).text = f"{_where(item)}: {rule} {MISSES[item.outcome]}"
        if rule in run.required:
            case = ElementTree.SubElement(suite, "testcase", classname=rule, name="coverage")
            if rule in run.uncovered:
                ElementTree.SubElement(case, "failure", message=uncovered_reason(run, rule), type="uncovered")
        _count(suite)
    if run.errors:
        suite = ElementTree.SubElement(root, "testsuite", name="fixtures")
        for error in run.errors:
            case = ElementTree.SubElement(suite, "testcase", classname="fixtures", name=error.source)
            ElementTree.SubElement(case, "error", message=str(error))
        _count(suite)
    _count(root)
    ElementTree.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n")


def _count(element: ElementTree.Element) -> None:
    element.set("tests", str(len(element.findall(".//testcase"))))
    element.set("failures", str(len(element.findall(".//failure"))))
    element.set("errors", str(len(element.findall(".//error"))))


FORMATS: dict[str, Callable[[TestRun, IO[str], list[dict[str, str]]], None]] = {
    "text": write_text, "json": write_json, "junit": write_junit}
