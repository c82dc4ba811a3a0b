"""JSON Lines (``.jsonl``, and ``-`` for stdin): one case per non-blank line, each line read with a bound."""

from __future__ import annotations

from typing import IO, Iterator

from riskcheck.errors import InputError
from riskcheck.i18n import text
from riskcheck.inputs.base import Item, Options, Reader, error_item
from riskcheck.inputs.files import LINES_BUFFER, TOO_LONG, bounded_lines, estimate_lines, open_regular
from riskcheck.loading import MAX_BYTES, Document, parse

BOM = b"\xef\xbb\xbf"


def items(path: str, options: Options) -> Iterator[Item]:
    with open_regular(path, options.lang, LINES_BUFFER) as handle:
        yield from stream(handle, path, options)


def stream(handle: IO[bytes], path: str, options: Options) -> Iterator[Item]:
    """One item per non-blank line of ``handle`` (a file, or stdin), the line's bytes as they are: the
    worker decodes them (``document``), so the supervisor neither decodes nor re-encodes a case to send it."""
    for number, raw in bounded_lines(handle, MAX_BYTES):
        if raw is TOO_LONG:
            yield error_item(path, text("input.line_too_long", options.lang, limit=MAX_BYTES), number)
            continue
        if number == 1:
            raw = raw.removeprefix(BOM)
        line = raw.rstrip(b"\r\n")
        if not line.lstrip().startswith(b"{"):  # not a case as written: blank (in any script's spaces), or an error
            try:
                if not line.decode("utf-8").strip():
                    continue
            except UnicodeDecodeError as exc:
                yield error_item(path, _not_utf8(line, exc, options.lang), number)
                continue
        yield Item(path, number, "jsonl", line)


def document(item: Item, lang: str) -> Document:
    try:
        line = item.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(item.path, _not_utf8(item.data, exc, lang), item.line) from None
    return parse(line, item.path, "json", item.line)


def _not_utf8(line: bytes, exc: UnicodeDecodeError, lang: str) -> str:
    return text("input.jsonl.not_utf8", lang, byte=f"0x{line[exc.start]:02x}")


READER = Reader("jsonl", (".jsonl",), items, document, estimate_lines)
