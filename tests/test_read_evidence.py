"""``findings[].evidence``: a rule names the statement its finding rests on (``evidence: s``); the pack loader
checks the name, the finding carries the read document's line, and the text and HTML views show it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_cli

CASES = ROOT / "fixtures" / "cases"
CONTRADICTS = CASES / "notice-contradicts-promise.fires.yaml"
NOTICE_RULES = ("NOTICE-CONTRADICTS-PROMISE", "NOTICE-DIFFERS-FROM-CASE", "NOTICE-LEAVES-OUT-PROMISE",
                "NOTICE-REQUIRED-ITEMS-UNSTATED", "NOTICE-STATES-UNMENTIONED-TERM")


def findings(*args: str) -> list[dict[str, Any]]:
    result = run_cli("check", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return [f for c in json.loads(result.stdout)["cases"] for f in c["findings"]]


def test_a_contradiction_carries_the_notices_line() -> None:
    found = [f for f in findings(str(CONTRADICTS)) if f["rule"] == "NOTICE-CONTRADICTS-PROMISE"]
    salary = next(f for f in found if f["topic"] == "salary")
    assert salary["evidence"] == {"source": "labor_conditions_notice", "line": 23,
                                  "text": "【給与】基本給\u3000月額300,000円"}
    assert list(salary)[-1] == "evidence"


def test_every_notice_rule_fires_with_evidence_and_no_other_rule_has_it() -> None:
    every = [f for path in sorted(CASES.glob("notice-*.fires.yaml")) for f in findings(str(path))]
    assert {f["rule"] for f in every} >= set(NOTICE_RULES)
    for f in every:
        assert ("evidence" in f) == (f["rule"] in NOTICE_RULES), f["rule"]
        if "evidence" in f:
            assert f["evidence"]["source"] in ("labor_conditions_notice", "employment_contract")


def test_findings_without_evidence_are_byte_identical_to_before() -> None:
    """A finding without evidence has exactly the keys of report format 1 before the key was added."""
    keys = ["rule", "severity", "topic", "confirm_with", "form", "message", "ask", "basis", "raise_at", "about"]
    without = [f for f in findings(str(CONTRADICTS)) if "evidence" not in f]
    assert without
    for f in without:
        assert list(f) == keys


def test_redact_hides_the_quoted_line() -> None:
    salary = next(f for f in findings(str(CONTRADICTS), "--redact", "--lang", "ja")
                  if f["rule"] == "NOTICE-CONTRADICTS-PROMISE" and f["topic"] == "salary")
    assert salary["evidence"] == {"source": "labor_conditions_notice", "line": 23, "text": "［非表示］"}
    assert "300,000" not in json.dumps(salary, ensure_ascii=False)


@pytest.mark.parametrize("lang, words", [("ja", "根拠: 労働条件通知書 23行目「【給与】基本給"),
                                         ("en", 'Evidence: written statement of working conditions, line 23: "【給与】基本給')])
def test_text_view_shows_the_line_under_the_finding(lang: str, words: str) -> None:
    result = run_cli("check", str(CONTRADICTS), "--lang", lang)
    out = "".join(line.strip() for line in result.stdout.splitlines())
    assert words.replace(" ", "") in out.replace(" ", "")


@pytest.mark.parametrize("lang, words", [("ja", "根拠: 労働条件通知書 23行目"),
                                         ("en", "Evidence: written statement of working conditions, line 23")])
def test_html_sheet_shows_the_line(lang: str, words: str) -> None:
    result = run_cli("check", str(CONTRADICTS), "--format", "html", "--lang", lang)
    assert f'<div class="evidence">{words}' in result.stdout


def test_validate_rejects_evidence_that_names_no_statement(tmp_path: Path) -> None:
    pack = tmp_path / "jp-offer"
    shutil.copytree(ROOT / "rules" / "jp-offer", pack)
    rules = pack / "notice-vs-promises.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("evidence: s ", "evidence: p ", 1).replace("evidence: d ", "evidence: x ", 1),
                     encoding="utf-8")
    result = run_cli("validate", str(pack), "--cases", str(CASES))
    assert result.exit_code == 2
    bad = [line for line in result.stdout.splitlines() if "evidence '" in line]
    assert len(bad) == 2 and all(line.startswith(str(rules)) for line in bad)
    assert "evidence 'p'" in result.stdout and "evidence 'x'" in result.stdout
