"""The audit as an Excel workbook: one row per finding, plus one per ok or errored case.

Header words, severities and statuses are in the report's language; the header is frozen and filtered,
severities and statuses coloured, long texts wrapped. Every text cell is stored as text (a value that
starts with ``=`` stays a string, never a formula). The workbook is written in openpyxl's write-only
mode, so rows stream to disk and memory stays flat; it is a binary format (``binary = True``), so the
renderer receives a binary stream, and ``audit`` requires ``-o FILE`` (``needs_file = True``).
"""

from __future__ import annotations

from copy import copy
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from riskcheck.i18n import FALLBACK, text
from riskcheck.render import Renderer, register
from riskcheck.render.audit_html import COLOURS
from riskcheck.report import CaseReport
from riskcheck.vocabulary import label

COLUMNS = {"case": 18, "company": 22, "position": 22, "status": 12, "severity": 14, "rule": 30, "topic": 16,
           "confirm_with": 18, "form": 10, "about": 14, "message": 60, "ask": 60, "basis": 45, "waived": 12,
           "error": 45, "source": 30}
"""The columns, in order, and their widths (characters)."""
WRAPPED = {"message", "ask", "basis", "error"}
MAX_CELL = 32767
"""Excel's limit on the characters of a cell."""

Row = tuple[str, str, list[str]]
"""What a worker sends per row: the status and severity codes (for the colours), and the cells' texts."""


def clean(value: Any) -> str:
    """A cell's text: control characters XML cannot carry replaced, cut to what Excel holds."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", "" if value is None else str(value))[:MAX_CELL]


@register("xlsx", "audit")
class XlsxRenderer(Renderer):
    binary = True
    needs_file = True

    def __init__(self, out: IO[Any], **options: Any):
        super().__init__(out, **options)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(text("audit.xlsx.sheet", self.lang))
        self.sheet.freeze_panes = "A2"
        for i, width in enumerate(COLUMNS.values(), 1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.styles: dict[tuple[str, str], Any] = {}
        self.white = Font(color="FFFFFF", bold=True)
        self.fills = {name: PatternFill("solid", fgColor=colour.lstrip("#").upper()) for name, colour in COLOURS.items()}
        header = []
        for name in COLUMNS:
            cell = WriteOnlyCell(self.sheet, clean(text(f"audit.column.{name}", self.lang)))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F0F0F0")
            header.append(cell)
        self.sheet.append(header)
        self.rows = 1

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> list[Row]:
        """The case's rows, in ``lang``'s words (made in the workers)."""
        case = CaseReport.from_entry(entry)
        status = text(f"audit.status.{case.status}", lang)
        base = {"case": case.id, "company": case.company, "position": case.position, "status": status,
                "error": case.error, "source": case.source}
        if not case.findings:
            return [(case.status, "", [clean(base.get(name)) for name in COLUMNS])]
        rows = []
        separator = text("audit.count_separator", lang)
        for f in case.findings:
            cells = {**base, "severity": text(f"audit.severity.{f.severity}", lang), "rule": f.rule,
                     "topic": label(f.topic, lang), "form": label(f.form, lang),
                     "confirm_with": separator.join(label(role, lang) for role in f.confirm_with), "about": f.about, "message": f.message, "ask": f.ask,
                     "basis": f.basis, "waived": text("audit.xlsx.waived", lang) if f.waived is not None else None}
            rows.append((case.status, f.severity, [clean(cells.get(name)) for name in COLUMNS]))
        return rows

    def styled(self, name: str, colour: str) -> Any:
        """The style of a column's cells (with a status or severity colour), worked out once: assigning
        openpyxl's style objects cell by cell costs more than writing the cell."""
        key = (name, colour)
        if key not in self.styles:
            cell = WriteOnlyCell(self.sheet)
            if colour in self.fills:
                cell.fill = self.fills[colour]
                cell.font = self.white
            if name in WRAPPED:
                cell.alignment = self.wrap
            self.styles[key] = cell._style
        return self.styles[key]

    def case(self, encoded: list[Row]) -> None:
        for status, severity, values in encoded:
            colours = {"status": status, "severity": severity}
            row: list[Any] = []
            for name, value in zip(COLUMNS, values):
                if not value:
                    row.append(None)
                elif name in WRAPPED or name in colours or value.startswith("="):
                    cell = WriteOnlyCell(self.sheet, value)
                    cell.data_type = "s"  # text, even when it looks like a formula
                    cell._style = copy(self.styled(name, colours.get(name, "")))
                    row.append(cell)
                else:
                    row.append(value)  # a plain string cell
            self.sheet.append(row)
            self.rows += 1

    def finish(self, summary: dict[str, Any]) -> None:
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{self.rows}"
        self.book.save(self.out)
        self.out.flush()
