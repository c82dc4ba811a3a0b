"""The question catalogue: every question about an offer, as data, for ``riskcheck init`` and the web form.

Groups follow the offer meeting: the offer, the people met, what was said, the documents, the
terms, and the candidate. A question names the case field it fills (a dotted path; inside a
repeated group, relative to one item), its kind (which decides how an answer is parsed and shown),
its choices (taken from ``riskcheck.vocabulary``), and whether it is a *detail* (the optional fields
added to case format 1 later; ``init`` asks them after the main questions, the page shows them
folded). Words live in the message catalogue under ``question.<key>`` (the prompt),
``question.<key>.help`` (a hint, when there is one) and ``question.<key>.<choice>`` (a choice's
explanation, when ``choice_help`` is set).

The parsers here are plain functions: text in, value out, ``Invalid`` (naming the message key of
the hint) for an answer that is not one. The command line asks again; the page shows the hint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence, get_args

from riskcheck.i18n import text
from riskcheck.vocabulary import (ROLES, STAGES, TOPICS, BonusBasis, Channel, DocumentKind, EmploymentType,
                                  IncomePart, OvertimeScheme, Relocation, RepaymentFor, SideJobs, label)

EMPLOYMENT_TYPES: tuple[str, ...] = get_args(EmploymentType)
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
CHANNELS: tuple[str, ...] = get_args(Channel)
BONUS_BASES: tuple[str, ...] = get_args(BonusBasis)
OVERTIME_SCHEMES: tuple[str, ...] = get_args(OvertimeScheme)
RELOCATIONS: tuple[str, ...] = get_args(Relocation)
SIDE_JOBS: tuple[str, ...] = get_args(SideJobs)
REPAYMENT_FOR: tuple[str, ...] = get_args(RepaymentFor)
INCOME_PARTS: tuple[str, ...] = get_args(IncomePart)
YES_NO_UNKNOWN = ("yes", "no", "unknown")

UNKNOWN_WORDS = {"?", "？", "unknown", "u", "不明", "わからない", "分からない", "未定"}
YES_WORDS = {"y", "yes", "true", "はい", "ある", "あり"}
NO_WORDS = {"n", "no", "false", "いいえ", "ない", "なし"}
NONE_WORDS = {"none", "なし", "-"}
PROMISED_WORDS = {"promised", "予定", "約束"}


@dataclass(frozen=True)
class When:
    """A question applies only when ``field`` (a dotted case path) has one of ``values`` (or, with
    ``negate``, none of them). ``init`` still asks it when it already has an answer."""

    field: str
    values: tuple[Any, ...]
    negate: bool = False

    def holds(self, value: Any) -> bool:
        return (value in self.values) != self.negate


@dataclass(frozen=True)
class Question:
    key: str
    """Message key suffix and the question's name: ``offer.company``, ``people.role``."""
    field: str
    """The case field: a dotted path from the case, or from one item in a repeated group."""
    kind: str
    """How an answer is read: see ``parse``."""
    choices: tuple[str, ...] = ()
    unknown: str | None = None
    """The value an unknown answer gives for a choice (None: the field is left out)."""
    maximum: float = 10**12
    choice_help: bool = False
    when: When | None = None
    detail: bool = False
    required: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    """``offer``, ``people``, ...: the heading is ``question.group.<key>``."""
    path: str = ""
    """For a repeated group, the list in the case (``people``, ``terms.allowances``)."""
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def repeated(self) -> bool:
        return bool(self.path)


Q = Question

GROUPS: tuple[Group, ...] = (
    Group("offer", questions=(
        Q("offer.company", "offer.company", "text"),
        Q("offer.position", "offer.position", "text"),
        Q("offer.employment_type", "offer.employment_type", "choice", EMPLOYMENT_TYPES),
        Q("offer.stage", "offer.stage", "choice", STAGES),
        Q("offer.acceptance_deadline", "offer.acceptance_deadline", "date"),
        Q("offer.start_date", "offer.start_date", "date"),
        Q("offer.asked_to_decline_others", "offer.asked_to_decline_others", "yesno", detail=True),
    )),
    Group("people", "people", (
        Q("people.name", "name", "text"),
        Q("people.role", "role", "choice", ROLES, unknown="unknown", choice_help=True),
        Q("people.assigns_work", "assigns_work", "yesno"),
        Q("people.decides_pay", "decides_pay", "yesno"),
    )),
    Group("promises", "promises", (
        Q("promises.said", "said", "text"),
        Q("promises.topic", "topic", "choice", TOPICS, required=True),
        Q("promises.by", "by", "origin"),
        Q("promises.stage", "stage", "choice", STAGES),
        Q("promises.channel", "channel", "choice", CHANNELS),
        Q("promises.in_writing", "in_writing", "flag"),
        Q("promises.confirmed_by", "confirmed_by", "people"),
    )),
    Group("documents", "documents", (
        Q("documents.kind", "kind", "choice", DOCUMENT_KINDS, required=True),
        Q("documents.received", "received", "received"),
        Q("documents.covers", "covers", "many", TOPICS),
        Q("documents.language", "language", "text", detail=True),
    )),
    Group("terms", questions=(
        Q("terms.monthly_salary", "terms.monthly_salary", "yen"),
        Q("terms.bonus.basis", "terms.bonus.basis", "choice", BONUS_BASES, unknown="unknown", choice_help=True),
        Q("terms.bonus.guaranteed_months", "terms.bonus.guaranteed_months", "number", maximum=120,
          when=When("terms.bonus.basis", ("guaranteed", "formula"))),
        Q("terms.bonus.stated_months", "terms.bonus.stated_months", "range", maximum=120,
          when=When("terms.bonus.basis", ("past_record", "discretionary", "formula"))),
        Q("terms.bonus.in_writing", "terms.bonus.in_writing", "flag"),
        Q("terms.overtime.scheme", "terms.overtime.scheme", "choice", OVERTIME_SCHEMES, unknown="unknown",
          choice_help=True),
        Q("terms.overtime.fixed_hours", "terms.overtime.fixed_hours", "number", maximum=744,
          when=When("terms.overtime.scheme", ("fixed",))),
        Q("terms.overtime.fixed_amount", "terms.overtime.fixed_amount", "yen",
          when=When("terms.overtime.scheme", ("fixed",))),
        Q("terms.overtime.excess_paid", "terms.overtime.excess_paid", "yesno_word"),
        Q("terms.overtime.clause_checked", "terms.overtime.clause_checked", "flag"),
        Q("terms.probation.months", "terms.probation.months", "number", maximum=120),
        Q("terms.probation.conditions_differ", "terms.probation.conditions_differ", "yesno_word",
          when=When("terms.probation.months", (0,), negate=True)),
        Q("terms.location.initial", "terms.location.initial", "text"),
        Q("terms.location.change_scope", "terms.location.change_scope", "scope"),
        Q("terms.duties.initial", "terms.duties.initial", "text"),
        Q("terms.duties.change_scope", "terms.duties.change_scope", "scope"),
        Q("terms.contract.ends", "terms.contract.ends", "date", when=When("offer.employment_type", ("contract",))),
        Q("terms.contract.renewal_criteria", "terms.contract.renewal_criteria", "scope",
          when=When("offer.employment_type", ("contract",))),
        Q("terms.contract.renewal_cap", "terms.contract.renewal_cap", "scope",
          when=When("offer.employment_type", ("contract",))),
        Q("terms.remote.policy", "terms.remote.policy", "scope"),
        Q("terms.hourly_wage", "terms.hourly_wage", "yen", detail=True),
        Q("terms.overtime.typical_hours", "terms.overtime.typical_hours", "number", maximum=744, detail=True),
        Q("terms.location.relocation", "terms.location.relocation", "choice", RELOCATIONS, unknown="unknown",
          detail=True),
        Q("terms.side_jobs", "terms.side_jobs", "choice", SIDE_JOBS, unknown="unknown", detail=True),
        Q("terms.retirement_allowance.exists", "terms.retirement_allowance.exists", "yesno_word", detail=True),
        Q("terms.retirement_allowance.min_years", "terms.retirement_allowance.min_years", "number", maximum=60,
          when=When("terms.retirement_allowance.exists", ("yes",)), detail=True),
        Q("terms.quoted_annual_income.amount", "terms.quoted_annual_income.amount", "yen", detail=True),
        Q("terms.quoted_annual_income.includes", "terms.quoted_annual_income.includes", "many", INCOME_PARTS,
          when=When("terms.quoted_annual_income.amount", (None,), negate=True), detail=True),
    )),
    Group("allowances", "terms.allowances", (
        Q("allowances.name", "name", "text", required=True, detail=True),
        Q("allowances.monthly", "monthly", "yen", detail=True),
        Q("allowances.fixed", "fixed", "yesno", detail=True),
    )),
    Group("repayment", "terms.repayment", (
        Q("repayment.for", "for", "choice", REPAYMENT_FOR, required=True, detail=True),
        Q("repayment.condition", "condition", "text", detail=True),
    )),
    Group("candidate", questions=(
        Q("candidate.current_annual_income", "candidate.current_annual_income", "yen"),
        Q("candidate.age", "candidate.age", "integer", maximum=150),
        Q("candidate.reads", "candidate.reads", "words", detail=True),
        Q("candidate.earliest_start", "candidate.earliest_start", "date", detail=True),
    )),
)

BY_KEY: dict[str, Question] = {q.key: q for g in GROUPS for q in g.questions}
GROUP: dict[str, Group] = {g.key: g for g in GROUPS}


def prompt(question: Question, lang: str, **fields: Any) -> str:
    return text(f"question.{question.key}", lang, **fields)


def hint(question: Question, lang: str) -> str | None:
    """The question's help text, if it has one."""
    from riskcheck.i18n import messages

    key = f"question.{question.key}.help"
    return text(key, lang) if key in messages(lang) or key in messages("en") else None


def name_of(value: str, lang: str) -> str:
    """A choice's name on the form and in the interview (a few read better than the report's label)."""
    from riskcheck.i18n import messages

    key = f"question.label.{value}"
    return text(key, lang) if key in messages(lang) else label(value, lang)


def choice_help(question: Question, value: str, lang: str) -> str:
    return text(f"question.{question.key}.{value}", lang)


# Parsing answers.

class Invalid(ValueError):
    """An answer that does not fit the question; ``key`` is the hint's message key."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def is_unknown(answer: str) -> bool:
    return answer.strip().lower() in UNKNOWN_WORDS


def _norm(answer: str) -> str:
    """Full-width digits and signs as ASCII (``４２万`` -> ``42万``), trimmed."""
    return unicodedata.normalize("NFKC", answer).strip()


def number(answer: str) -> float:
    """``420,000`` / ``42万`` / ``42万円`` / ``4か月`` / ``45h`` -> a number; ValueError if it is not one."""
    t = _norm(answer).replace(",", "").replace("、", "").replace("円", "").replace("yen", "").strip()
    t = re.sub(r"(か月|ヶ月|ケ月|カ月|箇月|months?|時間|hours?|h|年|years?)$", "", t).strip()
    factor = 1
    if t.endswith("万"):
        t, factor = t[:-1], 10_000
    value = float(t) * factor
    if not 0 <= value <= 10**12:
        raise ValueError(t)
    return value


def parse_date(answer: str) -> date:
    t = _norm(answer)
    m = re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?", t)
    if not m:
        raise Invalid("question.bad.date")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Invalid("question.bad.date") from None


def parse_choice(answer: str, values: Sequence[str]) -> str:
    """A value by its number in the list, its code, its label or the start of one."""
    word = _norm(answer).lower()
    if word.isdigit() and 1 <= int(word) <= len(values):
        return values[int(word) - 1]
    names = {v: {_norm(n).lower() for n in (v, label(v, "en"), label(v, "ja"), name_of(v, "en"), name_of(v, "ja"))}
             for v in values}
    exact = [v for v in values if word in names[v]]
    starts = [v for v in values if any(n.startswith(word) for n in names[v])] if word else []
    if exact or len(starts) == 1:
        return (exact or starts)[0]
    raise Invalid("question.bad.choice")


def parse_many(answer: str, values: Sequence[str]) -> list[str]:
    """Several entries, comma-separated; ``none`` is the empty list."""
    if answer.strip().lower() in NONE_WORDS or is_unknown(answer):
        return []
    chosen: list[str] = []
    for part in re.split(r"[,、，\s]+", answer.strip()):
        if part:
            value = parse_choice(part, values)
            if value not in chosen:
                chosen.append(value)
    return chosen


def parse_yes_no(answer: str) -> bool | None:
    word = _norm(answer).lower()
    if not word or is_unknown(word):
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise Invalid("question.bad.yes_no")


def parse_received(answer: str) -> Any:
    """A date, ``yes`` (received, date unknown: None), ``promised`` (False), or ``"no"`` (also for unknown:
    a document you are not sure you have is not one you can rely on)."""
    word = _norm(answer).lower()
    if word in YES_WORDS:
        return None
    if word in PROMISED_WORDS:
        return False
    if not word or word in NO_WORDS or is_unknown(word):
        return "no"
    try:
        return parse_date(word)
    except Invalid:
        raise Invalid("question.bad.received") from None


def parse(question: Question, answer: str, choices: Sequence[str] | None = None) -> Any:
    """The value of ``answer`` for ``question`` (None: unknown, the field is left out).

    ``choices`` overrides the question's own (the people of this case, for ``origin``/``people``).
    """
    kind = question.kind
    values = tuple(choices) if choices is not None else question.choices
    blank = not answer.strip() or is_unknown(answer)
    if kind == "received":
        return parse_received(answer)
    if kind in ("many", "people"):
        return parse_many(answer, values)
    if kind == "words":
        return [] if blank else [w for w in re.split(r"[,、，\s]+", _norm(answer)) if w]
    if kind == "flag":
        return bool(parse_yes_no(answer))
    if kind == "yesno":
        return parse_yes_no(answer)
    if kind == "yesno_word":
        return {True: "yes", False: "no", None: "unknown"}[parse_yes_no(answer)]
    if kind == "scope":
        return "unknown" if blank else answer.strip()
    if blank:
        if question.required:
            raise Invalid(f"question.{question.key}.required")
        return question.unknown
    if kind == "text":
        return answer.strip()
    if kind == "date":
        return parse_date(answer)
    if kind in ("choice", "origin"):
        return parse_choice(answer, values)
    if kind == "range":
        parts = re.split(r"\s*(?:-|–|〜|~|～|to)\s*", _norm(answer))
        try:
            numbers = [number(p) for p in parts]
        except ValueError:
            raise Invalid("question.bad.range") from None
        if len(numbers) not in (1, 2) or max(numbers) > question.maximum:
            raise Invalid("question.bad.range")
        return (min(numbers), max(numbers))
    try:
        value = number(answer)
    except ValueError:
        raise Invalid("question.bad.number") from None
    if value > question.maximum:
        raise Invalid("question.bad.number")
    return round(value) if kind in ("yen", "integer") else value


def show(question: Question, value: Any, lang: str) -> str:
    """A current value as the answer text that ``parse`` reads back as the same value."""
    if question.kind == "received":
        if value == "no":
            return text("question.word.no", lang)
        if value is False:
            return text("question.word.promised", lang)
        return value.isoformat() if isinstance(value, date) else text("question.word.yes", lang)
    if question.kind in ("yesno_word",):
        value = {"yes": True, "no": False}.get(value)
    if question.kind in ("many", "people", "words") and isinstance(value, list):
        return ", ".join(str(v) for v in value) or text("question.word.none", lang)
    if value is None or value == "unknown":
        return label("unknown", lang)
    if isinstance(value, bool):
        return text("question.word.yes" if value else "question.word.no", lang)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "-".join(f"{v:g}" for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def new_id(base: str, taken: Sequence[str]) -> str:
    """``hr``, then ``hr-2``, ``hr-3``...: unique among ``taken`` (ids of people added by an answer)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Dotted paths over a case as plain data (``Case.model_dump(by_alias=True)``).

def get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        if not isinstance(data.get(part), dict):
            data[part] = {}
        data = data[part]
    data[last] = value


def drop(data: dict[str, Any], path: str) -> Any:
    """Remove ``path`` from ``data`` (and the sections it leaves empty); returns what was there."""
    head, _, rest = path.partition(".")
    if not isinstance(data, dict) or head not in data:
        return None
    if not rest:
        return data.pop(head)
    found = drop(data[head], rest)
    if data[head] == {}:
        del data[head]
    return found
