"""Renderers: views of report format 1, fed one case at a time so batches can stream.

A renderer is built with the output stream and the report's metadata, receives ``case(...)``
for each case in order, and ``finish(summary)``. What ``case`` receives is ``encode(entry)`` of
the case's entry (the dict of ``CaseResult.to_dict``): the entry itself, or for streaming formats
its finished text, which ``audit`` makes in its worker processes.
"""

from __future__ import annotations

from typing import IO, Any, Iterable

from riskcheck.report import CaseSummary, Summary, case_summary

Prepared = tuple[CaseSummary, Any]
"""A case ready for the renderer: what the summary counts, and ``encode(entry)``."""


class Renderer:
    """Base renderer: keeps the stream and the options; subclasses write."""

    def __init__(self, out: IO[str], *, packs: list[dict[str, str]], lang: str, fail_on: str, generator: str):
        self.out = out
        self.packs = packs
        self.lang = lang
        self.fail_on = fail_on
        self.generator = generator

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str) -> Any:
        """What ``case`` receives for ``entry``; run wherever the entry is made. Default: the entry."""
        return entry

    def case(self, encoded: Any) -> None:
        raise NotImplementedError

    def finish(self, summary: dict[str, Any]) -> None:
        raise NotImplementedError


def prepare(renderer_class: type[Renderer], fail_on: str, entry: dict[str, Any]) -> Prepared:
    """An entry made ready for ``render``; ``audit``'s workers run this (as a ``functools.partial``)."""
    return case_summary(entry), renderer_class.encode(entry, fail_on)


def render(renderer_class: type[Renderer], out: IO[str], cases: Iterable[Prepared], *, packs: list[dict[str, str]],
           lang: str, fail_on: str) -> dict[str, Any]:
    """Stream prepared cases through a renderer; returns the summary."""
    from riskcheck import __version__

    renderer = renderer_class(out, packs=packs, lang=lang, fail_on=fail_on, generator=f"riskcheck {__version__}")
    summary = Summary()
    for counted, encoded in cases:
        summary.add(counted)
        renderer.case(encoded)
    result = summary.to_dict()
    renderer.finish(result)
    return result


def render_entries(renderer_class: type[Renderer], out: IO[str], entries: Iterable[dict[str, Any]], *,
                   packs: list[dict[str, str]], lang: str, fail_on: str) -> dict[str, Any]:
    """``render`` for entries made in this process."""
    return render(renderer_class, out, (prepare(renderer_class, fail_on, entry) for entry in entries), packs=packs,
                  lang=lang, fail_on=fail_on)
