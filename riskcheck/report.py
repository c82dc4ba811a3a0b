"""Report format 1 (``docs/report-format.md``): case results, the summary, the exit code.

A case travels as its *entry* (``CaseResult.to_dict``: plain data, what JSON shows and what worker
processes send); renderers read it as a ``CaseReport``, a typed, frozen view that answers the
questions every view asks (active and waived findings, counts per severity, the worst severity)
in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, NamedTuple

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
    company: str | None = None
    """The offer's employer, when stated (and not redacted)."""
    position: str | None = None
    """The offered position, when stated (and not redacted)."""

    def active(self) -> list[Finding]:
        """The findings not covered by a live waiver."""
        return [f for f in self.findings if f.waived is None]

    def status(self, fail_on: str) -> str:
        if self.error is not None:
            return "error"
        threshold = SEVERITIES.index(fail_on)
        return "findings" if any(SEVERITIES.index(f.severity) <= threshold for f in self.active()) else "ok"

    def to_dict(self, fail_on: str) -> dict[str, Any]:
        """The entry; ``company`` and ``position`` follow ``source`` when known (keys in a fixed order)."""
        entry: dict[str, Any] = {"id": self.id, "source": self.source}
        if self.company is not None:
            entry["company"] = self.company
        if self.position is not None:
            entry["position"] = self.position
        entry.update(status=self.status(fail_on), findings=[f.to_dict() for f in self.findings], error=self.error)
        return entry


class ReportedFinding(NamedTuple):
    """One finding as a report shows it (an entry's finding, typed; a named tuple: frozen, and cheap to
    define at start-up)."""

    rule: str
    severity: str
    topic: str
    confirm_with: tuple[str, ...]
    form: str
    message: str
    ask: str
    basis: str
    raise_at: str | None = None
    about: str | None = None
    waived: Mapping[str, Any] | None = None
    """The live waiver covering it: ``reason``, ``accepted_by``, ``expires``."""
    waiver_expired: Mapping[str, Any] | None = None
    """The waiver that covered it until it expired."""
    evidence: Mapping[str, Any] | None = None
    """The read document's line it rests on: ``source``, ``line``, ``text``."""

    @classmethod
    def from_dict(cls, f: Mapping[str, Any]) -> ReportedFinding:
        return cls(f["rule"], f["severity"], f["topic"], tuple(f["confirm_with"]), f["form"], f["message"], f["ask"],
                   f["basis"], f.get("raise_at"), f.get("about"), f.get("waived"), f.get("waiver_expired"),
                   f.get("evidence"))

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return SEVERITIES.index(self.severity)


class CaseReport(NamedTuple):
    """One case of a report, as renderers read it (frozen)."""

    id: str
    source: str
    status: str
    """``ok``, ``findings`` (at or above --fail-on) or ``error``."""
    findings: tuple[ReportedFinding, ...] = ()
    error: str | None = None
    company: str | None = None
    """The offer's employer, when the entry states it (never under --redact)."""
    position: str | None = None
    """The offered position, when the entry states it (never under --redact)."""

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> CaseReport:
        return cls(entry["id"], entry["source"], entry["status"],
                   tuple(ReportedFinding.from_dict(f) for f in entry["findings"]), entry.get("error"),
                   entry.get("company"), entry.get("position"))

    def active(self) -> tuple[ReportedFinding, ...]:
        """The findings not covered by a live waiver."""
        return tuple(f for f in self.findings if f.waived is None)

    def waived(self) -> tuple[ReportedFinding, ...]:
        """The findings a live waiver covers (kept in the report, set aside)."""
        return tuple(f for f in self.findings if f.waived is not None)

    def severity_counts(self) -> dict[str, int]:
        """Active findings per severity, every severity present, most severe first."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for f in self.active():
            counts[f.severity] += 1
        return counts

    def worst(self) -> str | None:
        """The most severe active finding's severity, ``None`` when there is none."""
        ranks = [f.rank for f in self.active()]
        return SEVERITIES[min(ranks)] if ranks else None

    def rank(self) -> int:
        """Order for "worst first": 0 an error, then 1 + the worst severity's index, ``len(SEVERITIES) + 1`` ok."""
        if self.status == "error":
            return 0
        worst = self.worst()
        return 1 + (SEVERITIES.index(worst) if worst else len(SEVERITIES))

    def at_or_above(self, fail_on: str) -> int:
        """How many active findings are at or above ``fail_on``."""
        return sum(1 for f in self.active() if f.rank <= SEVERITIES.index(fail_on))


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
