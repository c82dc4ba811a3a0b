"""The case model: case format 1 (``spec/case-format.md``), validated strictly.

Absent means unknown, and the defaults below say so explicitly ("unknown", ``False`` for
"not checked" / "not in writing"), so the rules never see a silently assumed good case.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from riskcheck.loading import Document
from riskcheck.validation import LocatedError, validate
from riskcheck.vocabulary import (BonusBasis, Channel, DocumentKind, EmploymentType, IncomePart, OvertimeScheme,
                                  Relocation, RepaymentFor, Role, SideJobs, Stage, Topic, YesNoUnknown)


def _yes_no(value: Any) -> Any:
    """YAML 1.1 reads ``yes``/``no``/``on``/``off`` as booleans; take them back as words."""
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


def _text(value: Any) -> Any:
    """Free-text fields also accept a bare number (``renewal_cap: 5``)."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


YesNo = Annotated[YesNoUnknown, BeforeValidator(_yes_no, json_schema_input_type=YesNoUnknown | bool)]
Text = Annotated[str, BeforeValidator(_text, json_schema_input_type=str | int | float)]
Yen = Annotated[int, Field(ge=0, le=10**12)]
Months = Annotated[float, Field(ge=0, le=120)]
Hours = Annotated[float, Field(ge=0, le=744)]
"""Hours in a month (744 = 31 x 24)."""


class Model(BaseModel):
    """Strict base: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Candidate(Model):
    current_annual_income: Yen | None = None
    age: Annotated[int, Field(ge=0, le=150)] | None = None
    reads: list[Text] = Field(default_factory=list)
    """Languages the candidate reads well (``ja``, ``en``, ...)."""
    earliest_start: date | None = None
    """The first day the current employer's notice period allows."""


class Offer(Model):
    company: Text | None = None
    position: Text | None = None
    employment_type: EmploymentType | None = None
    stage: Stage | None = None
    acceptance_deadline: date | None = None
    start_date: date | None = None
    asked_to_decline_others: bool | None = None


class Person(Model):
    id: Text
    role: Role = "unknown"
    name: Text | None = None
    assigns_work: bool | None = None
    decides_pay: bool | None = None


class Statement(Model):
    """What a read document states (``riskcheck read``): a field, its value, and the line it was read from.

    ``field`` is a case path (``terms.monthly_salary``) or a notice item (``hours.start``); when the case's
    own value differs, the case keeps both: its value in ``terms``, the document's here.
    """

    field: Annotated[str, Field(min_length=1, max_length=80)]
    value: Union[bool, int, float, str]
    line: Annotated[int, Field(ge=1)] | None = None
    text: Text | None = None


class Document_(Model):
    kind: DocumentKind
    received: Union[date, Literal[False]] | None = None
    covers: list[Topic] = Field(default_factory=list)
    language: Text | None = None
    states: list[Statement] = Field(default_factory=list)
    """What the document was read to state (``riskcheck read --into``); empty when not read."""


class Promise(Model):
    topic: Topic
    said: Text | None = None
    by: Text | None = None
    source: DocumentKind | None = None
    stage: Stage | None = None
    channel: Channel | None = None
    in_writing: bool = False
    confirmed_by: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_origin(self) -> Promise:
        if self.by is None and self.source is None:
            raise ValueError("a promise needs 'by' (a person) or 'source' (a document kind)")
        return self


class Bonus(Model):
    basis: BonusBasis = "unknown"
    guaranteed_months: Months | None = None
    stated_months: tuple[Months, Months] | None = None
    in_writing: bool = False


class Overtime(Model):
    scheme: OvertimeScheme = "unknown"
    fixed_hours: Hours | None = None
    fixed_amount: Yen | None = None
    excess_paid: YesNo = "unknown"
    clause_checked: bool = False
    typical_hours: Hours | None = None
    """Overtime hours a month the team actually works, as the candidate was told."""


class Probation(Model):
    months: Months | None = None
    conditions_differ: YesNo = "unknown"


class Scope(Model):
    initial: Text | None = None
    change_scope: Text = "unknown"


class Location(Scope):
    relocation: Relocation = "unknown"
    """What the change scope means in practice (転勤)."""


class Allowance(Model):
    name: Text
    monthly: Yen | None = None
    fixed: bool | None = None
    """Paid every month whatever happens (not fixed overtime, which is ``overtime.fixed_amount``)."""


class QuotedIncome(Model):
    """The 提示年収 and what it assumes."""

    amount: Yen
    includes: list[IncomePart] = Field(default_factory=list)


class RetirementAllowance(Model):
    exists: YesNo = "unknown"
    min_years: Annotated[float, Field(ge=0, le=60)] | None = None


class Repayment(Model):
    """Money the candidate must pay back when leaving early (労働基準法16条)."""

    model_config = ConfigDict(populate_by_name=True)

    for_: RepaymentFor = Field(alias="for")
    condition: Text | None = None


class Contract(Model):
    ends: date | None = None
    renewal_criteria: Text = "unknown"
    renewal_cap: Text = "unknown"


class Remote(Model):
    policy: Text = "unknown"


class Terms(Model):
    monthly_salary: Yen | None = None
    hourly_wage: Yen | None = None
    bonus: Bonus = Field(default_factory=Bonus)
    overtime: Overtime = Field(default_factory=Overtime)
    probation: Probation = Field(default_factory=Probation)
    location: Location = Field(default_factory=Location)
    duties: Scope = Field(default_factory=Scope)
    contract: Contract = Field(default_factory=Contract)
    remote: Remote = Field(default_factory=Remote)
    allowances: list[Allowance] = Field(default_factory=list)
    quoted_annual_income: QuotedIncome | None = None
    side_jobs: SideJobs = "unknown"
    retirement_allowance: RetirementAllowance = Field(default_factory=RetirementAllowance)
    repayment: list[Repayment] = Field(default_factory=list)


class Waiver(Model):
    """An accepted risk: the finding stays in the report, marked as waived, until ``expires``."""

    rule: Text
    case: Text | None = None
    reason: Text
    accepted_by: Text
    expires: date


class Expect(Model):
    """What a fixture case expects of the rules (used by ``riskcheck test``)."""

    fire: list[Text] = Field(default_factory=list)
    silent: list[Text] = Field(default_factory=list)


class Case(Model):
    riskcheck: Literal[1]
    id: Text | None = None
    candidate: Candidate = Field(default_factory=Candidate)
    offer: Offer = Field(default_factory=Offer)
    people: list[Person] = Field(default_factory=list)
    documents: list[Document_] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    terms: Terms = Field(default_factory=Terms)
    waivers: list[Waiver] = Field(default_factory=list)
    expect: Expect | None = None

    @model_validator(mode="after")
    def _references(self) -> Case:
        ids = [p.id for p in self.people]
        known: set[str] = set()
        for i, person_id in enumerate(ids):
            if person_id in known:
                raise LocatedError(("people", i, "id"), f"person id '{person_id}' is used twice")
            known.add(person_id)
        for i, promise in enumerate(self.promises):
            if promise.by is not None and promise.by not in known:
                raise LocatedError(("promises", i, "by"), f"'{promise.by}' is not a person in people "
                               f"(known: {_listed(ids)})")
            for j, who in enumerate(promise.confirmed_by):
                if who not in known:
                    raise LocatedError(("promises", i, "confirmed_by", j), f"'{who}' is not a person in people "
                                   f"(known: {_listed(ids)})")
        return self


def _listed(ids: list[str], limit: int = 10) -> str:
    """The person ids for an error message, the first few of a long list."""
    shown = ", ".join(ids[:limit]) or "none"
    return shown + (f" and {len(ids) - limit:,} more" if len(ids) > limit else "")


def load_case(doc: Document, default_id: str) -> Case:
    """A validated case from a parsed document; ``id`` defaults to ``default_id``."""
    case = validate(Case, doc)
    if case.id is None:
        case.id = default_id
    return case
