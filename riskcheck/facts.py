"""A validated case as engine facts: plain dicts, one per person, promise, confirmation and document,
plus one ``case`` fact with the offer, the terms and the derived values.

The fact models below are the vocabulary rule conditions are type-checked against; ``build``
produces dicts of exactly that shape (``None`` values left out, so ``exists: false`` means unknown).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from riskcheck.case import Candidate, Case, Offer, Person, Terms
from riskcheck.read import facts as read_facts
from riskcheck.vocabulary import Channel, DocumentKind, Role, Stage, Topic


class FactModel(BaseModel):
    """Fact models describe fields for type-checking rules; they never validate data."""

    model_config = ConfigDict(defer_build=True)


class Derived(FactModel):
    """Values computed once from the case, so rules compare plain numbers."""

    guaranteed_annual_income: int | None = None
    income_shortfall: int | None = None


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
SET_FIELDS = {("document", "covers")}
"""List fields sent to the engine as ``{item: true}`` maps: durable_rules' ``$iall`` never
matches an empty list, so "lacks X" is written as "X is absent from the map"."""


def confirms_work(person: Person) -> bool:
    """Whether this person can confirm role, assignment and training: the one who hands out work."""
    return person.assigns_work is True or (person.assigns_work is None and person.role == "section_manager")


def confirms_pay(person: Person) -> bool:
    """Whether this person can confirm pay and conditions."""
    return person.decides_pay is True or (person.decides_pay is None and person.role in ("hr", "executive"))


def guaranteed_annual_income(terms: Terms) -> int | None:
    """Monthly base x 12, plus the guaranteed bonus months, plus fixed overtime pay x 12."""
    if terms.monthly_salary is None:
        return None
    total = terms.monthly_salary * 12
    if terms.bonus.guaranteed_months:
        total += round(terms.bonus.guaranteed_months * terms.monthly_salary)
    if terms.overtime.scheme == "fixed" and terms.overtime.fixed_amount:
        total += terms.overtime.fixed_amount * 12
    return total


def build(case: Case) -> list[dict[str, Any]]:
    """Turn a validated case into engine facts; ``id`` is ``kind:n`` and ``t`` the fact kind."""
    facts: list[dict[str, Any]] = []

    def add(fact_kind: str, n: int | str, **fields: Any) -> None:
        facts.append({"id": f"{fact_kind}:{n}", "t": fact_kind, **_drop_none(fields)})

    people = {p.id: p for p in case.people}
    noticed = {topic for d in case.documents if d.kind in NOTICE_KINDS and d.received not in (None, False)
               for topic in d.covers}
    guaranteed = guaranteed_annual_income(case.terms)
    current = case.candidate.current_annual_income
    add("case", 0,
        offer=_dump(case.offer), candidate=_dump(case.candidate), terms=_dump(case.terms),
        derived=_drop_none({"guaranteed_annual_income": guaranteed,
                            "income_shortfall": current - guaranteed if current is not None and guaranteed is not None
                            else None}))
    for i, person in enumerate(case.people):
        add("person", i, key=person.id, role=person.role, name=person.name, assigns_work=person.assigns_work,
            decides_pay=person.decides_pay, confirms_work=confirms_work(person), confirms_pay=confirms_pay(person))
    for i, promise in enumerate(case.promises):
        maker = people.get(promise.by) if promise.by else None
        vouchers = ([maker] if maker else []) + [people[who] for who in promise.confirmed_by]
        add("promise", i, index=i, topic=promise.topic, said=promise.said, by=promise.by,
            by_role=maker.role if maker else None,
            by_confirms_work=bool(maker and confirms_work(maker)),
            by_confirms_pay=bool(maker and confirms_pay(maker)),
            source=promise.source, stage=promise.stage, channel=promise.channel,
            in_writing=promise.in_writing, confirmations=len(promise.confirmed_by),
            confirmed_work=any(confirms_work(p) for p in vouchers),
            confirmed_pay=any(confirms_pay(p) for p in vouchers),
            in_notice=promise.topic in noticed)
        for j, who in enumerate(promise.confirmed_by):
            person = people[who]
            add("confirmation", f"{i}.{j}", promise=i, person=who, role=person.role,
                confirms_work=confirms_work(person), confirms_pay=confirms_pay(person))
    for i, document in enumerate(case.documents):
        add("document", i, index=i, kind=document.kind, received=document.received not in (None, False),
            covers={topic: True for topic in document.covers}, **read_facts.document_fields(document))
    for n, statement in enumerate(read_facts.statements(case) if any(d.states for d in case.documents) else []):
        add("statement", n, **statement)
    return facts


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
