"""CSV (``.csv``): a header row, then one case per row (see ``table.py`` and ``columns.py``).

UTF-8 (with or without a BOM) or cp932 / Shift_JIS, which Excel on Japanese Windows writes: the
first line that is not ASCII decides, and a later line in neither encoding is an error naming it.
Records are read a physical line at a time, each with a bound, so a line number is always the
line in the file. A quoted cell may span lines; when the record it opens cannot be read (the
quote never closes, a quote is followed by text, the record grows past the limit, or it closes
with the wrong number of cells: a stray quote), the row where the quote opened is an error naming
its line and column, and reading goes on from the next line, so no later row is swallowed.
"""

from __future__ import annotations

import csv
import itertools
import io
from typing import IO, Any, Iterator

from riskcheck.i18n import text
from riskcheck.inputs import table
from riskcheck.inputs.base import Item, Options, Reader
from riskcheck.inputs.columns import excel_letter
from riskcheck.inputs.files import LINES_BUFFER, TOO_LONG, bounded_lines, estimate_lines, open_regular
from riskcheck.loading import MAX_BYTES

MAX_RECORD_LINES = 1000
"""A quoted cell may span at most this many lines (and ``MAX_BYTES`` in all)."""
ENCODINGS = ("utf-8", "cp932")

csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # records are bounded by MAX_BYTES instead


class _Broken(Exception):
    """A physical line that cannot be part of a record (too long, or in no known encoding)."""

    def __init__(self, number: int, message: str):
        super().__init__(message)
        self.number = number
        self.message = message


class _Lines:
    """The decoded physical lines of a CSV file (or any byte stream), for ``csv.reader`` to pull one at a
    time. The raw lines of the current record are kept (a record is bounded: ``MAX_BYTES`` and
    ``MAX_RECORD_LINES``), so that reading can start again on its second line without seeking."""

    def __init__(self, handle: IO[bytes], lang: str):
        self.lang = lang
        self.number = 0
        self.encoding: str | None = None
        self.lines: Iterator[tuple[int, Any]] = bounded_lines(handle, MAX_BYTES)
        self.record_start = 0
        self.record_bytes = 0
        self.record: list[tuple[int, Any]] = []
        """The current record's raw physical lines, ``(number, bytes or TOO_LONG)``."""

    def __iter__(self) -> _Lines:
        return self

    def start_record(self) -> None:
        self.record_start = self.number + 1
        self.record_bytes = 0
        self.record = []

    def restart(self, after_line: int) -> None:
        """Read on from the line after ``after_line`` (the current record's first line): the record's
        other lines are read again."""
        again = [(number, raw) for number, raw in self.record if number > after_line]
        self.lines = itertools.chain(again, self.lines)
        self.number = after_line
        self.record = []

    def first_line(self, start: int) -> bytes:
        """The raw text of the current record's line ``start``."""
        return next((raw for number, raw in self.record if number == start and raw is not TOO_LONG), b"")

    def __next__(self) -> str:
        number, raw = next(self.lines)
        self.number = number
        self.record.append((number, raw))
        if raw is TOO_LONG:
            raise _Broken(number, text("input.line_too_long", self.lang, limit=MAX_BYTES))
        self.record_bytes += len(raw)
        if number > self.record_start and (self.record_bytes > MAX_BYTES
                                           or number - self.record_start >= MAX_RECORD_LINES):
            raise _Broken(number, text("input.csv.record_too_long", self.lang, limit=MAX_BYTES,
                                       lines=MAX_RECORD_LINES))
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        return self.decode(number, raw)

    def decode(self, number: int, raw: bytes) -> str:
        if b"\x00" in raw:  # binary, or UTF-16 (Excel's "Unicode text")
            raise _Broken(number, text("input.csv.nul", self.lang))
        if raw.isascii():
            return raw.decode("ascii")
        for encoding in ENCODINGS if self.encoding is None else (self.encoding,):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            self.encoding = encoding
            return line
        bad = _first_bad_byte(raw, self.encoding or "utf-8")
        key = "input.csv.bad_encoding" if self.encoding is None else f"input.csv.not_{self.encoding.replace('-', '')}"
        raise _Broken(number, text(key, self.lang, byte=bad))


def _first_bad_byte(raw: bytes, encoding: str) -> str:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return f"0x{raw[exc.start]:02x}"
    return "?"


def items(path: str, options: Options) -> Iterator[Item]:
    with open_regular(path, options.lang, LINES_BUFFER) as handle:
        yield from stream(handle, path, options)


def stream(handle: IO[bytes], path: str, options: Options) -> Iterator[Item]:
    """One item per row of ``handle`` (a file, or a request body)."""
    yield from table.items(records(handle, options.lang), path, options)


def records(handle: IO[bytes], lang: str) -> Iterator[tuple[int, Any]]:
    """``(line, cells)`` for each record, or ``(line, message)`` where a record cannot be read."""
    lines = _Lines(handle, lang)
    width: int | None = None
    while True:
        reader = csv.reader(lines, strict=True)
        try:
            while True:
                lines.start_record()
                row = next(reader)
                start, end = lines.record_start, lines.number
                if width is None and any(cell.strip() for cell in row):
                    width = len(row)
                if end > start and width is not None and len(row) != width and row != [""] * len(row):
                    yield start, _stray_quote(lines, start, lang, text("input.csv.cells_after_quote", lang,
                                                                                cells=len(row), columns=width,
                                                                                end=end))
                    break
                yield start, row
        except StopIteration:
            return
        except csv.Error as exc:
            start = lines.record_start
            if lines.number > start:
                yield start, _stray_quote(lines, start, lang, text("input.csv.invalid", lang, problem=exc,
                                                                          line=lines.number))
            else:
                yield start, text("input.csv.invalid", lang, problem=exc, line=start)
        except _Broken as broken:
            start = lines.record_start
            if broken.number > start:
                yield start, _stray_quote(lines, start, lang, broken.message)
            else:
                yield start, broken.message


def _stray_quote(lines: _Lines, start: int, lang: str, why: str) -> str:
    """The message for a record whose quoted cell, opened on line ``start``, could not be read; reading
    restarts on the line after ``start``."""
    column = _open_column(lines, start)
    lines.restart(start)
    return text("input.csv.stray_quote", lang, column=column, why=why)


def _open_column(lines: _Lines, start: int) -> str:
    """The column (letter) whose quote is still open at the end of line ``start``."""
    first = lines.first_line(start)
    if start == 1:
        first = first.removeprefix(b"\xef\xbb\xbf")
    try:
        line = first.decode(lines.encoding or "utf-8", errors="replace")
    except LookupError:
        return "?"
    column, quoted, at_start = 0, False, True
    previous = ""
    for char in line:
        if quoted:
            if char == '"':
                quoted = False
                previous = '"'
                continue
        elif char == '"' and (at_start or previous == '"'):
            quoted = True
        elif char == ",":
            column += 1
            at_start = True
            previous = ","
            continue
        at_start = False
        previous = char
    return excel_letter(column)


def estimate(path: str) -> int:
    return max(estimate_lines(path) - 1, 1)


READER = Reader("csv", (".csv",), items, table.document, estimate)
