"""Helpers for the input tests: cases as table rows, CSV and xlsx files written by real writers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml

from conftest import EXAMPLES, run_cli
from riskcheck.inputs.columns import resolve
from riskcheck.inputs.table import row_of


def example_cases() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]


def flatten(case: dict[str, Any], native: bool = False) -> dict[str, Any]:
    """A case as one table row by column key (``riskcheck.inputs.table.row_of``), every column known."""
    row = row_of(case, native)
    assert all(resolve(key) for key in row), [key for key in row if not resolve(key)]
    return row


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def csv_text(rows: list[dict[str, Any]], headers: dict[str, str] | None = None) -> str:
    columns = columns_of(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([(headers or {}).get(c, c) for c in columns])
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], suffix_check: bool = True) -> str:
    """A workbook written by openpyxl: ``sheets`` maps a sheet's title to its rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return str(path)


def table(rows: list[dict[str, Any]], headers: dict[str, str] | None = None) -> list[list[Any]]:
    columns = columns_of(rows)
    return [[(headers or {}).get(c, c) for c in columns]] + [[row.get(c) for c in columns] for row in rows]


def audit(*args: str, input: str | None = None) -> tuple[int, list[dict[str, Any]], str]:
    """``audit --format jsonl --jobs 1 --lang en``: exit code, entries, stderr."""
    result = run_cli("audit", *args, "--format", "jsonl", "--jobs", "1", "--lang", "en", "--today", "2026-11-24",
                     input=input)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def rules_of(entry: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in entry["findings"])
