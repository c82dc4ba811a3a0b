"""The question sheet (markdown, html) and the terminal view, from the real rule packs and real files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, run_cli, write
from riskcheck.evaluate import Checker
from riskcheck.render import render_entries
from riskcheck.render.sheet import PHASES, build, phase_of, say
from riskcheck.report import CaseReport
from riskcheck.render.text import TextRenderer, display_width, wrap
from riskcheck.report import packs_entry

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
ROLE_CASE = EXAMPLES / "role-promise-by-department-head.yaml"
PHASE_NAMES = list(PHASES)


def report(path: Path | str, *args: str) -> dict[str, Any]:
    result = run_cli("check", str(path), "--format", "json", *args)
    return json.loads(result.stdout)["cases"][0]


def sheet(path: Path | str, fmt: str, lang: str, *args: str) -> str:
    result = run_cli("check", str(path), "--format", fmt, "--lang", lang, *args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def markdown_groups(text: str) -> list[tuple[str, list[str], list[str]]]:
    """(heading, phase headings, question topics) for each "## n." group of a markdown sheet."""
    groups = []
    for block in re.split(r"^## (?=\d+\. )", text, flags=re.M)[1:]:
        heading = block.splitlines()[0]
        body = block.split("\n## ", 1)[0]
        groups.append((heading, re.findall(r"^### (.+)$", body, flags=re.M),
                       re.findall(r"^- \[ \] \*\*(.+?)\*\*", body, flags=re.M)))
    return groups


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_sheet_groups_follow_the_meeting_order(example: Path) -> None:
    entry = report(example)
    result = build(CaseReport.from_entry(entry))
    active = [f for f in entry["findings"] if "waived" not in f]
    assert sum(len(s.questions) for g in result.groups for s in g.sections) == len(active)
    assert len({g.who for g in result.groups}) == len(result.groups)
    for group in result.groups:
        assert group.who in {tuple(f["confirm_with"]) for f in active}
        phases = [s.phase for s in group.sections]
        assert phases == sorted(phases, key=PHASE_NAMES.index)
        for section in group.sections:
            assert all(phase_of(q.topic) == section.phase for q in section.questions)
    firsts = [PHASE_NAMES.index(g.sections[0].phase) for g in result.groups]
    assert firsts == sorted(firsts)


def test_role_questions_go_to_the_person_who_assigns_the_work_first() -> None:
    text = sheet(ROLE_CASE, "markdown", "en")
    groups = markdown_groups(text)
    assert groups[0][0].startswith("1. To ask: section manager")
    assert groups[0][1][0] == say("phase.role", "en")
    for _, phases, _ in groups:
        assert phases == sorted(phases, key=[say("phase." + p, "en") for p in PHASE_NAMES].index)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_sheet_has_a_box_and_room_for_every_question(example: Path, lang: str) -> None:
    entry = report(example, "--lang", lang)
    active = [f for f in entry["findings"] if "waived" not in f]
    text = sheet(example, "markdown", lang)
    words = {key: say(key, lang) for key in ("title", "answer", "written")}
    assert text.startswith(f"# {words['title']}\n")
    questions = re.findall(r"^- \[ \] \*\*", text, flags=re.M)
    assert len(questions) == len(active)
    assert text.count(f"{words['answer']}: ____") == len(active)
    written = {f["topic"] for f in active if f["form"] == "written"}
    if written:
        tail = text.split(f"## {words['written']}", 1)[1]
        assert "労働条件通知書" in tail
        assert len(re.findall(r"^- \[ \] ", tail, flags=re.M)) == len(written)
    else:
        assert words["written"] not in text


def test_japanese_sheet_uses_japanese_headings() -> None:
    text = sheet(ROLE_CASE, "markdown", "ja")
    assert "# オファー面談で確認すること" in text and "## 1. 確認する相手: 課長・現場責任者" in text
    assert "### 役割・仕事内容" in text and "## 書面に記載してもらうこと" in text
    html = sheet(ROLE_CASE, "html", "ja")
    assert '<html lang="ja">' in html and "確認する相手" in html and "To ask" not in html


def waived_case(tmp_path: Path) -> tuple[str, str]:
    """The role example with a waiver on the rule of its first finding: (path, waived rule)."""
    rule = report(ROLE_CASE)["findings"][0]["rule"]
    text = ROLE_CASE.read_text(encoding="utf-8") + (
        f"waivers:\n  - rule: {rule}\n    reason: Talked it through with my family\n"
        "    accepted_by: me\n    expires: 2099-01-01\n")
    return write(tmp_path, "waived.yaml", text), rule


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_waived_items_are_shown_apart(tmp_path: Path, fmt: str) -> None:
    path, rule = waived_case(tmp_path)
    entry = report(path, "--today", "2026-11-23")
    waived = [f for f in entry["findings"] if "waived" in f]
    assert waived and all(f["rule"] == rule for f in waived)
    text = sheet(path, fmt, "en", "--today", "2026-11-23")
    head, _, tail = text.partition(say("waived", "en"))
    assert tail and rule in tail and "Talked it through with my family" in tail
    assert rule not in head
    boxes = r"^- \[ \] \*\*" if fmt == "markdown" else r'<div class="q">'
    assert len(re.findall(boxes, head, flags=re.M)) == len(entry["findings"]) - len(waived)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_html_sheet_is_self_contained_and_prints_on_a4(example: Path) -> None:
    html = sheet(example, "html", "en")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "@page { size: A4" in html and "@media print" in html
    assert not re.search(r"https?://|<script|<link|<img|<iframe|url\(|@import", html, flags=re.I)
    assert html.count('<div class="box">') == len([f for f in report(example)["findings"] if "waived" not in f])


def test_said_texts_are_escaped(tmp_path: Path) -> None:
    text = ROLE_CASE.read_text(encoding="utf-8").replace(
        "入社後は社内ルールとプロジェクト手法を一通り教わる前提", "<script>alert(1)</script> & <b>**bold**</b>")
    path = write(tmp_path, "hostile.yaml", text)
    assert "alert(1)" in json.dumps(report(path))
    html = sheet(path, "html", "en")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html
    markdown = sheet(path, "markdown", "en")
    assert not re.search(r"(?<!\\)<", markdown) and "**bold**" not in markdown
    assert r"\<script\>alert(1)\</script\>" in markdown


def test_unreadable_case_is_shown_on_the_sheet(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "riskcheck: 1\nofer: {}\n")
    for fmt in ("markdown", "html"):
        result = run_cli("check", path, "--format", fmt, "--lang", "en")
        assert result.exit_code == 2
        assert say("error", "en") in result.stdout and "ofer" in result.stdout


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a candidate's would."""

    def isatty(self) -> bool:
        return True


def terminal_output(checker: Checker, packs: list[Any]) -> str:
    out = Terminal()
    entry = checker.check_file(str(ROLE_CASE)).to_dict("high")
    render_entries(TextRenderer, out, [entry], packs=packs_entry(packs), lang="en", fail_on="high")
    return out.getvalue()


def test_text_is_coloured_on_a_terminal_unless_no_color(checker: Checker, packs: list[Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in terminal_output(checker, packs)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = terminal_output(checker, packs)
    assert "\x1b[" not in plain and "To confirm with" in plain
    result = run_cli("check", str(ROLE_CASE), "--lang", "en", env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_japanese_text_is_wrapped_to_the_terminal_width(checker_ja: Checker, packs: list[Any]) -> None:
    text = "面接で「最初の1年はプロジェクトメンバーとして標準的な進め方を学びたい」と伝えたところ、" * 4
    lines = wrap(text, 40, "    ", "      ")
    # closing punctuation may hang one character past the margin rather than start a line
    assert len(lines) > 3 and all(display_width(line.rstrip("、。」")) <= 40 for line in lines)
    assert "".join(line.strip() for line in lines) == text
    assert not any(line.strip()[0] in "、。」" for line in lines)
    out = io.StringIO()
    entry = checker_ja.check_file(str(ROLE_CASE)).to_dict("high")
    render_entries(TextRenderer, out, [entry], packs=packs_entry(packs), lang="ja", fail_on="high")
    assert all(display_width(line.rstrip("、。」）")) <= TextRenderer.width
               for line in out.getvalue().splitlines() if not line.startswith("=="))


def test_formats_come_from_the_registry() -> None:
    from riskcheck.render import Renderer, formats

    assert list(formats("check")) == ["text", "html", "json", "markdown"]
    assert list(formats("audit")) == ["text", "csv", "html", "json", "jsonl", "junit", "xlsx"]
    assert list(formats("test")) == ["text", "json", "junit"]
    for view in ("check", "audit", "test"):
        for name, renderer in formats(view).items():
            assert issubclass(renderer, Renderer), (view, name)
    assert formats("check")["json"] is formats("audit")["json"]


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_every_view_quotes_the_line_a_question_rests_on(fmt: str) -> None:
    """A finding on a read document shows the document's line in every view of the sheet; never under --redact."""
    case = Path(__file__).parent.parent / "fixtures" / "cases" / "notice-contradicts-promise.fires.yaml"
    evidence = next(f["evidence"] for f in report(case)["findings"] if f.get("evidence", {}).get("text"))
    shown = " ".join(run_cli("check", str(case), "--format", fmt, "--lang", "en").stdout.split())
    assert f"Evidence: written statement of working conditions, line {evidence['line']}" in shown.replace("\\", "")
    hidden = run_cli("check", str(case), "--format", fmt, "--lang", "en", "--redact").stdout
    assert evidence["text"] not in hidden
