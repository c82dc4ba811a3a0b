"""Views of a ``riskcheck test`` run: text for people, JSON for scripts, JUnit XML for CI.

They are renderers of the ``test`` view (``formats("test")``), on the case renderers' protocol: built
with the stream and the report's metadata, then given the run (``test_run``).
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any, Callable

from riskcheck.i18n import default_language, text
from riskcheck.render import Renderer, register, render_test_run

if TYPE_CHECKING:
    from riskcheck.packtest import Expectation, TestRun


def _where(item: Expectation) -> str:
    return item.source if item.line is None else f"{item.source}:{item.line}"


def miss(outcome: str, lang: str) -> str:
    return text(f"packtest.miss.{outcome}", lang)


def uncovered_reason(run: TestRun, rule: str, lang: str = "en") -> str:
    stats = run.stats[rule]
    missing = [text(key, lang) for key, count in (("packtest.no_firing", stats.tp + stats.fn),
                                                  ("packtest.no_near_miss", stats.tn + stats.fp)) if not count]
    return text("packtest.uncovered_reason", lang, missing=text("packtest.and_no", lang).join(missing))


def summary(run: TestRun) -> dict[str, Any]:
    return {"passed": run.exit_code == 0, "fixtures": run.fixtures, "expectations": len(run.expectations),
            "failed": len(run.failures), "rules": len(run.required), "uncovered": len(run.uncovered),
            "errors": len(run.errors)}


@register("text", "test")
class PackTestTextRenderer(Renderer):
    """Failures, errors and uncovered rules first, then a table of outcomes per rule."""

    def say(self, key: str, **fields: Any) -> str:
        return text(f"packtest.{key}", self.lang, **fields)

    def test_run(self, run: TestRun) -> None:
        out = self.out
        for error in run.errors:
            out.write(self.say("line.error", error=error.render(self.lang)) + "\n")
        for item in run.failures:
            out.write(self.say("line.fail", where=_where(item), rule=item.rule, miss=miss(item.outcome, self.lang))
                      + "\n")
        for rule in run.uncovered:
            out.write(self.say("line.uncovered", rule=rule, reason=uncovered_reason(run, rule, self.lang)) + "\n")
        width = max([len(rule) for rule in run.stats] + [4])
        out.write(f"\n{self.say('column.rule'):<{width}}  {'tp':>3} {'fn':>3} {'tn':>3} {'fp':>3}\n")
        for rule, stats in run.stats.items():
            state = "fail" if stats.fn or stats.fp else "uncovered" if rule in run.uncovered else "ok"
            out.write(f"{rule:<{width}}  {stats.tp:>3} {stats.fn:>3} {stats.tn:>3} {stats.fp:>3}  "
                      f"{self.say('state.' + state)}\n")
        s = summary(run)
        names = ", ".join(f"{p['name']} {p['version']}" for p in self.packs)
        out.write("\n" + self.say("summary", outcome=self.say("passed" if s["passed"] else "failed"), packs=names,
                           **{k: v for k, v in s.items() if k != "passed"}) + "\n")


@register("json", "test")
class PackTestJsonRenderer(Renderer):
    def test_run(self, run: TestRun) -> None:
        doc = {
            "riskcheck": 1,
            "generator": self.generator,
            "rule_packs": self.packs,
            "rules": {rule: {"tp": s.tp, "fn": s.fn, "tn": s.tn, "fp": s.fp, "covered": s.covered,
                             "required": rule in run.required} for rule, s in run.stats.items()},
            "expectations": [{"case": e.case, "source": e.source, "line": e.line, "rule": e.rule,
                              "expected": e.expected, "fired": e.fired, "outcome": e.outcome, "ok": e.ok}
                             for e in run.expectations],
            "errors": [error.render(self.lang) for error in run.errors],
            "summary": summary(run),
        }
        self.out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


@register("junit", "test")
class PackTestJunitRenderer(Renderer):
    """One test suite per rule (its expectations plus a coverage test), one for unreadable fixtures."""

    def test_run(self, run: TestRun) -> None:
        from xml.etree import ElementTree

        lang = self.lang
        names = ", ".join(p["name"] for p in self.packs)
        root = ElementTree.Element("testsuites", name=text("packtest.junit.suites", lang, packs=names))
        by_rule: dict[str, list[Expectation]] = {rule: [] for rule in run.stats}
        for item in run.expectations:
            by_rule[item.rule].append(item)
        for rule, items in by_rule.items():
            suite = ElementTree.SubElement(root, "testsuite", name=rule)
            for item in items:
                case = ElementTree.SubElement(suite, "testcase", classname=rule,
                                              name=f"{_where(item)} {item.expected}", file=item.source)
                if not item.ok:
                    ElementTree.SubElement(case, "failure", message=f"{rule} {miss(item.outcome, lang)}",
                                           type=item.outcome).text = f"{_where(item)}: {rule} {miss(item.outcome, lang)}"
            if rule in run.required:
                case = ElementTree.SubElement(suite, "testcase", classname=rule,
                                              name=text("packtest.junit.coverage", lang))
                if rule in run.uncovered:
                    ElementTree.SubElement(case, "failure", message=uncovered_reason(run, rule, lang), type="uncovered")
            _count(suite)
        if run.errors:
            suite = ElementTree.SubElement(root, "testsuite", name=text("packtest.junit.fixtures", lang))
            for error in run.errors:
                case = ElementTree.SubElement(suite, "testcase", classname="fixtures", name=error.source)
                ElementTree.SubElement(case, "error", message=error.render(lang))
            _count(suite)
        _count(root)
        ElementTree.indent(root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")
                       + "\n")


def _count(element: Any) -> None:
    element.set("tests", str(len(element.findall(".//testcase"))))
    element.set("failures", str(len(element.findall(".//failure"))))
    element.set("errors", str(len(element.findall(".//error"))))


def _writer(renderer_class: type[Renderer]) -> Callable[[TestRun, IO[str], list[dict[str, str]]], None]:
    def write(run: TestRun, out: IO[str], packs: list[dict[str, str]], lang: str | None = None) -> None:
        render_test_run(renderer_class, out, run, packs=packs, lang=lang or default_language())
    return write


FORMATS: dict[str, Callable[..., None]] = {
    "text": _writer(PackTestTextRenderer), "json": _writer(PackTestJsonRenderer), "junit": _writer(PackTestJunitRenderer)}
"""``FORMATS[fmt](run, out, packs)``, as ``riskcheck test`` calls them (the language from the locale)."""
