"""The candidate's view in a terminal: findings grouped by the person to ask, most severe first.

Its words are the catalogue's ``check.*`` keys."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any, Iterable

import click

from riskcheck.i18n import text
from riskcheck.render import Renderer, register
from riskcheck.render.sheet import evidence_text
from riskcheck.report import CaseReport, ReportedFinding
from riskcheck.vocabulary import SEVERITIES, label

STYLE = {"blocker": {"fg": "red", "bold": True}, "high": {"fg": "red"}, "medium": {"fg": "yellow"}, "low": {}}


def use_colour(out: Any) -> bool | None:
    """Colour on a terminal unless NO_COLOR is set (None lets click decide by the stream)."""
    return False if os.environ.get("NO_COLOR") else None


_TOKEN = re.compile(r"\s+|[!-~]+|.")
_NO_LINE_START = set("、。，．,.)）」』】〕！？!?:：；;ー")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """Lines of at most ``width`` columns: English breaks between words, Japanese between characters,
    never before closing punctuation."""
    lines = [indent]
    used = display_width(indent)
    for token in _TOKEN.findall(" ".join(text.split())):
        size = display_width(token)
        at_start = lines[-1] in (indent, subsequent)
        if token.isspace():
            if not at_start:
                lines[-1] += " "
                used += 1
            continue
        if used + size > width and not at_start and token[0] not in _NO_LINE_START:
            lines[-1] = lines[-1].rstrip()
            lines.append(subsequent)
            used = display_width(subsequent)
        lines[-1] += token
        used += size
    return [line.rstrip() for line in lines]


def groups(findings: Iterable[ReportedFinding]) -> list[tuple[tuple[str, ...], list[ReportedFinding]]]:
    """Findings grouped by who to confirm with, groups ordered by their most severe finding."""
    by_who: dict[tuple[str, ...], list[ReportedFinding]] = {}
    for finding in findings:
        by_who.setdefault(finding.confirm_with, []).append(finding)
    return sorted(by_who.items(), key=lambda item: (min(f.rank for f in item[1]), item[0]))


@register("text", "check")
class TextRenderer(Renderer):
    width = 88

    def echo(self, line: str = "", **style: Any) -> None:
        click.echo(click.style(line, **style) if style else line, file=self.out, color=use_colour(self.out))

    def wrap(self, line: str, indent: str) -> str:
        return "\n".join(wrap(line, self.width, indent, indent + "  "))

    def say(self, key: str, **fields: Any) -> str:
        return text(f"check.{key}", self.lang, **fields)

    def report(self, case: CaseReport) -> None:
        lang = self.lang
        self.echo(self.say("heading", id=case.id, source=case.source), bold=True)
        if case.status == "error":
            self.echo(self.say("error", error=case.error), fg="red")
            self.echo()
            return
        active = case.active()
        if not active:
            self.echo(self.say("nothing"), fg="green")
        threshold = SEVERITIES.index(self.fail_on)
        for who, findings in groups(active):
            self.echo()
            self.echo(self.say("go_to", who=self.say("or").join(label(w, lang) for w in who)), bold=True)
            for f in findings:
                tag = self.say("severity_tag", severity=self.say(f"severity.{f.severity}"))
                note = "" if f.rank <= threshold else self.say("below")
                self.echo(f"  {tag} " + click.style(label(f.topic, lang), bold=True) + note, **STYLE[f.severity])
                self.echo(self.wrap(f.message, "    "))
                evidence = evidence_text(f.evidence, lang)
                if evidence is not None:
                    self.echo(self.wrap(evidence, "    "), dim=True)
                self.echo(self.wrap(self.say("why", basis=f.basis), "    "))
                form = label(f.form, lang)
                self.echo("    " + (self.say("form", form=form, stage=label(f.raise_at, lang)) if f.raise_at
                                    else self.say("form_any", form=form)))
                self.echo(self.wrap(self.say("ask", ask=f.ask), "    "), fg="cyan")
                if f.waiver_expired is not None:
                    w = f.waiver_expired
                    self.echo("    " + self.say("expired", date=w["expires"], reason=w["reason"]), fg="yellow")
        waived = case.waived()
        if waived:
            self.echo()
            self.echo(self.say("waived"), bold=True)
            for f in waived:
                w = f.waived or {}
                self.echo("  " + self.say("waived_by", rule=f.rule, by=w["accepted_by"], date=w["expires"],
                                          reason=w["reason"]))
        self.echo()

    def finish(self, summary: dict[str, Any]) -> None:
        counts = self.say("count_separator").join(self.say("count", count=n, severity=label(s, self.lang))
                                                  for s, n in summary["by_severity"].items())
        self.echo(self.say("summary", counts=counts, **summary))
