"""`riskcheck schema`: JSON Schema from the models, accepting what riskcheck accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, run_cli
from riskcheck.loading import load

PACKS = Path(__file__).parent / "packs"


def validator(kind: str) -> jsonschema.Draft202012Validator:
    result = run_cli("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(kind: str, data: object) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(data)]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")) + sorted(PACKS.glob("good/cases/*.yaml"))
                         + sorted((Path(__file__).parent / "japanese").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_case_schema_accepts_the_examples(path: Path) -> None:
    assert errors("case", load(str(path)).data) == []


def test_case_schema_rejects_what_the_model_rejects() -> None:
    assert errors("case", {"riskcheck": 1, "promisses": []}) == [
        "Additional properties are not allowed ('promisses' was unexpected)"]
    assert errors("case", {"riskcheck": 1, "people": [{"id": "a", "role": "ceo"}]})
    assert errors("case", {"riskcheck": 2})


def test_case_schema_accepts_yaml_booleans_and_numbers_where_the_model_does() -> None:
    assert errors("case", {"riskcheck": 1, "terms": {"overtime": {"excess_paid": True},
                                                     "contract": {"renewal_cap": 5}}}) == []


@pytest.mark.parametrize("path", sorted(PACKS.glob("good/*.yaml")) + sorted(  # notice/: patterns, not rules
    p for p in (ROOT / "rules").rglob("*.yaml") if p.parent.name != "notice"),
                         ids=lambda p: p.name)
def test_rulepack_schema_accepts_pack_and_rule_files(path: Path) -> None:
    assert errors("rulepack", load(str(path)).data) == []


def test_rulepack_schema_rejects_schema_errors() -> None:
    data = load(str(PACKS / "bad" / "schema-error.yaml")).data
    assert errors("rulepack", data)
    assert errors("rulepack", {"rules": [], "name": "x"})


def test_waivers_schema() -> None:
    good = {"waivers": [{"rule": "R", "reason": "r", "accepted_by": "me", "expires": "2030-01-01"}]}
    assert errors("waivers", good) == []
    assert errors("waivers", {"waivers": [{"rule": "R", "reason": "r", "accepted_by": "me"}]}) == [
        "'expires' is a required property"]


def test_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "case.schema.json"
    assert run_cli("schema", "case", "-o", str(out)).exit_code == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "riskcheck case file (format 1)"


def test_case_schema_documents_codes_and_japanese_values() -> None:
    schema = json.loads(run_cli("schema", "case").stdout)
    assert "令和9年2月1日" in schema["description"]
    role = schema["$defs"]["Person"]["properties"]["role"]["anyOf"]
    assert "department_head" in role[0]["enum"] and "部長" in role[1]["enum"]
    assert errors("case", {"riskcheck": 1, "people": [{"id": "a", "role": "部長"}], "terms": {"monthly_salary": "42万円"},
                           "offer": {"stage": "内定受領後", "start_date": "令和9年2月1日"}}) == []
    assert errors("case", {"riskcheck": 1, "people": [{"id": "a", "role": "社長さん"}]})
