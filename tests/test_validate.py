"""`riskcheck validate`: every kind of pack mistake caught with file, line, rule id and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write
from riskcheck.packcheck import validate_packs

PACKS = Path(__file__).parent / "packs"
BAD = PACKS / "bad"
GOOD = PACKS / "good"


def problems(path: Path, cases: list[str] | None = None) -> list[str]:
    """The problems validate reports for one pack, one line each (fixtures: the clean pack's by default)."""
    return [str(p) for p in validate_packs([str(path)], [str(GOOD / "cases")] if cases is None else cases).problems]


def test_clean_pack_validates() -> None:
    assert validate_packs([str(GOOD)]).problems == []
    result = run_cli("validate", str(GOOD))
    assert result.exit_code == 0
    assert result.stdout == "ok: good 1.0.0: 2 rule(s), 2 fixture(s)\n"


def test_schema_errors_of_one_rule_are_all_reported() -> None:
    path = BAD / "schema-error.yaml"
    assert problems(path)[:3] == [
        f"{path}:4: rule SCHEMA-ERROR: rules[0].confirm_with: required key is missing",
        f"{path}:5: rule SCHEMA-ERROR: rules[0].severity: Input should be 'blocker', 'high', 'medium' or 'low' "
        "(got 'urgent')",
        f"{path}:7: rule SCHEMA-ERROR: rules[0].confirm_wth: unknown key 'confirm_wth'; did you mean 'confirm_with'?",
    ]


def test_duplicate_id_within_a_pack() -> None:
    pack = BAD / "duplicate-id"
    assert f"{pack / 'b.yaml'}:2: rule DUPLICATE-WITHIN: id: duplicate rule id DUPLICATE-WITHIN " \
           f"(first in {pack / 'a.yaml'}:2)" in problems(pack)


def test_duplicate_id_across_packs() -> None:
    first, second = BAD / "duplicate-across-1.yaml", BAD / "duplicate-across-2.yaml"
    found = [str(p) for p in validate_packs([str(first), str(second)], []).problems]
    assert f"{second}:4: rule DUPLICATE-ACROSS: id: duplicate rule id DUPLICATE-ACROSS (first in {first}:4)" in found


def test_every_unknown_field_of_a_rule() -> None:
    path = BAD / "unknown-field.yaml"
    assert problems(path)[:2] == [
        f"{path}:12: rule UNKNOWN-FIELD: rules[0].when[0].where.terms.bonus.basys: 'terms.bonus' has no field "
        "'basys'; did you mean 'basis'?",
        f"{path}:13: rule UNKNOWN-FIELD: rules[0].when[0].where.terms.overtime.clause_checkd: 'terms.overtime' has "
        "no field 'clause_checkd'; did you mean 'clause_checked'?",
    ]


def test_unknown_enum_value() -> None:
    path = BAD / "unknown-enum.yaml"
    assert problems(path)[0] == (
        f"{path}:11: rule UNKNOWN-ENUM: rules[0].when[0].where.terms.bonus.basis.eq: 'past_records' is not a valid "
        "value here; expected one of: guaranteed, formula, past_record, discretionary, none, unknown")


def test_unknown_topic_in_rule_and_condition() -> None:
    path = BAD / "unknown-topic.yaml"
    found = problems(path)
    assert found[0] == f"{path}:6: rule UNKNOWN-TOPIC: rules[0].topic: unknown topic 'bonuses'; did you mean 'bonus'?"
    assert found[1].startswith(f"{path}:11: rule UNKNOWN-TOPIC: rules[0].when[0].where.topic.in[1]: 'salery' is not "
                               "a valid value here; expected one of: role, assignment, ")


def test_unknown_role_in_confirm_with_and_condition() -> None:
    path = BAD / "unknown-role.yaml"
    roles = "executive, department_head, section_manager, hr, recruiter, agent, team_member, unknown"
    assert problems(path)[:2] == [
        f"{path}:7: rule UNKNOWN-ROLE-CONFIRM: rules[0].confirm_with[1]: Input should be 'executive', "
        "'department_head', 'section_manager', 'hr', 'recruiter', 'agent', 'team_member' or 'unknown' "
        "(got 'section_manger')",
        f"{path}:20: rule UNKNOWN-ROLE-CONDITION: rules[1].when[0].where.by_role.in[1]: 'ceo' is not a valid value "
        f"here; expected one of: {roles}",
    ]


def test_every_bad_placeholder() -> None:
    path = BAD / "bad-placeholder.yaml"
    assert problems(path)[:3] == [
        f"{path}:14: rule BAD-PLACEHOLDER: rules[0].text.en.message: placeholder {{case.terms.bonus.basys}}: "
        "'terms.bonus' has no field 'basys'; did you mean 'basis'?",
        f"{path}:15: rule BAD-PLACEHOLDER: rules[0].text.en.ask: placeholder {{p.said}} must be {{alias.field}} with "
        "an alias of `when` or 'case' (bound: case)",
        f"{path}:16: rule BAD-PLACEHOLDER: rules[0].text.en.basis: placeholder {{case.terms.bonus.basis|yen}}: "
        "'yen' needs a number, 'terms.bonus.basis' is an enum",
    ]


def test_missing_language_and_missing_text() -> None:
    path = BAD / "missing-text.yaml"
    assert problems(path)[:2] == [
        f"{path}:10: rule MISSING-JA: rules[0].text: missing the 'ja' texts (message, ask and basis are needed in "
        "ja and en)",
        f"{path}:19: rule MISSING-ASK: rules[1].text.en.ask: required key is missing",
    ]


def test_python_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    path = BAD / "python-tag.yaml"
    assert problems(path, []) == [f"{path}:3: invalid YAML: the YAML tag '!!python/object/apply:os.system' is not "
                                  "allowed (plain data only)"]
    marker = tmp_path / "owned"
    pack = write(tmp_path, "pack.yaml", f"name: p\nversion: '1'\nrules: !!python/object/apply:os.system "
                                        f"['touch {marker}']\n")
    assert problems(Path(pack), [])[0].startswith(f"{pack}:3: invalid YAML: the YAML tag")
    assert not marker.exists()


def test_malformed_yaml() -> None:
    path = BAD / "malformed.yaml"
    assert problems(path, []) == [f"{path}:6: invalid YAML: did not find expected '-' indicator"]


def test_rule_without_firing_fixture() -> None:
    pack = PACKS / "uncovered"
    assert problems(pack, [str(pack / "cases")]) == [
        f"{pack / 'rules.yaml'}:20: rule TEST-VERBAL-SALARY: no firing fixture (expect: fire) exercises this rule"]
    assert [str(p) for p in validate_packs([str(pack)]).problems] == problems(pack, [str(pack / "cases")])


def test_rule_without_any_fixture(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text((GOOD / "pack.yaml").read_text() + (GOOD / "rules.yaml").read_text())
    found = [str(p) for p in validate_packs([str(pack)]).problems]
    assert found[0] == f"{pack}: no fixture cases found in the packs' fixture directories (use --cases DIR)"
    assert f"{pack / 'pack.yaml'}:7: rule TEST-BONUS-PAST-RECORD: no near-miss fixture (expect: silent) " \
           "exercises this rule" in found
    assert len(found) == 5


def test_fixture_problems() -> None:
    cases = PACKS / "wrong-expectations"
    found = problems(GOOD, [str(cases)])
    assert f"{cases / 'no-expect.yaml'}:1: expect: a fixture needs an expect: block listing the rules that must " \
           "fire and those that must stay silent" in found
    assert f"{cases / 'typo.yaml'}:3: expect.fire[0]: unknown rule 'TEST-BONUS-PAST-RECRD'; did you mean " \
           "'TEST-BONUS-PAST-RECORD'?" in found


def test_requires_is_checked(tmp_path: Path) -> None:
    newer = write(tmp_path, "newer.yaml", "name: newer\nversion: '1'\nrequires: '>=99'\n")
    broken = write(tmp_path, "broken.yaml", "name: broken\nversion: '1'\nrequires: 'soon'\n")
    found = [str(p) for p in validate_packs([newer, broken], []).problems]
    assert f"{newer}:3: requires: pack newer needs riskcheck >=99, this is 0.1.0" in found
    assert f"{broken}:3: requires: pack broken requires 'soon', which is not a version range (e.g. '>=0.1,<1')" \
           in found


def test_empty_directory_is_not_skipped_silently(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == f"{tmp_path}: no rule pack here (a pack is a YAML file with name, version and rules, " \
                            "or a directory with pack.yaml)\n"


def test_waiver_file_naming_unknown_rule(tmp_path: Path) -> None:
    waivers = write(tmp_path, "waivers.yaml", "waivers:\n  - rule: TEST-VERBAL-SALARY\n    reason: r\n"
                                              "    accepted_by: me\n    expires: 2030-01-01\n"
                                              "  - rule: TEST-VERBAL-SALRY\n    reason: r\n"
                                              "    accepted_by: me\n    expires: 2030-01-01\n")
    result = run_cli("validate", str(GOOD), "--waivers", waivers)
    assert result.exit_code == 2
    assert result.stdout == f"{waivers}:6: waivers[1].rule: unknown rule 'TEST-VERBAL-SALRY'; did you mean " \
                            "'TEST-VERBAL-SALARY'?\n"


def test_cli_reports_every_problem_of_every_pack() -> None:
    result = run_cli("validate", str(BAD), "--cases", str(GOOD / "cases"))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    files = {line.split(":", 1)[0] for line in lines}
    expected = {str(p) for p in BAD.glob("*.yaml")} | {str(BAD / "duplicate-id" / "b.yaml")}
    assert expected <= files
    assert result.stderr == f"riskcheck: error: {len(lines)} problem(s) in rule packs\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["schema-error", "unknown-field", "bad-placeholder", "missing-text"])
def test_check_refuses_a_bad_pack_in_one_line_each(name: str, tmp_path: Path) -> None:
    case = write(tmp_path, "case.yaml", "riskcheck: 1\n")
    result = run_cli("check", case, "--no-default-rules", "--rules", str(BAD / f"{name}.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert all(line.startswith(f"riskcheck: error: {BAD / name}.yaml:") for line in result.stderr.splitlines())


@pytest.mark.parametrize("spec", [">=0.1", ">= 0.1.0", ">=0.1.0.0", ">=0.0.9", ">=0.2", ">=1", ">=0.10", " >=0 ",
                                  ">=0.1,<1", "~=0.1", "==0.1.*", "<0.1", ">=0.1rc1"])
@pytest.mark.parametrize("version", ["0.1.0", "0.10.2", "1.0", "0.1.0rc1"])
def test_requires_is_read_as_packaging_reads_it(spec: str, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``>=X.Y`` is compared without importing packaging; every verdict is packaging's."""
    from packaging.specifiers import SpecifierSet

    from riskcheck import rulepack

    monkeypatch.setattr(rulepack, "__version__", version)
    assert (rulepack._version_problem("p", spec) is None) == SpecifierSet(spec).contains(version, prereleases=True)
