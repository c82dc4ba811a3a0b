"""The condition language, run on the real engine: each operator, joins, absence, and what is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from riskcheck.case import load_case
from riskcheck.evaluate import Checker
from riskcheck.loading import parse
from riskcheck.rulepack import PackError, load_packs

TEXT = {"en": {"message": "m {placeholder}", "ask": "a", "basis": "b"},
        "ja": {"message": "メッセージ", "ask": "質問", "basis": "根拠"}}


def pack_file(tmp_path: Path, rules: list[dict[str, Any]], placeholder: str = "") -> str:
    full = []
    for i, rule in enumerate(rules):
        text = yaml.safe_load(yaml.safe_dump(TEXT))
        text["en"]["message"] = text["en"]["message"].replace("{placeholder}", placeholder)
        full.append({"id": f"R-{i}", "severity": "high", "topic": "role", "confirm_with": ["hr"], "form": "written",
                     "text": text, **rule})
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "version": "1", "rules": full}, allow_unicode=True), encoding="utf-8")
    return str(path)


def fired(tmp_path: Path, rule: dict[str, Any], case_text: str, placeholder: str = "") -> list[str]:
    checker = Checker(load_packs([pack_file(tmp_path, [rule], placeholder)]))
    case = load_case(parse("riskcheck: 1\n" + case_text, "c.yaml"), "c")
    return [f.message for f in checker.check_case(case, "c.yaml").findings]


def on_case(where: dict[str, Any]) -> dict[str, Any]:
    return {"when": [{"fact": "case", "where": where}]}


PEOPLE = "people:\n  - {id: bucho, role: department_head}\n  - {id: kacho, role: section_manager}\n"


@pytest.mark.parametrize(("where", "case_text", "expected"), [
    ({"terms.monthly_salary": 300000}, "terms: {monthly_salary: 300000}", 1),
    ({"terms.monthly_salary": 300000}, "terms: {monthly_salary: 300001}", 0),
    ({"terms.monthly_salary": {"gt": 1, "lte": 5}}, "terms: {monthly_salary: 5}", 1),
    ({"terms.monthly_salary": {"gt": 1, "lte": 5}}, "terms: {monthly_salary: 6}", 0),
    ({"terms.monthly_salary": {"lt": 5}}, "", 0),
    ({"terms.monthly_salary": {"exists": False}}, "", 1),
    ({"terms.monthly_salary": {"exists": True}}, "", 0),
    ({"offer.stage": {"ne": "accepted"}}, "", 1),
    ({"offer.stage": {"ne": "accepted"}}, "offer: {stage: accepted}", 0),
    ({"offer.stage": {"in": ["casual", "offer_meeting"]}}, "offer: {stage: offer_meeting}", 1),
    ({"offer.stage": {"in": ["casual", "offer_meeting"]}}, "offer: {stage: accepted}", 0),
    ({"offer.stage": {"not_in": ["casual", "accepted"]}}, "", 1),
    ({"offer.stage": {"not_in": ["casual", "accepted"]}}, "offer: {stage: casual}", 0),
    ({"any_of": [{"offer.stage": "casual"}, {"terms.monthly_salary": {"gt": 0}}]},
     "offer: {stage: casual}\nterms: {monthly_salary: 1}", 1),
    ({"any_of": [{"offer.stage": "casual"}, {"terms.monthly_salary": {"gt": 0}}]}, "offer: {stage: accepted}", 0),
])
def test_field_operators(tmp_path: Path, where: dict[str, Any], case_text: str, expected: int) -> None:
    assert len(fired(tmp_path, on_case(where), case_text)) == expected


@pytest.mark.parametrize(("test", "covers", "expected"), [
    ({"contains": "salary"}, "[salary]", 1), ({"contains": "salary"}, "[]", 0),
    ({"lacks": "salary"}, "[]", 1), ({"lacks": "salary"}, "[salary, bonus]", 0),
    ({"lacks_any": ["salary", "bonus"]}, "[salary]", 1), ({"lacks_any": ["salary", "bonus"]}, "[bonus, salary]", 0),
])
def test_list_operators_including_the_empty_list(tmp_path: Path, test: dict[str, Any], covers: str,
                                                 expected: int) -> None:
    rule = {"when": [{"fact": "document", "where": {"covers": test}}]}
    assert len(fired(tmp_path, rule, f"documents: [{{kind: offer_letter, covers: {covers}}}]")) == expected


def test_missing_filter_names_the_absent_items(tmp_path: Path) -> None:
    rule = {"when": [{"fact": "document", "as": "d", "where": {"covers": {"lacks_any": ["salary", "bonus", "role"]}}}]}
    (message,) = fired(tmp_path, rule, "documents: [{kind: offer_letter, covers: [bonus]}]", "{d.covers|missing}")
    assert message == "m salary, role"


JOIN_RULE = {
    "when": [{"fact": "promise", "as": "p", "where": {"topic": "role"}},
             {"fact": "person", "as": "maker", "where": {"key": {"ref": "p.by"}, "role": "department_head"}}],
    "unless": [{"fact": "confirmation", "where": {"promise": {"ref": "p.index"}, "confirms_work": True}}],
}


@pytest.mark.parametrize(("promises", "expected"), [
    ("- {topic: role, said: lead, by: bucho}", 1),
    ("- {topic: role, said: lead, by: bucho, confirmed_by: [kacho]}", 0),
    ("- {topic: role, said: lead, by: kacho}", 0),
    ("- {topic: role, said: one, by: bucho}\n- {topic: role, said: two, by: bucho, confirmed_by: [kacho]}", 1),
])
def test_join_and_absence(tmp_path: Path, promises: str, expected: int) -> None:
    assert len(fired(tmp_path, JOIN_RULE, PEOPLE + "promises:\n" + promises)) == expected


def test_join_on_non_ascii_person_ids(tmp_path: Path) -> None:
    people = "people:\n  - {id: 部長, role: department_head}\n  - {id: 課長, role: section_manager}\n"
    assert len(fired(tmp_path, JOIN_RULE, people + "promises:\n- {topic: role, said: x, by: 部長}")) == 1
    assert len(fired(tmp_path, JOIN_RULE, people + "promises:\n- {topic: role, said: x, by: 部長, "
                                                   "confirmed_by: [課長]}")) == 0


def test_non_ascii_literal_in_a_rule(tmp_path: Path) -> None:
    rule = {"when": [{"fact": "person", "where": {"key": "部長"}}]}
    assert len(fired(tmp_path, rule, "people: [{id: 部長}]")) == 1


def test_or_branches_give_one_finding(tmp_path: Path) -> None:
    rule = on_case({"any_of": [{"offer.stage": "casual"}, {"offer.company": "X"}, {"terms.monthly_salary": 1}]})
    assert len(fired(tmp_path, rule, "offer: {stage: casual, company: X}\nterms: {monthly_salary: 1}")) == 1


def test_placeholders_and_filters(tmp_path: Path) -> None:
    rule = on_case({"derived.income_shortfall": {"gt": 0}})
    case = "candidate: {current_annual_income: 6000000}\nterms: {monthly_salary: 400000}"
    (message,) = fired(tmp_path, rule, case, "{case.derived.income_shortfall|yen} {case.offer.stage}")
    assert message == "m JPY 1,200,000 unknown"


@pytest.mark.parametrize(("rule", "error"), [
    (on_case({"terms.bonus.basiss": "guaranteed"}), "has no field 'basiss'; did you mean 'basis'?"),
    (on_case({"terms.bonus.basis": "guaranted"}), "'guaranted' is not a valid value here"),
    (on_case({"offer.stage": {"gt": "casual"}}), "'gt' compares numbers or dates"),
    (on_case({"offer.stage": {"near": "casual"}}), "unknown operator 'near'"),
    (on_case({"terms.bonus": "x"}), "'terms.bonus' is a group of fields"),
    (on_case({"terms.monthly_salary": "300000"}), "expected a number"),
    ({"when": [{"fact": "promise", "where": {"by": {"ref": "q.key"}}}]}, "ref 'q.key' must name an earlier"),
    ({"when": [{"fact": "promises"}]}, "Input should be 'case', 'person'"),
    ({"when": [{"fact": "case"}] * 16}, "at most 15 patterns"),
    ({"when": [{"fact": "case"}], "topic": "bonuses"}, "unknown topic 'bonuses'; did you mean 'bonus'?"),
    ({"when": [{"fact": "case"}], "confirm_with": ["boss"]}, "confirm_with"),
])
def test_mistakes_are_refused_at_load(tmp_path: Path, rule: dict[str, Any], error: str) -> None:
    with pytest.raises(PackError) as info:
        load_packs([pack_file(tmp_path, [rule])])
    assert error in str(info.value)
    assert str(tmp_path / "pack.yaml") in str(info.value)


def test_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"placeholder \{p\.said\}"):
        load_packs([pack_file(tmp_path, [on_case({})], "{p.said}")])
