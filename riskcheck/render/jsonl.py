"""JSON Lines: one case entry per line, streamed; the summary only decides the exit code."""

from __future__ import annotations

import json
from typing import Any

from riskcheck.render import Renderer


class JsonlRenderer(Renderer):
    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str) -> str:
        return json.dumps(entry, ensure_ascii=False) + "\n"

    def case(self, encoded: str) -> None:
        self.out.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
