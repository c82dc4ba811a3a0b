"""JSON Lines: one case entry per line, streamed; the summary only decides the exit code."""

from __future__ import annotations

import json
from typing import Any

from riskcheck.i18n import FALLBACK
from riskcheck.render import Renderer, register


@register("jsonl", "audit")
class JsonlRenderer(Renderer):
    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> str:
        return json.dumps(entry, ensure_ascii=False) + "\n"

    def case(self, encoded: str) -> None:
        self.out.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
