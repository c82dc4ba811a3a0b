"""The case model and safe loading: format 1 exactly, strict, with errors located by line and field."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli, write
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


# --- issue 11: hostile values end as one line, exit 2, and --redact shows none of them ------------------

def one_line(path: str, *args: str) -> str:
    result = run_cli("check", path, *args)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"riskcheck: error: {path}") and "Traceback" not in line
    return line


@pytest.mark.parametrize("text", [
    '{"riskcheck": 1, "offer": {"company": "\\udc80"}}',
    '{"riskcheck": 1, "people": [{"id": "a\\ud800"}]}',
    '{"riskcheck": 1, "\\udfff": 1}',
    '{"riskcheck": 1, "offer": {"company": "x"},\n "promises": [{"topic": "role", "said": "\\ud83d", "source": "memo"}]}',
])
def test_a_lone_surrogate_in_json_is_an_error_on_its_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "case.json", text)
    line = one_line(path)
    assert f"{path}:{text.count(chr(10), 0, text.index(chr(92) + 'ud')) + 1}: invalid JSON" in line
    assert run_cli("check", write(tmp_path, "pair.json", '{"riskcheck": 1, "offer": {"company": "\\ud83d\\ude00"}}')
                   ).exit_code in (0, 1)


def test_a_lone_surrogate_costs_one_line_of_a_batch(tmp_path: Path) -> None:
    path = write(tmp_path, "offers.jsonl", '{"riskcheck": 1, "id": "a"}\n{"riskcheck": 1, "id": "b\\udc80"}\n'
                                           '{"riskcheck": 1, "id": "c"}\n')
    result = run_cli("audit", path, "--format", "jsonl", "--jobs", "1")
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert result.exit_code == 2 and statuses[1] == "error" and len(statuses) == 3 and statuses.count("error") == 1


@pytest.mark.parametrize("value", ["!!bool x", "!!timestamp x", "!!int x", "!!float x", "!!set {a}",
                                   "!!binary aGk=", "!!omap [a: 1]", "!!pairs [a: 1]", "!foo x", "!<tag:x.org,1:y> z",
                                   "!!python/name:os.system x", "!!map x", "!!seq x", "!!str [a]"])
@pytest.mark.parametrize("where", ["offer:\n  company: {}\n", "promises:\n  - {{topic: {}, by: a}}\n", "{}: 1\n"])
def test_yaml_tags_are_one_line_errors(tmp_path: Path, value: str, where: str) -> None:
    path = write(tmp_path, "case.yaml", "riskcheck: 1\npeople: [{id: a}]\n" + where.format(value))
    line = one_line(path)
    assert re.search(rf"{re.escape(path)}:\d+: ", line), line


@pytest.mark.parametrize("key", ["bool", "date", "'a[b'", "'[x]'", "'literal[False]'", "'function-before[x]'", "1",
                                 "2020-01-01", "null", "true"])
@pytest.mark.parametrize("where", ["{}: 1\n", "offer:\n  {}: 1\n", "documents:\n  - kind: memo\n    {}: 1\n"])
def test_odd_keys_are_one_line_errors_naming_the_key(tmp_path: Path, key: str, where: str) -> None:
    path = write(tmp_path, "case.yaml", "riskcheck: 1\n" + where.format(key))
    line = one_line(path)
    assert key.strip("'") in line or key in ("null", "true"), line


SECRET_INPUTS = {
    "stage.yaml": "riskcheck: 1\noffer: {stage: Zq0stage}\n",
    "person.yaml": "riskcheck: 1\npeople: [{id: Zq0known}]\npromises:\n  - {topic: role, by: Zq0pid, confirmed_by: [Zq0p2]}\n",
    "twice.yaml": "riskcheck: 1\npeople: [{id: Zq0same}, {id: Zq0same}]\n",
    "key.yaml": "riskcheck: 1\noffer: {Zq0key: 1}\nZq0top: 2\n",
    "tag.yaml": "riskcheck: 1\noffer: {company: !Zq0tag x}\n",
    "bool.yaml": "riskcheck: 1\noffer: {company: !!bool Zq0bool}\n",
    "duplicate.yaml": "riskcheck: 1\nZq0dup: 1\nZq0dup: 2\n",
    "alias.yaml": "riskcheck: 1\noffer: *Zq0alias\n",
    "number.yaml": "riskcheck: 1\nterms: {monthly_salary: Zq0万円}\n",
    "date.yaml": "riskcheck: 1\noffer: {start_date: Zq0day}\n",
    "nonkey.yaml": "riskcheck: 1\noffer: {? [Zq0list] : 1}\n",
    "json.json": '{"riskcheck": 1, "Zq0dup": 1, "Zq0dup": 2}',
}


@pytest.mark.parametrize("name", sorted(SECRET_INPUTS))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_redact_leaves_input_values_out_of_errors(tmp_path: Path, name: str, lang: str) -> None:
    path = write(tmp_path, name, SECRET_INPUTS[name])
    assert run_cli("check", path, "--lang", lang, "--format", "json").exit_code == 2
    for fmt in ("json", "text", "markdown"):
        result = run_cli("check", path, "--lang", lang, "--format", fmt, "--redact")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "Zq0" not in result.stdout + result.stderr, (fmt, result.stderr)
