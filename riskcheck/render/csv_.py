"""CSV for spreadsheets: one row per finding, plus one per ok or errored case; UTF-8 with a BOM (Excel)."""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from riskcheck.render import Renderer

COLUMNS = ["case", "source", "status", "rule", "severity", "topic", "confirm_with", "form", "about", "message",
           "ask", "basis", "waived", "error"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A cell Excel shows as text: a leading formula character is escaped with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class CsvRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.out.write("\ufeff")
        csv.writer(out, lineterminator="\r\n").writerow(COLUMNS)

    @staticmethod
    def encode(entry: dict[str, Any], fail_on: str) -> str:
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\r\n")
        head = [entry["id"], entry["source"], entry["status"]]
        if not entry["findings"]:
            writer.writerow([cell(v) for v in head + [""] * 10 + [entry["error"]]])
        for f in entry["findings"]:
            writer.writerow([cell(v) for v in head + [
                f["rule"], f["severity"], f["topic"], "; ".join(f["confirm_with"]), f["form"], f.get("about"),
                f["message"], f["ask"], f["basis"], "yes" if "waived" in f else "", entry["error"]]])
        return rows.getvalue()

    def case(self, encoded: str) -> None:
        self.out.write(encoded)

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.flush()
