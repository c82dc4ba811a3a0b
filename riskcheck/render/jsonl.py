"""JSON Lines: one case entry per line, streamed; the summary only decides the exit code.

Each line is compact JSON in UTF-8 (orjson: no spaces after ``,`` and ``:``), keys in the entry's
own fixed order, so the same case gives the same bytes on every run and with any ``--jobs``. A line
is made as bytes where the case is checked (an ``audit`` worker) and written as it is.
"""

from __future__ import annotations

import json
from typing import IO, Any

import orjson

from riskcheck.i18n import FALLBACK
from riskcheck.render import Renderer, register


@register("jsonl", "audit")
class JsonlRenderer(Renderer):
    binary = True

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> bytes:
        try:
            return orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # what orjson does not write (an integer beyond 64 bits): the same compact form
            return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

    def __init__(self, out: IO[bytes], **options: Any):
        super().__init__(out, **options)
        try:
            self.each_line = out.isatty()
        except (AttributeError, ValueError, OSError):
            self.each_line = False
        """On a terminal each line shows as it is made, as a line-buffered text stream would show it."""

    def case(self, encoded: bytes) -> None:
        self.out.write(encoded)
        if self.each_line:
            self.out.flush()

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
