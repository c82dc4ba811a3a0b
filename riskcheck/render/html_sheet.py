"""The question sheet as one self-contained HTML page that prints well on A4.

No scripts and no external resources; every text from a case or a rule pack is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from riskcheck.render import Renderer, register
from riskcheck.render.sheet import (Sheet, build, evidence_text, form_text, say, severity_text, topic_text,
                                    waived_text, who_text, written_text)
from riskcheck.report import CaseReport

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef0f3; color: #1d2430; font: 15px/1.6 "Segoe UI", "Hiragino Sans",
  "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic", Meiryo, system-ui, sans-serif; }
main { max-width: 210mm; margin: 24px auto; padding: 18mm 16mm; background: #fff;
  box-shadow: 0 2px 12px rgba(0, 0, 0, .12); border-radius: 4px; }
main + main { margin-top: 32px; }
h1 { font-size: 24px; margin: 0 0 6px; letter-spacing: .01em; }
h2 { font-size: 17px; margin: 26px 0 10px; padding: 6px 10px; background: #1f3a5f; color: #fff;
  border-radius: 3px; break-after: avoid; }
h2 .num { display: inline-block; min-width: 1.6em; font-weight: 700; opacity: .8; }
h3 { font-size: 13px; margin: 14px 0 6px; color: #1f3a5f; text-transform: uppercase; letter-spacing: .06em;
  border-bottom: 1px solid #c9d3e0; padding-bottom: 2px; break-after: avoid; }
.meta { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 24px; margin: 12px 0 10px; font-size: 13px; }
.meta .fill { border-bottom: 1px solid #8a94a3; min-height: 22px; }
.meta .label { color: #5b6574; font-size: 11px; }
.intro { font-size: 13px; color: #3a4452; background: #f4f6f9; border-left: 3px solid #1f3a5f;
  padding: 8px 12px; margin: 8px 0 4px; }
.q { display: grid; grid-template-columns: 22px 1fr; gap: 0 10px; padding: 10px 0 12px;
  border-bottom: 1px dashed #d5dbe3; break-inside: avoid; }
.q:last-child { border-bottom: none; }
.box { width: 16px; height: 16px; border: 2px solid #1d2430; border-radius: 2px; margin-top: 4px; }
.head { font-size: 13px; }
.topic { font-weight: 700; }
.badge { display: inline-block; font-size: 11px; padding: 0 7px; border-radius: 9px; margin-left: 6px;
  border: 1px solid currentColor; white-space: nowrap; }
.blocker { color: #b3261e; } .high { color: #b85c00; } .medium { color: #5b6574; } .low { color: #5b6574; }
.form { color: #5b6574; font-size: 12px; margin-left: 6px; }
.say { margin: 5px 0; padding: 1px 0 1px 10px; border-left: 3px solid #1f3a5f; font-size: 15px; line-height: 1.55; }
.why { font-size: 11.5px; color: #5b6574; margin: 2px 0 6px; line-height: 1.5; }
.evidence { font-size: 11.5px; color: #3a4452; margin: 2px 0 6px; padding-left: 8px; border-left: 3px solid #c9d1dc; }
.answer { font-size: 11px; color: #5b6574; }
.line { border-bottom: 1px solid #aab3bf; height: 26px; }
.written { border: 2px solid #1f3a5f; border-radius: 4px; padding: 4px 14px 10px; margin-top: 26px;
  break-inside: avoid; }
.written h2 { margin: 8px -8px 8px; }
.written ul, .waived ul { list-style: none; padding: 0; margin: 6px 0 0; }
.written li { display: flex; gap: 10px; align-items: baseline; padding: 3px 0; }
.written li .box { flex: none; width: 13px; height: 13px; margin-top: 0; }
.who { color: #5b6574; font-size: 12px; }
.waived { margin-top: 22px; color: #5b6574; font-size: 13px; break-inside: avoid; }
.waived h2 { background: #e3e7ed; color: #3a4452; }
.error { color: #b3261e; font-weight: 700; }
footer { margin-top: 24px; font-size: 11px; color: #8a94a3; text-align: center; }
@media print {
  body { background: #fff; font-size: 13px; }
  main { margin: 0; padding: 0; max-width: none; box-shadow: none; border-radius: 0; }
  main + main { break-before: page; margin-top: 0; }
  .say { font-size: 14px; }
}
"""


@register("html", "check")
class HtmlRenderer(Renderer):
    started = False

    def say(self, key: str, **fields: Any) -> str:
        return say(key, self.lang, **fields)

    def write(self, text: str) -> None:
        self.out.write(text + "\n")

    def _start(self) -> None:
        self.write(f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<meta charset="utf-8">\n'
                   f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                   f'<meta name="generator" content="{escape(self.generator)}">\n'
                   f"<title>{escape(self.say('title'))}</title>\n<style>{CSS}</style>\n</head>\n<body>")
        self.started = True

    def report(self, case: CaseReport) -> None:
        if not self.started:
            self._start()
        sheet = build(case)
        self.write("<main>")
        self.write(f"<h1>{escape(self.say('title'))}</h1>")
        self.write('<div class="meta">'
                   + "".join(f'<div><div class="label">{escape(self.say(key))}</div><div class="fill">{value}</div></div>'
                             for key, value in (("case", escape(sheet.id)), ("company", ""), ("met", ""),
                                                ("date", "")))
                   + "</div>")
        if sheet.error is not None:
            self.write(f'<p class="error">{escape(self.say("error"))}: {escape(sheet.error)}</p>\n</main>')
            return
        self.write(f'<p class="intro">{escape(self.say("intro"))}</p>')
        if not sheet.groups:
            self.write(f"<p>{escape(self.say('nothing'))}</p>")
        self._groups(sheet)
        self._written(sheet)
        self._waived(sheet)
        self.write("</main>")

    def _groups(self, sheet: Sheet) -> None:
        for number, group in enumerate(sheet.groups, 1):
            self.write(f'<section class="group"><h2><span class="num">{number}</span> '
                       f"{escape(self.say('ask', who=who_text(group.who, self.lang)))}</h2>")
            for section in group.sections:
                self.write(f'<h3 class="phase-{section.phase}">{escape(self.say("phase." + section.phase))}</h3>')
                for q in section.questions:
                    form = form_text(q.form, self.lang)
                    evidence = evidence_text(q.evidence, self.lang)
                    quoted = f'<div class="evidence">{escape(evidence)}</div>' if evidence is not None else ""
                    expired = (f'<div class="why blocker">{escape(self.say("expired", date=q.expired))}</div>'
                               if q.expired else "")
                    self.write(
                        f'<div class="q"><div class="box"></div><div>'
                        f'<div class="head"><span class="topic">{escape(topic_text(q.topic, self.lang))}</span>'
                        f'<span class="badge {escape(q.severity)}">{escape(severity_text(q.severity, self.lang))}'
                        f'</span><span class="form">{escape(form)}</span></div>'
                        f'<p class="say">{escape(q.ask)}</p>'
                        f'<div class="why">{escape(self.say("why"))}: {escape(q.message)} {escape(q.basis)}</div>'
                        f'{quoted}{expired}<div class="answer">{escape(self.say("answer"))}</div>'
                        f'<div class="line"></div><div class="line"></div></div></div>')
            self.write("</section>")

    def _written(self, sheet: Sheet) -> None:
        if not sheet.written:
            return
        items = "".join(f'<li><span class="box"></span><span>{escape(written_text(topic, self.lang))} '
                        f'<span class="who">({escape(who_text(who, self.lang))})</span></span></li>'
                        for topic, who in sheet.written)
        self.write(f'<section class="written"><h2>{escape(self.say("written"))}</h2>'
                   f'<p>{escape(self.say("written_intro"))}</p><ul>{items}</ul></section>')

    def _waived(self, sheet: Sheet) -> None:
        if not sheet.waived:
            return
        items = "".join(f"<li>{escape(topic_text(f.topic, self.lang))} ({escape(f.rule)}): "
                        f"{escape(waived_text(f, self.lang))}</li>" for f in sheet.waived)
        self.write(f'<section class="waived"><h2>{escape(self.say("waived"))}</h2><ul>{items}</ul></section>')

    def finish(self, summary: dict[str, Any]) -> None:
        if not self.started:
            self._start()
        footer = escape(self.say("footer", generator=self.generator))
        self.write(f"<footer>{footer}</footer>\n</body>\n</html>")
