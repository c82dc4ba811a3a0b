"""``riskcheck read``: what a written notice actually states, read into case values with the line of
each, by patterns that are data in the rule pack (``rules/jp-offer/notice/patterns.yaml``).

    from riskcheck.read import read_document
    reading = read_document("労働条件通知書.pdf", lang="ja")
    reading.terms(), reading.document(), reading.evidence, reading.missing

The path: the file's lines (``text``), each item's patterns over them (``reader``), the legally
required items left unstated; ``merge`` puts a reading into a case file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskcheck.read.reader import Reading


def read_document(path: str, kind: str | None = None, lang: str = "en", patterns: Sequence[str] = (),
                  data: bytes | None = None) -> Reading:
    """Read ``path`` (.txt, .pdf, .docx); ``patterns`` are extra patterns files tried before the shipped
    one. With ``data``, the document is those bytes, read in memory (``path`` only names it). Raises
    InputError (one line, naming the file) for anything unreadable.

    Imported lazily: ``riskcheck.facts`` imports ``riskcheck.read.facts``, and ``check`` must not pay for
    the reader."""
    from riskcheck.errors import InputError
    from riskcheck.i18n import text
    from riskcheck.read.compiled import load_patterns, shipped_patterns_path
    from riskcheck.read.reader import read_lines
    from riskcheck.read.text import read_lines as document_lines

    shipped = load_patterns(str(shipped_patterns_path()), checked=False)
    compiled = [load_patterns(p) for p in patterns] + [shipped]
    reading = read_lines(path, document_lines(path, lang, data), compiled, kind, shipped)
    if reading.kind is None:
        raise InputError(path, text("read.error.kind", lang))
    return reading
