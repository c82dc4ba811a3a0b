"""The question sheet for the offer meeting: findings as questions, grouped and ordered as a meeting goes.

Questions are grouped by the person to ask (a finding's ``confirm_with``); groups and the
questions in them follow the order of a good offer meeting: the role first, then the results
expected, then the conditions. What must be put in writing is listed again at the end, and
waived findings are kept apart. The markdown and HTML renderers only lay this out; the words are
the catalogue's ``sheet.*`` keys (``say``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from riskcheck.i18n import text
from riskcheck.report import CaseReport, ReportedFinding
from riskcheck.vocabulary import label

PHASES: dict[str, tuple[str, ...]] = {
    "role": ("role", "assignment", "duties", "training", "remote", "authority"),
    "results": ("evaluation", "raise"),
    "conditions": ("salary", "total_compensation", "bonus", "overtime", "working_hours", "holidays",
                   "probation", "contract_term", "location", "start_date", "benefits", "retirement",
                   "documents"),
}
"""Topics in meeting order; a topic not listed (a pack's own) goes last, with the conditions."""

TOPIC_ORDER: tuple[str, ...] = tuple(topic for topics in PHASES.values() for topic in topics)

WHO_ORDER = ("section_manager", "department_head", "team_member", "hr", "executive", "recruiter", "agent",
             "unknown")
"""Tie-break between groups: the people who know the work come before those who decide the terms."""

@dataclass
class Question:
    """One thing to ask, ready to say."""

    topic: str
    severity: str
    ask: str
    message: str
    basis: str
    form: str
    expired: str | None = None
    """The expiry date of a lapsed waiver, if any."""
    evidence: Mapping[str, Any] | None = None
    """The read document's line the finding rests on (``evidence_text`` words it)."""


@dataclass
class Section:
    """The questions of one meeting phase (role, results, conditions) for one person."""

    phase: str
    questions: list[Question]


@dataclass
class Group:
    """Everything to ask one person (or any one of several people)."""

    who: tuple[str, ...]
    sections: list[Section]


@dataclass
class Sheet:
    id: str
    groups: list[Group] = field(default_factory=list)
    written: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """Topics to ask for in writing, in meeting order, with who to ask."""
    waived: tuple[ReportedFinding, ...] = ()
    error: str | None = None


def phase_of(topic: str) -> str:
    return next((name for name, topics in PHASES.items() if topic in topics), "conditions")


def topic_rank(topic: str) -> int:
    return TOPIC_ORDER.index(topic) if topic in TOPIC_ORDER else len(TOPIC_ORDER)


def _who_rank(who: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(WHO_ORDER.index(w) if w in WHO_ORDER else len(WHO_ORDER) for w in who)


def _question_key(finding: ReportedFinding) -> tuple[int, int, str]:
    return topic_rank(finding.topic), finding.rank, finding.rule


def build(case: CaseReport) -> Sheet:
    """The sheet for one case of a report."""
    sheet = Sheet(case.id, error=case.error, waived=case.waived())
    active = case.active()
    by_who: dict[tuple[str, ...], list[ReportedFinding]] = {}
    for finding in active:
        by_who.setdefault(finding.confirm_with, []).append(finding)
    ordered = sorted(by_who.items(), key=lambda item: (min(map(_question_key, item[1]))[0],
                                                      min(f.rank for f in item[1]), _who_rank(item[0])))
    for who, findings in ordered:
        sections: dict[str, list[Question]] = {}
        for f in sorted(findings, key=_question_key):
            expired = (f.waiver_expired or {}).get("expires")
            sections.setdefault(phase_of(f.topic), []).append(
                Question(f.topic, f.severity, f.ask, f.message, f.basis, f.form, str(expired) if expired else None,
                         f.evidence))
        sheet.groups.append(Group(who, [Section(p, sections[p]) for p in PHASES if p in sections]))
    written: dict[str, list[str]] = {}
    for f in sorted(active, key=_question_key):
        if f.form == "written":
            people = written.setdefault(f.topic, [])
            people.extend(w for w in f.confirm_with if w not in people)
    sheet.written = [(topic, tuple(people)) for topic, people in written.items()]
    return sheet


def say(key: str, lang: str, **fields: object) -> str:
    """The sheet's words: catalogue key ``sheet.<key>``."""
    return text(f"sheet.{key}", lang, **fields)


def who_text(who: tuple[str, ...], lang: str) -> str:
    """``('hr', 'executive')`` -> ``HR or executive``."""
    return say("or", lang).join(label(w, lang) for w in who) or label("unknown", lang)


def topic_text(topic: str, lang: str) -> str:
    """A topic's label as a heading: capitalised in English."""
    shown = label(topic, lang)
    return shown[:1].upper() + shown[1:]


def written_text(topic: str, lang: str) -> str:
    """A topic as an item of the closing list of what to put in writing."""
    return say("documents_item", lang) if topic == "documents" else topic_text(topic, lang)


def severity_text(severity: str, lang: str) -> str:
    return say(f"severity.{severity}", lang)


def form_text(form: str, lang: str) -> str:
    return say("in_writing" if form == "written" else "verbal", lang)


def waived_text(finding: ReportedFinding, lang: str) -> str:
    w = finding.waived or {}
    return say("waived_by", lang, by=w["accepted_by"], date=w["expires"], reason=w["reason"])


def evidence_text(evidence: Mapping[str, Any] | None, lang: str) -> str | None:
    """A finding's evidence as one line: the document, its line number and what it says (``None``
    without evidence); shared by the text and HTML views."""
    if evidence is None:
        return None
    source = label(str(evidence.get("source")), lang)
    if evidence.get("line") is None:
        return text("read.ui.evidence_document", lang, source=source)
    return text("read.ui.evidence", lang, source=source, line=evidence["line"], text=evidence.get("text", ""))
