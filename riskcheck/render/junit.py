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

from riskcheck.render import Renderer
from riskcheck.vocabulary import SEVERITIES

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: Any) -> str:
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def attr(value: Any) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", str(value)))


class JunitRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.body = tempfile.TemporaryFile("w+", encoding="utf-8")

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str) -> str:
        xml = [f"    <testcase classname={attr(entry['source'])} name={attr(entry['id'])}>\n"]
        lines = "\n".join(f"[{f['severity']}] {f['rule']}: {f['message']} / {f['ask']}"
                          + (" (waived)" if "waived" in f else "") for f in entry["findings"])
        if entry["status"] == "error":
            xml.append(f"      <error message={attr(entry['error'])} type=\"error\"/>\n")
        elif entry["status"] == "findings":
            ranks = [SEVERITIES.index(f["severity"]) for f in entry["findings"] if "waived" not in f]
            count = sum(1 for rank in ranks if rank <= SEVERITIES.index(fail_on))
            xml.append(f"      <failure message=\"{count} finding(s) at or above {fail_on}\" "
                       f"type=\"{SEVERITIES[min(ranks)]}\">{text(lines)}</failure>\n")
        elif lines:
            xml.append(f"      <system-out>{text(lines)}</system-out>\n")
        xml.append("    </testcase>\n")
        return "".join(xml)

    def case(self, encoded: str) -> None:
        self.body.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        counts = (f"tests=\"{summary['cases']}\" failures=\"{summary['findings']}\" errors=\"{summary['errors']}\" "
                  "skipped=\"0\"")
        self.out.write(f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites {counts}>\n"
                       f"  <testsuite name=\"riskcheck audit\" {counts}>\n")
        self.body.seek(0)
        shutil.copyfileobj(self.body, self.out)
        self.body.close()
        self.out.write("  </testsuite>\n</testsuites>\n")
