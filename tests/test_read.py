"""``riskcheck read``: real documents (text, PDFs written by reportlab with Japanese CID fonts, Word files
written by python-docx) read through the shipped patterns, merged into real case files, checked by the engine."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from riskcheck.case import load_case
from riskcheck.i18n import messages
from riskcheck.loading import load
from riskcheck.read import read_document
from riskcheck.read.parsers import date_, months, time_of_day, yen
from riskcheck.read.compiled import LIMITS, shipped_patterns_path
from riskcheck.read.patterns import pattern_problems, trial_terms
from riskcheck.read.text import normalise
from conftest import ROOT, run_cli

DOCUMENTS = ROOT / "fixtures" / "documents"
SAMPLES = sorted(p for p in DOCUMENTS.iterdir() if p.suffix in (".txt", ".pdf", ".docx") and p.name != "scan.pdf")


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("build_documents", DOCUMENTS / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected(path: Path) -> dict[str, Any]:
    return yaml.safe_load((path.parent / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))


def comparable(value: Any) -> Any:
    return normalise(str(value)) if isinstance(value, str) else float(value) if isinstance(value, (int, float)) \
        and not isinstance(value, bool) else str(value)


def read_values(path: Path) -> dict[str, Any]:
    return {e.field: comparable(e.value) for e in read_document(str(path)).evidence}


# ------------------------------------------------------------------------------------- values and parsers

@pytest.mark.parametrize("text, value", [("320,000", 320000), ("32万", 320000), ("32万5千", 325000),
                                         ("5.7万", 57000), ("1,250円", 1250), ("abc", None), ("0", None)])
def test_yen(text: str, value: int | None) -> None:
    assert yen(text) == value


@pytest.mark.parametrize("text, value", [("令和7年4月1日", "2025-04-01"), ("令和元年5月1日", "2019-05-01"),
                                         ("平成31年4月30日", "2019-04-30"), ("R8.2.1", "2026-02-01"),
                                         ("2026年1月5日", "2026-01-05"), ("令和7年2月30日", None)])
def test_dates_western_and_japanese_eras(text: str, value: str | None) -> None:
    assert date_(text) == value


def test_full_width_digits_reach_the_parsers_as_ascii() -> None:
    line = normalise("基本給　月給（３２０，０００円）　始業（９時００分）　試用期間　■有（３か月）")
    assert "320,000" in line and "9時00分" in line and "(3か月)" in line
    assert time_of_day("午後6時") == "18:00" and months("六か月") == 6 and months("1年") == 12


# ------------------------------------------------------------------------------------------- the samples

@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_reads_as_a_careful_reader_would(path: Path) -> None:
    """Every committed sample (development set) reads exactly as its expected values: no wrong value,
    no missing one, the same kind and the same missing required items."""
    want = expected(path)
    reading = read_document(str(path))
    got = {e.field: comparable(e.value) for e in reading.evidence}
    assert reading.kind == want["kind"]
    assert got == {k: comparable(v) for k, v in want["values"].items()} or pytest.fail(
        f"{path.name}: wrong {sorted(k for k in got if k in want['values'] and got[k] != comparable(want['values'][k]))}"
        f" extra {sorted(set(got) - set(want['values']))} missed {sorted(set(want['values']) - set(got))}")
    assert reading.missing == want["missing"]


def test_every_value_quotes_its_line(tmp_path: Path) -> None:
    path = DOCUMENTS / "mhlw-general.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    for evidence in read_document(str(path)).evidence:
        assert lines[evidence.line - 1].strip() == evidence.text


def test_pdfs_and_word_files_built_now_read_like_the_committed_ones(tmp_path: Path) -> None:
    """The builder writes PDFs (reportlab, HeiseiMin-W3 / HeiseiKakuGo-W5) and .docx (python-docx) afresh."""
    made = _builder().build(tmp_path)
    assert {p.suffix for p in made} == {".pdf", ".docx"}
    for path in made:
        if path.name == "scan.pdf":
            continue
        assert read_values(path) == read_values(DOCUMENTS / path.name), path.name


def test_a_pdf_made_from_a_text_sample_reads_the_same(tmp_path: Path) -> None:
    builder = _builder()
    text = (DOCUMENTS / "mhlw-fixed-term.txt").read_text(encoding="utf-8")
    builder.pdf(text, tmp_path / "fixed.pdf", "HeiseiKakuGo-W5")
    builder.docx(text, tmp_path / "fixed.docx")
    want = read_values(DOCUMENTS / "mhlw-fixed-term.txt")
    assert read_values(tmp_path / "fixed.pdf") == want
    assert read_values(tmp_path / "fixed.docx") == want


# ---------------------------------------------------------------------------------------- the command

def test_json_has_the_promised_shape_and_is_deterministic() -> None:
    first = run_cli("read", str(DOCUMENTS / "company-freeform.txt"), "--format", "json", "--lang", "en")
    second = run_cli("read", str(DOCUMENTS / "company-freeform.txt"), "--format", "json", "--lang", "en")
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert list(data) == ["document", "terms", "evidence", "missing", "conflicts"]
    assert data["document"]["kind"] == "labor_conditions_notice" and data["document"]["language"] == "ja"
    assert data["terms"]["overtime"] == {"scheme": "fixed", "fixed_hours": 45.0, "fixed_amount": 85000,
                                         "excess_paid": "yes"}
    assert data["terms"]["location"]["relocation"] == "overseas"
    assert data["terms"]["bonus"]["basis"] == "discretionary"
    assert {"field", "value", "line", "text"} == set(data["evidence"][0])
    assert data["missing"] == [] and data["conflicts"] == []
    case = {"riskcheck": 1, "documents": [{**data["document"], "received": "2025-11-20"}], "terms": data["terms"]}
    load_case(load_json(case), "fragment")  # drops into a case as it is


def load_json(data: dict[str, Any]) -> Any:
    from riskcheck.loading import parse

    return parse(json.dumps(data, ensure_ascii=False), "fragment.json", "json")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_yaml_is_a_commented_case_fragment(lang: str) -> None:
    result = run_cli("read", str(DOCUMENTS / "mhlw-part-time.txt"), "--lang", lang)
    assert result.exit_code == 0
    assert result.stdout.startswith("# riskcheck read: ")
    assert ("行目: " if lang == "ja" else "# line ") in result.stdout
    data = yaml.safe_load(result.stdout)
    data["documents"][0]["received"] = "2025-09-01"
    from riskcheck.loading import parse

    case = load_case(parse(yaml.safe_dump({"riskcheck": 1, **data}, allow_unicode=True), "x.yaml", "yaml"), "x")
    assert case.terms.hourly_wage == 1250 and case.terms.contract.renewal_cap == "なし"


def test_missing_required_items_are_listed() -> None:
    data = json.loads(run_cli("read", str(DOCUMENTS / "brief-notice.txt"), "--format", "json").stdout)
    assert data["missing"] == ["location_scope", "duties_scope", "overtime", "leave", "closing_day", "payment_day",
                               "raise", "retirement", "dismissal"]


@pytest.mark.parametrize("lang, words", [("ja", "スキャン"), ("en", "no text layer")])
def test_a_scan_is_refused_in_one_line_and_nothing_invented(lang: str, words: str) -> None:
    result = run_cli("read", str(DOCUMENTS / "scan.pdf"), "--lang", lang, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "scan.pdf" in result.stderr and words in result.stderr and "OCR" in result.stderr


@pytest.mark.parametrize("name, content", [
    ("broken.pdf", b"%PDF-1.4\n this is not a pdf at all"),
    ("broken.docx", b"PK\x03\x04 not a zip"),
    ("empty.txt", b"   \n\n"),
    ("notes.md", b"# notes"),
    ("sjis.txt", "労働条件通知書\n基本給　月給　３０万円".encode("cp932")),
])
def test_bad_documents_are_one_line_errors(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("read", str(path), "--format", "json")
    if name == "sjis.txt":  # Shift_JIS is read, not refused
        assert result.exit_code == 0 and json.loads(result.stdout)["terms"]["monthly_salary"] == 300000
        return
    assert result.exit_code == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and name in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_and_an_unknown_kind_are_one_line_errors(tmp_path: Path) -> None:
    result = run_cli("read", str(tmp_path / "nothing.pdf"))
    assert result.exit_code == 2 and "nothing.pdf" in result.stderr
    memo = tmp_path / "memo.txt"
    memo.write_text("月給　30万円\n", encoding="utf-8")
    result = run_cli("read", str(memo), "--lang", "en")
    assert result.exit_code == 2 and "--kind" in result.stderr
    result = run_cli("read", str(memo), "--kind", "offer_letter", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["terms"] == {"monthly_salary": 300000}


# -------------------------------------------------------------------------------------------- --into

CASE = """\
# my offer, as I know it
riskcheck: 1
offer:
  company: 株式会社ネクストクラウド   # the company
  stage: offer_received
people:
  - {id: jinji, role: hr, decides_pay: true}
promises:
  - topic: salary
    said: 基本給は月42万円
    by: jinji
    channel: verbal
terms:
  monthly_salary: 420000  # what HR said
  overtime:
    excess_paid: unknown
"""


def test_into_fills_unknowns_keeps_the_candidates_values_and_comments(tmp_path: Path) -> None:
    case = tmp_path / "my-offer.yaml"
    case.write_text(CASE, encoding="utf-8")
    result = run_cli("read", str(DOCUMENTS / "company-freeform.txt"), "--into", str(case), "--format", "json",
                     "--lang", "en")
    assert result.exit_code == 0, result.stderr
    conflicts = json.loads(result.stdout)["conflicts"]
    assert conflicts == [{"field": "terms.monthly_salary", "case": 420000, "document": 300000, "line": 23,
                          "text": "【給与】基本給　月額300,000円"}]
    assert "1 conflict(s)" in result.stderr
    text = case.read_text(encoding="utf-8")
    assert "# my offer, as I know it" in text and "# what HR said" in text and "# the company" in text
    assert "  - {id: jinji, role: hr, decides_pay: true}" in text  # the file's own list indentation
    merged = load_case(load(str(case)), "my-offer")
    assert merged.terms.monthly_salary == 420000  # never overwritten
    assert merged.terms.overtime.excess_paid == "yes" and merged.terms.overtime.fixed_hours == 45  # filled
    assert merged.terms.bonus.basis == "discretionary" and merged.terms.bonus.in_writing is True  # the notice says so
    notice = merged.documents[0]
    assert notice.kind == "labor_conditions_notice" and notice.received is not None
    salary = next(s for s in notice.states if s.field == "terms.monthly_salary")
    assert (salary.value, salary.line) == (300000, 23)  # the case keeps both


def test_into_then_check_quotes_the_notices_line(tmp_path: Path) -> None:
    case = tmp_path / "my-offer.yaml"
    case.write_text(CASE, encoding="utf-8")
    assert run_cli("read", str(DOCUMENTS / "company-freeform.txt"), "--into", str(case)).exit_code == 0
    result = run_cli("check", str(case), "--format", "json", "--lang", "ja")
    findings = {f["rule"]: f for c in json.loads(result.stdout)["cases"] for f in c["findings"]}
    contradiction = findings["NOTICE-CONTRADICTS-PROMISE"]
    assert "23行目" in contradiction["message"] and "月額300,000円" in contradiction["message"]
    assert contradiction["severity"] == "blocker"
    assert "NOTICE-STATES-UNMENTIONED-TERM" in findings
    assert "PROMISE-NOT-IN-WRITING" not in findings and "BONUS-NOT-IN-WRITING" not in findings


def test_reading_twice_into_a_case_replaces_the_first_reading(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    case.write_text("riskcheck: 1\n", encoding="utf-8")
    for _ in range(2):
        assert run_cli("read", str(DOCUMENTS / "mhlw-general.txt"), "--into", str(case)).exit_code == 0
    merged = load_case(load(str(case)), "c")
    assert len(merged.documents) == 1 and len(merged.documents[0].states) == 33


def test_into_an_invalid_case_changes_nothing(tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text("riskcheck: 1\nterms: {monthly_salry: 1}\n", encoding="utf-8")
    before = case.read_bytes()
    result = run_cli("read", str(DOCUMENTS / "mhlw-general.txt"), "--into", str(case))
    assert result.exit_code == 2 and "bad.yaml" in result.stderr and "monthly_salry" in result.stderr
    assert case.read_bytes() == before and list(tmp_path.iterdir()) == [case]
    json_case = tmp_path / "c.json"
    json_case.write_text('{"riskcheck": 1}', encoding="utf-8")
    result = run_cli("read", str(DOCUMENTS / "mhlw-general.txt"), "--into", str(json_case))
    assert result.exit_code == 2 and "c.json" in result.stderr


# ---------------------------------------------------------------------------------- patterns as data

def test_the_shipped_patterns_are_valid() -> None:
    assert pattern_problems(str(shipped_patterns_path())) == []


@pytest.mark.parametrize("field, parser", [("terms.monthly_salary", "yen"), ("terms.probation.months", "months"),
                                           ("terms.overtime.fixed_hours", "hours"),
                                           ("terms.retirement_allowance.min_years", "terms.retirement_allowance.min_years")])
def test_the_readers_limits_are_the_case_models(field: str, parser: str) -> None:
    """The reader runs without the case model; its bounds must be the model's, so what it reads drops in."""
    limit = LIMITS[parser]
    trial_terms(field, limit)
    with pytest.raises(ValueError):
        trial_terms(field, limit + 1)


def test_reading_does_not_load_pydantic_or_the_engine() -> None:
    import subprocess
    import sys

    code = ("import sys, runpy; sys.argv = ['riskcheck', 'read', sys.argv[1], '--format', 'json']\n"
            "try:\n    runpy.run_module('riskcheck', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'durable', 'riskcheck')"
            " and m.startswith(('pydantic', 'durable', 'riskcheck.case', 'riskcheck.engine'))), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(DOCUMENTS / "pdf-manager.pdf")], capture_output=True,
                            text=True, check=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_broken_patterns_are_reported_by_validate(tmp_path: Path) -> None:
    pack = tmp_path / "jp-offer"
    shutil.copytree(ROOT / "rules" / "jp-offer", pack)
    patterns = pack / "notice" / "patterns.yaml"
    text = patterns.read_text(encoding="utf-8")
    text = text.replace("- field: terms.hourly_wage", "- field: terms.hourly_wag", 1)
    text = text.replace("match: '締切日", "match: '締切日(", 1)
    text = text.replace("value: overseas", "value: abroad", 1)
    text = text.replace("{item: raise,", "{item: raises,", 1)
    patterns.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(pack), "--cases", str(ROOT / "fixtures" / "cases"))
    assert result.exit_code == 2
    out = result.stdout
    assert "'terms.hourly_wag' is neither a case field" in out
    assert "not a regular expression" in out
    assert "'abroad' is not a value terms.location.relocation accepts" in out
    assert "read.item.raises" in out
    assert all(line.startswith(str(patterns)) for line in out.splitlines())


def test_an_agencys_own_patterns_are_tried_first(tmp_path: Path) -> None:
    extra = tmp_path / "client-patterns.yaml"
    extra.write_text("version: 1\nitems:\n  - field: terms.monthly_salary\n    topic: salary\n    parser: yen\n"
                     "    patterns:\n      - match: '月額報酬\\s*(?P<v>[\\d,]+)円'\n", encoding="utf-8")
    doc = tmp_path / "notice.txt"
    doc.write_text("労働条件通知書\n月額報酬　５００，０００円\n", encoding="utf-8")
    result = run_cli("read", str(doc), "--patterns", str(extra), "--format", "json")
    assert json.loads(result.stdout)["terms"]["monthly_salary"] == 500000
    assert json.loads(run_cli("read", str(doc), "--format", "json").stdout)["terms"] == {}


def test_read_messages_exist_in_both_languages() -> None:
    ja = {k for k in messages("ja") if k.startswith("read.")}
    en = {k for k in messages("en") if k.startswith("read.")}
    assert ja == en and len(ja) > 30
