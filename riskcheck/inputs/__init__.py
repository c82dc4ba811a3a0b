"""The inputs of ``audit``: paths, directories, globs and stdin, as one lazy stream of work items.

An item is one case: a case file, or a case embedded in a bigger file (a JSON line, a table row)
named ``file:line`` (``book.xlsx:Sheet:row`` in a workbook). Anything that cannot become a case
(an unreadable line, a file that is not a regular file, an input that holds no case, a pattern
that matches nothing) is still an item, carrying its error, so every input appears in the report.

Each format is a reader (``base.Reader``) in a module of its own, registered in ``READERS`` by the
file suffixes it owns: adding a format is one module and one line there. The batch runner knows
no format: it calls ``document(item)`` in the worker.
"""

from __future__ import annotations

import glob
import os
import sys
from typing import IO, Iterator

from riskcheck.errors import InputError
from riskcheck.i18n import text
from riskcheck.inputs import casefile, csv_, jsonl, xlsx
from riskcheck.inputs.base import Item, Options, Reader, error_item
from riskcheck.loading import Document

READERS: tuple[Reader, ...] = (
    casefile.READER,
    jsonl.READER,
    csv_.READER,
    xlsx.READER,
)
"""Every input format; a file's suffix picks its reader (a named file of another suffix is a case file)."""
BY_SUFFIX = {suffix: reader for reader in READERS for suffix in reader.suffixes}
BY_NAME = {reader.name: reader for reader in READERS} | {"table": csv_.READER}
CASE_EXTENSIONS = tuple(BY_SUFFIX)
"""The files a directory contributes (hidden files, Excel's ``~$`` lock files and hidden directories skipped)."""
STDIN = "-"
STDIN_NAME = "stdin"

__all__ = ["Item", "Options", "Reader", "READERS", "Inputs", "expand", "document", "reader_for", "stream"]


def reader_for(path: str) -> Reader:
    return BY_SUFFIX.get(os.path.splitext(path)[1].lower(), casefile.READER)


def document(item: Item, lang: str = "en") -> Document:
    """The parsed document an item stands for, read by its reader (in the worker); raises InputError."""
    return BY_NAME[item.reader].document(item, lang)


class Inputs:
    """The inputs one audit names, resolved once: ``items()`` reads them, ``estimate()`` sizes them."""

    def __init__(self, args: list[str], options: Options | None = None, stdin: IO[bytes] | None = None):
        self.args = args
        self.options = options or Options()
        self.stdin = stdin
        self._paths: list[tuple[str, str | None]] | None = None

    def paths(self) -> Iterator[tuple[str, str | None]]:
        """``(path, None)`` for each file to read, or ``(name, error)`` for an argument or directory
        that gives none; listed once (remembered if ``estimate`` asked first)."""
        if self._paths is not None:
            return iter(self._paths)
        return _paths(self.args, self.options.lang)

    def items(self) -> Iterator[Item]:
        """Every case, in argument order; directories sorted; each file through its reader."""
        for path, error in self.paths():
            if error is not None:
                yield error_item(path, error)
            elif path == STDIN:
                stream = self.stdin or (sys.stdin.buffer if sys.stdin is not None else None)
                if stream is None:  # started with stdin closed (<&-)
                    yield error_item(STDIN_NAME, text("input.stdin_closed", self.options.lang))
                    continue
                yield from _counted(jsonl.stream(stream, STDIN_NAME, self.options), STDIN_NAME, self.options.lang)
            else:
                yield from _file(path, self.options)

    def estimate(self) -> int | None:
        """About how many cases there are, for a progress bar (None when reading stdin); lists the
        files once, which ``items`` then reuses, and samples big files instead of reading them."""
        if STDIN in self.args:
            return None
        self._paths = list(_paths(self.args, self.options.lang))
        return sum(reader_for(path).estimate(path) if error is None else 1 for path, error in self._paths)


STREAMS = {"jsonl": jsonl.stream, "csv": csv_.stream}
"""The formats that can be read from a byte stream rather than a named file (stdin, an HTTP body)."""


def stream(handle: IO[bytes], fmt: str, name: str, options: Options | None = None) -> Iterator[Item]:
    """The items of a byte stream in ``fmt`` (``jsonl`` or ``csv``), named ``name``; a stream holding no
    case is one error item, as a file would be."""
    options = options or Options()
    return _counted(STREAMS[fmt](handle, name, options), name, options.lang)


def expand(args: list[str], stdin: IO[bytes] | None = None, options: Options | None = None) -> Iterator[Item]:
    """Every case named by ``args`` in order (see ``Inputs``)."""
    return Inputs(args, options, stdin).items()


def _paths(args: list[str], lang: str) -> Iterator[tuple[str, str | None]]:
    for arg in args:
        if arg == STDIN:
            yield arg, None
            continue
        found = False
        for path, error in _arg_paths(arg, lang):
            found = True
            yield path, error
        if not found:
            key = "input.empty_directory" if os.path.isdir(arg) else "input.no_match"
            yield arg, text(key, lang)


def _arg_paths(arg: str, lang: str) -> Iterator[tuple[str, str | None]]:
    """The files one argument names: itself, a directory's case files, or a pattern's matches."""
    if os.path.isdir(arg):
        yield from _walk(arg, lang)
    elif not os.path.lexists(arg) and glob.has_magic(arg):
        for match in sorted(glob.glob(arg, recursive=True)):
            yield from _walk(match, lang) if os.path.isdir(match) else [(match, None)]
    else:
        yield arg, None


def _walk(root: str, lang: str) -> Iterator[tuple[str, str | None]]:
    """A directory's case files, sorted; a subdirectory that cannot be listed is an error, not a gap."""
    failed: list[OSError] = []
    for directory, subdirs, files in os.walk(root, onerror=failed.append):
        while failed:
            exc = failed.pop(0)
            yield exc.filename or directory, text("input.unreadable_directory", lang, problem=exc.strerror or exc)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith((".", "~$")) and name.lower().endswith(CASE_EXTENSIONS):
                yield os.path.join(directory, name), None
    while failed:
        exc = failed.pop(0)
        yield exc.filename or root, text("input.unreadable_directory", lang, problem=exc.strerror or exc)


def _file(path: str, options: Options) -> Iterator[Item]:
    """One file's items through its reader; a file that is not regular is never opened."""
    reader = reader_for(path)
    try:
        if reader is not casefile.READER:
            yield from _counted(reader.items(path, options), path, options.lang)
            return
        from riskcheck.inputs.files import check_regular

        check_regular(path, options.lang)
        yield from reader.items(path, options)
    except InputError as exc:
        yield Item(path, error=str(exc))


def _counted(items: Iterator[Item], path: str, lang: str) -> Iterator[Item]:
    """``items``, or one error item when there are none: an input that holds no case is an error."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield error_item(path, text("input.no_case", lang))
