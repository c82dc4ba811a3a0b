"""Report format 1 as JSON, streamed case by case; byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

from riskcheck.i18n import FALLBACK
from riskcheck.render import Renderer, register
from riskcheck.report import FORMAT


def dumps(value: Any, indent: int = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=False)


@register("json", "check", "audit")
class JsonRenderer(Renderer):
    started = False

    def _start(self) -> None:
        head = {"riskcheck": FORMAT, "generator": self.generator, "rule_packs": self.packs}
        self.out.write(dumps(head)[:-2] + ",\n  \"cases\": [")
        self.started = True
        self.first = True

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> str:
        return dumps(entry).replace("\n", "\n    ")

    def case(self, encoded: str) -> None:
        if not self.started:
            self._start()
        self.out.write(("\n    " if self.first else ",\n    ") + encoded)
        self.first = False

    def finish(self, summary: dict[str, Any]) -> None:
        if not self.started:
            self._start()
        closing = "\n  ]" if not self.first else "]"
        self.out.write(f"{closing},\n  \"summary\": {dumps(summary).replace(chr(10), chr(10) + '  ')}\n}}\n")
