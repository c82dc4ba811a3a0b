"""Audit reports carry each case's company and position (JSON, CSV, text, JUnit, HTML, xlsx), the HTML
report's companies table, and the xlsx report read back with openpyxl; ``--redact`` leaves them out
everywhere. Real cases through the real engine, real files written and read back."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import EXAMPLES, run_cli, write

from riskcheck.render.audit_html import COLOURS

FORMULA_COMPANY = '=HYPERLINK("http://example.invalid","株式会社クリック")'
FORMULA_POSITION = "@SUM(A1:A9)"
COMPANIES = {"Example Systems KK", "Confirmed Corp", "サンプル開発株式会社", FORMULA_COMPANY}
POSITIONS = {"Project Manager", "Backend Engineer", "プロジェクトリーダー候補", FORMULA_POSITION}


@pytest.fixture()
def cases(tmp_path: Path) -> Path:
    """The examples, one case whose company and position look like formulas, one stating neither, one broken."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):
        shutil.copy(example, folder / example.name)
    confirmed = (EXAMPLES / "everything-confirmed.yaml").read_text(encoding="utf-8")
    write(folder, "formula.yaml", confirmed.replace("id: everything-confirmed", "id: formula")
          .replace("company: Confirmed Corp", f"company: '{FORMULA_COMPANY}'")
          .replace("position: Backend Engineer", f"position: '{FORMULA_POSITION}'"))
    write(folder, "nameless.yaml", confirmed.replace("id: everything-confirmed", "id: nameless")
          .replace("  company: Confirmed Corp\n", "").replace("  position: Backend Engineer\n", ""))
    write(folder, "zz-broken.yaml", "riskcheck: 1\noffer: [unclosed\n")
    return folder


def audit(folder: Path, *args: str) -> tuple[int, str]:
    result = run_cli("audit", str(folder), "-j", "2", *args)
    return result.exit_code, result.stdout


def audit_file(folder: Path, tmp_path: Path, fmt: str, *args: str) -> tuple[int, Path]:
    path = tmp_path / f"report.{fmt}"
    code, stdout = audit(folder, "--format", fmt, "-o", str(path), *args)
    assert stdout == ""
    return code, path


def entries(folder: Path, *args: str) -> dict[str, dict[str, Any]]:
    _, out = audit(folder, "--format", "json", *args)
    return {case["id"]: case for case in json.loads(out)["cases"]}


def test_json_entries_carry_company_and_position_after_source(cases: Path) -> None:
    found = entries(cases)
    assert list(found["role-promise-by-department-head"]) == ["id", "source", "company", "position", "status",
                                                               "findings", "error"]
    assert found["role-promise-by-department-head"]["company"] == "サンプル開発株式会社"
    assert found["formula"]["company"] == FORMULA_COMPANY and found["formula"]["position"] == FORMULA_POSITION
    assert list(found["nameless"]) == ["id", "source", "status", "findings", "error"]
    assert list(found["zz-broken"]) == ["id", "source", "status", "findings", "error"]


def test_redact_leaves_company_and_position_out_of_every_format(cases: Path, tmp_path: Path) -> None:
    assert all("company" not in e and "position" not in e for e in entries(cases, "--redact").values())
    outputs = [audit(cases, "--format", fmt, "--redact", "--lang", lang)[1]
               for fmt in ("json", "csv", "text", "junit", "html") for lang in ("ja", "en")]
    _, xlsx = audit_file(cases, tmp_path, "xlsx", "--redact", "--lang", "ja")
    with zipfile.ZipFile(xlsx) as book:
        outputs += [book.read(name).decode("utf-8") for name in book.namelist()]
    for output in outputs:
        for value in COMPANIES | POSITIONS:
            assert value not in output and value.replace('"', "&quot;") not in output
    html = audit(cases, "--format", "html", "--redact", "--lang", "ja")[1]
    assert "会社別の指摘" not in html


def test_csv_adds_company_and_position_as_the_last_columns(cases: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(audit(cases, "--format", "csv")[1].lstrip("\ufeff"))))
    header = list(rows[0])
    assert header[-2:] == ["company", "position"] and header[:3] == ["case", "source", "status"]
    by_case = {row["case"]: row for row in rows}
    assert by_case["role-promise-by-department-head"]["company"] == "サンプル開発株式会社"
    assert by_case["role-promise-by-department-head"]["position"] == "プロジェクトリーダー候補"
    assert by_case["formula"]["company"] == "'" + FORMULA_COMPANY  # Excel shows it as text
    assert by_case["nameless"]["company"] == by_case["nameless"]["position"] == ""
    assert by_case["zz-broken"]["status"] == "error" and by_case["zz-broken"]["company"] == ""
    every = [row for row in rows if row["case"] == "bonus-and-overtime-taken-on-trust"]
    assert len(every) > 1 and {row["company"] for row in every} == {"Example Systems KK"}


def test_text_lines_name_company_and_position(cases: Path) -> None:
    out = audit(cases, "--lang", "ja")[1]
    line = next(line for line in out.splitlines() if "role-promise-by-department-head" in line)
    assert line.startswith("指摘あり") and line.endswith("  サンプル開発株式会社 / プロジェクトリーダー候補")
    broken = next(line for line in out.splitlines() if "zz-broken" in line)
    assert not broken.endswith(" / ")


def test_junit_test_names_carry_company_and_position(cases: Path) -> None:
    suite = ET.fromstring(audit(cases, "--format", "junit", "--lang", "ja")[1])
    names = {tc.get("name") for tc in suite.iter("testcase")}
    assert "role-promise-by-department-head（サンプル開発株式会社 / プロジェクトリーダー候補）" in names
    assert "nameless" in names and "zz-broken" in names
    en = ET.fromstring(audit(cases, "--format", "junit", "--lang", "en")[1])
    assert "bonus-and-overtime-taken-on-trust (Example Systems KK / Project Manager)" in {
        tc.get("name") for tc in en.iter("testcase")}


def companies_table(html: str) -> list[list[str]]:
    """The companies table's rows (cells' text) of an audit HTML page."""
    start = html.index('<table class="companies">')
    table = ET.fromstring(html[start:html.index("</table>", start) + len("</table>")])
    return [["".join(td.itertext()) for td in tr] for tr in table.iter("tr")]


def test_html_companies_table_worst_first(cases: Path) -> None:
    html = audit(cases, "--format", "html", "--lang", "ja")[1]
    rows = companies_table(html)
    assert rows[0] == ["会社名", "ケース数", "承諾前に必須", "高", "中", "低"]
    found = entries(cases)
    # worst first: the company with blockers, then the one with most high findings; cases not stating
    # their company last
    assert [row[0] for row in rows[1:3]] == ["サンプル開発株式会社", "Example Systems KK"]
    blockers = sum(f["severity"] == "blocker" for f in found["role-promise-by-department-head"]["findings"])
    assert rows[1][1:3] == ["1", str(blockers)]
    assert {row[0] for row in rows[1:]} == {"サンプル開発株式会社", "Example Systems KK", "Confirmed Corp",
                                           FORMULA_COMPANY, "（記載なし）"}
    assert rows[-1][0] == "（記載なし）" and rows[-1][1] == "2"  # nameless and the broken file
    assert '<div class="offer">サンプル開発株式会社 / プロジェクトリーダー候補</div>' in html


def test_html_without_companies_has_no_companies_table(cases: Path, tmp_path: Path) -> None:
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(cases / "nameless.yaml", only)
    html = audit(only, "--format", "html", "--lang", "en")[1]
    assert 'class="companies"' not in html and 'class="offer"' not in html


def read_xlsx(path: Path) -> Any:
    return openpyxl.load_workbook(path).active


def test_xlsx_report_read_back(cases: Path, tmp_path: Path) -> None:
    code, path = audit_file(cases, tmp_path, "xlsx", "--lang", "ja")
    assert code == 2  # the broken case
    sheet = read_xlsx(path)
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["ケース", "会社名", "ポジション", "結果", "重大度", "ルール"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{sheet.max_row}"
    found = entries(cases, "--lang", "ja")
    assert sheet.max_row == 1 + sum(len(e["findings"]) or 1 for e in found.values())
    col = {name: i for i, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    by_case: dict[str, list[Any]] = {}
    for row in rows:
        by_case.setdefault(row[0].value, []).append(row)
    # every case is there: findings one row each, ok and error one row
    assert set(by_case) == set(found)
    role = by_case["role-promise-by-department-head"]
    assert [r[col["ルール"]].value for r in role] == [f["rule"] for f in found["role-promise-by-department-head"]["findings"]]
    assert role[0][col["会社名"]].value == "サンプル開発株式会社"
    assert role[0][col["確認のための質問"]].value == found["role-promise-by-department-head"]["findings"][0]["ask"]
    assert sum(1 for row in rows if row[col["確認のための質問"]].value) > len(found)
    severity = {"承諾前に必須": "blocker", "高": "high", "中": "medium", "低": "low"}
    for row in rows:
        cell = row[col["重大度"]]
        if cell.value:
            assert cell.fill.fgColor.rgb == "00" + COLOURS[severity[cell.value]].lstrip("#").upper()
        if row[col["確認のための質問"]].value:
            assert row[col["確認のための質問"]].alignment.wrap_text
    broken = by_case["zz-broken"][0]
    assert broken[col["結果"]].value == "エラー" and broken[col["エラー"]].value
    assert broken[col["結果"]].fill.fgColor.rgb == "00" + COLOURS["error"].lstrip("#").upper()
    assert by_case["nameless"][0][col["会社名"]].value is None
    formula = by_case["formula"][0]
    assert formula[col["会社名"]].value == FORMULA_COMPANY and formula[col["会社名"]].data_type == "s"
    assert formula[col["ポジション"]].value == FORMULA_POSITION
    with zipfile.ZipFile(path) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere


def test_xlsx_header_in_english(cases: Path, tmp_path: Path) -> None:
    _, path = audit_file(cases, tmp_path, "xlsx", "--lang", "en")
    sheet = read_xlsx(path)
    assert [c.value for c in sheet[1]][:5] == ["case", "company", "position", "status", "severity"]
    assert "high" in {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_xlsx_needs_an_output_file(cases: Path) -> None:
    for extra in ((), ("-o", "-")):
        result = run_cli("audit", str(cases), "--format", "xlsx", "--lang", "en", *extra)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "-o FILE.xlsx" in result.stderr


def test_xlsx_cells_with_control_characters_stay_readable(tmp_path: Path) -> None:
    confirmed = (EXAMPLES / "everything-confirmed.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "ctl"
    folder.mkdir()
    write(folder, "ctl.yaml", confirmed.replace("company: Confirmed Corp", 'company: "A\\x01B"'))
    code, path = audit_file(folder, tmp_path, "xlsx")
    assert code in (0, 1)
    assert read_xlsx(path)["B2"].value == "A\ufffdB"


# --- the HTML audit report in a real browser ----------------------------------------------------------

CHROMIUM = os.environ.get("RISKCHECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


def test_html_audit_report_in_chromium(cases: Path, tmp_path: Path) -> None:
    if not os.path.exists(CHROMIUM):
        _missing(f"no browser at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    _, path = audit_file(cases, tmp_path, "html", "--lang", "ja")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(path.as_uri())
            headings = page.locator("h2").all_inner_texts()
            assert "会社別の指摘（重大なものから）" in headings and "ケース（重大なものから）" in headings
            assert page.locator("html").get_attribute("lang") == "ja"
            table = page.locator("table.companies")
            assert table.is_visible()
            first = table.locator("tbody tr").first.locator("td").all_inner_texts()
            assert first[0] == "サンプル開発株式会社"
            assert table.locator("th").all_inner_texts()[:2] == ["会社名", "ケース数"]
            assert page.get_by_text("サンプル開発株式会社 / プロジェクトリーダー候補").is_visible()
            page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
        finally:
            browser.close()
