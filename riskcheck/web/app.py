"""The ASGI app behind ``riskcheck serve``: the candidate's page and the agencies' API, storing nothing.

Starlette (the toolkit FastAPI is built on) and uvicorn: we need raw control of request bodies
(size limits, JSON Lines and CSV streamed in and out) and our own validation errors (the same
located messages as the command line), which is exactly Starlette's level; the OpenAPI document is
written here by hand, and the docs page is rendered on the server, so no script or style comes
from a CDN and the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, NamedTuple

import orjson

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from riskcheck import __version__
from riskcheck.case import Case, load_case
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import languages, text
from riskcheck.loading import decode, parse
from riskcheck.render import render_entries
from riskcheck.render.html_sheet import HtmlRenderer
from riskcheck.render.jsonl import JsonlRenderer
from riskcheck.report import FORMAT, Summary, case_summary
from riskcheck.vocabulary import SEVERITIES
from riskcheck.web import form as forms
from riskcheck.web import page
from riskcheck.web.openapi import OPENAPI, docs_page
from riskcheck.web.service import BodyReader, Busy, Service, TooSlow, items_in_thread
from riskcheck.web.settings import Settings

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"x-frame-options", b"DENY"), (b"cache-control", b"no-store"),
           (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
           (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()")]
AUDIT_CHUNK = 16
DRAIN = 8 << 20
"""Bytes of a too large body read (and dropped) before its 413 is sent; see ``too_large``."""
"""Cases evaluated per trip to the engine thread in an audit stream."""
access_log = logging.getLogger("riskcheck.web.access")


class Problem(Exception):
    """A request we refuse: status and one line (JSON for the API, a page for the browser)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def choose_lang(request: Request) -> str:
    """``?lang=``, else the first language of ``Accept-Language`` we have, else Japanese."""
    asked = request.query_params.get("lang")
    if asked in languages():
        return asked
    ranked = []
    for n, part in enumerate(request.headers.get("accept-language", "").split(",")):
        code, _, params = part.strip().partition(";")
        q = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0
        primary = code.strip().lower().split("-")[0]
        if primary in languages() and q > 0:
            ranked.append((-q, n, primary))
    return min(ranked)[2] if ranked else languages()[0]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    # Uploaded files stay in memory: forms are at most twice a case's size, below this spool threshold,
    # so nothing a candidate sends is ever written to the server's disk, not even as a temporary file.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, 2 * settings.max_bytes + 1)
    service = Service(settings)

    # Helpers shared by the routes.

    def api_options(request: Request) -> tuple[str, str]:
        lang = request.query_params.get("lang") or "en"
        fail_on = request.query_params.get("fail_on") or "high"
        if lang not in languages():
            raise Problem(400, f"lang: must be one of {', '.join(languages())}")
        if fail_on not in SEVERITIES:
            raise Problem(400, f"fail_on: must be one of {', '.join(SEVERITIES)}")
        return lang, fail_on

    def authorize(request: Request) -> None:
        if settings.token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
            raise Problem(401, "a bearer token is required (Authorization: Bearer TOKEN)",
                          {"WWW-Authenticate": 'Bearer realm="riskcheck"'})

    async def body(request: Request, limit: int) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise Problem(400, "Content-Length is not a number")
            if int(declared) > limit:
                await too_large(request, limit, 0 if int(declared) <= DRAIN else DRAIN)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                await too_large(request, limit, size)
            chunks.append(chunk)
        return b"".join(chunks)

    async def too_large(request: Request, limit: int, read: int) -> None:
        """413, once the rest of the body is read and dropped, up to ``DRAIN`` bytes in all: a client still
        sending then reads the answer, where a server closing on unread data resets the connection and a
        client such as Python's urllib sees only a broken pipe. Beyond ``DRAIN``, the answer goes at once."""
        if read < DRAIN:
            async for chunk in request.stream():
                read += len(chunk)
                if read >= DRAIN:
                    break
        raise Problem(413, f"the request is larger than {limit:,} bytes")

    async def checked(lang: str, fail_on: str, work: Callable[[], Any]) -> Any:
        """``work`` on the engine thread, within a slot and the time limit."""
        deadline = service.acquire()
        try:
            return await service.run(deadline, work)
        finally:
            service.release()

    def check_case_entry(case: Case, lang: str, fail_on: str) -> dict[str, Any]:
        return service.check_case(case, lang, fail_on)

    def report(entry: dict[str, Any]) -> bytes:
        """Report format 1 for one case: the content of ``check --format json``, encoded compactly by orjson
        (Python's encoder cost a tenth of evaluating the case, orjson a hundredth). Keys keep their order, so
        the same case gives the same bytes; validation bounds every number of a case, well within orjson's
        64-bit integers."""
        summary = Summary()
        summary.add(case_summary(entry))
        return orjson.dumps({"riskcheck": FORMAT, "generator": f"riskcheck {__version__}",
                             "rule_packs": service.packs(), "cases": [entry], "summary": summary.to_dict()})

    def sheet_html(entry: dict[str, Any], lang: str) -> str:
        out = io.StringIO()
        render_entries(HtmlRenderer, out, [entry], packs=service.packs(), lang=lang, fail_on="low")
        return out.getvalue()

    # The API.

    async def api_check(request: Request) -> Response:
        authorize(request)
        lang, fail_on = api_options(request)
        source = request.query_params.get("name") or "request.json"

        def work(raw: bytes) -> dict[str, Any]:
            checker = service.checker(lang)
            try:
                doc = parse(decode(raw, source), source, "json")
            except RiskcheckError as exc:
                return checker.failed(_stem(source), source, exc).to_dict(fail_on)
            return service.check_document(doc, lang, fail_on, _stem(source))

        deadline = service.acquire()
        try:
            raw = await service.within(deadline, body(request, settings.max_bytes))
            entry = await service.run(deadline, work, raw)
        finally:
            service.release()
        return Response(report(entry), 422 if entry["status"] == "error" else 200,
                        media_type="application/json")

    async def api_audit(request: Request) -> Response:
        authorize(request)
        lang, fail_on = api_options(request)
        kind = request.query_params.get("format") or (
            "csv" if "csv" in request.headers.get("content-type", "") else "jsonl")
        if kind not in ("jsonl", "csv"):
            raise Problem(400, "format: must be jsonl or csv")
        name = request.query_params.get("name") or f"request.{kind}"
        deadline = service.acquire()
        try:
            stream = audit_stream(request, lang, fail_on, kind, name, deadline)
            return LinesResponse(stream)
        except BaseException:
            service.release()
            raise

    async def audit_stream(request: Request, lang: str, fail_on: str, kind: str, name: str,
                           deadline: float) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        reader = BodyReader()
        items: asyncio.Queue[Any] = asyncio.Queue()
        space, stop = threading.Semaphore(AUDIT_CHUNK * 4), threading.Event()
        feeding = asyncio.ensure_future(reader.feed(request.stream()))
        items_in_thread(reader, kind, name, loop, items, space, stop)
        count = 0
        try:
            done = False
            while not done:
                chunk = [await items.get()]
                while len(chunk) < AUDIT_CHUNK and not items.empty():
                    chunk.append(items.get_nowait())
                space.release(len(chunk))
                if chunk[-1] is None or isinstance(chunk[-1], BaseException):
                    done = True
                    last = chunk.pop()
                    if isinstance(last, BaseException):
                        chunk.append(last)
                todo = [item for item in chunk if not isinstance(item, BaseException)]
                numbers = list(range(count + 1, count + 1 + len(todo)))
                count += len(todo)
                if todo:
                    try:
                        lines = await service.run(deadline, service.audit_lines, todo, numbers, lang, fail_on)
                    except TooSlow:
                        yield _stream_error(name, text("web.api.time_limit", "en", seconds=settings.time_limit),
                                            fail_on)
                        return
                    yield b"".join(lines)
                if chunk and isinstance(chunk[-1], BaseException):
                    yield _stream_error(name, f"{name}: the request body could not be read", fail_on)
        finally:
            feeding.cancel()
            stop.set()
            space.release()
            service.release()

    def _stream_error(name: str, message: str, fail_on: str) -> bytes:
        entry = {"id": _stem(name), "source": name, "status": "error", "findings": [], "error": message}
        return JsonlRenderer.encode(entry, fail_on)

    async def api_packs(request: Request) -> Response:
        authorize(request)
        return JSONResponse({"riskcheck": 1, "rule_packs": service.packs_detail()})

    async def api_schema(request: Request) -> Response:
        authorize(request)
        from riskcheck.schema import json_schema

        return JSONResponse(json_schema("case"), media_type="application/schema+json")

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def docs(request: Request) -> Response:
        return HTMLResponse(docs_page())

    # The page.

    async def home(request: Request) -> Response:
        lang = choose_lang(request)
        return HTMLResponse(page.form_page(lang, forms.blank(lang)))

    async def submit(request: Request) -> Response:
        lang = choose_lang(request)
        form = await read_form(request)
        values = forms.from_form(form)
        action = str(form.get("action") or "check")
        if action == "merge_notice":
            return await merge_notice(lang, form, values)
        if action.startswith("add:"):
            group = action[4:]
            if group in forms.REPEATED:
                forms.add_row(values, group)
            return HTMLResponse(page.form_page(lang, values, focus=group))
        if action.startswith("remove:"):
            _, group, row = (action.split(":") + ["", ""])[:3]
            if group in forms.REPEATED and row.isdigit():
                forms.remove_row(values, group, int(row))
            return HTMLResponse(page.form_page(lang, values))
        return await answer(lang, values, lambda: forms.to_case(values, lang))

    async def answer(lang: str, values: forms.Values, make_case: Any) -> Response:
        """The result page for the case ``make_case`` builds from the form, or the form again with its
        problems (422)."""
        from riskcheck.casefile import dump_case

        try:
            case = make_case()
        except forms.FormErrors as exc:
            return HTMLResponse(page.form_page(lang, values, exc.errors), 422)
        except RiskcheckError as exc:
            return HTMLResponse(page.form_page(lang, values, problem=str(exc)), 422)
        entry = await checked(lang, "high", lambda: check_case_entry(case, lang, "high"))
        return HTMLResponse(page.result_page(lang, entry, dump_case(case, lang), "high"))

    async def notice(request: Request) -> Response:
        """Read an uploaded notice (in memory: its bytes never reach the disk) and show what it states next
        to the form, with the form's answers kept; nothing is merged yet."""
        from datetime import date

        from riskcheck.read import read_document
        from riskcheck.read.preview import preview_reading, reading_to_json

        lang = choose_lang(request)
        form = await read_form(request)
        values = forms.from_form(form)
        values.pop("notice", None)
        upload_file = form.get("notice")
        if not isinstance(upload_file, Uploaded) or not upload_file.filename:
            return HTMLResponse(page.form_page(lang, values, problem=text("web.notice.none", lang)), 422)
        if len(upload_file.data) > settings.max_bytes:
            raise Problem(413, text("web.upload.too_large", lang, limit=f"{settings.max_bytes:,}"))
        name = Path(upload_file.filename).name[:200] or "notice.txt"
        try:
            reading = await asyncio.to_thread(read_document, name, None, lang, (), upload_file.data)
        except RiskcheckError as exc:
            return HTMLResponse(page.form_page(lang, values, problem=str(exc)), 422)
        try:
            data = forms.to_case(values, lang).model_dump(by_alias=True, exclude_none=True)
        except (forms.FormErrors, RiskcheckError):
            data = {}  # answers still to correct: the notice is shown against none of them
        shown = preview_reading(data, reading, date.today(), lang)
        section = page.notice_section(lang, shown, reading_to_json(reading))
        return HTMLResponse(page.form_page(lang, values, notice=section, focus="notice"))

    async def merge_notice(lang: str, form: FormData, values: forms.Values) -> Response:
        """Merge the notice read before into the form's answers (as ``read --into``: unknowns filled, the
        candidate's answers kept, differences recorded in the document's statements) and check the case."""
        from datetime import date

        from riskcheck.loading import Document
        from riskcheck.read.merge import merge_data
        from riskcheck.read.preview import reading_from_json

        values.pop("notice_reading", None)
        values.pop("notice", None)
        try:
            reading = reading_from_json(str(form.get("notice_reading") or ""))
        except ValueError:
            return HTMLResponse(page.form_page(lang, values, problem=text("web.notice.bad_reading", lang)), 422)

        def merged() -> Any:
            case = forms.to_case(values, lang)
            data = case.model_dump(by_alias=True, exclude_none=True)
            merge_data(data, reading, date.today())
            return load_case(Document(data, text("web.form.source", lang)), case.id or "offer")

        return await answer(lang, values, merged)

    async def read_form(request: Request) -> FormData:
        """The submitted form, an uploaded file already read into memory (and its spool closed)."""
        request._body = await body(request, settings.max_bytes * 2)  # Starlette's .form() reads it from here
        try:
            form = await request.form(max_files=1, max_fields=5000, max_part_size=settings.max_bytes)
        except Exception as exc:  # a malformed body: the multipart parser's own errors
            raise Problem(400, f"the form could not be read ({type(exc).__name__})") from None
        try:
            items: list[tuple[str, Any]] = []
            for key, value in form.multi_items():
                if isinstance(value, str):
                    items.append((key, value))
                else:
                    items.append((key, Uploaded(value.filename or "", await value.read(settings.max_bytes + 1))))
        finally:
            await form.close()
        return FormData(items)

    async def case_from(request: Request, lang: str) -> Case:
        """The case a result page sent back (``case``: its YAML)."""
        form = await read_form(request)
        raw = form.get("case")
        if not isinstance(raw, str) or not raw.strip():
            raise Problem(400, text("web.error.no_case", lang))
        return load_case(parse(raw, text("web.form.source", lang) + ".yaml"), "offer")

    async def edit(request: Request) -> Response:
        lang = choose_lang(request)
        try:
            case = await case_from(request, lang)
        except RiskcheckError as exc:
            return HTMLResponse(page.form_page(lang, forms.blank(lang), problem=str(exc)), 422)
        return HTMLResponse(page.form_page(lang, forms.from_case(case)))

    async def upload(request: Request) -> Response:
        lang = choose_lang(request)
        form = await read_form(request)
        upload_file = form.get("file")
        if not isinstance(upload_file, Uploaded) or not upload_file.filename:
            return HTMLResponse(page.form_page(lang, forms.blank(lang), problem=text("web.upload.none", lang)), 422)
        raw = upload_file.data
        if len(raw) > settings.max_bytes:
            raise Problem(413, text("web.upload.too_large", lang, limit=f"{settings.max_bytes:,}"))
        name = Path(upload_file.filename).name[:200] or "upload.yaml"
        try:
            case = load_case(parse(decode(raw, name), name), Path(name).stem)
        except RiskcheckError as exc:
            return HTMLResponse(page.form_page(lang, forms.blank(lang), problem=str(exc)), 422)
        return HTMLResponse(page.form_page(lang, forms.from_case(case)))

    async def sheet(request: Request) -> Response:
        return await _sheet(request, download=False)

    async def download_sheet(request: Request) -> Response:
        return await _sheet(request, download=True)

    async def _sheet(request: Request, download: bool) -> Response:
        lang = choose_lang(request)
        try:
            case = await case_from(request, lang)
        except RiskcheckError as exc:
            raise Problem(422, str(exc)) from None
        entry = await checked(lang, "low", lambda: check_case_entry(case, lang, "low"))
        html = sheet_html(entry, lang)
        styles = re.findall(r"<style>(.*?)</style>", html, re.S)
        hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                          for s in styles)
        headers = {"Content-Security-Policy": CSP.replace("style-src 'self'", f"style-src {hashes}")}
        if download:
            headers["Content-Disposition"] = f'attachment; filename="{_filename(case, "questions", "html")}"'
        return HTMLResponse(html, headers=headers)

    async def download_case(request: Request) -> Response:
        lang = choose_lang(request)
        try:
            case = await case_from(request, lang)
        except RiskcheckError as exc:
            raise Problem(422, str(exc)) from None
        from riskcheck.casefile import checked_dump

        return Response(checked_dump(case, lang, "offer.yaml"), media_type="application/yaml; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{_filename(case, "offer", "yaml")}"'})

    routes = [  # matched in turn: the API's busiest route first
        Route("/api/v1/check", api_check, methods=["POST"]),
        Route("/api/v1/audit", api_audit, methods=["POST"]),
        Route("/", home, methods=["GET"]),
        Route("/", submit, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/notice", notice, methods=["POST"]),
        Route("/edit", edit, methods=["POST"]),
        Route("/sheet", sheet, methods=["POST"]),
        Route("/download/sheet", download_sheet, methods=["POST"]),
        Route("/download/case", download_case, methods=["POST"]),
        Route("/api/v1/packs", api_packs, methods=["GET"]),
        Route("/api/v1/schema/case", api_schema, methods=["GET"]),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def problem_response(request: Request, exc: Exception) -> Response:
        status, message, headers = 500, "internal error", {}
        if isinstance(exc, Problem):
            status, message, headers = exc.status, exc.message, exc.headers
        elif isinstance(exc, Busy):
            status, message, headers = 503, text("web.api.busy", "en"), {"Retry-After": "1"}
        elif isinstance(exc, TooSlow):
            status, message = 503, text("web.api.time_limit", "en", seconds=settings.time_limit)
        elif getattr(exc, "status_code", None):
            status, message = exc.status_code, str(getattr(exc, "detail", "")) or "error"  # type: ignore[attr-defined]
        if request.url.path.startswith("/api/") or request.url.path == "/healthz":
            return JSONResponse({"error": message, "status": status}, status, headers=headers)
        lang = choose_lang(request)
        if isinstance(exc, Busy):
            message = text("web.error.busy", lang)
        return HTMLResponse(page.error_page(lang, status, message), status, headers=headers)

    async def crash(request: Request, exc: Exception) -> Response:
        logging.getLogger("riskcheck.web").exception("unexpected error on %s", request.url.path)
        return await problem_response(request, exc)

    app = Starlette(routes=routes, exception_handlers={Problem: problem_response, Busy: problem_response,
                                                      TooSlow: problem_response, 404: problem_response,
                                                      405: problem_response, 400: problem_response,
                                                      Exception: crash})
    app.state.service = service
    app.state.settings = settings
    return _secure(_logged(app))


class Uploaded(NamedTuple):
    filename: str
    data: bytes


class LinesResponse(Response):
    """JSON Lines streamed out while the request body is still being read in (Starlette's
    ``StreamingResponse`` would also listen for a disconnect on ``receive``, taking the body's messages;
    here the body reader sees a disconnect itself)."""

    media_type = "application/x-ndjson; charset=utf-8"

    def __init__(self, lines: AsyncIterator[bytes]):
        super().__init__(None, 200)
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]  # streamed: chunked
        self.lines = lines

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        try:
            async for chunk in self.lines:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def _stem(source: str) -> str:
    return Path(source).stem or "case"


def _filename(case: Case, fallback: str, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", case.id or "").strip("-.") or fallback
    return f"{stem[:60]}.{suffix}"


ASGI = Callable[[dict[str, Any], Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[None]]],
                Awaitable[None]]


def _secure(app: Any) -> ASGI:
    """Every response gets the security headers (a handler's own Content-Security-Policy wins)."""
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(h for h in HEADERS if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)
    wrapped.state = app.state  # type: ignore[attr-defined]
    return wrapped


def _logged(app: Any) -> Any:
    """Access log lines: method, path (never the query string), status, bytes out, milliseconds."""
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.monotonic()
        status, size = 0, 0

        async def counting(message: dict[str, Any]) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, counting)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info('%s "%s %s" %s %s %.0fms', client[0], scope["method"], scope["path"], status or 500,
                            size, (time.monotonic() - start) * 1000)
    wrapped.state = app.state  # type: ignore[attr-defined]
    return wrapped

