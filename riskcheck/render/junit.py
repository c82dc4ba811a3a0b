"""JUnit XML for CI dashboards: one test per case; findings at or above --fail-on fail it, errors error it.

Test cases are spooled to a temporary file so the suite's counts can head the document
while memory stays flat.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from riskcheck.i18n import FALLBACK, text
from riskcheck.render import Renderer, register
from riskcheck.render.audit_text import offer_text
from riskcheck.report import CaseReport

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> str:
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def attr(value: Any) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", str(value)))


def severity(name: str, lang: str) -> str:
    return text(f"audit.severity.{name}", lang)


@register("junit", "audit")
class JunitRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.body = tempfile.TemporaryFile("w+", encoding="utf-8")

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> str:
        case = CaseReport.from_entry(entry)
        offer = offer_text(case, lang)
        name = text("audit.junit.name", lang, id=case.id, offer=offer) if offer else case.id
        xml = [f"    <testcase classname={attr(case.source)} name={attr(name)}>\n"]
        lines = "\n".join(text("audit.junit.line", lang, severity=severity(f.severity, lang), rule=f.rule,
                               message=f.message, ask=f.ask)
                          + (text("audit.finding_waived", lang) if f.waived is not None else "") for f in case.findings)
        if case.status == "error":
            xml.append(f"      <error message={attr(case.error)} type=\"error\"/>\n")
        elif case.status == "findings":
            failure = text("audit.junit.failure", lang, count=case.at_or_above(fail_on), fail_on=severity(fail_on, lang))
            xml.append(f"      <failure message={attr(failure)} type=\"{case.worst()}\">{xml_text(lines)}</failure>\n")
        elif lines:
            xml.append(f"      <system-out>{xml_text(lines)}</system-out>\n")
        xml.append("    </testcase>\n")
        return "".join(xml)

    def case(self, encoded: str) -> None:
        self.body.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        counts = (f"tests=\"{summary['cases']}\" failures=\"{summary['findings']}\" errors=\"{summary['errors']}\" "
                  "skipped=\"0\"")
        self.out.write(f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites {counts}>\n"
                       f"  <testsuite name={attr(text('audit.junit.suite', self.lang))} {counts}>\n")
        self.body.seek(0)
        shutil.copyfileobj(self.body, self.out)
        self.body.close()
        self.out.write("  </testsuite>\n</testsuites>\n")
