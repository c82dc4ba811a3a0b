"""`riskcheck test`: fixtures with expect blocks run through the real engine."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from conftest import FIXTURES, run_cli, write
from riskcheck.packtest import default_case_dirs
from riskcheck.rulepack import load_packs, pack_paths

PACKS = Path(__file__).parent / "packs"
GOOD = PACKS / "good"
WRONG = PACKS / "wrong-expectations"


def run_test(*args: str) -> tuple[int, dict]:
    result = run_cli("test", "--no-default-rules", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_clean_pack_passes() -> None:
    result = run_cli("test", "--rules", str(GOOD), "--no-default-rules")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:4] == [
        "rule                     tp  fn  tn  fp",
        "TEST-BONUS-PAST-RECORD    1   0   1   0  ok",
        "TEST-VERBAL-SALARY        1   0   1   0  ok",
    ]
    assert result.stdout.splitlines()[-1] == ("passed: good 1.0.0; 2 fixture(s), 4 expectation(s), 0 failed; "
                                              "2 rule(s), 0 uncovered; 0 fixture error(s)")


def test_false_negative_and_false_positive_exit_1() -> None:
    code, report = run_test("--rules", str(GOOD), "--cases", str(GOOD / "cases"),
                            "--cases", str(WRONG / "salary-in-writing.yaml"))
    assert code == 1
    assert report["rules"] == {
        "TEST-BONUS-PAST-RECORD": {"tp": 1, "fn": 0, "tn": 1, "fp": 1, "covered": True, "required": True},
        "TEST-VERBAL-SALARY": {"tp": 1, "fn": 1, "tn": 1, "fp": 0, "covered": True, "required": True},
    }
    failed = [(e["source"], e["line"], e["rule"], e["outcome"]) for e in report["expectations"] if not e["ok"]]
    source = str(WRONG / "salary-in-writing.yaml")
    assert failed == [(source, 11, "TEST-VERBAL-SALARY", "fn"), (source, 12, "TEST-BONUS-PAST-RECORD", "fp")]
    assert report["summary"] == {"passed": False, "fixtures": 3, "expectations": 6, "failed": 2, "rules": 2,
                                 "uncovered": 0, "errors": 0}


def test_failures_in_text() -> None:
    result = run_cli("test", "--no-default-rules", "--rules", str(GOOD), "--cases", str(WRONG / "salary-in-writing.yaml"))
    assert result.exit_code == 1
    source = WRONG / "salary-in-writing.yaml"
    assert result.stdout.splitlines()[:4] == [
        f"FAIL  {source}:11: TEST-VERBAL-SALARY should fire, did not (false negative)",
        f"FAIL  {source}:12: TEST-BONUS-PAST-RECORD should stay silent, fired (false positive)",
        "UNCOVERED TEST-BONUS-PAST-RECORD: no firing fixture (expect: fire)",
        "UNCOVERED TEST-VERBAL-SALARY: no near-miss fixture (expect: silent)",
    ]


def test_uncovered_rule_exit_1() -> None:
    code, report = run_test("--rules", str(PACKS / "uncovered"))
    assert code == 1
    assert report["rules"]["TEST-VERBAL-SALARY"] == {"tp": 0, "fn": 0, "tn": 1, "fp": 0, "covered": False,
                                                     "required": True}
    assert all(e["ok"] for e in report["expectations"])


def test_unreadable_fixtures_exit_2_and_are_listed() -> None:
    code, report = run_test("--rules", str(GOOD), "--cases", str(GOOD / "cases"), "--cases", str(WRONG))
    assert code == 2
    assert report["errors"] == [
        f"{WRONG / 'no-expect.yaml'}:1: expect: a fixture needs an expect: block listing the rules that must fire "
        "and those that must stay silent",
        f"{WRONG / 'typo.yaml'}:3: expect.fire[0]: unknown rule 'TEST-BONUS-PAST-RECRD'; did you mean "
        "'TEST-BONUS-PAST-RECORD'?",
    ]


def test_unreadable_pack_exit_2_one_line() -> None:
    result = run_cli("test", "--no-default-rules", "--rules", str(PACKS / "bad" / "malformed.yaml"),
                     "--cases", str(GOOD / "cases"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"riskcheck: error: {PACKS / 'bad' / 'malformed.yaml'}:6: invalid YAML: did not find "
                             "expected '-' indicator\n")


def test_no_fixtures_exit_2(tmp_path: Path) -> None:
    result = run_cli("test", "--no-default-rules", "--rules", str(GOOD), "--cases", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"riskcheck: error: no fixture cases found in {tmp_path} (use --cases DIR)\n"


def test_junit_report_written_to_file(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = run_cli("test", "--no-default-rules", "--rules", str(GOOD), "--cases", str(GOOD / "cases"),
                     "--cases", str(WRONG / "salary-in-writing.yaml"), "--format", "junit", "-o", str(out))
    assert result.exit_code == 1
    root = ElementTree.parse(out).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "2", "0")
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"TEST-BONUS-PAST-RECORD", "TEST-VERBAL-SALARY"}
    failure = suites["TEST-VERBAL-SALARY"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "fn"
    assert failure.text == f"{WRONG / 'salary-in-writing.yaml'}:11: TEST-VERBAL-SALARY should fire, did not " \
                           "(false negative)"


def test_waived_finding_still_fires(tmp_path: Path) -> None:
    case = write(tmp_path, "waived.yaml", "riskcheck: 1\nterms: {bonus: {basis: past_record}}\n"
                                          "waivers:\n  - {rule: TEST-BONUS-PAST-RECORD, reason: known, "
                                          "accepted_by: me, expires: 2999-01-01}\n"
                                          "expect: {fire: [TEST-BONUS-PAST-RECORD]}\n")
    code, report = run_test("--rules", str(GOOD), "--cases", case, "--cases", str(GOOD / "cases"))
    assert code == 0
    assert report["rules"]["TEST-BONUS-PAST-RECORD"]["tp"] == 2


def test_shipped_rules_load_alongside_but_only_tested_pack_must_be_covered() -> None:
    result = run_cli("test", "--rules", str(GOOD), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [p["name"] for p in report["rule_packs"]][-1] == "good"
    assert len(report["rule_packs"]) > 1
    assert report["summary"]["rules"] == 2


def test_default_fixtures_of_shipped_packs() -> None:
    shipped = load_packs(pack_paths([], True))
    (cases,) = default_case_dirs(shipped)  # the source tree's, or the installed package's copy
    assert sorted(p.name for p in Path(cases).iterdir()) == sorted(p.name for p in FIXTURES.iterdir())
    assert default_case_dirs(load_packs([str(GOOD)])) == [str(GOOD / "cases")]
