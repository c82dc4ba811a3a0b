"""Excel workbooks (``.xlsx``, and ``.xlsm`` read only, macros never run): one case per row.

Every sheet whose first non-blank row names case columns is read, with the CSV's columns and
rules (``table.py``); other sheets (an explanation, a list of choices) are skipped with a notice,
never guessed at. Native numbers, dates and booleans become the values the case model expects.
The workbook is streamed (openpyxl's read-only mode), so memory stays flat however many rows it
has. Items are named ``book.xlsx:Sheet:row``.
"""

from __future__ import annotations

import warnings
from itertools import islice
from typing import Any, Iterator

from riskcheck.i18n import text
from riskcheck.inputs import table
from riskcheck.inputs.base import Item, Options, Reader, error_item
from riskcheck.inputs.files import check_regular, open_regular

BATCH = 512
"""Rows read at a time (library warnings are silenced around each read)."""


def _quiet() -> warnings.catch_warnings:  # type: ignore[type-arg]
    """openpyxl warns about workbook features it drops (extensions, print settings): none matter here."""
    context = warnings.catch_warnings()
    context.__enter__()
    warnings.simplefilter("ignore")
    return context


def items(path: str, options: Options) -> Iterator[Item]:
    import openpyxl  # imported here: only an audit of a workbook pays for it

    lang = options.lang
    check_regular(path, lang)
    with open_regular(path, lang) as handle:
        try:
            quiet = _quiet()
            try:
                book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            finally:
                quiet.__exit__(None, None, None)
        except Exception as exc:  # a broken or foreign file fails in many ways inside zipfile and the XML parser
            yield error_item(path, text("input.xlsx.unreadable", lang, problem=_one_line(exc)))
            return
        try:
            matched, skipped = 0, []
            for sheet in book.worksheets:
                sheet.reset_dimensions()  # a wrong recorded size must not cut rows off
                rows = _rows(sheet, path, lang)
                header = None
                for line, cells in rows:
                    if isinstance(cells, str) or not all(table.is_blank(cell) for cell in cells):
                        if not isinstance(cells, str):
                            header = table.Header(cells, options, strict_width=False)
                        break
                if header is None or not header.known:
                    skipped.append(sheet.title)
                    continue
                matched += 1
                if header.ignored:
                    options.notify(text("input.table.ignored", lang, where=f"{path}:{sheet.title}",
                                        columns=header.ignored))
                yield from table.items(rows, path, options, sheet.title, strict_width=False, header=header)
            if skipped and matched:
                options.notify(text("input.xlsx.sheets_skipped", lang, path=path, sheets=", ".join(skipped)))
            elif not matched:
                yield error_item(path, text("input.xlsx.no_sheet", lang, sheets=", ".join(skipped) or "-"))
        finally:
            book.close()


def _rows(sheet: Any, path: str, lang: str) -> Iterator[tuple[int, Any]]:
    """``(row number, cells)`` of a sheet; a workbook that breaks part-way ends with an error row."""
    source = sheet.iter_rows(values_only=True)
    number = 0
    while True:
        quiet = _quiet()
        try:
            batch = list(islice(source, BATCH))
        except Exception as exc:  # see above: the library's parse errors have no common base
            yield number + 1, text("input.xlsx.broken", lang, problem=_one_line(exc))
            return
        finally:
            quiet.__exit__(None, None, None)
        if not batch:
            return
        for cells in batch:
            number += 1
            yield number, cells


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def estimate(path: str) -> int:
    """The rows the workbook's sheets say they span (their recorded dimensions), less the headers."""
    import openpyxl

    try:
        quiet = _quiet()
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                return max(sum(max((sheet.max_row or 1) - 1, 0) for sheet in book.worksheets), 1)
            finally:
                book.close()
        finally:
            quiet.__exit__(None, None, None)
    except Exception:  # only an estimate: a broken workbook is reported when it is read
        return 1


READER = Reader("xlsx", (".xlsx", ".xlsm"), items, table.document, estimate)
