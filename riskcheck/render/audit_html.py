"""The audit as one self-contained HTML page: summary counts, charts (inline SVG), cases worst first.

No scripts, no external URLs; every value is escaped. Case rows are spooled to one temporary
file per rank (errors, blocker, high, medium, low, ok) and joined at the end, so memory stays
flat and cases appear worst first, in input order within a rank.
"""

from __future__ import annotations

import shutil
import tempfile
from html import escape
from typing import IO, Any

from riskcheck.render import Renderer
from riskcheck.render.audit_text import RuleTally, severity_counts, worst
from riskcheck.vocabulary import SEVERITIES

COLOURS = {"blocker": "#b3261e", "high": "#e8710a", "medium": "#c9a100", "low": "#5f7d95", "error": "#6a1b9a",
           "ok": "#2e7d32"}
RANKS = ["error", *SEVERITIES, "ok"]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:2rem;
color:#1f1f1f;background:#fafafa}h1{margin:0 0 .2rem}.meta{color:#666;margin-bottom:1.5rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin-bottom:1.5rem}.card{background:#fff;border:1px solid #ddd;
border-radius:8px;padding:.8rem 1.2rem;min-width:8rem}.card b{display:block;font-size:1.8rem}
.charts{display:flex;gap:2rem;flex-wrap:wrap;margin-bottom:1.5rem}.chart{background:#fff;border:1px solid #ddd;
border-radius:8px;padding:1rem}.chart h2{font-size:1rem;margin:0 0 .5rem}svg text{font-size:12px;fill:#1f1f1f}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e5e5e5;padding:.4rem .6rem;
text-align:left;vertical-align:top}th{background:#f0f0f0;position:sticky;top:0}td.n{text-align:right}
.tag{display:inline-block;border-radius:4px;padding:0 .4rem;color:#fff;font-size:.85rem}
details ul{margin:.4rem 0;padding-left:1.2rem}details li{margin-bottom:.4rem}.ask{color:#444}
.src{color:#666;font-size:.85rem}
"""


def tag(name: str) -> str:
    return f'<span class="tag" style="background:{COLOURS[name]}">{escape(name)}</span>'


def bar_chart(rows: list[tuple[str, int, str]], label_width: int = 120) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    if not rows:
        return "<p>No findings.</p>"
    top = max(value for _, value, _ in rows) or 1
    width, bar = 360, 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + width + 70}" '
             f'height="{len(rows) * (bar + 6) + 4}" role="img">']
    for i, (label, value, colour) in enumerate(rows):
        y = i * (bar + 6) + 2
        length = max(round(width * value / top), 1 if value else 0)
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="{colour}" rx="3"/>'
                     f'<text x="{label_width + length + 6}" y="{y + 15}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


class AuditHtmlRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.tally = RuleTally()
        self.spools = [tempfile.TemporaryFile("w+", encoding="utf-8") for _ in RANKS]

    def case(self, entry: dict[str, Any]) -> None:
        self.tally.add(entry)
        rank = worst(entry)
        counts = severity_counts(entry)
        if entry["status"] == "error":
            detail = f'<div>{escape(entry["error"] or "")}</div>'
        elif entry["findings"]:
            items = "".join(
                f'<li>{tag(f["severity"])} <b>{escape(f["rule"])}</b>{" (waived)" if "waived" in f else ""}: '
                f'{escape(f["message"])}<div class="ask">{escape(f["ask"])}</div>'
                f'<div class="src">{escape(", ".join(f["confirm_with"]))} · {escape(f["form"])} · '
                f'{escape(f["basis"])}</div></li>' for f in entry["findings"])
            detail = f'<details><summary>{len(entry["findings"])} finding(s)</summary><ul>{items}</ul></details>'
        else:
            detail = ""
        cells = "".join(f'<td class="n">{counts[s] or ""}</td>' for s in SEVERITIES)
        self.spools[rank].write(f'<tr><td>{escape(entry["id"])}<div class="src">{escape(entry["source"])}</div></td>'
                                f'<td>{tag(RANKS[rank])}</td>{cells}<td>{detail}</td></tr>\n')

    def finish(self, summary: dict[str, Any]) -> None:
        write = self.out.write
        packs = ", ".join(f'{p["name"]} {p["version"]}' for p in self.packs)
        cards = [("cases", summary["cases"]), ("ok", summary["ok"]),
                 (f"findings at or above {self.fail_on}", summary["findings"]), ("error", summary["errors"])]
        cards += [(s, summary["by_severity"][s]) for s in SEVERITIES]
        write(f'<!DOCTYPE html>\n<html lang="{escape(self.lang)}"><head><meta charset="utf-8">'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">'
              f'<title>riskcheck audit</title><style>{STYLE}</style></head><body>\n'
              f'<h1>riskcheck audit</h1>'
              f'<div class="meta">{escape(self.generator)} · rule packs: {escape(packs)}</div>\n'
              '<div class="cards">' + "".join(
                  f'<div class="card" style="border-left:6px solid {COLOURS.get(label, "#ddd")}">'
                  f'<b>{n:,}</b>{escape(label)}</div>' for label, n in cards) + "</div>\n")
        severity_rows = [(s, summary["by_severity"][s], COLOURS[s]) for s in SEVERITIES]
        rule_rows = [(rule, n, COLOURS[severity]) for rule, n, severity in self.tally.top()]
        label_width = max([len(rule) for rule, _, _ in rule_rows] + [10]) * 8
        write('<div class="charts">'
              f'<div class="chart"><h2>Findings per severity</h2>{bar_chart(severity_rows, 80)}</div>'
              f'<div class="chart"><h2>Findings per rule</h2>{bar_chart(rule_rows, label_width)}</div></div>\n'
              '<h2>Cases, worst first</h2><table><thead><tr><th>case</th><th>worst</th>'
              + "".join(f"<th>{s}</th>" for s in SEVERITIES) + "<th>findings</th></tr></thead><tbody>\n")
        for spool in self.spools:
            spool.seek(0)
            shutil.copyfileobj(spool, self.out)
            spool.close()
        write("</tbody></table></body></html>\n")
