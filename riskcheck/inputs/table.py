"""Table inputs (CSV, xlsx): a header row naming columns, then one case per row.

A reader hands ``items`` its rows as ``(line, cells)``, or ``(line, message)`` for a row it could
not read; this module checks the header once (unknown, duplicate or aliased columns), skips and
counts blank rows, refuses rows that are short, too wide or hold nothing but an id, and yields the
rest as items. In the worker, ``document`` turns a row's cells into the case they describe, each
cell converted by its column's kind (``columns.py``); errors name the line and the column.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time
from functools import cache
from typing import Any, Iterator

from riskcheck.errors import InputError
from riskcheck.i18n import text
from riskcheck.inputs import columns as C
from riskcheck.inputs.base import Item, Options, error_item
from riskcheck.loading import Document, Path

READER = "table"
ID_KEYS = frozenset({"id", "riskcheck"})
SECTIONS = ("candidate", "offer", "terms")
FALSE_WORDS = frozenset({"false", "no", "0"})
"""A ``received`` cell meaning "not received"."""
EXCEL_BOOLEANS = {"TRUE": True, "FALSE": False}
"""A boolean as Excel saves it in a CSV; the case model reads one as yes / no where it asks for that."""

Cells = dict[str, Any]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Header:
    """The columns a header row names; ``problems`` make every row of the table an error."""

    def __init__(self, cells: list[Any] | tuple[Any, ...], options: Options, strict_width: bool):
        self.width = len(cells)
        self.strict_width = strict_width
        self.read: list[tuple[int, str]] = []
        """(cell index, key) of the columns read."""
        self.names: dict[str, str] = {}
        """key -> the header as written, where it differs from the key (a Japanese header)."""
        self.skipped: set[int] = set()
        """Notes and ignored columns: never read."""
        self.problems: list[tuple[str, str]] = []
        """(field, message) pairs."""
        lang = options.lang

        def shown(index: int, header: str) -> str:
            """A header as messages quote it: under --redact only its column letter (headers are input)."""
            return C.excel_letter(index) if options.redact else header

        seen: dict[str, tuple[int, str]] = {}
        unknown: list[tuple[int, str]] = []
        for index, raw in enumerate(cells):
            header = "" if raw is None else str(raw).strip()
            if not header:
                continue
            if C.is_note(header):
                self.skipped.add(index)
                continue
            found = C.resolve(header)
            if found is None:
                unknown.append((index, header))
                continue
            column, n = found
            if n is not None and n < 1:
                self.problems.append((_field(shown(index, header), lang), text("input.table.numbering", lang)))
                continue
            key = column.name(n)
            if key in seen:
                first, first_header = seen[key]
                self.problems.append((_field(shown(index, header), lang), text(
                    "input.table.duplicate", lang, first=f"{C.excel_letter(first)} ({shown(first, first_header)})",
                    second=f"{C.excel_letter(index)} ({shown(index, header)})", key=key)))
                continue
            seen[key] = (index, header)
            self.read.append((index, key))
            if header != key:
                self.names[key] = header
        self.known = bool(self.read)
        self.keys = dict(self.read)
        """cell index -> key."""
        if unknown and options.extra_columns == "ignore":
            self.skipped.update(index for index, _ in unknown)
            listed = ", ".join(f"{shown(index, header)} ({C.excel_letter(index)})" for index, header in unknown)
            self.ignored = listed
        else:
            self.ignored = ""
            for index, header in unknown:
                self.problems.append((_field(shown(index, header), lang), text(
                    "input.table.unknown", lang, letter=C.excel_letter(index),
                    hint="" if options.redact else _suggest(header, lang))))

    def message(self) -> tuple[str | None, str] | None:
        """The header's problems as one (field, message) pair, or None."""
        if not self.problems:
            return None
        field, first = self.problems[0]
        rest = "; ".join(f"{f}: {m}" for f, m in self.problems[1:])
        return field, first + (f"; {rest}" if rest else "")


def _field(header: str, lang: str) -> str:
    return text("input.field.column", lang, name=header)


def _suggest(header: str, lang: str) -> str:
    names = [C.normalize(c.name(1)) for c in C.COLUMNS]
    close = difflib.get_close_matches(C.normalize(header), names, n=1)
    return text("input.table.did_you_mean", lang, name=close[0]) if close else ""


def items(records: Iterator[tuple[int, Any]], path: str, options: Options, part: str | None = None,
          strict_width: bool = True, header: Header | None = None) -> Iterator[Item]:
    """The items of a table: ``records`` are ``(line, cells)`` or ``(line, error message)``; the first
    non-blank row is the header unless ``header`` is given."""
    lang = options.lang
    unreadable_header = False
    for line, cells in records:
        if isinstance(cells, str):
            yield error_item(path, cells, line, part)
            unreadable_header = unreadable_header or header is None
            continue
        if unreadable_header:  # never guess that a later row is the header
            if not all(is_blank(cell) for cell in cells):
                yield error_item(path, text("input.table.header_unreadable", lang), line, part)
            continue
        if header is None:
            if not all(is_blank(cell) for cell in cells):
                header = Header(cells, options, strict_width)
                if header.ignored:
                    options.notify(text("input.table.ignored", lang, columns=header.ignored,
                                        where=path if part is None else f"{path}:{part}"))
            continue
        item = row_item(header, line, cells, path, part, lang)
        if item is None:
            options.blank_rows += 1
        else:
            yield item


def row_item(header: Header, line: int, cells: list[Any] | tuple[Any, ...], path: str, part: str | None,
             lang: str) -> Item | None:
    """One row as an item, or as the error that stands in for it; None for a blank row."""
    values: Cells = {}
    stray = None  # the first non-blank cell under no header
    blank = True
    keys = header.keys
    for index, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        blank = False
        key = keys.get(index)
        if key is not None:
            values[key] = value
        elif stray is None and index not in header.skipped:
            stray = index
    if blank:
        return None
    if header.strict_width and len(cells) > header.width:
        return error_item(path, text("input.table.too_many_cells", lang, cells=len(cells), columns=header.width),
                          line, part)
    problem = header.message()
    if problem is not None:
        return error_item(path, problem[1], line, part, problem[0])
    if header.strict_width and len(cells) < header.width:
        missing = [header.names.get(key, key) for index, key in header.read if index >= len(cells)]
        listed = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        return error_item(path, text("input.table.too_few_cells", lang, cells=len(cells), columns=header.width,
                                     missing=listed or "-"), line, part)
    if stray is not None:
        return error_item(path, text("input.table.no_header", lang, letter=C.excel_letter(stray)), line, part)
    if values.keys() <= ID_KEYS:
        return error_item(path, text("input.table.empty_row", lang), line, part)
    return Item(path, line, READER, (values, header.names), part=part)


# --- in the worker ---------------------------------------------------------------------------------

class RowDocument(Document):
    """A case built from a table row; errors name the row's line and the column, as its header reads."""

    def __init__(self, data: Any, source: str, line: int, numbers: dict[str, list[int]], names: dict[str, str],
                 lang: str):
        super().__init__(data, source, {}, line)
        self.numbers = numbers
        self.names = names
        self.lang = lang

    def error(self, loc: Path, message: str) -> InputError:
        key = column_of(loc, self.numbers)
        return InputError(self.source, message, self.start_line, _field(self.names.get(key, key), self.lang))


def column_of(loc: Path, numbers: dict[str, list[int]]) -> str:
    """``('promises', 0, 'by')`` -> ``promise1.by`` (the column a field came from)."""
    if not loc:
        return "(row)"
    head, rest = str(loc[0]), list(loc[1:])
    for prefix, key in C.GROUPS.items():
        if head == key and rest and isinstance(rest[0], int):
            number = numbers[key][rest[0]] if rest[0] < len(numbers.get(key, [])) else rest[0] + 1
            head, rest = f"{prefix}{number}", rest[1:]
    names = [head] + [str(part) for part in rest]
    while names and names[-1].isdigit():
        names.pop()
    return ".".join(names)


@cache
def _split(key: str) -> tuple[C.Column, str, str, int | None, list[str]]:
    """``promise2.said`` -> (its column, group ``promises``, ``''``, 2, ``['said']``); ``terms.bonus.basis``
    -> (column, ``''``, ``terms``, None, ``['bonus', 'basis']``)."""
    head, _, rest = key.partition(".")
    prefix = head.rstrip("0123456789")
    if prefix in C.GROUPS and prefix != head:
        return C.by_key(f"{prefix}{{n}}.{rest}"), C.GROUPS[prefix], "", int(head[len(prefix):]), [rest]
    return C.by_key(key), "", head, None, rest.split(".") if rest else []


def document(item: Item, lang: str) -> RowDocument:
    """The case a row's cells describe; a bad cell raises InputError naming its column."""
    cells, names = item.data
    assert item.line is not None
    data: dict[str, Any] = {"riskcheck": 1}
    groups: dict[str, dict[int, dict[str, Any]]] = {key: {} for key in C.GROUPS.values()}
    for key, raw in cells.items():
        column, group, section, number, path = _split(key)
        value = convert(column.kind, raw)
        if group:
            groups[group].setdefault(number or 0, {})[path[0]] = value
        elif section in SECTIONS:
            target = data.setdefault(section, {})
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
        else:
            data[key] = value
    numbers = {}
    for prefix, key in C.GROUPS.items():
        filled = sorted(groups[key])
        numbers[key] = filled
        if filled:
            data[key] = [groups[key][n] for n in filled]
            if prefix == "person":
                for n, person in zip(filled, data[key]):
                    person.setdefault("id", f"person{n}")
    return RowDocument(data, item.where, item.line, numbers, names, lang)


def convert(kind: str, value: Any) -> Any:
    """A cell as the case model expects it: lists split on ``;``, ``received: false``, and a
    workbook's native values (numbers, dates, booleans) as the model's types."""
    if isinstance(value, bool):
        return value if kind in (C.BOOL, C.CHOICE, C.DATE_OR_FALSE) else str(value).lower()
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() or kind in (C.DATE, C.DATE_OR_FALSE) else value
        return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) \
            else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, (int, float)):
        return value if kind in (C.INTEGER, C.YEN, C.NUMBER) else convert(kind, str(value))
    if kind in (C.LIST, C.MONTHS_RANGE):
        return [part.strip() for part in C.LIST_SEPARATORS.split(value) if part.strip()]
    if kind == C.DATE_OR_FALSE and value.lower() in FALSE_WORDS:
        return False
    if kind == C.CHOICE and value.upper() in EXCEL_BOOLEANS:  # Excel writes a boolean cell as TRUE / FALSE
        return EXCEL_BOOLEANS[value.upper()]
    if kind == C.INTEGER and value.isdigit():
        return int(value)
    return value


# --- the other way: a case as a row (tests, benchmarks, exports) -----------------------------------------

def row_of(case: dict[str, Any], native: bool = True) -> dict[str, Any]:
    """A case (as loaded from YAML or JSON) as one table row by column key; lists joined by ``;``.
    ``native``: numbers, booleans and dates (``date`` objects) as a workbook holds them; else text as
    a CSV holds it."""
    row: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for inner, item in value.items():
                put(f"{key}.{inner}" if key else inner, item)
        elif isinstance(value, list):
            row[key] = ";".join(map(str, value))
        elif not native:
            row[key] = str(value).lower() if isinstance(value, bool) else str(value)
        elif isinstance(value, str) and C.resolve(key) is not None and \
                C.resolve(key)[0].kind in (C.DATE, C.DATE_OR_FALSE):  # type: ignore[index]
            row[key] = date.fromisoformat(value)
        else:
            row[key] = value

    put("", {key: case[key] for key in ("id", "riskcheck", "candidate", "offer", "terms") if key in case})
    for prefix, group in C.GROUPS.items():
        for n, item in enumerate(case.get(group, []), 1):
            put(f"{prefix}{n}", item)
    return row
