"""JSON Lines: one case entry per line, streamed; the summary only decides the exit code."""

from __future__ import annotations

import json
from typing import Any

from riskcheck.render import Renderer


class JsonlRenderer(Renderer):
    def case(self, entry: dict[str, Any]) -> None:
        self.out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
