"""What every reader shares: the work item, the reader record and the options of one audit."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple

from riskcheck.errors import InputError
from riskcheck.loading import Document


class Item(NamedTuple):
    """One case to evaluate, or the error that stands in for it.

    ``path`` is the input file; ``part`` a sheet of a workbook; ``line`` the line (or row) of a case
    embedded in a bigger file; ``reader`` the name of the reader that turns ``data`` into a
    document in the worker (``data`` is what it read: a JSON line's bytes, a table row's cells).
    """

    path: str
    line: int | None = None
    reader: str = "case"
    data: Any = None
    error: str | None = None
    """Set when the input could not even be read as a case."""
    part: str | None = None

    @property
    def where(self) -> str:
        """The file, and the sheet of a workbook: what an error message names before the line."""
        return self.path if self.part is None else f"{self.path}:{self.part}"

    @property
    def source(self) -> str:
        return self.where if self.line is None else f"{self.where}:{self.line}"

    @property
    def default_id(self) -> str:
        stem = os.path.splitext(os.path.basename(self.path))[0]
        parts = [stem] + ([self.part] if self.part is not None else []) + ([str(self.line)] if self.line is not None else [])
        return ":".join(parts)


@dataclass
class Options:
    """How the inputs of one audit are read, and where a reader reports what is not a case."""

    extra_columns: str = "error"
    """``error``: an unknown table column makes each row an error; ``ignore``: it is left out (listed once)."""
    lang: str = "en"
    notice: Callable[[str], None] = lambda message: None
    """Receives one-line notices (columns ignored, sheets skipped): stderr in ``audit``."""
    redact: bool = False
    """``--redact``: messages name table columns by their letter, never by the header typed."""
    blank_rows: int = 0
    """Fully blank table rows skipped so far (counted, not reported as cases)."""
    noticed: set[str] = field(default_factory=set)

    def notify(self, message: str) -> None:
        """Pass a notice on, once per distinct message."""
        if message not in self.noticed:
            self.noticed.add(message)
            self.notice(message)


@dataclass(frozen=True)
class Reader:
    """One input format: the file suffixes it owns, how it lists a file's cases (in the supervisor,
    lazily) and how one of its items becomes a document (in a worker)."""

    name: str
    suffixes: tuple[str, ...]
    items: Callable[[str, Options], Iterator[Item]]
    """The items of one regular file, in order; every line or row accounted for."""
    document: Callable[[Item, str], Document]
    """An item's document (``lang`` for the wording of errors); raises InputError."""
    estimate: Callable[[str], int] = lambda path: 1
    """About how many items a file holds, without reading it whole (for the progress bar)."""


def error_item(path: str, message: str, line: int | None = None, part: str | None = None,
               field: str | None = None) -> Item:
    where = path if part is None else f"{path}:{part}"
    return Item(path, line, error=str(InputError(where, message, line, field)), part=part)
