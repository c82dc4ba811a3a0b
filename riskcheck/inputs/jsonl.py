"""JSON Lines (``.jsonl``, and ``-`` for stdin): one case per non-blank line, each line read with a bound."""

from __future__ import annotations

from typing import IO, Iterator

from riskcheck.i18n import text
from riskcheck.inputs.base import Item, Options, Reader, error_item
from riskcheck.inputs.files import LINES_BUFFER, TOO_LONG, bounded_lines, estimate_lines, open_regular
from riskcheck.loading import MAX_BYTES, Document, parse

BOM = b"\xef\xbb\xbf"


def items(path: str, options: Options) -> Iterator[Item]:
    with open_regular(path, options.lang, LINES_BUFFER) as handle:
        yield from stream(handle, path, options)


def stream(handle: IO[bytes], path: str, options: Options) -> Iterator[Item]:
    """One item per non-blank line of ``handle`` (a file, or stdin)."""
    for number, raw in bounded_lines(handle, MAX_BYTES):
        if raw is TOO_LONG:
            yield error_item(path, text("input.line_too_long", options.lang, limit=MAX_BYTES), number)
            continue
        if number == 1:
            raw = raw.removeprefix(BOM)
        if not raw.strip():
            continue
        try:
            yield Item(path, number, "jsonl", raw.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            yield error_item(path, text("input.jsonl.not_utf8", options.lang, byte=f"0x{raw[exc.start]:02x}"), number)


def document(item: Item, lang: str) -> Document:
    return parse(item.data, item.path, "json", item.line)


READER = Reader("jsonl", (".jsonl",), items, document, estimate_lines)
