"""The web app through a real ASGI client (httpx): the API agrees with the CLI, the page works without
JavaScript, every limit and security header holds, nothing is stored or logged."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLES, FIXTURES, ROOT, run_cli
from riskcheck.casefile import read_case
from riskcheck.questions import GROUPS
from riskcheck.schema import json_schema
from riskcheck.web import create_app
from riskcheck.web.settings import Settings

PATTERNS_AB = {  # patterns A and B of the domain notes, as the page's form sends them
    "offer.company": "サンプル開発株式会社", "offer.position": "プロジェクトマネージャー",
    "offer.employment_type": "regular", "offer.stage": "offer_received",
    "people.0.id": "person-1", "people.0.name": "山田部長", "people.0.role": "department_head",
    "people.0.assigns_work": "no", "people.0.decides_pay": "no",
    "people.1.id": "person-2", "people.1.name": "佐藤課長", "people.1.role": "section_manager",
    "people.1.assigns_work": "yes",
    "promises.0.said": "最初の1年はプロジェクトメンバーとして学びたいと伝え「もちろんです」と言われた",
    "promises.0.topic": "role", "promises.0.by": "person-1", "promises.0.stage": "second_interview",
    "promises.0.channel": "verbal", "promises.1.said": "夏の賞与は例年4〜6か月分", "promises.1.topic": "bonus",
    "promises.1.by": "person-1", "promises.1.stage": "final_interview", "promises.1.channel": "verbal",
    "documents.0.kind": "offer_letter", "documents.0.received": "yes", "documents.0.received_date": "2026/11/20",
    "documents.0.covers": ["salary", "start_date"],
    "terms.monthly_salary": "42万", "terms.bonus.basis": "past_record", "terms.bonus.stated_months": "4〜6",
    "terms.overtime.scheme": "fixed", "terms.overtime.excess_paid": "", "terms.overtime.clause_checked": "no",
    "terms.probation.months": "不明", "candidate.current_annual_income": "680万", "candidate.age": "42",
}
PATTERN_RULES = {"WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER", "BONUS-STATED-WITHOUT-MINIMUM", "OVERTIME-CLAUSE-NOT-READ",
                 "OFFER-LETTER-NOT-A-NOTICE"}
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


def request(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.request(method, url, **kwargs)
    return asyncio.run(go())


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(Settings())


def case_json(path: Path) -> str:
    return json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str, ensure_ascii=False)


# The API agrees with the command line.

@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_api_check_gives_the_cli_report(app: Any, tmp_path: Path, example: Path, lang: str) -> None:
    path = tmp_path / f"{example.stem}.json"
    path.write_text(case_json(example), encoding="utf-8")
    cli = run_cli("check", str(path), "--format", "json", "--lang", lang, "--fail-on", "medium")
    response = request(app, "POST", "/api/v1/check", params={"lang": lang, "fail_on": "medium", "name": str(path)},
                       content=path.read_bytes(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["cases"][0]["findings"]


def test_api_check_invalid_case_is_422_with_the_cli_message(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"riskcheck": 1, "people": [{"id": "a", "role": "boss"}]}', encoding="utf-8")
    cli = run_cli("check", str(path), "--format", "json")
    response = request(app, "POST", "/api/v1/check", params={"name": str(path)}, content=path.read_bytes())
    assert response.status_code == 422
    body = response.json()
    assert body["cases"][0]["status"] == "error" and "people[0].role" in body["cases"][0]["error"]
    assert body == json.loads(cli.stdout)


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_api_audit_streams_exactly_the_cli_jsonl(app: Any, tmp_path: Path, kind: str) -> None:
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
    path = tmp_path / f"batch.{kind}"
    if kind == "jsonl":
        lines = [json.dumps(c, default=str, ensure_ascii=False) for c in cases] + ["not json", '{"riskcheck": 2}']
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "offer.company", "offer.stage", "terms.monthly_salary", "terms.bonus.basis"])
        writer.writerow(["one", "株式会社A", "offer_received", "420000", "past_record"])
        writer.writerow(["two", "B", "nonsense", "x", "none"])
        writer.writerow(["three", "C", "first_interview", "", "unknown"])
        path.write_text(out.getvalue(), encoding="utf-8")
    cli = run_cli("audit", str(path), "--format", "jsonl", "--jobs", "2", "--lang", "ja")
    response = request(app, "POST", "/api/v1/audit", params={"lang": "ja", "name": str(path)},
                       content=path.read_bytes(),
                       headers={"content-type": "text/csv" if kind == "csv" else "application/x-ndjson"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.text == cli.stdout
    statuses = [json.loads(line)["status"] for line in response.text.splitlines()]
    assert len(statuses) == (len(cases) + 2 if kind == "jsonl" else 3) and "error" in statuses


def test_api_audit_streams_a_body_sent_in_pieces(app: Any) -> None:
    case = case_json(EXAMPLES / "role-promise-by-department-head.yaml")

    async def body() -> Any:
        for n in range(5):
            yield (case + "\n").encode()[: 10] if n == 0 else b""
            yield (case + "\n").encode()[10:] if n == 0 else (case + "\n").encode()
            await asyncio.sleep(0)

    response = request(app, "POST", "/api/v1/audit", content=body())
    lines = response.text.splitlines()
    assert response.status_code == 200 and len(lines) == 5
    assert [json.loads(line)["source"] for line in lines] == [f"request.jsonl:{n}" for n in range(1, 6)]


def test_packs_schema_health_and_docs(app: Any) -> None:
    packs = request(app, "GET", "/api/v1/packs").json()
    assert packs["rule_packs"][0]["name"] == "jp-offer" and packs["rule_packs"][0]["rules"] >= 30
    assert request(app, "GET", "/api/v1/schema/case").json() == json.loads(json.dumps(json_schema("case")))
    assert request(app, "GET", "/healthz").json() == {"status": "ok"}
    spec = request(app, "GET", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and {"/api/v1/check", "/api/v1/audit", "/api/v1/packs",
                                                  "/api/v1/schema/case", "/healthz"} <= set(spec["paths"])
    docs = request(app, "GET", "/docs")
    assert docs.status_code == 200 and "POST /api/v1/audit" in docs.text and "<script" not in docs.text


# The token.

def test_the_api_needs_the_bearer_token_when_there_is_one() -> None:
    app = create_app(Settings(token="s3cret-token"))
    body = case_json(EXAMPLES / "everything-confirmed.yaml")
    for method, url in (("POST", "/api/v1/check"), ("POST", "/api/v1/audit"), ("GET", "/api/v1/packs"),
                        ("GET", "/api/v1/schema/case")):
        content = body if method == "POST" else None
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic s3cret-token"}):
            refused = request(app, method, url, content=content, headers=headers)
            assert refused.status_code == 401, (url, headers)
            assert refused.headers["www-authenticate"].startswith("Bearer")
        allowed = request(app, method, url, content=content, headers={"authorization": "Bearer s3cret-token"})
        assert allowed.status_code == 200, url
    assert request(app, "GET", "/healthz").status_code == 200


# Limits.

def test_a_case_over_1_mb_is_413(app: Any) -> None:
    big = b'{"riskcheck": 1, "offer": {"company": "' + b"x" * 1_000_001 + b'"}}'
    assert request(app, "POST", "/api/v1/check", content=big).status_code == 413

    async def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(11):
            yield b" " * 100_000

    assert request(app, "POST", "/api/v1/check", content=chunks()).status_code == 413
    assert request(app, "POST", "/", content=b"a=" + b"x" * 2_000_001,
                   headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413


def test_an_audit_line_over_1_mb_is_an_error_line_not_a_lost_case(app: Any) -> None:
    good = case_json(EXAMPLES / "everything-confirmed.yaml")
    body = f'{good}\n{{"riskcheck": 1, "id": "{"x" * 1_000_001}"}}\n{good}\n'.encode()
    lines = [json.loads(line) for line in request(app, "POST", "/api/v1/audit", content=body).text.splitlines()]
    assert [entry["status"] != "error" for entry in lines] == [True, False, True]
    assert "longer than" in lines[1]["error"]


def test_the_batch_limit_gives_each_case_past_it_an_error_line() -> None:
    app = create_app(Settings(batch_limit=2))
    good = case_json(EXAMPLES / "everything-confirmed.yaml")
    lines = request(app, "POST", "/api/v1/audit", content=(good + "\n") * 4).text.splitlines()
    assert len(lines) == 4
    errors = [json.loads(line)["error"] for line in lines]
    assert errors[:2] == [None, None] and all("batch limit of 2" in e for e in errors[2:])


def test_the_time_limit_answers_503() -> None:
    app = create_app(Settings(time_limit=1e-9))
    response = request(app, "POST", "/api/v1/check", content=case_json(EXAMPLES / "everything-confirmed.yaml"))
    assert response.status_code == 503 and "time limit" in response.json()["error"]
    lines = request(app, "POST", "/api/v1/audit", content=case_json(EXAMPLES / "everything-confirmed.yaml")).text
    assert "time limit" in json.loads(lines.splitlines()[-1])["error"]


def test_the_concurrency_limit_answers_503_when_saturated() -> None:
    app = create_app(Settings(concurrency=1))
    release = asyncio.Event()

    async def slow_body() -> Any:
        yield case_json(EXAMPLES / "everything-confirmed.yaml").encode() + b"\n"
        await release.wait()

    async def go() -> tuple[int, int, int, int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            held = asyncio.create_task(client.post("/api/v1/audit", content=slow_body()))
            for _ in range(200):
                await asyncio.sleep(0.01)
                if app.state.service.active:
                    break
            busy = await client.post("/api/v1/check", content=b"{}")
            page = await client.post("/", data={"action": "check"})
            release.set()
            first = await held
            after = await client.post("/api/v1/check", content=case_json(EXAMPLES / "everything-confirmed.yaml"))
            return busy.status_code, page.status_code, first.status_code, after.status_code

    busy, page, first, after = asyncio.run(go())
    assert (busy, page, first, after) == (503, 503, 200, 200)


GARBAGE = [b"", b"\x00\xff\xfe", b"[]", b"null", b"1e999999", b'{"riskcheck": 1, "people": "x"}', b"{" * 5000,
           b'"\\ud800"', "{\"riskcheck\": 1, \"id\": \"\u2028\"}".encode(), b"\xef\xbb\xbf{}", b"a,b\n\"unclosed"]


@pytest.mark.parametrize("body", GARBAGE)
@pytest.mark.parametrize("url", ["/api/v1/check", "/api/v1/audit", "/api/v1/audit?format=csv", "/", "/upload",
                                 "/edit", "/sheet", "/download/case"])
def test_garbage_is_a_4xx_never_a_500(app: Any, url: str, body: bytes) -> None:
    for content_type in ("application/json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"):
        response = request(app, "POST", url, content=body, headers={"content-type": content_type})
        assert response.status_code < 500, (url, body[:20], content_type, response.text[:300])
        assert response.status_code in (200, 422) or 400 <= response.status_code < 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["/api/v1/check", "/api/v1/audit", "/", "/upload", "/sheet"]),
       st.text(max_size=30))
def test_random_bodies_and_queries_never_give_a_500(app: Any, body: bytes, url: str, query: str) -> None:
    response = request(app, "POST", url, content=body, params={"lang": query, "fail_on": query},
                       headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code < 500


def test_unknown_paths_and_methods_are_4xx(app: Any) -> None:
    assert request(app, "GET", "/nothing").status_code == 404
    assert request(app, "PUT", "/api/v1/check").status_code == 405
    assert request(app, "GET", "/api/v1/check").status_code == 405
    assert request(app, "POST", "/api/v1/check?lang=xx", content=b"{}").status_code == 400
    assert request(app, "POST", "/api/v1/audit?format=xml", content=b"").status_code == 400


# Security headers, cookies, logs.

@pytest.mark.parametrize("method,url", [("GET", "/"), ("GET", "/?lang=en"), ("GET", "/healthz"), ("GET", "/docs"),
                                        ("GET", "/static/app.css"), ("GET", "/static/app.js"), ("GET", "/missing"),
                                        ("POST", "/api/v1/check"), ("GET", "/api/v1/packs")])
def test_every_response_has_the_security_headers(app: Any, method: str, url: str) -> None:
    response = request(app, method, url, content=b"{}" if method == "POST" else None)
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "set-cookie" not in response.headers


def test_pages_have_no_inline_script_or_style(app: Any) -> None:
    for html in (request(app, "GET", "/").text, submit_patterns(app).text):
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html


def test_the_sheet_is_the_cli_renderer_with_its_style_hashed(app: Any, tmp_path: Path) -> None:
    result = submit_patterns(app)
    case_yaml = hidden_case(result.text)
    sheet = request(app, "POST", "/sheet?lang=ja", data={"case": case_yaml})
    path = tmp_path / "ab.yaml"
    path.write_text(case_yaml, encoding="utf-8")
    cli = run_cli("check", str(path), "--format", "html", "--lang", "ja", "--fail-on", "low")
    assert sheet.status_code == 200 and sheet.text == cli.stdout
    csp = sheet.headers["content-security-policy"]
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp) and "unsafe-inline" not in csp
    download = request(app, "POST", "/download/sheet?lang=ja", data={"case": case_yaml})
    assert download.text == cli.stdout and "attachment" in download.headers["content-disposition"]


def test_access_log_has_no_query_values_and_no_case_content(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="riskcheck.web.access"):
        request(app, "GET", "/?lang=ja&secret=Zq9query")
        request(app, "POST", "/api/v1/check?name=Zq9name", content=json.dumps(
            {"riskcheck": 1, "offer": {"company": "Zq9company"}}))
        submit_patterns(app)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "riskcheck.web.access")
    assert '"GET /"' in logged and '"POST /api/v1/check"' in logged
    assert "Zq9" not in logged and "secret" not in logged and "サンプル" not in logged and "?" not in logged


# The page.

def submit_patterns(app: Any, lang: str = "ja") -> httpx.Response:
    return request(app, "POST", f"/?lang={lang}", data={**PATTERNS_AB, "action": "check"})


def hidden_case(html: str) -> str:
    match = re.search(r'<input type="hidden" name="case" value="([^"]*)"', html)
    assert match
    import html as html_module

    return html_module.unescape(match.group(1))


def test_the_page_speaks_japanese_or_english(app: Any) -> None:
    assert '<html lang="ja">' in request(app, "GET", "/").text
    assert '<html lang="en">' in request(app, "GET", "/", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert '<html lang="ja">' in request(app, "GET", "/", headers={"accept-language": "fr, ja;q=0.5"}).text
    assert '<html lang="en">' in request(app, "GET", "/?lang=en", headers={"accept-language": "ja"}).text
    page = request(app, "GET", "/?lang=ja").text
    assert "プライバシー" in page and "保存されません" in page and "不明" in page and "42万" in page


def test_the_form_asks_every_question_of_the_catalogue(app: Any) -> None:
    values: dict[str, Any] = {"action": "add:allowances"}
    html = request(app, "GET", "/?lang=ja").text + request(app, "POST", "/?lang=ja", data=values).text
    html += request(app, "POST", "/?lang=ja", data={"action": "add:repayment"}).text
    for group in GROUPS:
        for q in group.questions:
            name = f"{group.key}.0.{q.field}" if group.repeated else q.field
            assert f'name="{name}"' in html, name


def test_add_and_remove_rows_without_javascript(app: Any) -> None:
    html = request(app, "POST", "/?lang=ja", data={"action": "add:people", "people.0.id": "person-1",
                                                   "people.0.name": "田中"}).text
    assert 'name="people.1.name"' in html and 'value="田中"' in html and 'value="person-2"' in html
    html = request(app, "POST", "/?lang=ja", data={"action": "remove:people:0", "people.0.id": "person-1",
                                                   "people.0.name": "田中", "people.1.id": "person-2",
                                                   "people.1.name": "鈴木"}).text
    assert 'value="田中"' not in html and 'value="鈴木"' in html


def test_patterns_a_and_b_give_their_findings_grouped_by_whom_to_ask(app: Any) -> None:
    result = submit_patterns(app)
    assert result.status_code == 200
    rules = set(re.findall(r'data-rule="([A-Z-]+)"', result.text))
    assert PATTERN_RULES <= rules
    headings = re.findall(r'<h2><span class="num">\d+</span>確認する相手: ([^<]+)</h2>', result.text)
    assert any("課長" in h for h in headings) and any("人事" in h for h in headings)
    assert "承諾前に必ず" in result.text
    case = yaml.safe_load(hidden_case(result.text))
    assert case["terms"]["monthly_salary"] == 420000 and case["terms"]["bonus"]["stated_months"] == [4, 6]
    assert case["candidate"]["current_annual_income"] == 6_800_000


def test_unknown_answers_and_bad_answers(app: Any) -> None:
    result = request(app, "POST", "/?lang=ja", data={"action": "check", "terms.monthly_salary": "?",
                                                     "offer.start_date": "不明"})
    assert result.status_code == 200
    bad = request(app, "POST", "/?lang=ja", data={"action": "check", "terms.monthly_salary": "たくさん",
                                                  "offer.start_date": "来週", "people.0.id": "person-1"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "数字" in bad.text and "YYYY-MM-DD" in bad.text
    assert 'value="たくさん"' in bad.text  # nothing typed is lost


def test_the_downloaded_case_round_trips_through_upload_and_the_cli(app: Any, tmp_path: Path) -> None:
    result = submit_patterns(app)
    download = request(app, "POST", "/download/case?lang=ja", data={"case": hidden_case(result.text)})
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    path = tmp_path / "offer.yaml"
    path.write_bytes(download.content)
    case = read_case(str(path))
    assert case.people[0].name == "山田部長" and case.promises[1].topic == "bonus"
    cli = run_cli("check", str(path), "--format", "json")
    assert PATTERN_RULES <= {f["rule"] for f in json.loads(cli.stdout)["cases"][0]["findings"]}
    form = request(app, "POST", "/upload?lang=ja", files={"file": ("offer.yaml", download.content, "text/yaml")})
    assert form.status_code == 200 and 'value="山田部長"' in form.text and 'value="420000"' in form.text
    again = request(app, "POST", "/?lang=ja", data={**form_values(form.text), "action": "check"})
    assert yaml.safe_load(hidden_case(again.text)) == yaml.safe_load(hidden_case(result.text))


def test_upload_prefills_every_example_and_reports_a_bad_file(app: Any) -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        form = request(app, "POST", "/upload", files={"file": (example.name, example.read_bytes(), "text/yaml")})
        assert form.status_code == 200
        again = request(app, "POST", "/?lang=en", data={**form_values(form.text), "action": "check"})
        assert unordered(read_case_text(hidden_case(again.text))) == unordered(read_case(str(example)))
    bad = request(app, "POST", "/upload?lang=en", files={"file": ("x.yaml", b"riskcheck: 1\npeople:\n  - rol: hr\n",
                                                                  "text/yaml")})
    assert bad.status_code == 422 and "x.yaml:3" in bad.text


def unordered(case: Any) -> Any:
    """A case with its checkbox lists as sets (a browser sends boxes in page order)."""
    data = case.model_dump()
    for doc in data["documents"]:
        doc["covers"] = set(doc["covers"])
    for promise in data["promises"]:
        promise["confirmed_by"] = set(promise["confirmed_by"])
    return data


def read_case_text(text_: str) -> Any:
    from riskcheck.case import load_case
    from riskcheck.loading import parse

    return load_case(parse(text_, "x.yaml"), "x")


def form_values(html: str) -> dict[str, Any]:
    """What a browser would submit for the form in ``html`` (inputs, selected options, checked boxes)."""
    import html as html_module

    form = html[html.index('id="case-form"'):]
    values: dict[str, Any] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        key, val = html_module.unescape(name.group(1)), html_module.unescape(value.group(1) if value else "")
        if 'type="checkbox"' in tag:
            values.setdefault(key, []).append(val)
        else:
            values[key] = val
    for name, options in re.findall(r'<select [^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options) or re.search(r'<option value="([^"]*)"',
                                                                                     options)
        values[html_module.unescape(name)] = html_module.unescape(chosen.group(1)) if chosen else ""
    return values


def test_riskcheck_check_does_not_import_the_web_app(tmp_path: Path) -> None:
    code = ("import sys; from click.testing import CliRunner; from riskcheck.cli import main; "
            f"r = CliRunner().invoke(main, ['check', {str(EXAMPLES / 'everything-confirmed.yaml')!r}]); "
            "print(r.exit_code, sorted(m for m in sys.modules if m.startswith(('riskcheck.web', 'starlette', "
            "'uvicorn', 'riskcheck.questions', 'riskcheck.casefile'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "0 []"


def test_nothing_the_form_does_not_ask_is_lost_on_the_way_through_it(app: Any) -> None:
    """Every fixture and example, uploaded, shown as the form and sent back as a browser would: the same
    case, including what the form does not ask (a read notice's statements and language, waivers)."""
    from riskcheck.loading import load

    files = sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])
    with_statements = 0
    for path in files:
        form = request(app, "POST", "/upload?lang=ja", files={"file": (path.name, path.read_bytes(), "text/yaml")})
        assert form.status_code == 200, path.name
        again = request(app, "POST", "/?lang=ja", data={**form_values(form.text), "action": "check"})
        original = read_case(str(path))
        with_statements += any(d.states for d in original.documents)
        got = unordered(read_case_text(hidden_case(again.text)))
        want = unordered(original)
        got["id"] = want["id"] = None
        assert got == want, path.name
    assert with_statements >= 5, "the cases with a read notice are the point of this test"


def test_editing_answers_keeps_the_notice_read_into_the_case(app: Any) -> None:
    """The result page's "edit answers" goes back to the form; checking again still finds what the read
    notice contradicts."""
    path = FIXTURES / "notice-contradicts-promise.fires.yaml"
    first = request(app, "POST", "/upload?lang=en", files={"file": (path.name, path.read_bytes(), "text/yaml")})
    result = request(app, "POST", "/?lang=en", data={**form_values(first.text), "action": "check"})
    edited = request(app, "POST", "/edit?lang=en", data={"case": hidden_case(result.text)})
    again = request(app, "POST", "/?lang=en", data={**form_values(edited.text), "action": "check"})
    original = read_case(str(path))
    kept = read_case_text(hidden_case(again.text))
    assert [d.states for d in kept.documents] == [d.states for d in original.documents] and original.documents[0].states
    quoted = re.findall(r"Evidence: [^<]*line (\d+)", again.text)
    assert quoted and quoted == re.findall(r"Evidence: [^<]*line (\d+)", result.text)
