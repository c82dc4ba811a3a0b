"""The case model and safe loading: format 1 exactly, strict, with errors located by line and field."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import EXAMPLES
from riskcheck.case import Case, load_case
from riskcheck.errors import InputError
from riskcheck.facts import build, guaranteed_annual_income
from riskcheck.loading import load, parse


def case_of(text: str, name: str = "case.yaml") -> Case:
    return load_case(parse(text, name), "case")


def error_of(text: str, name: str = "case.yaml") -> str:
    with pytest.raises(InputError) as info:
        case_of(text, name)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_shared_examples_validate(path) -> None:
    case = load_case(load(str(path)), path.stem)
    assert case.id == path.stem


def test_yaml_booleans_read_as_yes_no() -> None:
    case = case_of("riskcheck: 1\nterms:\n  overtime: {excess_paid: yes}\n  probation: {conditions_differ: no}\n")
    assert case.terms.overtime.excess_paid == "yes"
    assert case.terms.probation.conditions_differ == "no"


def test_absent_means_unknown() -> None:
    case = case_of("riskcheck: 1\n")
    assert case.terms.bonus.basis == "unknown"
    assert case.terms.location.change_scope == "unknown"
    assert case.terms.overtime.clause_checked is False
    assert case.id == "case"


def test_dates_and_not_yet_received() -> None:
    case = case_of("riskcheck: 1\noffer: {start_date: 2027-04-01}\ndocuments:\n"
                   "  - {kind: offer_letter, received: 2026-11-20}\n  - {kind: labor_conditions_notice, received: false}\n")
    assert case.offer.start_date == date(2027, 4, 1)
    assert [d.received for d in case.documents] == [date(2026, 11, 20), False]


def test_json_case(tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"riskcheck": 1, "offer": {"stage": "casual"}}', encoding="utf-8")
    assert load_case(load(str(path)), "c").offer.stage == "casual"


@pytest.mark.parametrize(("text", "expected"), [
    ("riskcheck: 1\npromisses: []\n", "case.yaml:2: promisses: unknown key 'promisses'; did you mean 'promises'?"),
    ("riskcheck: 1\nterms:\n  bonus:\n    basis: past\n",
     "case.yaml:4: terms.bonus.basis: Input should be"),
    ("riskcheck: 1\npeople: [{id: a}]\npromises:\n  - topic: salary\n    by: b\n",
     "case.yaml:5: promises[0].by: 'b' is not a person in people (known: a)"),
    ("riskcheck: 1\npeople: [{id: a}]\npromises:\n  - {topic: role, by: a, confirmed_by: [a, z]}\n",
     "case.yaml:4: promises[0].confirmed_by[1]: 'z' is not a person in people"),
    ("riskcheck: 1\npeople:\n  - {id: a}\n  - {id: a}\n", "case.yaml:4: people[1].id: person id 'a' is used twice"),
    ("riskcheck: 1\npromises:\n  - {topic: role, said: x}\n", "needs 'by' (a person) or 'source'"),
    ("riskcheck: 1\noffer: {start_date: 2026-02-30}\n", "case.yaml:2: offer.start_date:"),
    ("riskcheck: 2\n", "case.yaml:1: riskcheck: Input should be 1"),
    ("offer: {}\n", "riskcheck: required key is missing"),
    ("riskcheck: 1\noffer: {}\noffer: {}\n", "case.yaml:3: duplicate key 'offer'"),
    ("- riskcheck: 1\n", "case.yaml:1: expected a mapping of keys, got list"),
    ("riskcheck: 1\noffer: !!python/object:os.system {}\n", "the YAML tag '!!python/object:os.system' is not allowed"),
    ("riskcheck: 1\noffer: [\n", "case.yaml:3: invalid YAML"),
    ("", "case.yaml: the file is empty"),
])
def test_errors_name_the_line_and_the_field(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_facts_carry_derived_values_and_authority() -> None:
    case = load_case(load(str(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")), "x")
    facts = {f["id"]: f for f in build(case)}
    assert guaranteed_annual_income(case.terms) == 420_000 * 12
    assert facts["case:0"]["derived"] == {"guaranteed_annual_income": 5_040_000, "income_shortfall": 1_760_000}
    assert facts["person:0"]["confirms_pay"] is False and facts["person:0"]["role"] == "department_head"
    assert facts["promise:2"]["by_role"] == "recruiter"
    assert len({f["id"] for f in facts.values()}) == len(facts), "fact ids are unique"


def test_guaranteed_income_counts_guaranteed_bonus_and_fixed_overtime() -> None:
    case = case_of("riskcheck: 1\nterms:\n  monthly_salary: 300000\n  bonus: {basis: guaranteed, guaranteed_months: 2}\n"
                   "  overtime: {scheme: fixed, fixed_amount: 50000}\n")
    assert guaranteed_annual_income(case.terms) == 300_000 * 12 + 600_000 + 50_000 * 12
