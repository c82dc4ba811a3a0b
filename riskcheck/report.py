"""Report format 1 (``spec/report-format.md``): case results, the summary, the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from riskcheck.findings import Finding
from riskcheck.rulepack import RulePack
from riskcheck.vocabulary import SEVERITIES

FORMAT = 1


@dataclass
class CaseResult:
    """One case's outcome: its findings, or the error that stopped it being read."""

    id: str
    source: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def active(self) -> list[Finding]:
        """The findings not covered by a live waiver."""
        return [f for f in self.findings if f.waived is None]

    def status(self, fail_on: str) -> str:
        if self.error is not None:
            return "error"
        threshold = SEVERITIES.index(fail_on)
        return "findings" if any(SEVERITIES.index(f.severity) <= threshold for f in self.active()) else "ok"

    def to_dict(self, fail_on: str) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "status": self.status(fail_on),
                "findings": [f.to_dict() for f in self.findings], "error": self.error}


CaseSummary = tuple[str, tuple[str, ...], int]
"""What the summary counts of one case: its status, the severities of its findings not waived, and how
many are waived. Worker processes send this instead of the entry; a plain tuple pickles fastest."""


def case_summary(entry: dict[str, Any]) -> CaseSummary:
    found = entry["findings"]
    severities = tuple(f["severity"] for f in found if "waived" not in f)
    return entry["status"], severities, len(found) - len(severities)


class Summary:
    """Counts over cases, built up one case at a time (so batches can stream)."""

    def __init__(self) -> None:
        self.counts = {"cases": 0, "ok": 0, "findings": 0, "errors": 0}
        self.by_severity = dict.fromkeys(SEVERITIES, 0)
        self.waived = 0

    def add(self, case: CaseSummary) -> None:
        status, severities, waived = case
        self.counts["cases"] += 1
        self.counts["errors" if status == "error" else status] += 1
        for severity in severities:
            self.by_severity[severity] += 1
        self.waived += waived

    def to_dict(self) -> dict[str, Any]:
        return {**self.counts, "by_severity": dict(self.by_severity), "waived": self.waived}


def packs_entry(packs: Iterable[RulePack]) -> list[dict[str, str]]:
    return [{"name": p.name, "version": p.version} for p in packs]


def exit_code(summary: dict[str, Any]) -> int:
    """2 if any case errored, 1 if any case has findings at or above the threshold, else 0."""
    return 2 if summary["errors"] else 1 if summary["findings"] else 0
