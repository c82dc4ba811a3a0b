"""The question sheet as Markdown: tick boxes (``- [ ]``) and room for each answer."""

from __future__ import annotations

import re
from typing import Any

from riskcheck.render import Renderer, register
from riskcheck.render.sheet import (build, evidence_text, form_text, say, severity_text, topic_text, waived_text,
                                    who_text, written_text)
from riskcheck.report import CaseReport

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """One line of literal text: Markdown punctuation and ``<`` backslash-escaped, no raw HTML."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@register("markdown", "check")
class MarkdownRenderer(Renderer):
    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")

    def say(self, key: str, **fields: Any) -> str:
        return say(key, self.lang, **fields)

    def report(self, case: CaseReport) -> None:
        lang = self.lang
        sheet = build(case)
        self.write(f"# {self.say('title')}")
        self.write()
        self.write(f"{self.say('case')}: {escape(sheet.id)}  ")
        self.write(f"{self.say('company')}: ______________________  {self.say('date')}: ____________  ")
        self.write(f"{self.say('met')}: ______________________________")
        self.write()
        if sheet.error is not None:
            self.write(f"**{self.say('error')}:** {escape(sheet.error)}")
            self.write()
            return
        self.write(escape(self.say("intro")))
        self.write()
        if not sheet.groups:
            self.write(escape(self.say("nothing")))
            self.write()
        for number, group in enumerate(sheet.groups, 1):
            self.write(f"## {number}. {escape(self.say('ask', who=who_text(group.who, lang)))}")
            self.write()
            for section in group.sections:
                self.write(f"### {escape(self.say('phase.' + section.phase))}")
                self.write()
                for q in section.questions:
                    self.write(f"- [ ] **{escape(topic_text(q.topic, lang))}** · "
                               f"*{escape(severity_text(q.severity, lang))}* · {escape(form_text(q.form, lang))}")
                    self.write()
                    self.write(f"  > {escape(q.ask)}")
                    self.write()
                    evidence = evidence_text(q.evidence, lang)
                    if evidence is not None:  # the line of the read document the question rests on
                        self.write(f"  *{escape(evidence)}*")
                        self.write()
                    self.write(f"  {self.say('why')}: {escape(q.message)} {escape(q.basis)}")
                    if q.expired:
                        self.write(f"  ({escape(self.say('expired', date=q.expired))})")
                    self.write()
                    self.write(f"  {self.say('answer')}: ________________________________________________")
                    self.write()
        if sheet.written:
            self.write(f"## {escape(self.say('written'))}")
            self.write()
            self.write(escape(self.say("written_intro")))
            self.write()
            for topic, who in sheet.written:
                self.write(f"- [ ] {escape(written_text(topic, lang))} ({escape(who_text(who, lang))})")
            self.write()
        if sheet.waived:
            self.write(f"## {escape(self.say('waived'))}")
            self.write()
            for f in sheet.waived:
                self.write(f"- {escape(topic_text(f.topic, lang))} ({escape(f.rule)}): {escape(waived_text(f, lang))}")
            self.write()

    def finish(self, summary: dict[str, Any]) -> None:
        self.write("---")
        self.write()
        self.write(f"*{escape(self.say('footer', generator=self.generator))}*")
