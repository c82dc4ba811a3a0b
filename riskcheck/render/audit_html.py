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

from riskcheck.i18n import text
from riskcheck.render import Renderer, register
from riskcheck.render.audit_text import RuleTally, offer_text
from riskcheck.report import CaseReport
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


def name_of(rank_name: str, lang: str) -> str:
    """A severity or a status (``error``, ``ok``) in the audit's words."""
    return text(f"audit.severity.{rank_name}" if rank_name in SEVERITIES else f"audit.status.{rank_name}", lang)


def tag(name: str, lang: str) -> str:
    return f'<span class="tag" style="background:{COLOURS[name]}">{escape(name_of(name, lang))}</span>'


def bar_chart(rows: list[tuple[str, int, str]], lang: str, label_width: int = 120) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    if not rows:
        return f"<p>{escape(text('audit.chart.none', lang))}</p>"
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


class CompanyTally:
    """Cases and active findings per severity, per company (``None``: not stated)."""

    def __init__(self) -> None:
        self.companies: dict[str | None, list[int]] = {}
        """company -> [cases, then one count per severity, most severe first]"""

    def add(self, case: CaseReport) -> None:
        row = self.companies.setdefault(case.company, [0] * (1 + len(SEVERITIES)))
        row[0] += 1
        for i, n in enumerate(case.severity_counts().values(), 1):
            row[i] += n

    def worst_first(self) -> list[tuple[str | None, list[int]]]:
        """Most blockers first, then most high, ...; then most cases; then by name; cases not stating their
        company last."""
        return sorted(self.companies.items(),
                      key=lambda item: (item[0] is None, [-n for n in item[1][1:]], -item[1][0], item[0] or ""))

    def table(self, lang: str) -> str:
        """The HTML table, or ``""`` when no case states its company (or the report is redacted)."""
        if not any(company is not None for company in self.companies):
            return ""
        say = lambda key: escape(text(f"audit.{key}", lang))  # noqa: E731
        head = (f'<h2>{say("companies")}</h2><table class="companies"><thead><tr><th>{say("column.company")}</th>'
                f'<th>{say("column.cases")}</th>' + "".join(f"<th>{escape(name_of(s, lang))}</th>" for s in SEVERITIES)
                + "</tr></thead><tbody>\n")
        rows = "".join(f'<tr class="company"><td>{escape(company if company is not None else text("audit.company.unknown", lang))}'
                       f'</td>' + "".join(f'<td class="n">{n or ""}</td>' for n in counts) + "</tr>\n"
                       for company, counts in self.worst_first())
        return head + rows + "</tbody></table>\n"


@register("html", "audit")
class AuditHtmlRenderer(Renderer):
    def __init__(self, out: IO[str], **options: Any):
        super().__init__(out, **options)
        self.tally = RuleTally()
        self.companies = CompanyTally()
        self.spools = [tempfile.TemporaryFile("w+", encoding="utf-8") for _ in RANKS]

    def say(self, key: str, **fields: Any) -> str:
        return text(f"audit.{key}", self.lang, **fields)

    def report(self, case: CaseReport) -> None:
        lang = self.lang
        self.tally.add(case)
        self.companies.add(case)
        rank = case.rank()
        counts = case.severity_counts()
        if case.status == "error":
            detail = f'<div>{escape(case.error or "")}</div>'
        elif case.findings:
            items = "".join(
                f'<li>{tag(f.severity, lang)} <b>{escape(f.rule)}</b>'
                f'{escape(self.say("finding_waived")) if f.waived is not None else ""}: '
                f'{escape(f.message)}<div class="ask">{escape(f.ask)}</div>'
                f'<div class="src">{escape(", ".join(f.confirm_with))} · {escape(f.form)} · '
                f'{escape(f.basis)}</div></li>' for f in case.findings)
            detail = (f'<details><summary>{escape(self.say("finding_count", count=len(case.findings)))}</summary>'
                      f'<ul>{items}</ul></details>')
        else:
            detail = ""
        cells = "".join(f'<td class="n">{counts[s] or ""}</td>' for s in SEVERITIES)
        offer = offer_text(case, lang)
        offer = f'<div class="offer">{escape(offer)}</div>' if offer else ""
        self.spools[rank].write(f'<tr><td>{escape(case.id)}{offer}<div class="src">{escape(case.source)}</div></td>'
                                f'<td>{tag(RANKS[rank], lang)}</td>{cells}<td>{detail}</td></tr>\n')

    def finish(self, summary: dict[str, Any]) -> None:
        write = self.out.write
        lang = self.lang
        packs = ", ".join(f'{p["name"]} {p["version"]}' for p in self.packs)
        cards = [("", self.say("card.cases"), summary["cases"]), ("ok", name_of("ok", lang), summary["ok"]),
                 ("", self.say("card.findings", fail_on=name_of(self.fail_on, lang)), summary["findings"]),
                 ("error", name_of("error", lang), summary["errors"])]
        cards += [(s, name_of(s, lang), summary["by_severity"][s]) for s in SEVERITIES]
        write(f'<!DOCTYPE html>\n<html lang="{escape(self.lang)}"><head><meta charset="utf-8">'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">'
              f'<title>{escape(self.say("title"))}</title><style>{STYLE}</style></head><body>\n'
              f'<h1>{escape(self.say("title"))}</h1>'
              f'<div class="meta">{escape(self.say("meta", generator=self.generator, packs=packs))}</div>\n'
              '<div class="cards">' + "".join(
                  f'<div class="card" style="border-left:6px solid {COLOURS.get(colour, "#ddd")}">'
                  f'<b>{n:,}</b>{escape(label)}</div>' for colour, label, n in cards) + "</div>\n")
        severity_rows = [(name_of(s, lang), summary["by_severity"][s], COLOURS[s]) for s in SEVERITIES]
        rule_rows = [(rule, n, COLOURS[severity]) for rule, n, severity in self.tally.top()]
        label_width = max([len(rule) for rule, _, _ in rule_rows] + [10]) * 8
        write('<div class="charts">'
              f'<div class="chart"><h2>{escape(self.say("chart.severity"))}</h2>'
              f'{bar_chart(severity_rows, lang, 80)}</div>'
              f'<div class="chart"><h2>{escape(self.say("chart.rule"))}</h2>'
              f'{bar_chart(rule_rows, lang, label_width)}</div></div>\n'
              + self.companies.table(lang) +
              f'<h2>{escape(self.say("table"))}</h2><table><thead><tr><th>{escape(self.say("column.case"))}</th>'
              f'<th>{escape(self.say("column.worst"))}</th>'
              + "".join(f"<th>{escape(name_of(s, lang))}</th>" for s in SEVERITIES)
              + f'<th>{escape(self.say("column.findings"))}</th></tr></thead><tbody>\n')
        for spool in self.spools:
            spool.seek(0)
            shutil.copyfileobj(spool, self.out)
            spool.close()
        write("</tbody></table></body></html>\n")
