"""Renderers: views of report format 1, behind one registry, fed one case at a time so batches can stream.

A renderer registers itself once, under a format name, for the commands ("views") that offer it::

    @register("markdown", "check")
    class MarkdownRenderer(Renderer): ...

``formats("check")`` finds every ``@register`` line in this package's modules (so a new output format is
one new file here) and gives the format names a command offers, importing a renderer's module only
when its format is used.

A case renderer is built with the output stream and the report's metadata, receives ``case(...)``
for each case in order, and ``finish(summary)``. What ``case`` receives is ``encode(entry)`` of the
case's entry (the dict of ``CaseResult.to_dict``): by default the entry itself, which the base class
turns into a typed ``CaseReport`` for ``report(case)``; streaming formats return their finished text
instead, which ``audit`` makes in its worker processes. ``riskcheck test`` renderers follow the same
protocol (registered under the ``test`` view, built the same way) and receive ``test_run(run)``.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import cache
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, TypeVar

from riskcheck.i18n import FALLBACK
from riskcheck.report import CaseReport, CaseSummary, Summary, case_summary

Prepared = tuple[CaseSummary, Any]
"""A case ready for the renderer: what the summary counts, and ``encode(entry)``."""

VIEWS = ("check", "audit", "test")
"""The commands whose output comes from here."""
_REGISTRY: dict[str, dict[str, type[Renderer]]] = {view: {} for view in VIEWS}
R = TypeVar("R", bound="type[Renderer]")


def register(name: str, *views: str) -> Callable[[R], R]:
    """Class decorator: offer the renderer as ``--format name`` in each of ``views``."""

    def add(cls: R) -> R:
        for view in views:
            _REGISTRY[view][name] = cls
        return cls
    return add


def formats(view: str) -> Mapping[str, type[Renderer]]:
    """The format names and renderers of ``view``: ``text`` (the default) first, then by name. A renderer's
    module is imported when its format is looked up, so a command pays only for the format it writes."""
    names = sorted((name for (v, name) in _declared() if v == view), key=lambda name: (name != "text", name))
    return _Formats(view, names)


_DECLARATION = re.compile(r"""^@register\(\s*["']([\w-]+)["']((?:\s*,\s*["']\w+["'])*)\s*\)""", re.M)


@cache
def _declared() -> dict[tuple[str, str], str]:
    """``(view, format) -> module`` for every ``@register(...)`` line of this package's modules, found by
    reading their text (importing them all would cost every command's start-up)."""
    here = os.path.dirname(__file__)
    found: dict[tuple[str, str], str] = {}
    for file in sorted(os.listdir(here)):
        if file.endswith(".py") and not file.startswith("_"):
            with open(os.path.join(here, file), encoding="utf-8") as handle:
                for name, views in _DECLARATION.findall(handle.read()):
                    for view in re.findall(r"\w+", views):
                        found[(view, name)] = f"{__name__}.{file[:-3]}"
    return found


class _Formats(Mapping[str, "type[Renderer]"]):
    def __init__(self, view: str, names: list[str]):
        self.view = view
        self.names = names

    def __getitem__(self, name: str) -> type[Renderer]:
        if name not in self.names:
            raise KeyError(name)
        importlib.import_module(_declared()[(self.view, name)])
        return _REGISTRY[self.view][name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class Renderer:
    """Base renderer: keeps the stream and the options; subclasses write."""

    binary = False
    """True when the renderer writes bytes: it receives a binary stream (a workbook; JSON Lines, whose
    lines its ``encode`` makes as UTF-8 bytes in the workers and hands on untouched)."""
    needs_file = False
    """True for a format that cannot go to standard output (a workbook): ``audit`` asks for ``-o FILE``."""

    def __init__(self, out: IO[Any], *, packs: list[dict[str, str]], lang: str, fail_on: str, generator: str):
        self.out = out
        self.packs = packs
        self.lang = lang
        self.fail_on = fail_on
        self.generator = generator

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str, lang: str = FALLBACK) -> Any:
        """What ``case`` receives for ``entry``, in ``lang``; run wherever the entry is made. Default: the entry."""
        return entry

    def case(self, encoded: Any) -> None:
        """One case, as ``encode`` made it; by default the entry, read as a ``CaseReport``."""
        self.report(CaseReport.from_entry(encoded))

    def report(self, case: CaseReport) -> None:
        raise NotImplementedError

    def finish(self, summary: dict[str, Any]) -> None:
        raise NotImplementedError

    def test_run(self, run: Any) -> None:
        """A ``riskcheck test`` run (renderers of the ``test`` view)."""
        raise NotImplementedError


def prepare(renderer_class: type[Renderer], fail_on: str, entry: dict[str, Any], lang: str = FALLBACK) -> Prepared:
    """An entry made ready for ``render``; ``audit``'s workers run this (as a ``functools.partial``)."""
    return case_summary(entry), renderer_class.encode(entry, fail_on, lang)


def generator() -> str:
    from riskcheck import __version__

    return f"riskcheck {__version__}"


def render(renderer_class: type[Renderer], out: IO[Any], cases: Iterable[Prepared], *, packs: list[dict[str, str]],
           lang: str, fail_on: str) -> dict[str, Any]:
    """Stream prepared cases through a renderer; returns the summary."""
    renderer = renderer_class(out, packs=packs, lang=lang, fail_on=fail_on, generator=generator())
    summary = Summary()
    for counted, encoded in cases:
        summary.add(counted)
        renderer.case(encoded)
    result = summary.to_dict()
    renderer.finish(result)
    return result


def render_entries(renderer_class: type[Renderer], out: IO[Any], entries: Iterable[dict[str, Any]], *,
                   packs: list[dict[str, str]], lang: str, fail_on: str) -> dict[str, Any]:
    """``render`` for entries made in this process."""
    return render(renderer_class, out, (prepare(renderer_class, fail_on, entry, lang) for entry in entries),
                  packs=packs, lang=lang, fail_on=fail_on)


def render_test_run(renderer_class: type[Renderer], out: IO[str], run: Any, *, packs: list[dict[str, str]],
                    lang: str) -> None:
    """A ``riskcheck test`` run through a renderer of the ``test`` view."""
    renderer_class(out, packs=packs, lang=lang, fail_on="low", generator=generator()).test_run(run)
