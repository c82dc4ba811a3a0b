"""The inputs of ``audit``: paths, directories, globs, JSON Lines and CSV, as a lazy stream of work items.

An item is one case: a case file, or a document embedded in a bigger file (a JSON line, a CSV row)
named ``file:line``. Anything that cannot become a case (an unreadable line, a pattern that
matches nothing) is still an item, carrying its error, so every input appears in the report.

CSV rows map to cases by column name (see ``CSV_HELP`` and ``templates/offers.csv``).
"""

from __future__ import annotations

import csv
import glob
import io
import os
import sys
from typing import IO, Any, Iterator, NamedTuple

from riskcheck.errors import InputError
from riskcheck.loading import MAX_BYTES, Document, Path

CASE_EXTENSIONS = (".yaml", ".yml", ".json", ".jsonl", ".csv")
"""The files a directory contributes (hidden files and directories are skipped)."""
STDIN = "-"
STDIN_NAME = "stdin"

CSV_HELP = """\
One row per case; the first row names the columns, in any order; an empty cell means unknown.
  id, riskcheck (default 1)
  candidate.<field>, offer.<field>, terms.<field>[.<field>]   e.g. offer.stage, terms.bonus.basis
  person<N>.<field>     id (default person<N>), role, name, assigns_work, decides_pay
  promise<N>.<field>    topic, said, by, source, stage, channel, in_writing, confirmed_by
  document<N>.<field>   kind, received (a date, or false), covers
N counts from 1. List cells (confirmed_by, covers, terms.bonus.stated_months) are separated by ';'.
Booleans: true/false (also yes/no, 1/0)."""

GROUPS = {"person": "people", "promise": "promises", "document": "documents"}
SECTIONS = ("candidate", "offer", "terms")
LIST_FIELDS = {"confirmed_by", "covers", "stated_months"}


class Item(NamedTuple):
    """One case to evaluate: a file, or a JSON line (``text``) or CSV row (``row``) at ``line`` of ``path``."""

    path: str
    line: int | None = None
    text: str | None = None
    row: dict[str, str] | None = None
    error: str | None = None
    """Set when the input could not even be read as a case."""

    @property
    def source(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"

    @property
    def default_id(self) -> str:
        stem = os.path.splitext(os.path.basename(self.path))[0]
        return stem if self.line is None else f"{stem}:{self.line}"


def expand(args: list[str], stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every case named by ``args`` in order: directories recursively (sorted), globs, ``-`` for stdin.

    A directory without case files or a pattern matching nothing is an error item, not silence.
    """
    for arg in args:
        if arg == STDIN:
            yield from _json_lines(stdin if stdin is not None else sys.stdin.buffer, STDIN_NAME)
            continue
        found = False
        for path in _paths(arg):
            found = True
            yield from _file(path)
        if not found:
            problem = "no case files in this directory" if os.path.isdir(arg) else "no file matches this pattern"
            yield Item(arg, error=f"{arg}: {problem}")


def estimate(args: list[str]) -> int | None:
    """About how many cases ``args`` hold (counting lines of JSONL and CSV files), for a progress bar."""
    if STDIN in args:
        return None
    return sum(_count_lines(path) if path.lower().endswith((".jsonl", ".csv")) else 1
               for arg in args for path in _paths(arg))


def _paths(arg: str) -> Iterator[str]:
    """The files one argument names: itself, a directory's case files, or a pattern's matches."""
    if os.path.isdir(arg):
        yield from _walk(arg)
    elif not os.path.lexists(arg) and glob.has_magic(arg):
        for match in sorted(glob.glob(arg, recursive=True)):
            yield from _walk(match) if os.path.isdir(match) else [match]
    else:
        yield arg


def _count_lines(path: str) -> int:
    try:
        with open(path, "rb") as handle:
            count = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 1
    return max(count - path.lower().endswith(".csv"), 1)


def _walk(root: str) -> Iterator[str]:
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(CASE_EXTENSIONS):
                yield os.path.join(directory, name)


def _file(path: str) -> Iterator[Item]:
    lower = path.lower()
    if not lower.endswith((".jsonl", ".csv")):
        yield Item(path)
        return
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield Item(path, error=str(InputError(path, exc.strerror or str(exc))))
        return
    with handle:
        yield from (_json_lines(handle, path) if lower.endswith(".jsonl") else _csv_rows(handle, path))


def _json_lines(handle: IO[bytes], path: str) -> Iterator[Item]:
    """One item per non-blank line."""
    for number, raw in enumerate(handle, 1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        if len(raw) > MAX_BYTES:
            yield Item(path, number, error=str(InputError(path, f"line is longer than {MAX_BYTES:,} bytes", number)))
            continue
        try:
            yield Item(path, number, text=raw.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            yield Item(path, number, error=str(InputError(
                path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", number)))


def _csv_rows(handle: IO[bytes], path: str) -> Iterator[Item]:
    """One item per non-empty row after the header; a file that stops being readable ends with an error item."""
    with io.TextIOWrapper(handle, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        header: list[str] | None = None
        line = 1
        try:
            for row in reader:
                start, line = line, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [name.strip() for name in row]
                elif len(row) > len(header):
                    yield Item(path, start, error=str(InputError(
                        path, f"the row has {len(row)} cells but the header names only {len(header)} columns",
                        start)))
                else:
                    cells = row + [""] * (len(header) - len(row))
                    yield Item(path, start, row={name: cell for name, cell in zip(header, cells) if name or cell})
        except UnicodeDecodeError as exc:
            yield Item(path, line, error=str(InputError(
                path, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save as \"CSV UTF-8\"; "
                      "the rest of the file was not read", line)))
        except csv.Error as exc:
            yield Item(path, line, error=str(InputError(
                path, f"invalid CSV: {exc}; the rest of the file was not read", line)))


class RowDocument(Document):
    """A case built from a CSV row; errors name the row's line and the column."""

    def __init__(self, data: Any, source: str, line: int, numbers: dict[str, list[int]]):
        super().__init__(data, source, {}, line)
        self.numbers = numbers

    def error(self, loc: Path, message: str) -> InputError:
        return InputError(self.source, message, self.start_line, f"column {column_of(loc, self.numbers)}")


def column_of(loc: Path, numbers: dict[str, list[int]]) -> str:
    """``('promises', 0, 'by')`` -> ``promise1.by`` (the column a field came from)."""
    if not loc:
        return "(row)"
    head, rest = str(loc[0]), list(loc[1:])
    for prefix, key in GROUPS.items():
        if head == key and rest and isinstance(rest[0], int):
            number = numbers[key][rest[0]] if rest[0] < len(numbers.get(key, [])) else rest[0] + 1
            head, rest = f"{prefix}{number}", rest[1:]
    names = [head] + [str(part) for part in rest]
    while names and names[-1].isdigit():
        names.pop()
    return ".".join(names)


def row_document(item: Item) -> RowDocument:
    """The case a CSV row describes (see ``CSV_HELP``); an unknown column or bad cell raises InputError."""
    assert item.row is not None and item.line is not None
    data: dict[str, Any] = {"riskcheck": 1}
    groups: dict[str, dict[int, dict[str, Any]]] = {key: {} for key in GROUPS.values()}

    def bad(column: str, message: str) -> InputError:
        return InputError(item.path, message, item.line, f"column {column}")

    for column, cell in item.row.items():
        value = cell.strip()
        head, _, rest = column.partition(".")
        prefix = head.rstrip("0123456789")
        if column in ("id", "riskcheck"):
            if value:
                data[column] = int(value) if column == "riskcheck" and value.isdigit() else value
        elif head in SECTIONS and rest:
            if value:
                _put(data.setdefault(head, {}), rest.split("."), _cell(rest, value))
        elif prefix in GROUPS and head != prefix and rest and "." not in rest:
            number = int(head[len(prefix):])
            if number < 1:
                raise bad(column, "numbering starts at 1")
            if value:
                groups[GROUPS[prefix]].setdefault(number, {})[rest] = _cell(rest, value)
        else:
            raise bad(column, "unknown column; the columns are listed in templates/offers.csv "
                              "and by `riskcheck audit --help`")
    numbers = {}
    for prefix, key in GROUPS.items():
        filled = sorted(groups[key])
        numbers[key] = filled
        if filled:
            data[key] = [groups[key][n] for n in filled]
            if prefix == "person":
                for n, person in zip(filled, data[key]):
                    person.setdefault("id", f"person{n}")
    return RowDocument(data, item.path, item.line, numbers)


def _put(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _cell(name: str, value: str) -> Any:
    """A cell as the case model expects it: lists split on ';', ``received: false``."""
    field = name.rsplit(".", 1)[-1]
    if field in LIST_FIELDS:
        return [part.strip() for part in value.split(";") if part.strip()]
    if field == "received" and value.lower() in ("false", "no", "0"):
        return False
    return value
