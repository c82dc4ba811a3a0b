"""Excel workbooks (``.xlsx``, and ``.xlsm`` read only, macros never run): one case per row.

Every sheet whose first non-blank row names case columns is read, with the CSV's columns and
rules (``table.py``); other sheets (an explanation, a list of choices) are skipped with a notice,
never guessed at. Native numbers, dates and booleans become the values the case model expects.
The workbook is opened with openpyxl (read-only: sheets, shared strings, date styles) and each
sheet's rows are streamed, so memory stays flat however many rows it has. Items are named ``book.xlsx:Sheet:row``.
"""

from __future__ import annotations

import warnings
from datetime import datetime
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
                rows = _rows(book, sheet, path, lang)
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


def _rows(book: Any, sheet: Any, path: str, lang: str) -> Iterator[tuple[int, Any]]:
    """``(row number, cells)`` of a sheet; a workbook that breaks part-way ends with an error row."""
    fast = _FAST and all(hasattr(book, name) for name in ("_archive", "_date_formats", "shared_strings", "epoch")) \
        and hasattr(sheet, "_worksheet_path")  # openpyxl's read-only internals, pinned in pyproject.toml
    source = _fast_rows(book, sheet) if fast else sheet.iter_rows(values_only=True)
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
        for row in batch:
            if fast:
                at, cells = row
                while number + 1 < at:  # rows a workbook leaves out are blank rows
                    number += 1
                    yield number, ()
                number = at
            else:
                number, cells = number + 1, row
            yield number, cells


_FAST = True
"""Stream rows with ElementTree's C parser (``_fast_rows``); False: openpyxl's own row reader (about
three times slower, see ``benchmarks/inputs_throughput.py``)."""
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _V, _IS, _T, _R, _SHEET_DATA = (_NS + name for name in ("row", "v", "is", "t", "r", "sheetData"))


def _fast_rows(book: Any, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, values)`` of a sheet in openpyxl's read-only workbook, parsed straight from the
    sheet's XML with its shared strings, date styles and epoch (what openpyxl's reader does per cell,
    without building a cell object for each)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.datetime import from_excel

    strings, dates, epoch = book.shared_strings, book._date_formats, book.epoch
    columns: dict[str, int] = {}
    number = 0
    with book._archive.open(sheet._worksheet_path) as xml:
        rows_parent = None
        for event, element in iterparse(xml, ("start", "end")):
            if event == "start":
                if element.tag == _SHEET_DATA:
                    rows_parent = element
                continue
            if element.tag != _ROW:
                continue
            number = int(element.get("r") or number + 1)
            values: list[Any] = []
            for cell in element:
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    index = columns.get(letters)
                    if index is None:
                        index = columns[letters] = column_index_from_string(letters) - 1
                    if index > len(values):
                        values.extend([None] * (index - len(values)))
                kind = cell.get("t", "n")
                v = cell.findtext(_V)
                if kind == "inlineStr":
                    inline = cell.find(_IS)
                    value: Any = None if inline is None else "".join(
                        t.text or "" for t in [inline.find(_T), *(r.find(_T) for r in inline.iter(_R))] if t is not None)
                elif v is None:
                    value = None
                elif kind == "s":
                    value = strings[int(v)]
                elif kind == "b":
                    value = v.strip() not in ("0", "false")
                elif kind == "n":
                    number_value = float(v)
                    if int(cell.get("s", 0)) in dates:
                        value = from_excel(number_value, epoch)
                    else:
                        value = int(number_value) if number_value.is_integer() and "." not in v and "E" not in v.upper() \
                            else number_value
                elif kind == "d":
                    value = datetime.fromisoformat(v.rstrip("Z"))
                else:  # str (a formula's text), e (an error such as #N/A)
                    value = v
                values.append(value)
            if rows_parent is not None:
                rows_parent.clear()  # drop the finished row itself, not just its cells: memory stays flat
            yield number, values


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
