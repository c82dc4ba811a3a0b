"""``riskcheck serve``: a notice uploaded next to the form (real PDFs by reportlab, real .docx by python-docx,
through a real ASGI client): what it states is shown with its lines, missing items and differences before
anything is merged; the merge keeps the candidate's answers, records the differences, and checks."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from conftest import ROOT
from test_web import app, request  # noqa: F401 (the same in-process client, and its app fixture)

DOCUMENTS = ROOT / "fixtures" / "documents"
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
FORM = {
    "offer.company": "株式会社ネクストクラウド", "offer.stage": "offer_received",
    "people.0.id": "person-1", "people.0.name": "人事の田中さん", "people.0.role": "hr", "people.0.decides_pay": "yes",
    "promises.0.said": "基本給は月42万円", "promises.0.topic": "salary", "promises.0.by": "person-1",
    "promises.0.channel": "verbal", "terms.monthly_salary": "42万",
}




@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The free-form company notice as a PDF (reportlab, a Japanese CID font) and a .docx, written now."""
    spec = importlib.util.spec_from_file_location("build_documents", DOCUMENTS / "build.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    out = tmp_path_factory.mktemp("notices")
    source = (DOCUMENTS / "company-freeform.txt").read_text(encoding="utf-8")
    builder.pdf(source, out / "notice.pdf")
    builder.docx(source, out / "notice.docx")
    builder.scan(out / "scan.pdf")
    return {name: (out / name).read_bytes() for name in ("notice.pdf", "notice.docx", "scan.pdf")}


def read_notice(app: Any, name: str, data: bytes, lang: str = "ja") -> httpx.Response:
    return request(app, "POST", f"/notice?lang={lang}", data=FORM,
                   files={"notice": (name, data, "application/octet-stream")})


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def plain(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_pdf_notice_is_shown_with_its_lines_before_anything_is_merged(app: Any, made: dict[str, bytes]) -> None:
    response = read_notice(app, "労働条件通知書.pdf", made["notice.pdf"])
    assert response.status_code == 200
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    page = response.text
    section = page[page.index('id="notice-read"'):]  # lines of the PDF's text layer (no blank lines)
    assert "<td>18</td><td>terms.monthly_salary</td><td>300000</td>" in section
    assert "月額300,000円" in section
    assert "terms.monthly_salary はケースでは「420000」、書面 18 行目では「300000」" in plain(section)
    assert 'value="merge_notice"' in section
    # nothing merged yet: the form still holds the candidate's own answer, and the reading goes back with it
    assert 'name="terms.monthly_salary"' in page and 'value="42万"' in page
    assert hidden(page, "notice_reading").startswith('{"source":"労働条件通知書.pdf","kind":"labor_conditions_notice"')


def test_merging_keeps_the_answers_records_the_difference_and_checks(app: Any, made: dict[str, bytes]) -> None:
    page = read_notice(app, "notice.pdf", made["notice.pdf"]).text
    result = request(app, "POST", "/?lang=ja", data={**FORM, "action": "merge_notice",
                                                    "notice_reading": hidden(page, "notice_reading")})
    assert result.status_code == 200
    for name, value in SECURITY.items():
        assert result.headers[name] == value
    assert "18行目には「【給与】基本給" in plain(result.text)
    case = yaml.safe_load(hidden(result.text, "case"))
    assert case["terms"]["monthly_salary"] == 420000  # the candidate's answer is never overwritten
    notice = next(d for d in case["documents"] if d["kind"] == "labor_conditions_notice")
    salary = next(s for s in notice["states"] if s["field"] == "terms.monthly_salary")
    assert (salary["value"], salary["line"]) == (300000, 18)
    assert case["terms"]["overtime"]["fixed_hours"] == 45  # an unknown term is filled from the notice


def test_a_word_notice_reads_on_the_english_page(app: Any, made: dict[str, bytes]) -> None:
    response = read_notice(app, "notice.docx", made["notice.docx"], "en")
    assert response.status_code == 200
    text = plain(response.text)
    assert "Read from the written statement of working conditions:" in text
    assert "Differs from your answers: terms.monthly_salary" in text


@pytest.mark.parametrize("name, data, status, words", [
    ("scan.pdf", None, 422, "スキャン画像のようです"),
    ("notice.exe", b"MZ", 422, "読み取れる形式ではありません"),
    ("broken.pdf", b"%PDF-1.4 not really", 422, "PDF として読めません"),
    ("big.txt", b"x" * 1_000_001, 413, ""),
])
def test_bad_uploads_are_one_line_problems_and_keep_the_answers(app: Any, made: dict[str, bytes], name: str,
                                                                  data: bytes | None, status: int, words: str) -> None:
    response = read_notice(app, name, made[name] if data is None else data)
    assert response.status_code == status
    assert response.headers["x-frame-options"] == "DENY"
    if status == 422:
        problem = re.search(r'<div class="problem"[^>]*>(.*?)</div>', response.text, re.S)
        assert problem and words in html.unescape(problem.group(1)) and "\n" not in problem.group(1)
        assert 'value="42万"' in response.text


def test_no_file_and_a_tampered_reading_are_refused(app: Any) -> None:
    none = request(app, "POST", "/notice?lang=ja", data=FORM, files={"notice": ("", b"", "application/octet-stream")})
    assert none.status_code == 422 and "先に通知書のファイル" in none.text
    tampered = request(app, "POST", "/?lang=en", data={**FORM, "action": "merge_notice", "notice_reading": "{}"})
    assert tampered.status_code == 422 and "not sent back intact" in html.unescape(tampered.text)
