"""The case model: case format 1 (``docs/case-format.md``), validated strictly.

Absent means unknown, and the defaults below say so explicitly ("unknown", ``False`` for
"not checked" / "not in writing"), so the rules never see a silently assumed good case.
The field types below also take Japanese values (``部長``, ``はい``, ``42万円``, ``令和9年2月1日``),
converted to the codes by ``riskcheck/japanese.py`` before validation.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from riskcheck import japanese
from riskcheck.loading import Document
from riskcheck.i18n import Message
from riskcheck.validation import LocatedError, ValueProblem, validate
from riskcheck.vocabulary import (BonusBasis, Channel, DocumentKind, EmploymentType, IncomePart, OvertimeScheme,
                                  Relocation, RepaymentFor, Role, SideJobs, Stage, Topic, YesNoUnknown)


def _vocabulary(literal: Any) -> Any:
    """A closed vocabulary that also takes its Japanese words (``部長`` for ``department_head``)."""
    return Annotated[literal, BeforeValidator(japanese.vocabulary(literal)), japanese.words_schema(literal)]


YesNo = Annotated[YesNoUnknown, BeforeValidator(japanese.yes_no, json_schema_input_type=YesNoUnknown | bool),
                  japanese.ANSWER_SCHEMA]
Flag = Annotated[bool, BeforeValidator(japanese.flag), japanese.ANSWER_SCHEMA]
"""True or false; はい・いいえ, and 不明 as false (false means "not checked", "not in writing")."""
MaybeFlag = Annotated[Union[bool, None], BeforeValidator(japanese.maybe_flag), japanese.ANSWER_SCHEMA]
"""True, false or unknown (``None``); はい・いいえ・不明."""
Text = Annotated[str, Field(coerce_numbers_to_str=True), WithJsonSchema({"type": ["string", "number"]})]
"""Free text; a bare number is taken as its text (``renewal_cap: 5``)."""
Yen = Annotated[int, Field(ge=0, le=10**12), BeforeValidator(japanese.amount), japanese.AMOUNT_SCHEMA]
"""Yen: ``420000``, or ``42万円``, ``1,300円``."""
Months = Annotated[float, Field(ge=0, le=120), BeforeValidator(japanese.number), japanese.NUMBER_SCHEMA]
Hours = Annotated[float, Field(ge=0, le=744), BeforeValidator(japanese.number), japanese.NUMBER_SCHEMA]
"""Hours in a month (744 = 31 x 24)."""
Years = Annotated[float, Field(ge=0, le=60), BeforeValidator(japanese.number), japanese.NUMBER_SCHEMA]
Age = Annotated[int, Field(ge=0, le=150), BeforeValidator(japanese.number), japanese.NUMBER_SCHEMA]
Date = Annotated[date, BeforeValidator(japanese.date), japanese.DATE_SCHEMA]
"""``2027-02-01``, or ``2027/02/01``, ``2027年2月1日``, ``令和9年2月1日``."""
Received = Annotated[Union[date, Literal[False], None], BeforeValidator(japanese.received), japanese.DATE_SCHEMA]
"""When a document arrived, or false (also 未受領, まだ) for not yet."""
RoleValue = _vocabulary(Role)
StageValue = _vocabulary(Stage)
EmploymentTypeValue = _vocabulary(EmploymentType)
DocumentKindValue = _vocabulary(DocumentKind)
ChannelValue = _vocabulary(Channel)
TopicValue = _vocabulary(Topic)
BonusBasisValue = _vocabulary(BonusBasis)
OvertimeSchemeValue = _vocabulary(OvertimeScheme)
RelocationValue = _vocabulary(Relocation)
SideJobsValue = _vocabulary(SideJobs)
RepaymentForValue = _vocabulary(RepaymentFor)
IncomePartValue = _vocabulary(IncomePart)


class Model(BaseModel):
    """Strict base: unknown keys are errors, values are checked on assignment.

    A section left out (``terms.bonus``) is its model validated from ``{}`` (``section()``), inside
    pydantic's own validation: building it with ``Bonus()`` would call back into Python for each.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def section() -> Any:
    """The default of a section: the section's model with every field at its default."""
    return Field(default_factory=dict, validate_default=True)


class Candidate(Model):
    current_annual_income: Yen | None = None
    age: Age | None = None
    reads: list[Text] = Field(default_factory=list)
    """Languages the candidate reads well (``ja``, ``en``, ...)."""
    earliest_start: Date | None = None
    """The first day the current employer's notice period allows."""


class Offer(Model):
    company: Text | None = None
    position: Text | None = None
    employment_type: EmploymentTypeValue | None = None
    stage: StageValue | None = None
    acceptance_deadline: Date | None = None
    start_date: Date | None = None
    asked_to_decline_others: MaybeFlag = None


class Person(Model):
    id: Text
    role: RoleValue = "unknown"
    name: Text | None = None
    assigns_work: MaybeFlag = None
    decides_pay: MaybeFlag = None


class Statement(Model):
    """What a read document states (``riskcheck read``): a field, its value, and the line it was read from.

    ``field`` is a case path (``terms.monthly_salary``) or a notice item (``hours.start``); when the case's
    own value differs, the case keeps both: its value in ``terms``, the document's here.
    """

    field: Annotated[str, Field(min_length=1, max_length=80)]
    value: Union[bool, int, float, str]
    line: Annotated[int, Field(ge=1)] | None = None
    text: Text | None = None


class CaseDocument(Model):
    """A document the candidate has (or is waiting for), and the topics it covers."""

    kind: DocumentKindValue
    received: Received = None
    covers: list[TopicValue] = Field(default_factory=list)
    language: Text | None = None
    states: list[Statement] = Field(default_factory=list)
    """What the document was read to state (``riskcheck read --into``); empty when not read."""


class Promise(Model):
    topic: TopicValue
    said: Text | None = None
    by: Text | None = None
    source: DocumentKindValue | None = None
    stage: StageValue | None = None
    channel: ChannelValue | None = None
    in_writing: Flag = False
    confirmed_by: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_origin(self) -> Promise:
        if self.by is None and self.source is None:
            raise ValueProblem(Message("case.promise_origin"))
        return self


class Bonus(Model):
    basis: BonusBasisValue = "unknown"
    guaranteed_months: Months | None = None
    stated_months: tuple[Months, Months] | None = None
    in_writing: Flag = False


class Overtime(Model):
    scheme: OvertimeSchemeValue = "unknown"
    fixed_hours: Hours | None = None
    fixed_amount: Yen | None = None
    excess_paid: YesNo = "unknown"
    clause_checked: Flag = False
    typical_hours: Hours | None = None
    """Overtime hours a month the team actually works, as the candidate was told."""


class Probation(Model):
    months: Months | None = None
    conditions_differ: YesNo = "unknown"


class Scope(Model):
    initial: Text | None = None
    change_scope: Text = "unknown"


class Location(Scope):
    relocation: RelocationValue = "unknown"
    """What the change scope means in practice (転勤)."""


class Allowance(Model):
    name: Text
    monthly: Yen | None = None
    fixed: MaybeFlag = None
    """Paid every month whatever happens (not fixed overtime, which is ``overtime.fixed_amount``)."""


class QuotedIncome(Model):
    """The 提示年収 and what it assumes."""

    amount: Yen
    includes: list[IncomePartValue] = Field(default_factory=list)


class RetirementAllowance(Model):
    exists: YesNo = "unknown"
    min_years: Years | None = None


class Repayment(Model):
    """Money the candidate must pay back when leaving early (労働基準法16条)."""

    model_config = ConfigDict(populate_by_name=True)

    for_: RepaymentForValue = Field(alias="for")
    condition: Text | None = None


class Contract(Model):
    ends: Date | None = None
    renewal_criteria: Text = "unknown"
    renewal_cap: Text = "unknown"


class Remote(Model):
    policy: Text = "unknown"


class Terms(Model):
    monthly_salary: Yen | None = None
    hourly_wage: Yen | None = None
    bonus: Bonus = section()
    overtime: Overtime = section()
    probation: Probation = section()
    location: Location = section()
    duties: Scope = section()
    contract: Contract = section()
    remote: Remote = section()
    allowances: list[Allowance] = Field(default_factory=list)
    quoted_annual_income: QuotedIncome | None = None
    side_jobs: SideJobsValue = "unknown"
    retirement_allowance: RetirementAllowance = section()
    repayment: list[Repayment] = Field(default_factory=list)


class Waiver(Model):
    """An accepted risk: the finding stays in the report, marked as waived, until ``expires``."""

    rule: Text
    case: Text | None = None
    reason: Text
    accepted_by: Text
    expires: Date


class Expect(Model):
    """What a fixture case expects of the rules (used by ``riskcheck test``)."""

    fire: list[Text] = Field(default_factory=list)
    silent: list[Text] = Field(default_factory=list)


class Case(Model):
    riskcheck: Literal[1]
    id: Text | None = None
    candidate: Candidate = section()
    offer: Offer = section()
    people: list[Person] = Field(default_factory=list)
    documents: list[CaseDocument] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    terms: Terms = section()
    waivers: list[Waiver] = Field(default_factory=list)
    expect: Expect | None = None

    @model_validator(mode="after")
    def _references(self) -> Case:
        ids = [p.id for p in self.people]
        known: set[str] = set()
        problems: list[LocatedError] = []
        for i, person_id in enumerate(ids):
            if person_id in known:
                problems.append(LocatedError(("people", i, "id"), Message("case.person_twice", ("id",), id=person_id)))
            known.add(person_id)
        for i, promise in enumerate(self.promises):
            if promise.by is not None and promise.by not in known:
                problems.append(_unknown_person(("promises", i, "by"), promise.by, ids))
            for j, who in enumerate(promise.confirmed_by):
                if who not in known:
                    problems.append(_unknown_person(("promises", i, "confirmed_by", j), who, ids))
        if problems:
            raise LocatedError(problems[0].loc, problems[0].message, problems[1:])
        return self


def _unknown_person(loc: tuple[Any, ...], who: str, ids: list[str]) -> LocatedError:
    return LocatedError(loc, Message("case.unknown_person", ("id", "known"), id=who, known=_listed(ids)))


def _listed(ids: list[str], limit: int = 10) -> Message:
    """The person ids for an error message, the first few of a long list."""
    if not ids:
        return Message("case.known_none")
    shown = ", ".join(ids[:limit])
    return Message("case.known_more", ("shown",), shown=shown, more=len(ids) - limit) if len(ids) > limit else \
        Message("value.as_is", ("value",), value=shown)


def load_case(doc: Document, default_id: str) -> Case:
    """A validated case from a parsed document; ``id`` defaults to ``default_id``."""
    case = validate(Case, doc)
    if case.id is None:
        case.id = default_id
    return case
