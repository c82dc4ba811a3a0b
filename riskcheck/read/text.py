"""A document's text, line by line: ``.txt`` as it is, ``.pdf`` from its text layer (pypdf, which maps
Japanese CID fonts through their CMaps), ``.docx`` from its paragraphs and table rows (python-docx).

Every problem is a one-line ``InputError`` naming the file; a PDF without a text layer (a scan) says so
and what to do instead, and nothing is guessed from it.
"""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path
from typing import IO, Union

from riskcheck.errors import InputError
from riskcheck.i18n import text

MAX_BYTES = 20_000_000
MAX_PAGES = 200
SUFFIXES = (".txt", ".pdf", ".docx")
CHECKED = "■☑☒✓✔●◉○◯"
"""Marks of a chosen option; ○ too: on a form, the option written with a circle is the one circled."""
UNCHECKED = "□☐"


Source = Union[str, IO[bytes]]
"""A document to read: its path, or its bytes in memory."""


def read_lines(path: str, lang: str, data: bytes | None = None) -> list[str]:
    """The document's lines as written (for quoting); raises InputError. With ``data`` the document is
    read from those bytes in memory (``path`` only names it: an upload to ``serve``), never from disk."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, text("read.error.suffix", lang, suffixes=", ".join(SUFFIXES)))
    try:
        size = os.path.getsize(path) if data is None else len(data)
    except OSError as exc:
        raise InputError(path, text("read.error.open", lang, reason=exc.strerror or exc)) from None
    if size > MAX_BYTES:
        raise InputError(path, text("read.error.too_big", lang, size=size, limit=MAX_BYTES))
    reader = {".txt": _txt, ".pdf": _pdf, ".docx": _docx}[suffix]
    content = reader(path if data is None else io.BytesIO(data), path, lang)
    lines = [line.rstrip() for line in content.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if not any(line.strip() for line in lines):
        raise InputError(path, text("read.error.scan" if suffix == ".pdf" else "read.error.empty", lang))
    return lines


def normalise(line: str) -> str:
    """The line patterns see: NFKC (ASCII digits and letters, ``（`` -> ``(``), one kind of tick mark
    (■ ticked or circled, □ not), runs of spaces as one."""
    line = "".join("■" if c in CHECKED else "□" if c in UNCHECKED else c for c in line)
    return " ".join(unicodedata.normalize("NFKC", line).split())


def _txt(source: Source, path: str, lang: str) -> str:
    try:
        if isinstance(source, str):
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            data = source.read()
    except OSError as exc:
        raise InputError(path, text("read.error.open", lang, reason=exc.strerror or exc)) from None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(path, text("read.error.encoding", lang))


def _pdf(source: Source, path: str, lang: str) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(source)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, text("read.error.encrypted", lang))
        if len(reader.pages) > MAX_PAGES:
            raise InputError(path, text("read.error.pages", lang, pages=len(reader.pages), limit=MAX_PAGES))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InputError(path, text("read.error.pdf", lang, reason=" ".join(str(exc).split())[:200])) from None


def _docx(source: Source, path: str, lang: str) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.text.paragraph import Paragraph

    try:
        document = Document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(path, text("read.error.docx", lang, reason=" ".join(str(exc).split())[:200])) from None
    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        for row in block.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell.text not in cells:  # merged cells repeat their text
                    cells.append(cell.text)
            lines.append("　".join(" ".join(c.split("\n")) for c in cells))
    return "\n".join(lines)
