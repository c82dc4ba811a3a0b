"""The input template ``riskcheck template`` writes: every table column in order, one example row.

CSV: UTF-8 with a BOM (Excel opens it with Japanese intact). xlsx (written with openpyxl): a
frozen header, a drop-down list on every column with a closed vocabulary (its words in the template's
language: ``部長``, ``内定受領後``; codes in English), number and date formats,
a second sheet explaining every column, and a hidden sheet holding the drop-down lists. Both
audit as they are (the example row has findings, no error).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date
from typing import Any

from riskcheck.i18n import text
from riskcheck.inputs import columns as C
from riskcheck.vocabulary import label

FORMATS = {C.YEN: "#,##0", C.INTEGER: "0", C.NUMBER: "0.0#", C.DATE: "yyyy-mm-dd", C.DATE_OR_FALSE: "yyyy-mm-dd"}
"""Excel number formats by column kind."""
ROWS_WITH_LISTS = 1000
"""Rows of the xlsx template that get the drop-down lists."""


def example(lang: str) -> dict[str, Any]:
    """The example row, by column key, in native types (dates, numbers, booleans)."""
    def say(key: str) -> str:
        return text(f"template.example.{key}", lang)

    return {
        "id": "offer-0001", "offer.company": say("company"), "offer.position": say("position"),
        "offer.employment_type": "regular", "offer.stage": "offer_received",
        "offer.acceptance_deadline": date(2026, 12, 4), "offer.start_date": date(2027, 2, 1),
        "candidate.current_annual_income": 6_200_000, "candidate.age": 34,
        "person1.id": "bucho", "person1.role": "department_head", "person1.name": say("person1"),
        "person1.decides_pay": True, "person2.id": "kacho", "person2.role": "section_manager",
        "person2.assigns_work": True,
        "promise1.topic": "role", "promise1.said": say("said"), "promise1.by": "bucho",
        "promise1.stage": "second_interview", "promise1.channel": "verbal", "promise1.in_writing": False,
        "document1.kind": "offer_letter", "document1.received": date(2026, 11, 20),
        "document1.covers": "salary;start_date",
        "terms.monthly_salary": 380_000, "terms.bonus.basis": "past_record", "terms.bonus.stated_months": "4;6",
        "terms.overtime.scheme": "actual_hours", "terms.overtime.clause_checked": True,
        "terms.probation.months": 3,
    }


def shown(column: C.Column, value: Any, lang: str) -> Any:
    """A value as the template writes it: a closed vocabulary's code in English, its word in any other
    language (``部長`` for ``department_head``); ``audit`` reads either back."""
    return label(value, lang) if column.kind == C.CHOICE and lang != "en" and isinstance(value, str) else value


def headers(lang: str) -> list[tuple[C.Column, int | None, str]]:
    return [(column, n, column.header(lang, n)) for column, n in C.template_columns()]


def csv_text(lang: str) -> str:
    """The CSV template (without the BOM, which the writer adds)."""
    row = example(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    cols = headers(lang)
    writer.writerow([header for _, _, header in cols])
    writer.writerow([_as_text(shown(column, row.get(column.name(n)), lang)) for column, n, _ in cols])
    return out.getvalue()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return value.isoformat() if isinstance(value, date) else str(value)


def write_csv(path: str, lang: str) -> None:
    _atomic(path, ("\ufeff" + csv_text(lang)).encode("utf-8"))


def write_xlsx(path: str, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = text("template.sheet.cases", lang)
    explain = book.create_sheet(text("template.sheet.columns", lang))
    lists = book.create_sheet(text("template.sheet.lists", lang))
    lists.sheet_state = "hidden"
    cols = headers(lang)
    row = example(lang)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    list_columns: dict[tuple[str, ...], str] = {}
    for index, (column, n, header) in enumerate(cols, 1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, header)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) * (2 if lang == "ja" else 1.1)))
        value = shown(column, row.get(column.name(n)), lang)
        target = sheet.cell(2, index, value)
        cells = f"{letter}2:{letter}{ROWS_WITH_LISTS + 1}"
        if column.kind in FORMATS:  # the column's own format: what Excel gives the cells typed into it
            target.number_format = sheet.column_dimensions[letter].number_format = FORMATS[column.kind]
        choices = column.choices if column.kind == C.CHOICE else ("TRUE", "FALSE") if column.kind == C.BOOL else ()
        if choices:
            if choices not in list_columns:
                list_letter = get_column_letter(len(list_columns) + 1)
                lists.cell(1, len(list_columns) + 1, f"list{len(list_columns) + 1}")
                for offset, choice in enumerate(choices, 2):
                    lists.cell(offset, len(list_columns) + 1, shown(column, choice, lang))
                list_columns[choices] = f"'{lists.title}'!${list_letter}$2:${list_letter}${len(choices) + 1}"
            rule = DataValidation(type="list", formula1=f"={list_columns[choices]}", allow_blank=True,
                                  showErrorMessage=True, errorTitle=header,
                                  error=text("template.list_error", lang))
            rule.add(cells)
            sheet.add_data_validation(rule)
        elif column.kind == C.DATE:
            rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                  showErrorMessage=True, errorTitle=header, error=text("template.date_error", lang))
            rule.add(cells)
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "B2"
    _explain(explain, cols, lang, bold, fill, Alignment)
    _atomic_book(book, path)


def _explain(sheet: Any, cols: list[tuple[C.Column, int | None, str]], lang: str, bold: Any, fill: Any,
             alignment: Any) -> None:
    """The explanation sheet: per column its header, English header, meaning and allowed values."""
    titles = [text(f"template.columns.{key}", lang) for key in ("header", "key", "help", "values")]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    seen: set[str] = set()
    for column, n, header in cols:
        if column.group and n != 1:
            continue
        if column.key in seen:
            continue
        seen.add(column.key)
        values = "\n".join(f"{choice}: {label(choice, lang)}" for choice in column.choices) or \
            text(f"template.kind.{column.kind}", lang)
        sheet.append([header, column.name(n), column.help(lang).replace("{n}", str(n or 1)), values])
    sheet.append([])
    sheet.append([text("template.columns.more", lang)])
    for letter, width in zip("ABCD", (28, 34, 60, 48)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".riskcheck-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _atomic_book(book: Any, path: str) -> None:
    buffer = io.BytesIO()
    book.save(buffer)
    _atomic(path, buffer.getvalue())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
