"""The pack tooling as a newcomer and CI meet it: the shipped pack in a checkout and installed, the same
pack twice, real clashes, every problem in one run, hostile YAML, placeholders, the engine's rule limit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, FIXTURES, ROOT, run_cli, write
from riskcheck.packcheck import validate_packs
from riskcheck.rulepack import PackError, load_packs

GOOD = Path(__file__).parent / "packs" / "good"
CASE = str(EXAMPLES / "everything-confirmed.yaml")
TEXT = {"en": {"message": "m", "ask": "a", "basis": "b"}, "ja": {"message": "メ", "ask": "質", "basis": "根"}}


def rule(rule_id: str, **fields: object) -> dict[str, object]:
    return {"id": rule_id, "severity": "high", "topic": "bonus", "confirm_with": ["hr"], "form": "written",
            "when": [{"fact": "case", "where": {"terms.bonus.basis": "past_record"}}], "text": TEXT, **fields}


def pack_file(path: Path, rules: list[dict[str, object]], name: str = "t") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"name": name, "version": "1", "rules": rules}, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def lines(result: object) -> list[str]:
    return (result.stdout + result.stderr).splitlines()  # type: ignore[attr-defined]


# --- the shipped pack: its fixtures named by pack.yaml, in a checkout and installed -------------------------

@pytest.mark.parametrize("layout", [("rules", "fixtures/cases"), ("riskcheck/rules", "riskcheck/fixtures/cases")])
def test_shipped_pack_validates_and_tests_in_both_layouts(tmp_path: Path, layout: tuple[str, str]) -> None:
    """A checkout (rules/, fixtures/cases/) and the installed package (riskcheck/rules, riskcheck/fixtures/cases,
    as pyproject force-includes them) both find the fixtures pack.yaml names."""
    rules, fixtures = tmp_path / layout[0], tmp_path / layout[1]
    shutil.copytree(ROOT / "rules", rules)
    shutil.copytree(FIXTURES, fixtures)
    fixture_count = len(list(FIXTURES.glob("*.yaml")))
    rule_count = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("rules", []))
                     for p in (ROOT / "rules" / "jp-offer").glob("*.yaml") if p.name != "pack.yaml")
    result = run_cli("validate", str(rules))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: jp-offer ") and f" {fixture_count} fixture(s)" in result.stdout
    tested = run_cli("test", "--rules", str(rules))
    assert tested.exit_code == 0, tested.output
    assert "duplicate" not in tested.output
    assert f" {rule_count} rule(s), 0 uncovered" in tested.stdout


def test_fixtures_entry_must_be_a_relative_existing_directory(tmp_path: Path) -> None:
    for entry, expected in (("/etc", "must be a directory relative to the pack"),
                            ("no-such-dir", "does not exist")):
        pack = tmp_path / entry.strip("/")
        shutil.copytree(GOOD, pack)
        (pack / "pack.yaml").write_text((GOOD / "pack.yaml").read_text() + f"fixtures: {entry}\n")
        found = [str(p) for p in validate_packs([str(pack)]).problems]
        assert any(line.startswith(f"{pack / 'pack.yaml'}:6: fixtures: ") and expected in line for line in found)


# --- the same pack twice is one pack; a real clash names both files ------------------------------------------

def test_the_same_pack_twice_is_one_pack(tmp_path: Path) -> None:
    twice = load_packs([str(GOOD), str(shutil.copytree(GOOD, tmp_path / "copy"))])
    assert [(p.name, len(p.rules)) for p in twice] == [("good", 2)]
    assert twice[0].source == str(tmp_path / "copy")  # the copy named last: its fixtures are the ones tested


def test_a_real_clash_names_both_files_and_the_way_out(tmp_path: Path) -> None:
    mine = shutil.copytree(ROOT / "rules" / "jp-offer", tmp_path / "rules" / "jp-offer")
    shutil.copytree(FIXTURES, tmp_path / "fixtures" / "cases")
    text = (mine / "pack.yaml").read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^version: .*$", "version: 99.0.0", text)
    assert changed != text
    (mine / "pack.yaml").write_text(changed, encoding="utf-8")
    result = run_cli("test", "--rules", str(mine))
    assert result.exit_code == 2
    clash = [line for line in lines(result) if "duplicate rule id BONUS-NOT-GUARANTEED" in line]
    assert len(clash) == 1
    assert str(mine / "bonus.yaml") in clash[0] and "bonus.yaml:" in clash[0].split("first in ")[1]
    assert "--no-default-rules" in clash[0]
    assert run_cli("test", "--rules", str(mine), "--no-default-rules").exit_code == 0


def test_validate_reports_a_clash_with_the_shipped_pack(tmp_path: Path) -> None:
    mine = tmp_path / "my-pack"
    shutil.copytree(GOOD, mine)
    rules = (mine / "rules.yaml").read_text().replace("TEST-BONUS-PAST-RECORD", "BONUS-NOT-GUARANTEED")
    (mine / "rules.yaml").write_text(rules)
    for case in (mine / "cases").iterdir():
        case.write_text(case.read_text().replace("TEST-BONUS-PAST-RECORD", "BONUS-NOT-GUARANTEED"))
    result = run_cli("validate", str(mine))
    assert result.exit_code == 2
    [clash] = [line for line in result.stdout.splitlines() if "duplicate rule id" in line]
    assert clash.startswith(f"{mine / 'rules.yaml'}:2: rule BONUS-NOT-GUARANTEED: id: duplicate rule id")
    assert "jp-offer/bonus.yaml:" in clash and "--no-default-rules" in clash
    assert run_cli("validate", str(mine), "--no-default-rules").exit_code == 0


# --- every independent problem in one run -------------------------------------------------------------------

def test_every_independent_problem_of_one_rule_in_one_run(tmp_path: Path) -> None:
    """A schema error no longer hides the unknown topic, operator, missing texts and placeholders."""
    bad = rule("MANY", severity="urgent", topic="bonuses", confirm_wth=["hr"],
               when=[{"fact": "case", "where": {"terms.bonus.basis": {"like": "past"}}},
                     {"fact": "promise", "as": "p", "where": {"said": {"gt": 3}}}],
               text={"en": {"message": "{case.terms.bonus.basys} {p.sad}", "ask": "{x.y}", "basis": "b"}})
    path = pack_file(tmp_path / "pack.yaml", [bad])
    found = [str(p) for p in validate_packs([path], [], defaults=False).problems if "fixture" not in str(p)]
    expected = ["rules[0].severity: Input should be", "rules[0].confirm_wth: unknown key 'confirm_wth'",
                "rules[0].topic: unknown topic 'bonuses'; did you mean 'bonus'?",
                "rules[0].when[0].where.terms.bonus.basis.like: unknown operator 'like'",
                "rules[0].when[1].where.said.gt: 'gt' compares numbers or dates; 'said' is a text",
                "rules[0].text: missing the 'ja' texts",
                "rules[0].text.en.message: placeholder {case.terms.bonus.basys}: 'terms.bonus' has no field 'basys'",
                "rules[0].text.en.message: placeholder {p.sad}: fact 'promise' has no field 'sad'",
                "rules[0].text.en.ask: placeholder {x.y} must be {alias.field}"]
    for part in expected:
        assert sum(f"rule MANY: {part}" in line for line in found) == 1, (part, found)
    assert all(re.match(rf"{re.escape(path)}:\d+: rule MANY: rules\[0\]", line) for line in found), found
    assert len(found) == len(expected)


def test_a_pattern_that_cannot_be_read_hides_only_what_depends_on_it(tmp_path: Path) -> None:
    bad = rule("DEP", when=[{"fact": "promis", "as": "p"}], topic="{p.topic}",
               text={**TEXT, "en": {"message": "{p.said} {case.offer.stage|label}", "ask": "{case.nope}",
                                    "basis": "b"}})
    found = [str(p) for p in validate_packs([pack_file(tmp_path / "p.yaml", [bad])], [], defaults=False).problems
             if "fixture" not in str(p)]
    assert len(found) == 2, found
    assert any("rules[0].when[0].fact: Input should be" in line for line in found)
    assert any("rules[0].text.en.ask: placeholder {case.nope}: fact 'case' has no field 'nope'" in line for line in found)


# --- hostile YAML in packs and waiver files: one line, exit 2 --------------------------------------------------

HOSTILE = ["severity: !!bool x", "severity: !!timestamp x", "severity: !!bool", "severity: !!timestamp 2020-01-01",
           "severity: !!binary x", "severity: !!omap x", "severity: !foo x", "bool: 1", "date: 1", "'x[1]': 1",
           "'[': 1", "? !!bool x\n    : 1"]


@pytest.mark.parametrize("line", HOSTILE)
def test_hostile_yaml_in_a_pack(tmp_path: Path, line: str) -> None:
    pack = shutil.copytree(GOOD, tmp_path / "pack")
    rules = (pack / "rules.yaml").read_text()
    (pack / "rules.yaml").write_text(rules.replace("    severity: high\n", f"    {line}\n    severity: high\n"
                                                   if not line.startswith("severity") else f"    {line}\n", 1))
    for args in (("validate", str(pack)), ("check", CASE, "--rules", str(pack)), ("test", "--rules", str(pack))):
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert any(f"{pack / 'rules.yaml'}:" in out for out in lines(result)), (args, result.output)
    meta = shutil.copytree(GOOD, tmp_path / "meta")
    (meta / "pack.yaml").write_text((GOOD / "pack.yaml").read_text().replace("version: 1.0.0", line, 1)
                                    if line.startswith("severity") else (GOOD / "pack.yaml").read_text() + line + "\n")
    result = run_cli("validate", str(meta))
    assert result.exit_code == 2 and any(f"{meta / 'pack.yaml'}:" in out for out in lines(result)), result.output


@pytest.mark.parametrize("line", HOSTILE)
def test_hostile_yaml_in_a_waiver_file(tmp_path: Path, line: str) -> None:
    entry = "  - rule: BONUS-NOT-GUARANTEED\n    reason: r\n    accepted_by: a\n    expires: 2030-01-01\n"
    field = line.replace("severity", "reason")
    text = entry.replace("    reason: r\n", f"    {field}\n" if field.startswith("reason") else f"    reason: r\n    {field}\n")
    waivers = write(tmp_path, "waivers.yaml", "waivers:\n" + text.replace("\n    : 1", "\n    : 1"))
    for args in (("check", CASE, "--waivers", waivers), ("validate", "--waivers", waivers)):
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert [out for out in lines(result) if f"{waivers}:" in out], (args, result.output)


# --- placeholders name one field: never a whole sub-model ------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["{case.offer}", "{case.terms}", "{case.terms.bonus}", "{d.covers}",
                                         "{case.candidate}", "{p}"])
def test_placeholder_of_a_group_is_refused_by_validate_and_check(tmp_path: Path, placeholder: str) -> None:
    when = [{"fact": "case"}, {"fact": "document", "as": "d"}, {"fact": "promise", "as": "p"}]
    path = pack_file(tmp_path / "pack.yaml", [rule("GROUP", when=when,
                                                   text={**TEXT, "en": {**TEXT["en"], "message": placeholder}})])
    found = [str(p) for p in validate_packs([path], [], defaults=False).problems if "fixture" not in str(p)]
    assert len(found) == 1 and f"rules[0].text.en.message: placeholder {placeholder}" in found[0], found
    with pytest.raises(PackError, match=re.escape(placeholder)):
        load_packs([path])
    result = run_cli("check", CASE, "--rules", path, "--redact")
    assert result.exit_code == 2 and f"placeholder {placeholder}" in result.stderr


def test_single_fields_and_number_lists_stay_allowed(tmp_path: Path) -> None:
    text = {**TEXT, "en": {"message": "{case.terms.bonus.stated_months} {case.offer.company} {d.covers|missing}",
                           "ask": "{case.offer.stage|label}", "basis": "{d.kind}"}}
    when = [{"fact": "document", "as": "d", "where": {"covers": {"lacks_any": ["salary", "bonus"]}}}]
    path = pack_file(tmp_path / "pack.yaml", [rule("SCALAR", when=when, text=text)])
    assert [p for p in validate_packs([path], [], defaults=False).problems if "placeholder" in str(p)] == []
    assert load_packs([path])


# --- a pack beyond one durable_rules ruleset: check runs it, and validate agrees ----------------------------------

def test_validate_and_check_agree_on_large_packs(tmp_path: Path) -> None:
    """258 rules used to exceed one ruleset (durable_rules error 108); the engine now spreads rules over
    several rulesets, and validate compiles with the very code check uses, so both accept them."""
    def outcome(count: int, *defaults: str) -> tuple[int, str, list[str]]:
        path = pack_file(tmp_path / f"big{count}" / "pack.yaml", [rule(f"BIG-{i}") for i in range(count)])
        check = run_cli("check", CASE, "--rules", path, *defaults)
        validate = run_cli("validate", path, *defaults)
        return check.exit_code, check.stderr, validate.stdout.splitlines()

    for count, defaults in ((258, ()), (258, ("--no-default-rules",)), (300, ())):
        code, stderr, found = outcome(count, *defaults)
        assert code in (0, 1) and "durable_rules" not in stderr, (count, defaults, stderr)
        assert not [line for line in found if "durable_rules" in line], (count, defaults, found[:3])


# --- Japanese throughout -----------------------------------------------------------------------------------------

def test_pack_problems_in_japanese(tmp_path: Path) -> None:
    bad = rule("JA", topic="bonuses", when=[{"fact": "case", "where": {"terms.bonus.basis": {"like": 1}}}],
               text={"ja": TEXT["ja"]})
    path = pack_file(tmp_path / "pack.yaml", [bad])
    result = run_cli("validate", path, "--lang", "ja", "--no-default-rules")
    assert result.exit_code == 2
    out = result.stdout.splitlines()
    assert any(re.fullmatch(rf"{re.escape(path)}:\d+: ルール JA: rules\[0\]\.text: 'en' の文章がありません（message、ask、"
                            "basis を ja と en の両方に書いてください）", line) for line in out), out
    assert any("rules[0].topic: トピック 'bonuses' はありません。'bonus' のことですか？" in line for line in out)
    assert any("演算子 'like' はありません" in line for line in out)
    assert any("フィクスチャ" in line for line in out)
    assert "ルールパックに問題が" in result.stderr
    assert "ルール JA:" in run_cli("check", CASE, "--rules", path, "--lang", "ja").stderr


def test_a_metadata_error_does_not_hide_the_rules_problems(tmp_path: Path) -> None:
    pack = shutil.copytree(GOOD, tmp_path / "pack")
    (pack / "pack.yaml").write_text((GOOD / "pack.yaml").read_text().replace("version: 1.0.0", "version: [1]"))
    (pack / "rules.yaml").write_text((GOOD / "rules.yaml").read_text().replace("severity: high", "severity: urgent"))
    found = [str(p) for p in validate_packs([str(pack)]).problems]
    assert len(found) == 2, found  # and no "unknown rule" for the fixtures naming rules of the unreadable pack
    assert found[0].startswith(f"{pack / 'pack.yaml'}:3: version: ")
    assert found[1].startswith(f"{pack / 'rules.yaml'}:3: rule TEST-BONUS-PAST-RECORD: rules[0].severity: ")


def test_fixture_problems_of_test_in_japanese() -> None:
    cases = Path(__file__).parent / "packs" / "wrong-expectations"
    result = run_cli("test", "--rules", str(GOOD), "--cases", str(cases), "--no-default-rules", "--lang", "ja")
    assert result.exit_code == 2
    assert f"ERROR {cases / 'typo.yaml'}:3: expect.fire[0]: ルール 'TEST-BONUS-PAST-RECRD' はありません。" \
           "'TEST-BONUS-PAST-RECORD' のことですか？" in result.stdout.splitlines()
