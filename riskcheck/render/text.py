"""The candidate's view in a terminal: findings grouped by the person to ask, most severe first."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

import click

from riskcheck.render import Renderer
from riskcheck.vocabulary import SEVERITIES, label

WORDS = {
    "en": {"go_to": "To confirm with: {who}", "or": " or ", "why": "Why", "ask": "Ask",
           "form": "{form}, at the {stage}", "form_any": "{form}", "nothing": "No missing confirmations found.",
           "waived": "Waived (accepted risk)", "error": "Could not check this case",
           "summary": "{cases} case(s): {ok} ok, {findings} with findings, {errors} error(s); "
                      "findings: {counts}", "expired": "waiver expired {date}: {reason}",
           "waived_by": "accepted by {by} until {date}: {reason}", "below": "below --fail-on, for information"},
    "ja": {"go_to": "確認する相手: {who}", "or": "または", "why": "理由", "ask": "質問例",
           "form": "{form}確認（{stage}で）", "form_any": "{form}確認", "nothing": "不足している確認は見つかりませんでした。",
           "waived": "受け入れ済みのリスク（waiver）", "error": "このケースは確認できませんでした",
           "summary": "{cases}件: 問題なし{ok}件、指摘あり{findings}件、エラー{errors}件; 指摘: {counts}",
           "expired": "waiver の期限切れ（{date}）: {reason}", "waived_by": "{by} が {date} まで受け入れ: {reason}",
           "below": "--fail-on 未満（参考）"},
}
STYLE = {"blocker": {"fg": "red", "bold": True}, "high": {"fg": "red"}, "medium": {"fg": "yellow"}, "low": {}}


def use_colour(out: Any) -> bool | None:
    """Colour on a terminal unless NO_COLOR is set (None lets click decide by the stream)."""
    return False if os.environ.get("NO_COLOR") else None


_TOKEN = re.compile(r"\s+|[!-~]+|.")
_NO_LINE_START = set("、。，．,.)）」』】〕！？!?:：；;ー")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """Lines of at most ``width`` columns: English breaks between words, Japanese between characters,
    never before closing punctuation."""
    lines = [indent]
    used = display_width(indent)
    for token in _TOKEN.findall(" ".join(text.split())):
        size = display_width(token)
        at_start = lines[-1] in (indent, subsequent)
        if token.isspace():
            if not at_start:
                lines[-1] += " "
                used += 1
            continue
        if used + size > width and not at_start and token[0] not in _NO_LINE_START:
            lines[-1] = lines[-1].rstrip()
            lines.append(subsequent)
            used = display_width(subsequent)
        lines[-1] += token
        used += size
    return [line.rstrip() for line in lines]


def groups(findings: list[dict[str, Any]]) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Findings grouped by who to confirm with, groups ordered by their most severe finding."""
    by_who: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for finding in findings:
        by_who.setdefault(tuple(finding["confirm_with"]), []).append(finding)
    return sorted(by_who.items(), key=lambda item: (min(SEVERITIES.index(f["severity"]) for f in item[1]), item[0]))


class TextRenderer(Renderer):
    width = 88

    def echo(self, text: str = "", **style: Any) -> None:
        click.echo(click.style(text, **style) if style else text, file=self.out, color=use_colour(self.out))

    def wrap(self, text: str, indent: str) -> str:
        return "\n".join(wrap(text, self.width, indent, indent + "  "))

    def case(self, entry: dict[str, Any]) -> None:
        words = WORDS[self.lang]
        self.echo(f"== {entry['id']}  ({entry['source']})", bold=True)
        if entry["status"] == "error":
            self.echo(f"{words['error']}: {entry['error']}", fg="red")
            self.echo()
            return
        active = [f for f in entry["findings"] if "waived" not in f]
        if not active:
            self.echo(words["nothing"], fg="green")
        threshold = SEVERITIES.index(self.fail_on)
        for who, findings in groups(active):
            self.echo()
            self.echo(words["go_to"].format(who=words["or"].join(label(w, self.lang) for w in who)), bold=True)
            for f in findings:
                tag = f"[{label(f['severity'], self.lang).upper() if self.lang == 'en' else label(f['severity'], 'ja')}]"
                note = "" if SEVERITIES.index(f["severity"]) <= threshold else f"  ({words['below']})"
                self.echo(f"  {tag} " + click.style(label(f["topic"], self.lang), bold=True) + note,
                          **STYLE[f["severity"]])
                self.echo(self.wrap(f["message"], "    "))
                self.echo(self.wrap(f"{words['why']}: {f['basis']}", "    "))
                form = label(f["form"], self.lang)
                self.echo("    " + (words["form"].format(form=form, stage=label(f["raise_at"], self.lang))
                                    if f.get("raise_at") else words["form_any"].format(form=form)))
                self.echo(self.wrap(f"{words['ask']}: {f['ask']}", "    "), fg="cyan")
                if "waiver_expired" in f:
                    w = f["waiver_expired"]
                    self.echo("    " + words["expired"].format(date=w["expires"], reason=w["reason"]), fg="yellow")
        waived = [f for f in entry["findings"] if "waived" in f]
        if waived:
            self.echo()
            self.echo(words["waived"], bold=True)
            for f in waived:
                w = f["waived"]
                self.echo(f"  {f['rule']}: " + words["waived_by"].format(by=w["accepted_by"], date=w["expires"],
                                                                         reason=w["reason"]))
        self.echo()

    def finish(self, summary: dict[str, Any]) -> None:
        counts = ", ".join(f"{n} {label(s, self.lang)}" for s, n in summary["by_severity"].items())
        self.echo(WORDS[self.lang]["summary"].format(counts=counts, **summary))
