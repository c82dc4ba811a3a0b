"""The audit in a terminal: one line per case that needs attention, then the summary and the top rules."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

import click

from riskcheck.i18n import text
from riskcheck.render import Renderer, register
from riskcheck.report import CaseReport
from riskcheck.vocabulary import SEVERITIES

TOP_RULES = 10


class RuleTally:
    """Active findings per rule (and the rule's severity as most often seen)."""

    def __init__(self) -> None:
        self.rules: Counter[str] = Counter()
        self.severity: dict[str, Counter[str]] = {}

    def add(self, case: CaseReport) -> None:
        for f in case.active():
            self.rules[f.rule] += 1
            self.severity.setdefault(f.rule, Counter())[f.severity] += 1

    def top(self, n: int | None = None) -> list[tuple[str, int, str]]:
        return [(rule, count, self.severity[rule].most_common(1)[0][0]) for rule, count in self.rules.most_common(n)]


def offer_text(case: CaseReport, lang: str) -> str:
    """The case's company and position (those stated), ``""`` when neither is known."""
    if case.company and case.position:
        return text("audit.offer", lang, company=case.company, position=case.position)
    return case.company or case.position or ""


def counts_text(counts: dict[str, int], lang: str, all_severities: bool = False) -> str:
    """``1 blocker, 2 high`` (the non-zero ones, or all) in the audit's words."""
    return text("audit.count_separator", lang).join(
        text("audit.count", lang, count=n, severity=text(f"audit.severity.{s}", lang))
        for s, n in counts.items() if n or all_severities)


@register("text", "audit")
class AuditTextRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.tally = RuleTally()

    def say(self, key: str, **fields: Any) -> str:
        return text(f"audit.{key}", self.lang, **fields)

    def report(self, case: CaseReport) -> None:
        self.tally.add(case)
        offer = offer_text(case, self.lang)
        offer = self.say("line.offer", offer=offer) if offer else ""
        if case.status == "error":
            click.echo(self.say("line.error", id=case.id, error=case.error) + offer, file=self.out)
        elif case.status == "findings":
            click.echo(self.say("line.findings", id=case.id, source=case.source,
                                counts=counts_text(case.severity_counts(), self.lang)) + offer, file=self.out)

    def finish(self, summary: dict[str, Any]) -> None:
        echo = lambda line="": click.echo(line, file=self.out)  # noqa: E731
        echo()
        echo(self.say("summary", fail_on=self.say(f"severity.{self.fail_on}"), **summary))
        echo(self.say("findings", counts=counts_text({s: summary["by_severity"][s] for s in SEVERITIES}, self.lang,
                                                     all_severities=True))
             + (self.say("waived", waived=summary["waived"]) if summary.get("waived") else ""))
        if self.tally.rules:
            echo(self.say("top_rules"))
            for rule, count, severity in self.tally.top(TOP_RULES):
                echo(self.say("top_rule", count=count, rule=rule, severity=self.say(f"severity.{severity}")))
