"""Renderers: views of report format 1, fed one case entry at a time so batches can stream.

A renderer is built with the output stream and the report's metadata, receives ``case(entry)``
for each case entry (the dicts of ``CaseResult.to_dict``) in order, and ``finish(summary)``.
"""

from __future__ import annotations

from typing import IO, Any, Iterable

from riskcheck.report import Summary


class Renderer:
    """Base renderer: keeps the stream and the options; subclasses write."""

    def __init__(self, out: IO[str], *, packs: list[dict[str, str]], lang: str, fail_on: str, generator: str):
        self.out = out
        self.packs = packs
        self.lang = lang
        self.fail_on = fail_on
        self.generator = generator

    def case(self, entry: dict[str, Any]) -> None:
        raise NotImplementedError

    def finish(self, summary: dict[str, Any]) -> None:
        raise NotImplementedError


def render(renderer_class: type[Renderer], out: IO[str], entries: Iterable[dict[str, Any]], *, packs: list[dict[str, str]], lang: str,
           fail_on: str) -> dict[str, Any]:
    """Stream ``entries`` through a renderer; returns the summary."""
    from riskcheck import __version__

    renderer = renderer_class(out, packs=packs, lang=lang, fail_on=fail_on, generator=f"riskcheck {__version__}")
    summary = Summary()
    for entry in entries:
        summary.add(entry)
        renderer.case(entry)
    result = summary.to_dict()
    renderer.finish(result)
    return result
