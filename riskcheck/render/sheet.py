"""The question sheet for the offer meeting: findings as questions, grouped and ordered as a meeting goes.

Questions are grouped by the person to ask (a finding's ``confirm_with``); groups and the
questions in them follow the order of a good offer meeting: the role first, then the results
expected, then the conditions. What must be put in writing is listed again at the end, and
waived findings are kept apart. The markdown and HTML renderers only lay this out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from riskcheck.vocabulary import SEVERITIES, label

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

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Questions for the offer meeting", "case": "Case", "company": "Company", "date": "Date",
        "met": "Met with",
        "intro": "Ask in this order: the role first, then the results expected, then the conditions. "
                 "Ask politely, once, and add \"as far as you can share\". Tick each box when you have an "
                 "answer and write it down.",
        "ask": "To ask: {who}", "or": " or ", "why": "Why", "answer": "Answer", "in_writing": "ask for it in writing",
        "verbal": "a spoken answer is enough",
        "role": "The role", "results": "Expected results", "conditions": "Conditions",
        "written": "Ask for these in writing",
        "written_intro": "At the end of the meeting: \"Could you please add these points to the "
                         "written statement of working conditions (労働条件通知書) or an addendum?\"",
        "waived": "Set aside (risks you accepted)", "waived_by": "accepted by {by} until {date}: {reason}",
        "expired": "your waiver expired on {date}; ask again", "nothing": "No missing confirmations were found "
        "for this offer. Still bring the offer letter and read the written conditions before you accept.",
        "error": "This case could not be checked", "footer": "Made with {generator}. Keep this sheet private.",
        "blocker": "settle before accepting", "high": "important", "medium": "worth asking",
        "low": "if time allows", "documents_item": "The written statement of working conditions itself",
    },
    "ja": {
        "title": "オファー面談で確認すること", "case": "ケース", "company": "会社名", "date": "日付",
        "met": "面談相手",
        "intro": "役割 → 期待される成果 → 条件 の順に伺います。丁寧に、一度で、「差し支えない範囲で」と添えて質問し、"
                 "答えを聞けたらチェックを入れて内容を書き留めましょう。",
        "ask": "確認する相手: {who}", "or": " または ", "why": "理由", "answer": "回答", "in_writing": "書面で確認",
        "verbal": "口頭の回答で可",
        "role": "役割・仕事内容", "results": "期待される成果・評価", "conditions": "条件",
        "written": "書面に記載してもらうこと",
        "written_intro": "面談の最後に「以下の点を労働条件通知書（または覚書）に記載いただけますでしょうか」とお願いします。",
        "waived": "保留にした項目（受け入れたリスク）", "waived_by": "{by} が {date} まで受け入れ: {reason}",
        "expired": "受け入れの期限（{date}）が切れています。改めて確認しましょう",
        "nothing": "不足している確認は見つかりませんでした。承諾前に内定通知書と労働条件通知書の内容は必ず読みましょう。",
        "error": "このケースは確認できませんでした", "footer": "{generator} で作成。この用紙は人に見せないよう保管してください。",
        "blocker": "承諾前に必ず", "high": "重要", "medium": "確認推奨", "low": "余裕があれば", "documents_item": "労働条件通知書そのものの交付",
    },
}


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
    source: str
    groups: list[Group] = field(default_factory=list)
    written: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """Topics to ask for in writing, in meeting order, with who to ask."""
    waived: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def phase_of(topic: str) -> str:
    return next((name for name, topics in PHASES.items() if topic in topics), "conditions")


def topic_rank(topic: str) -> int:
    return TOPIC_ORDER.index(topic) if topic in TOPIC_ORDER else len(TOPIC_ORDER)


def _who_rank(who: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(WHO_ORDER.index(w) if w in WHO_ORDER else len(WHO_ORDER) for w in who)


def _question_key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return topic_rank(finding["topic"]), SEVERITIES.index(finding["severity"]), finding["rule"]


def build(entry: dict[str, Any]) -> Sheet:
    """The sheet for one case entry of report format 1."""
    sheet = Sheet(entry["id"], entry["source"], error=entry.get("error"))
    active = [f for f in entry["findings"] if "waived" not in f]
    sheet.waived = [f for f in entry["findings"] if "waived" in f]
    by_who: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for finding in active:
        by_who.setdefault(tuple(finding["confirm_with"]), []).append(finding)
    ordered = sorted(by_who.items(), key=lambda item: (min(map(_question_key, item[1]))[0],
                                                      min(SEVERITIES.index(f["severity"]) for f in item[1]),
                                                      _who_rank(item[0])))
    for who, findings in ordered:
        sections: dict[str, list[Question]] = {}
        for f in sorted(findings, key=_question_key):
            expired = f.get("waiver_expired", {}).get("expires")
            sections.setdefault(phase_of(f["topic"]), []).append(
                Question(f["topic"], f["severity"], f["ask"], f["message"], f["basis"], f["form"],
                         str(expired) if expired else None))
        sheet.groups.append(Group(who, [Section(p, sections[p]) for p in PHASES if p in sections]))
    written: dict[str, list[str]] = {}
    for f in sorted(active, key=_question_key):
        if f["form"] == "written":
            people = written.setdefault(f["topic"], [])
            people.extend(w for w in f["confirm_with"] if w not in people)
    sheet.written = [(topic, tuple(people)) for topic, people in written.items()]
    return sheet


def who_text(who: tuple[str, ...], lang: str) -> str:
    """``('hr', 'executive')`` -> ``HR or executive``."""
    return WORDS[lang]["or"].join(label(w, lang) for w in who) or label("unknown", lang)


def topic_text(topic: str, lang: str) -> str:
    """A topic's label as a heading: capitalised in English."""
    text = label(topic, lang)
    return text[:1].upper() + text[1:]


def written_text(topic: str, lang: str) -> str:
    """A topic as an item of the closing list of what to put in writing."""
    return WORDS[lang]["documents_item"] if topic == "documents" else topic_text(topic, lang)


def severity_text(severity: str, lang: str) -> str:
    return WORDS[lang].get(severity, severity)
