"""The question sheet as Markdown: tick boxes (``- [ ]``) and room for each answer."""

from __future__ import annotations

import re
from typing import Any

from riskcheck.render import Renderer
from riskcheck.render.sheet import WORDS, build, severity_text, topic_text, who_text, written_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """One line of literal text: Markdown punctuation and ``<`` backslash-escaped, no raw HTML."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


class MarkdownRenderer(Renderer):
    def write(self, line: str = "") -> None:
        self.out.write(line + "\n")

    def case(self, entry: dict[str, Any]) -> None:
        words = WORDS[self.lang]
        sheet = build(entry)
        self.write(f"# {words['title']}")
        self.write()
        self.write(f"{words['case']}: {escape(sheet.id)}  ")
        self.write(f"{words['company']}: ______________________  {words['date']}: ____________  ")
        self.write(f"{words['met']}: ______________________________")
        self.write()
        if sheet.error is not None:
            self.write(f"**{words['error']}:** {escape(sheet.error)}")
            self.write()
            return
        self.write(escape(words["intro"]))
        self.write()
        if not sheet.groups:
            self.write(escape(words["nothing"]))
            self.write()
        for number, group in enumerate(sheet.groups, 1):
            self.write(f"## {number}. {escape(words['ask'].format(who=who_text(group.who, self.lang)))}")
            self.write()
            for section in group.sections:
                self.write(f"### {escape(words[section.phase])}")
                self.write()
                for q in section.questions:
                    form = words["in_writing"] if q.form == "written" else words["verbal"]
                    self.write(f"- [ ] **{escape(topic_text(q.topic, self.lang))}** · "
                               f"*{escape(severity_text(q.severity, self.lang))}* · {escape(form)}")
                    self.write()
                    self.write(f"  > {escape(q.ask)}")
                    self.write()
                    self.write(f"  {words['why']}: {escape(q.message)} {escape(q.basis)}")
                    if q.expired:
                        self.write(f"  ({escape(words['expired'].format(date=q.expired))})")
                    self.write()
                    self.write(f"  {words['answer']}: ________________________________________________")
                    self.write()
        if sheet.written:
            self.write(f"## {escape(words['written'])}")
            self.write()
            self.write(escape(words["written_intro"]))
            self.write()
            for topic, who in sheet.written:
                self.write(f"- [ ] {escape(written_text(topic, self.lang))} ({escape(who_text(who, self.lang))})")
            self.write()
        if sheet.waived:
            self.write(f"## {escape(words['waived'])}")
            self.write()
            for f in sheet.waived:
                w = f["waived"]
                note = words["waived_by"].format(by=w["accepted_by"], date=w["expires"], reason=w["reason"])
                self.write(f"- {escape(topic_text(f['topic'], self.lang))} ({escape(f['rule'])}): {escape(note)}")
            self.write()

    def finish(self, summary: dict[str, Any]) -> None:
        self.write("---")
        self.write()
        self.write(f"*{escape(WORDS[self.lang]['footer'].format(generator=self.generator))}*")
