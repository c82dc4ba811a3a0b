"""The audit in a terminal: one line per case that needs attention, then the summary and the top rules."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

import click

from riskcheck.render import Renderer
from riskcheck.vocabulary import SEVERITIES

TOP_RULES = 10


def worst(entry: dict[str, Any]) -> int:
    """Rank for "worst first": errors, then by most severe active finding, ok last."""
    if entry["status"] == "error":
        return 0
    ranks = [SEVERITIES.index(f["severity"]) for f in entry["findings"] if "waived" not in f]
    return 1 + min(ranks) if ranks else 1 + len(SEVERITIES)


def severity_counts(entry: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in entry["findings"]:
        if "waived" not in f:
            counts[f["severity"]] += 1
    return counts


class RuleTally:
    """Active findings per rule (and the rule's severity as most often seen)."""

    def __init__(self) -> None:
        self.rules: Counter[str] = Counter()
        self.severity: dict[str, Counter[str]] = {}

    def add(self, entry: dict[str, Any]) -> None:
        for f in entry["findings"]:
            if "waived" not in f:
                self.rules[f["rule"]] += 1
                self.severity.setdefault(f["rule"], Counter())[f["severity"]] += 1

    def top(self, n: int | None = None) -> list[tuple[str, int, str]]:
        return [(rule, count, self.severity[rule].most_common(1)[0][0]) for rule, count in self.rules.most_common(n)]


class AuditTextRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.tally = RuleTally()

    def case(self, entry: dict[str, Any]) -> None:
        self.tally.add(entry)
        if entry["status"] == "error":
            click.echo(f"ERROR     {entry['id']}  {entry['error']}", file=self.out)
        elif entry["status"] == "findings":
            counts = ", ".join(f"{n} {s}" for s, n in severity_counts(entry).items() if n)
            click.echo(f"FINDINGS  {entry['id']}  ({entry['source']}): {counts}", file=self.out)

    def finish(self, summary: dict[str, Any]) -> None:
        echo = lambda line="": click.echo(line, file=self.out)  # noqa: E731
        echo()
        echo(f"{summary['cases']:,} case(s): {summary['ok']:,} ok, {summary['findings']:,} with findings "
             f"at or above {self.fail_on}, {summary['errors']:,} error(s)")
        echo("Findings: " + ", ".join(f"{summary['by_severity'][s]:,} {s}" for s in SEVERITIES)
             + (f"; {summary['waived']:,} waived" if summary.get("waived") else ""))
        if self.tally.rules:
            echo("Rules firing most:")
            for rule, count, severity in self.tally.top(TOP_RULES):
                echo(f"  {count:>9,}  {rule} ({severity})")
