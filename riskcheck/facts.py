"""A validated case as engine facts: plain dicts, one per person, promise, confirmation and document,
plus one ``case`` fact with the offer, the terms and the derived values.

The fact models below are the vocabulary rule conditions are type-checked against; ``build``
produces dicts of exactly that shape (``None`` values left out, so ``exists: false`` means unknown).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from riskcheck.case import Candidate, Case, Offer, Person, Terms
from riskcheck.read import facts as read_facts
from riskcheck.vocabulary import Channel, DocumentKind, Role, Stage, Topic


class FactModel(BaseModel):
    """Fact models describe fields for type-checking rules; they never validate data."""

    model_config = ConfigDict(defer_build=True)


class Derived(FactModel):
    """Values computed once from the case (sums over lists, dates, parsed text), so rules compare plain values."""

    guaranteed_annual_income: int | None = None
    """Base pay x 12, plus fixed allowances x 12, fixed overtime pay x 12 and the guaranteed bonus months
    (a guarantee, or a formula's guaranteed floor); ``None`` when the base monthly salary is unknown."""
    income_shortfall: int | None = None
    """Current annual income minus the guaranteed annual income (positive: the offer guarantees less)."""
    fixed_allowances: int | None = None
    """Allowances paid every month whatever happens, per month (``None``: no such allowance known)."""
    allowances_listed: int | None = None
    """Allowances the candidate knows of (``terms.allowances``); absent when none is listed."""
    allowances_unclear: int | None = None
    """Allowances listed without a monthly amount, or without saying whether they are fixed (absent: none)."""
    quoted_income_unguaranteed: int | None = None
    """The quoted annual income minus the guaranteed annual income (positive: the quote assumes more)."""
    typical_over_fixed_hours: float | None = None
    """With fixed overtime pay: the overtime hours the team typically works beyond the hours it covers."""
    repayment_clauses: int | None = None
    """Repayment clauses (relocation, signing bonus, training, other) the candidate knows of (absent: none)."""
    unreadable_document: DocumentKind | None = None
    """The first document stating conditions (received or promised) written in a language the candidate does
    not read (``candidate.reads``); ``None`` when every such document is readable or the languages are unknown."""
    start_before_notice_days: int | None = None
    """Days by which the start date comes before ``candidate.earliest_start`` (positive: too early)."""
    renewal_cap_years: float | None = None
    """The renewal cap in years, read from ``terms.contract.renewal_cap`` (``通算3年``, ``5 years``)."""
    remote_promised: bool | None = None
    """Someone (or a document) told the candidate something about remote work (absent: nobody did)."""


class CaseFact(FactModel):
    offer: Offer
    candidate: Candidate
    terms: Terms
    derived: Derived


class PersonFact(FactModel):
    key: str
    role: Role
    name: str | None = None
    assigns_work: bool | None = None
    decides_pay: bool | None = None
    confirms_work: bool
    confirms_pay: bool


class PromiseFact(FactModel):
    index: int
    topic: Topic
    said: str | None = None
    by: str | None = None
    by_role: Role | None = None
    by_confirms_work: bool
    by_confirms_pay: bool
    source: DocumentKind | None = None
    stage: Stage | None = None
    channel: Channel | None = None
    in_writing: bool
    confirmations: int
    confirmed_work: bool
    """The maker, or someone who later confirmed it, can confirm role, assignment and training."""
    confirmed_pay: bool
    """The maker, or someone who later confirmed it, can confirm pay and conditions."""
    in_notice: bool
    """A received 労働条件通知書 or employment contract covers this promise's topic."""


class ConfirmationFact(FactModel):
    promise: int
    person: str
    role: Role
    confirms_work: bool
    confirms_pay: bool


class DocumentFact(FactModel):
    index: int
    kind: DocumentKind
    received: bool
    covers: list[Topic]
    read: bool = False
    """``riskcheck read`` put what the document states into the case (``states``)."""
    missing_required: int | None = None
    """For a read document: how many items 施行規則5条1項 requires it leaves out; named in missing_ja/en."""
    missing_ja: str | None = None
    missing_en: str | None = None


class StatementFact(FactModel):
    """One thing a read document states (``documents[].states``), with its line (see riskcheck/read/facts.py)."""

    document: int
    kind: DocumentKind
    field: str
    key: str | None = None
    topic: Topic
    value: str
    line: int | None = None
    text: str | None = None
    conflicts: bool
    """The case's own value for the field is known and differs (the case keeps both)."""
    case_value: str | None = None


FACT_MODELS: dict[str, type[BaseModel]] = {
    "case": CaseFact,
    "person": PersonFact,
    "promise": PromiseFact,
    "confirmation": ConfirmationFact,
    "document": DocumentFact,
    "statement": StatementFact,
}
FactKind = Literal["case", "person", "promise", "confirmation", "document", "statement"]
NOTICE_KINDS = ("labor_conditions_notice", "employment_contract")
"""Documents that can serve as the written statement of working conditions (労働基準法15条1項)."""
SET_FIELDS = {("document", "covers"), ("case", "terms.quoted_annual_income.includes")}
"""List fields sent to the engine as ``{item: true}`` maps: durable_rules' ``$iall`` never
matches an empty list, so "lacks X" is written as "X is absent from the map"."""


def confirms_work(person: Person) -> bool:
    """Whether this person can confirm role, assignment and training: the one who hands out work."""
    return person.assigns_work is True or (person.assigns_work is None and person.role == "section_manager")


def confirms_pay(person: Person) -> bool:
    """Whether this person can confirm pay and conditions."""
    return person.decides_pay is True or (person.decides_pay is None and person.role in ("hr", "executive"))


def guaranteed_annual_income(terms: Terms) -> int | None:
    """What the offer guarantees a year: base x 12, fixed allowances x 12, fixed overtime pay x 12, and the
    guaranteed bonus months (``guaranteed_months``: a guarantee, or the floor of a formula bonus)."""
    if terms.monthly_salary is None:
        return None
    total = terms.monthly_salary * 12 + (fixed_allowances(terms) or 0) * 12
    if terms.bonus.guaranteed_months and terms.bonus.basis != "none":
        total += round(terms.bonus.guaranteed_months * terms.monthly_salary)
    if terms.overtime.scheme == "fixed" and terms.overtime.fixed_amount:
        total += terms.overtime.fixed_amount * 12
    return total


def fixed_allowances(terms: Terms) -> int | None:
    """The monthly total of allowances paid every month whatever happens; ``None`` if none is known."""
    amounts = [a.monthly for a in terms.allowances if a.fixed is True and a.monthly is not None]
    return sum(amounts) if amounts else None


CONDITIONS_DOCUMENTS = ("labor_conditions_notice", "employment_contract", "offer_letter", "work_rules")
LANGUAGE_NAMES = {"日本語": "ja", "japanese": "ja", "英語": "en", "english": "en", "中国語": "zh", "chinese": "zh",
                  "韓国語": "ko", "korean": "ko", "ベトナム語": "vi", "vietnamese": "vi"}


def _language(name: str) -> str:
    """``ja`` for ``JA``, ``日本語`` or ``Japanese``: what users type for a language, as one code."""
    key = name.strip().lower()
    return LANGUAGE_NAMES.get(key, key.split("-")[0])


def unreadable_document(case: Case) -> str | None:
    """The kind of the first conditions document written in a language the candidate does not read."""
    reads = {_language(r) for r in case.candidate.reads}
    if not reads:
        return None
    for document in case.documents:
        if document.kind in CONDITIONS_DOCUMENTS and document.language and _language(document.language) not in reads:
            return document.kind
    return None


CAP_YEARS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:年|years?|yrs?)", re.IGNORECASE)
CAP_RENEWALS = re.compile(r"(\d+)\s*(?:回|times|renewals?)", re.IGNORECASE)
CAP_TOTAL = re.compile(r"通算|最長|合計|上限|まで|total|max|up to", re.IGNORECASE)


@lru_cache(maxsize=1024)  # a few phrasings come back case after case ("unknown", 通算5年)
def renewal_cap_years(text: str) -> float | None:
    """The total period a renewal cap allows, in years: ``通算3年`` and ``up to 5 years`` give the
    longest period named; ``1年契約・更新2回まで`` (a contract length and a number of renewals, no total)
    gives 1 x (2 + 1) = 3; ``なし`` or a bare ``2回`` give ``None``."""
    text = unicodedata.normalize("NFKC", text)
    periods = list(CAP_YEARS.finditer(text))
    if not periods:
        return None
    renewals = CAP_RENEWALS.search(text)
    only_contract_length = len(periods) == 1 and not CAP_TOTAL.search(text[:periods[0].start()])
    if renewals and only_contract_length:
        return float(periods[0].group(1)) * (int(renewals.group(1)) + 1)
    return max(float(p.group(1)) for p in periods)


def derived(case: Case) -> dict[str, Any]:
    """The ``derived`` values of the case fact (see ``Derived``); ``None`` (and a zero count) left out."""
    terms, offer = case.terms, case.offer
    overtime = terms.overtime
    guaranteed = guaranteed_annual_income(terms)
    current = case.candidate.current_annual_income
    quoted = terms.quoted_annual_income
    start_gap = (case.candidate.earliest_start - offer.start_date).days \
        if case.candidate.earliest_start and offer.start_date else None
    return _drop_none({
        "guaranteed_annual_income": guaranteed,
        "income_shortfall": current - guaranteed if current is not None and guaranteed is not None else None,
        "fixed_allowances": fixed_allowances(terms),
        "allowances_listed": len(terms.allowances) or None,
        "allowances_unclear": sum(1 for a in terms.allowances if a.monthly is None or a.fixed is None) or None,
        "quoted_income_unguaranteed": quoted.amount - guaranteed if quoted and guaranteed is not None else None,
        "typical_over_fixed_hours": overtime.typical_hours - overtime.fixed_hours
        if overtime.scheme == "fixed" and overtime.typical_hours is not None and overtime.fixed_hours is not None
        else None,
        "repayment_clauses": len(terms.repayment) or None,
        "unreadable_document": unreadable_document(case),
        "start_before_notice_days": start_gap,
        "renewal_cap_years": renewal_cap_years(terms.contract.renewal_cap),
        "remote_promised": any(p.topic == "remote" for p in case.promises) or None,
    })


NOT_IN_CASE_FACT = {"riskcheck": True, "id": True, "people": True, "documents": True, "promises": True,
                    "waivers": True, "expect": True, "candidate": {"reads"}, "terms": {"allowances", "repayment"}}
"""What the case fact leaves out: the items that have facts of their own, and lists (the terms' allowances
and repayment clauses, the languages read) summarised in ``derived``, since an engine fact holds about
250 values."""


def _case_fact(case: Case) -> dict[str, Any]:
    """The case fact: offer, candidate and terms in one dump (a dump each costs more), the quoted income's
    parts as an ``{item: true}`` map, and the derived values."""
    fact = {"id": "case:0", "t": "case",
            **case.model_dump(mode="json", exclude_none=True, exclude=NOT_IN_CASE_FACT)}
    quoted = fact["terms"].get("quoted_annual_income")
    if quoted is not None:
        quoted["includes"] = {part: True for part in quoted.get("includes", [])}
    fact["derived"] = derived(case)
    return fact


def build(case: Case, kinds: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Turn a validated case into engine facts; ``id`` is ``kind:n`` and ``t`` the fact kind. With
    ``kinds`` (``Matcher.kinds``: the kinds some rule names), facts of other kinds are left out, since
    nothing could match them; the case fact is always there."""
    people = {p.id: p for p in case.people}
    noticed = {topic for d in case.documents if d.kind in NOTICE_KINDS and d.received not in (None, False)
               for topic in d.covers}
    facts = [_case_fact(case)]
    if kinds is None or "person" in kinds:
        facts += (_fact("person", i, {"key": person.id, "role": person.role, "confirms_work": confirms_work(person),
                                       "confirms_pay": confirms_pay(person)},
                        name=person.name, assigns_work=person.assigns_work, decides_pay=person.decides_pay)
                  for i, person in enumerate(case.people))
    confirmations = kinds is None or "confirmation" in kinds
    for i, promise in enumerate(case.promises):
        maker = people.get(promise.by) if promise.by else None
        vouchers = ([maker] if maker else []) + [people[who] for who in promise.confirmed_by]
        if kinds is None or "promise" in kinds:
            facts.append(_fact("promise", i, {
                "index": i, "topic": promise.topic, "by_confirms_work": bool(maker and confirms_work(maker)),
                "by_confirms_pay": bool(maker and confirms_pay(maker)), "in_writing": promise.in_writing,
                "confirmations": len(promise.confirmed_by),
                "confirmed_work": any(confirms_work(p) for p in vouchers),
                "confirmed_pay": any(confirms_pay(p) for p in vouchers), "in_notice": promise.topic in noticed},
                said=promise.said, by=promise.by, by_role=maker.role if maker else None, source=promise.source,
                stage=promise.stage, channel=promise.channel))
        if confirmations:
            for j, who in enumerate(promise.confirmed_by):
                person = people[who]
                facts.append(_fact("confirmation", f"{i}.{j}", {
                    "promise": i, "person": who, "role": person.role, "confirms_work": confirms_work(person),
                    "confirms_pay": confirms_pay(person)}))
    if kinds is None or "document" in kinds:
        facts += (_fact("document", i, {"index": i, "kind": document.kind,
                                         "received": document.received not in (None, False),
                                         "covers": {topic: True for topic in document.covers},
                                         **read_facts.document_fields(document)})
                  for i, document in enumerate(case.documents))
    if (kinds is None or "statement" in kinds) and any(d.states for d in case.documents):
        facts += (_fact("statement", n, {}, **statement) for n, statement in enumerate(read_facts.statements(case)))
    return facts


def _fact(kind: str, n: int | str, fields: dict[str, Any], /, **optional: Any) -> dict[str, Any]:
    """One fact: its id and kind, ``fields``, and those of ``optional`` that are known (``None`` left out)."""
    fact = {"id": f"{kind}:{n}", "t": kind}
    fact.update(fields)
    for name, value in optional.items():
        if value is not None:
            fact[name] = value
    return fact


def _drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
