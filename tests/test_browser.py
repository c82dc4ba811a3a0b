"""A real browser (Debian's chromium, driven by Playwright) on a real ``riskcheck serve``: the Japanese form
filled for patterns A and B of the domain notes together, the findings, the sheet printed to PDF, on a
desktop and on a 390 px phone (with and without JavaScript). Screenshots and PDFs are kept as artefacts
in ``$RISKCHECK_ARTEFACTS`` (default: ``<tmp>/riskcheck-artefacts``; the path is printed).

In CI (``CI=true``) a missing browser is a failure, not a skip: ``.ci/run`` installs it.
"""

from __future__ import annotations

import io
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Iterator

import pytest

from test_serve import Server
from test_web import PATTERN_RULES

CHROMIUM = os.environ.get("RISKCHECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
A4 = (595.0, 842.0)


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("RISKCHECK_ARTEFACTS") or Path(tempfile.gettempdir()) / "riskcheck-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser artefacts (screenshots, PDFs): {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        _missing(f"no browser at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def fill_patterns_a_and_b(page: Any, js: bool) -> None:
    """What a candidate would type for patterns A and B: the department head's "of course" to a role
    promise, a bonus of "4-6 months" as a past record, fixed overtime whose clause nobody read, and only
    an offer letter in hand."""
    page.fill('[name="offer.company"]', "サンプル開発株式会社")
    page.fill('[name="offer.position"]', "プロジェクトマネージャー")
    page.select_option('[name="offer.employment_type"]', "regular")
    page.select_option('[name="offer.stage"]', "offer_received")
    page.fill('[name="offer.acceptance_deadline"]', "2026/12/04")
    page.fill('[name="people.0.name"]', "山田部長")
    page.select_option('[name="people.0.role"]', "department_head")
    page.select_option('[name="people.0.assigns_work"]', "no")
    page.select_option('[name="people.0.decides_pay"]', "no")
    submit(page, 'button[value="add:people"]')  # "add another" is a submit: typed answers survive it
    assert page.input_value('[name="people.0.name"]') == "山田部長"
    page.fill('[name="people.1.name"]', "佐藤課長")
    page.select_option('[name="people.1.role"]', "section_manager")
    page.select_option('[name="people.1.assigns_work"]', "yes")
    page.fill('[name="promises.0.said"]', "最初の1年はプロジェクトメンバーとして学びたいと伝え「もちろんです」と言われた")
    page.select_option('[name="promises.0.topic"]', "role")
    page.select_option('[name="promises.0.by"]', "person-1")
    page.select_option('[name="promises.0.stage"]', "second_interview")
    page.select_option('[name="promises.0.channel"]', "verbal")
    submit(page, 'button[value="add:promises"]')
    page.fill('[name="promises.1.said"]', "夏の賞与は例年4〜6か月分")
    page.select_option('[name="promises.1.topic"]', "bonus")
    page.select_option('[name="promises.1.by"]', "person-1")
    page.select_option('[name="promises.1.stage"]', "final_interview")
    page.select_option('[name="promises.1.channel"]', "verbal")
    page.select_option('[name="documents.0.kind"]', "offer_letter")
    page.fill('[name="documents.0.received_date"]', "2026/11/20")
    page.check('[name="documents.0.covers"][value="salary"]')
    page.check('[name="documents.0.covers"][value="start_date"]')
    page.fill('[name="terms.monthly_salary"]', "42万")
    if js:  # questions that do not apply yet are folded away, and amounts are spelled out
        assert page.is_hidden('[name="terms.bonus.stated_months"]')
        assert "420,000" in page.inner_text('[name="terms.monthly_salary"] ~ .amount-preview')
    page.select_option('[name="terms.bonus.basis"]', "past_record")
    page.fill('[name="terms.bonus.stated_months"]', "4〜6")
    page.select_option('[name="terms.overtime.scheme"]', "fixed")
    page.select_option('[name="terms.overtime.clause_checked"]', "no")
    page.fill('[name="terms.probation.months"]', "?")
    page.fill('[name="candidate.current_annual_income"]', "680万")
    page.fill('[name="candidate.age"]', "42")


@pytest.mark.parametrize("device,js", [("desktop", True), ("phone", True), ("phone", False)],
                         ids=["desktop", "phone", "phone-no-js"])
def test_patterns_a_and_b_in_a_real_browser(browser: Any, server: Server, artefacts: Path, device: str,
                                            js: bool) -> None:
    from pypdf import PdfReader

    name = f"{device}{'' if js else '-no-js'}"
    context = browser.new_context(viewport=VIEWPORTS[device], locale="ja-JP", java_script_enabled=js,
                                  device_scale_factor=2 if device == "phone" else 1, is_mobile=device == "phone",
                                  has_touch=device == "phone")
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server.url + "/")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert "内定の内容" in page.inner_text("h1")
    page.screenshot(path=str(artefacts / f"{name}-form-top.png"))
    fill_patterns_a_and_b(page, js)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[device]["width"]
    page.screenshot(path=str(artefacts / f"{name}-form-filled.png"), full_page=True)

    submit(page, "button.primary")
    rules = set(page.eval_on_selector_all("article.finding", "els => els.map(e => e.dataset.rule)"))
    assert PATTERN_RULES <= rules
    headings = page.eval_on_selector_all(".who h2", "els => els.map(e => e.textContent)")
    assert any("課長" in h for h in headings) and any("人事" in h for h in headings)
    blocker = page.locator('article.finding[data-rule="WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER"] .badge')
    assert blocker.first.inner_text() == "承諾前に必ず"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[device]["width"]
    page.screenshot(path=str(artefacts / f"{name}-result.png"), full_page=True)

    with context.expect_page() as opened:
        page.click('form[action^="/sheet"] button')
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "オファー面談で確認すること" in sheet.inner_text("h1")
    pdf = sheet.pdf(format="A4", print_background=True)
    (artefacts / f"{name}-sheet.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 12
    for pdf_page in reader.pages:
        width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2
    printed = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))  # PDF radicals
    printed = printed.replace(" ", "").replace("\n", "")
    assert "確認する相手" in printed and "労働条件通知書" in printed

    with page.expect_download() as download:
        page.click('form[action^="/download/case"] button')
    saved = artefacts / f"{name}-offer.yaml"
    download.value.save_as(saved)
    assert "department_head" in saved.read_text(encoding="utf-8")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize("device,js", [("desktop", True), ("phone", False)], ids=["desktop", "phone-no-js"])
def test_a_notice_uploaded_on_the_japanese_page(browser: Any, server: Server, artefacts: Path, tmp_path: Path,
                                                device: str, js: bool) -> None:
    """A notice PDF (reportlab, Japanese CID font) chosen next to the form: what it states is shown with
    its lines and the difference from the typed salary before anything is merged; the merge checks."""
    import importlib.util

    documents = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
    spec = importlib.util.spec_from_file_location("build_documents", documents / "build.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    notice = tmp_path / "労働条件通知書.pdf"
    builder.pdf((documents / "company-freeform.txt").read_text(encoding="utf-8"), notice)

    name = f"{device}{'' if js else '-no-js'}-notice"
    context = browser.new_context(viewport=VIEWPORTS[device], locale="ja-JP", java_script_enabled=js,
                                  is_mobile=device == "phone", has_touch=device == "phone")
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server.url + "/")
    page.fill('[name="people.0.name"]', "人事の田中さん")
    page.select_option('[name="people.0.role"]', "hr")
    page.fill('[name="promises.0.said"]', "基本給は月42万円")
    page.select_option('[name="promises.0.topic"]', "salary")
    page.select_option('[name="promises.0.by"]', "person-1")
    page.select_option('[name="promises.0.channel"]', "verbal")
    page.fill('[name="terms.monthly_salary"]', "42万")
    page.set_input_files('[name="notice"]', str(notice))
    submit(page, 'button[value="read_notice"]')

    read = page.locator("#notice-read")
    assert "労働条件通知書から読み取った内容" in read.inner_text()
    rows = page.eval_on_selector_all("#notice-read tbody tr", "els => els.map(e => e.innerText)")
    assert any("terms.monthly_salary" in r and "300000" in r and "月額300,000円" in r for r in rows)
    assert "ケースでは「420000」" in page.inner_text("#notice-read .conflicts")
    assert page.input_value('[name="terms.monthly_salary"]') == "42万"  # nothing merged yet
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[device]["width"]
    page.screenshot(path=str(artefacts / f"{name}-read.png"), full_page=True)

    submit(page, 'button[value="merge_notice"]')
    rules = set(page.eval_on_selector_all("article.finding", "els => els.map(e => e.dataset.rule)"))
    assert "NOTICE-CONTRADICTS-PROMISE" in rules
    finding = page.inner_text('article.finding[data-rule="NOTICE-CONTRADICTS-PROMISE"]')
    assert "行目には「【給与】基本給" in finding and "根拠: 労働条件通知書 18行目「【給与】基本給" in finding
    page.screenshot(path=str(artefacts / f"{name}-result.png"), full_page=True)
    assert not problems, problems
    assert context.cookies() == []
    context.close()
