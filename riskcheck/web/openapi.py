"""The API's OpenAPI 3.1 document, written out (five endpoints), and a docs page rendered from it.

The docs page is plain HTML from the server: no Swagger UI from a CDN, so it works offline and
under the strict Content-Security-Policy.
"""

from __future__ import annotations

from html import escape
from typing import Any

from riskcheck import __version__

_QUERY = [
    {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["ja", "en"], "default": "en"},
     "description": "Language of the findings (as `--lang`)."},
    {"name": "fail_on", "in": "query",
     "schema": {"type": "string", "enum": ["blocker", "high", "medium", "low"], "default": "high"},
     "description": "Lowest severity that makes a case's status `findings` (as `--fail-on`)."},
    {"name": "name", "in": "query", "schema": {"type": "string"},
     "description": "The source name errors and entries carry (default `request.json`, `request.jsonl`, "
                    "`request.csv`)."},
]
_ERROR = {"description": "Refused: the body says why.",
          "content": {"application/json": {"schema": {"type": "object", "properties": {
              "error": {"type": "string"}, "status": {"type": "integer"}}}}}}
_REPORT = {"type": "object", "description": "Report format 1 (docs/report-format.md)."}
_COMMON = {"401": _ERROR, "413": _ERROR, "503": _ERROR}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "riskcheck API", "version": __version__,
             "description": "The confirmations still missing before a job offer in Japan is accepted. "
                            "Nothing sent here is stored. When the server was started with a token, every "
                            "/api/ request needs `Authorization: Bearer TOKEN`. Limits: 1 MB per case (413), "
                            "a batch limit per audit request, a time limit per request, and a concurrency "
                            "limit (503 with Retry-After when saturated)."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/check": {"post": {
            "summary": "Check one case",
            "description": "A case (JSON, case format 1) in; report format 1 out, the same as "
                           "`riskcheck check --format json`. An invalid case is a 422 whose report has "
                           "`status: error` and the command line's located message.",
            "parameters": _QUERY,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "/api/v1/schema/case"}}}},
            "responses": {"200": {"description": "The report.", "content": {"application/json": {"schema": _REPORT}}},
                          "422": {"description": "Not a valid case: the report with status error.",
                                  "content": {"application/json": {"schema": _REPORT}}},
                          "400": _ERROR, **_COMMON}}},
        "/api/v1/audit": {"post": {
            "summary": "Check many cases, streamed",
            "description": "JSON Lines (one case per line) or CSV (the columns of `riskcheck audit`) in, "
                           "streamed; one JSON line per input case out, in input order, exactly as "
                           "`riskcheck audit --format jsonl`. Nothing is dropped: an unreadable line, a case "
                           "past the batch limit and a case over 1 MB each get an error line.",
            "parameters": [*_QUERY, {"name": "format", "in": "query",
                                     "schema": {"type": "string", "enum": ["jsonl", "csv"]},
                                     "description": "Input format (default: from Content-Type, else jsonl)."}],
            "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                                          "text/csv": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "One report entry per line.",
                                  "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                          "400": _ERROR, **_COMMON}}},
        "/api/v1/packs": {"get": {"summary": "The rule packs loaded",
                                  "responses": {"200": {"description": "Name, version, description, rules.",
                                                        "content": {"application/json": {}}}, "401": _ERROR}}},
        "/api/v1/schema/case": {"get": {"summary": "The JSON Schema of a case",
                                        "responses": {"200": {"description": "JSON Schema draft 2020-12.",
                                                              "content": {"application/schema+json": {}}},
                                                      "401": _ERROR}}},
        "/healthz": {"get": {"summary": "Liveness", "security": [],
                             "responses": {"200": {"description": "`{\"status\": \"ok\"}`",
                                                   "content": {"application/json": {}}}}}},
    },
}


def docs_page() -> str:
    rows = []
    for path, methods in OPENAPI["paths"].items():
        for method, op in methods.items():
            params = "".join(f"<li><code>{escape(p['name'])}</code>: {escape(p.get('description', ''))}</li>"
                             for p in op.get("parameters", []))
            codes = ", ".join(escape(code) for code in op["responses"])
            rows.append(f"<section><h2><code>{method.upper()} {escape(path)}</code></h2>"
                        f"<p><strong>{escape(op['summary'])}</strong>. {escape(op.get('description', ''))}</p>"
                        + (f"<ul>{params}</ul>" if params else "") + f"<p>Responses: {codes}</p></section>")
    info = OPENAPI["info"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(info['title'])}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>"
            f"<body><main class=\"docs\"><h1>{escape(info['title'])} {escape(info['version'])}</h1>"
            f"<p>{escape(info['description'])}</p><p><a href=\"/api/v1/openapi.json\">openapi.json</a></p>"
            + "".join(rows) + "</main></body></html>\n")
