"""CSV for spreadsheets: one row per finding, plus one per ok or errored case; UTF-8 with a BOM (Excel)."""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from riskcheck.i18n import FALLBACK
from riskcheck.render import Renderer, register
from riskcheck.report import CaseReport

COLUMNS = ["case", "source", "status", "rule", "severity", "topic", "confirm_with", "form", "about", "message",
           "ask", "basis", "waived", "error",
           "company", "position"]
"""Columns are only ever added at the end, so scripts reading the older columns by position keep working."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WAIVED = "yes"
"""The ``waived`` column's value: data for a spreadsheet filter, like the codes in the other columns."""


def cell(value: Any) -> str:
    """A cell Excel shows as text: a leading formula character is escaped with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@register("csv", "audit")
class CsvRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.out.write("\ufeff")
        csv.writer(out, lineterminator="\r\n").writerow(COLUMNS)

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> str:
        """The case's rows; the cells are the report's data (codes, as in JSON), not words."""
        case = CaseReport.from_entry(entry)
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\r\n")
        head = [case.id, case.source, case.status]
        tail = [case.error, case.company, case.position]
        if not case.findings:
            writer.writerow([cell(v) for v in head + [""] * 10 + tail])
        for f in case.findings:
            writer.writerow([cell(v) for v in head + [
                f.rule, f.severity, f.topic, "; ".join(f.confirm_with), f.form, f.about, f.message, f.ask, f.basis,
                WAIVED if f.waived is not None else ""] + tail])
        return rows.getvalue()

    def case(self, encoded: str) -> None:
        self.out.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
