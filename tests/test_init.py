"""``riskcheck init`` end to end: piped answers in, a valid, commented, round-tripping case file out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from riskcheck.case import Case
from riskcheck.casefile import dump_case, read_case, scalar
from riskcheck.loading import parse


def answers(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


# A fresh offer, pattern A of the domain notes: the role promise went to the department head.
EN = answers(
    "Sample Systems KK", "Project member", "1", "6", "2026-12-04", "2027-02-01",  # the offer
    "y", "Tanaka", "2", "no", "no",  # a department head
    "y", "Suzuki", "3", "yes", "?",  # the section manager, who assigns the work
    "y", "", "4", "n", "y",  # HR, no name
    "n",
    "In year one I join projects as a member, not as a manager",  # a promise
    "1", "1", "3", "1", "no", "none",
    "", # no more promises
    "2026-11-20", "4, 12",  # job posting received, covers salary and start date
    "2026-11-22", "salary,start_date",  # offer letter
    "no", "no", "no", "no", "no",  # nothing else
    "",  # no notice file to read
    "380,000", "3", "4-6", "no",  # salary, bonus as a past record
    "2", "30h", "60000", "?", "no",  # fixed overtime
    "3", "yes",  # probation
    "Tokyo", "?", "Project work", "?", "Two office days a week",
    "680万", "30",  # about the candidate
)
JA = answers(
    "サンプル開発株式会社", "プロジェクトリーダー候補", "正社員", "内定受領後", "2026/12/04", "不明",
    "はい", "事業部長", "部長・事業部長", "いいえ", "いいえ",
    "はい", "現場責任者", "3", "はい", "不明",
    "いいえ",
    "最初の1年はメンバーとして学びたいと伝え「それは当然です」と言われた",
    "役割", "1", "二次面接", "口頭", "いいえ", "なし",
    "",
    "いいえ", "2026-11-20", "4, 12", "いいえ", "いいえ", "いいえ", "いいえ", "いいえ",
    "",  # 通知書のファイルなし
    "38万", "過去実績のみ", "4〜6", "いいえ",
    "1", "はい", "はい",
    "0",
    "東京本社", "不明", "不明", "不明", "不明",
    "不明", "30",
)


def run_init(path: Path, text: str, *args: str) -> str:
    result = run_cli("init", str(path), *args, input=text)
    assert result.exit_code == 0, result.output
    return result.output


def test_english_interview_writes_a_valid_case(tmp_path: Path) -> None:
    path = tmp_path / "my-offer.yaml"
    output = run_init(path, EN, "--lang", "en", "--no-check")
    case = read_case(str(path))
    assert case.id == "my-offer"
    assert (case.offer.company, case.offer.employment_type, case.offer.stage) == \
        ("Sample Systems KK", "regular", "offer_received")
    assert str(case.offer.acceptance_deadline) == "2026-12-04"
    assert [(p.id, p.role, p.name, p.assigns_work, p.decides_pay) for p in case.people] == [
        ("department_head", "department_head", "Tanaka", False, False),
        ("section_manager", "section_manager", "Suzuki", True, None),
        ("hr", "hr", None, False, True)]
    promise = case.promises[0]
    assert (promise.topic, promise.by, promise.stage, promise.channel, promise.in_writing, promise.confirmed_by) == \
        ("role", "department_head", "second_interview", "verbal", False, [])
    assert [(d.kind, d.covers) for d in case.documents] == [("job_posting", ["salary", "start_date"]),
                                                            ("offer_letter", ["salary", "start_date"])]
    assert case.terms.monthly_salary == 380000
    assert (case.terms.bonus.basis, case.terms.bonus.stated_months) == ("past_record", (4, 6))
    assert (case.terms.overtime.scheme, case.terms.overtime.fixed_hours, case.terms.overtime.fixed_amount,
            case.terms.overtime.excess_paid) == ("fixed", 30, 60000, "unknown")
    assert (case.terms.probation.months, case.terms.probation.conditions_differ) == (3, "yes")
    assert case.terms.location.change_scope == "unknown"
    assert case.candidate.current_annual_income == 6_800_000
    assert "Wrote" in output and "--format html" in output


def test_japanese_interview_writes_a_valid_commented_case(tmp_path: Path) -> None:
    path = tmp_path / "内定.yaml"
    run_init(path, JA, "--lang", "ja", "--no-check")
    case = read_case(str(path))
    assert case.offer.employment_type == "regular" and case.offer.stage == "offer_received"
    assert case.offer.start_date is None
    assert [(p.role, p.assigns_work) for p in case.people] == [("department_head", False), ("section_manager", True)]
    assert case.promises[0].said is not None and "「それは当然です」" in case.promises[0].said
    assert case.promises[0].stage == "second_interview"
    assert [d.kind for d in case.documents] == ["offer_letter"]
    assert case.terms.monthly_salary == 380_000 and case.terms.bonus.stated_months == (4, 6)
    assert case.terms.overtime.excess_paid == "yes" and case.terms.overtime.clause_checked
    assert case.terms.probation.months == 0 and case.terms.probation.conditions_differ == "unknown"
    text = path.read_text(encoding="utf-8")
    assert "# 会社側で会った人" in text and "role: section_manager  # 課長・現場責任者" in text


@pytest.mark.parametrize("lang,text", [("en", EN), ("ja", JA)])
def test_written_file_round_trips_and_carries_comments(tmp_path: Path, lang: str, text: str) -> None:
    path = tmp_path / "offer.yaml"
    run_init(path, text, "--lang", lang, "--no-check")
    written = path.read_text(encoding="utf-8")
    case = read_case(str(path))
    assert dump_case(case, lang) == written
    comments = [line for line in written.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 10
    assert written.startswith("# ")
    result = run_cli("check", str(path), "--format", "json")
    assert result.exit_code in (0, 1), result.output


def test_unknown_is_always_an_answer(tmp_path: Path) -> None:
    path = tmp_path / "unsure.yaml"
    unknowns = answers("?", "?", "?", "?", "?", "?", "n", "", *["?"] * 7, "?", "?", "?", "?", "?", "?", "?",
                       "?", "?", "?", "?", "?", "?", "?", "?", "?")
    run_init(path, unknowns, "--lang", "en", "--no-check")
    assert read_case(str(path)) == Case(riskcheck=1, id="unsure")


def test_invalid_answers_are_asked_again(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    text = EN.replace("\n6\n2026-12-04\n", "\nlater\n6\nnext week\n2026-12-04\n", 1) \
             .replace("\nTanaka\n2\nno\n", "\nTanaka\n2\nmaybe\nno\n", 1).replace("\n380,000\n", "\nlots\n380,000\n", 1) \
             .replace("a manager\n1\n", "a manager\n?\n99\n1\n", 1)
    output = run_init(path, text, "--lang", "en", "--no-check")
    assert "a number from the list" in output and "YYYY-MM-DD" in output and "yes, no or ?" in output
    assert "Please give a number" in output and "closest topic" in output
    case = read_case(str(path))
    assert case.offer.stage == "offer_received" and case.terms.monthly_salary == 380000
    assert case.people[0].assigns_work is False and case.promises[0].topic == "role"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_rerun_with_enter_keeps_every_answer(tmp_path: Path, example: Path, lang: str) -> None:
    path = tmp_path / example.name
    shutil.copy(example, path)
    output = run_init(path, "\n" * 300, "--lang", lang, "--no-check")
    assert read_case(str(path)) == read_case(str(example))
    assert ("Updating" if lang == "en" else "更新します") in output


def test_rerun_keeps_waivers(tmp_path: Path) -> None:
    example = EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml"
    path = tmp_path / example.name
    path.write_text(example.read_text(encoding="utf-8") + "waivers:\n  - rule: SOME-RULE\n    reason: 'Agreed: fine'\n"
                    "    accepted_by: me\n    expires: 2099-01-01\n", encoding="utf-8")
    before = read_case(str(path))
    run_init(path, "\n" * 300, "--lang", "en", "--no-check")
    assert read_case(str(path)) == before and before.waivers[0].reason == "Agreed: fine"
    assert "# Risks you decided to accept" in path.read_text(encoding="utf-8")


def test_rerun_updates_one_answer(tmp_path: Path) -> None:
    """The department head's role promise was put in writing: only that answer changes."""
    example = EXAMPLES / "role-promise-by-department-head.yaml"
    path = tmp_path / example.name
    shutil.copy(example, path)
    before = read_case(str(path))
    # 6 offer questions, 4 per person for 3 people, "add another?", then said/topic/by/stage/channel/in_writing.
    lines = [""] * 300
    lines[6 + 3 * 4 + 1 + 5] = "yes"
    run_init(path, answers(*lines), "--lang", "en", "--no-check")
    after = read_case(str(path))
    assert after.promises[0].in_writing is True
    before.promises[0].in_writing = True
    assert after == before


def test_rerun_deletes_and_adds_promises(tmp_path: Path) -> None:
    example = EXAMPLES / "role-promise-by-department-head.yaml"
    path = tmp_path / example.name
    shutil.copy(example, path)
    # 6 offer questions, 4 per person for 3 people, "add another?"; then the two promises and a new one.
    lines = [""] * 19 + ["delete"] + [""] * 7 + ["Remote two days a week", "11", "2", "5", "2", "no", "none",
                                                 ""] + [""] * 300
    run_init(path, answers(*lines), "--lang", "en", "--no-check")
    case = read_case(str(path))
    assert [p.topic for p in case.promises] == ["training", "remote"]
    assert (case.promises[1].by, case.promises[1].stage, case.promises[1].channel) == \
        ("kacho", "offer_meeting", "email")


def test_offers_the_check_and_reads_the_answer(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    result = run_cli("init", str(path), "--lang", "en", input=EN + "y\n")
    assert result.exit_code == 0
    assert "Check the offer now?" in result.output and "To confirm with: " in result.output
    path.unlink()
    result = run_cli("init", str(path), "--lang", "en", input=EN + "n\n")
    assert result.exit_code == 0 and "To confirm with: " not in result.output
    assert path.exists()


def test_end_of_input_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    result = run_cli("init", str(path), "--lang", "en", input=answers("Acme", "Engineer"))
    assert result.exit_code == 130 and "riskcheck: stopped (interrupted)" in result.output
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_an_invalid_existing_file_is_an_error_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    path.write_text("riskcheck: 1\npeople:\n  - id: a\n    rol: hr\n", encoding="utf-8")
    result = run_cli("init", str(path), "--lang", "en", input="\n" * 50)
    assert result.exit_code == 2 and "rol" in result.stderr
    assert path.read_text(encoding="utf-8").endswith("rol: hr\n")


@pytest.mark.parametrize("text", ["plain", "yes", "no", "null", "~", "123", "1.5", "2026-12-04", "a: b", "a #b",
                                  "- x", "[x]", "{x}", "'q'", '"q"', "x\ny", " lead", "trail ", "「約束」、です。",
                                  "tab\there", "\u2028", "\x85", "\\", "%x", "@x", "`x", "!x", "&x", "*x", "|", ">",
                                  "?", "", "0x10", "1_000", "1:2:3", ".inf", "TRUE", "On"])
def test_scalars_read_back_as_the_same_string(text: str) -> None:
    assert parse(f"key: {scalar(text)}\n", "test.yaml").data == {"key": text}


def test_an_unwritable_path_is_refused_before_any_question(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "offer.yaml"
    result = run_cli("init", str(missing), "--lang", "en", input=EN)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Company name" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("init", str(tmp_path), "--lang", "ja", input=JA)
    assert result.exit_code == 2 and "会社名" not in result.output


def test_answers_are_kept_when_the_save_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory disappears while the candidate answers: the answers go to a recovery file."""
    import riskcheck.cli.init as init_module

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    folder = tmp_path / "offers"
    folder.mkdir()
    path = folder / "offer.yaml"
    interview = init_module.interview

    def answer_then_lose_the_folder(*args: object) -> Case:
        case = interview(*args)  # type: ignore[arg-type]
        folder.rmdir()
        return case

    monkeypatch.setattr(init_module, "interview", answer_then_lose_the_folder)
    result = run_cli("init", str(path), "--lang", "en", "--no-check", input=EN)
    assert result.exit_code == 2
    kept = list(home.glob("riskcheck-recovered-offer-*.yaml"))
    assert len(kept) == 1 and str(kept[0]) in result.stderr
    case = read_case(str(kept[0]))
    assert case.offer.company == "Sample Systems KK" and case.terms.monthly_salary == 380000


def test_details_asks_the_new_optional_fields(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    details = answers(
        "はい",  # asked to decline other offers
        "ja, en", "2027/01/15",  # the candidate reads, earliest start
        "1,200円", "20時間", "全国転勤あり", "許可制", "はい", "3年", "650万", "1, 2, 4",  # terms
        "はい", "住宅手当", "2万", "はい", "いいえ",  # one allowance
        "はい", "入社一時金", "1年以内の退職", "いいえ",  # one repayment clause
    )
    run_init(path, JA + details, "--lang", "ja", "--no-check", "--details")
    case = read_case(str(path))
    assert case.offer.asked_to_decline_others is True
    assert case.candidate.reads == ["ja", "en"] and str(case.candidate.earliest_start) == "2027-01-15"
    terms = case.terms
    assert (terms.hourly_wage, terms.overtime.typical_hours, terms.location.relocation, terms.side_jobs) == \
        (1200, 20, "nationwide", "with_permission")
    assert (terms.retirement_allowance.exists, terms.retirement_allowance.min_years) == ("yes", 3)
    assert terms.quoted_annual_income is not None and terms.quoted_annual_income.amount == 6_500_000
    assert terms.quoted_annual_income.includes == ["base", "allowances", "bonus"]
    assert [(a.name, a.monthly, a.fixed) for a in terms.allowances] == [("住宅手当", 20000, True)]
    assert [(r.for_, r.condition) for r in terms.repayment] == [("signing_bonus", "1年以内の退職")]
    written = path.read_text(encoding="utf-8")
    assert "for: signing_bonus" in written and "relocation: nationwide  # 全国転勤あり" in written
    assert dump_case(case, "ja") == written
    # Re-run with --details and Enter everywhere: every detail is kept.
    run_init(path, "\n" * 300, "--lang", "ja", "--no-check", "--details")
    assert read_case(str(path)) == case


def test_the_catalogue_is_the_source_of_the_interview() -> None:
    """Every question's words exist in both languages, and choices are the vocabulary's own values."""
    from typing import get_args

    from riskcheck import vocabulary
    from riskcheck.i18n import messages
    from riskcheck.questions import GROUPS

    for group in GROUPS:
        assert f"question.group.{group.key}" in messages("ja") and f"question.group.{group.key}" in messages("en")
        for q in group.questions:
            for lang in ("ja", "en"):
                assert f"question.{q.key}" in messages(lang), (q.key, lang)
                if q.choice_help:
                    assert all(f"question.{q.key}.{v}" in messages(lang) for v in q.choices)
            if q.choices:
                assert any(set(q.choices) == set(get_args(getattr(vocabulary, name)))
                           for name in dir(vocabulary) if get_args(getattr(vocabulary, name, None)) or False), q.key


# ----------------------------------------------------------------------------- reading a notice file
NOTICE = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "pdf-manager.pdf"
BEFORE_NOTICE = JA.split("いいえ\n" * 5 + "\n", 1)[0]


def test_init_reads_a_notice_pdf_shows_it_then_merges(tmp_path: Path) -> None:
    """A real PDF (reportlab, Japanese CID font): what was read is shown with its lines before the
    candidate agrees; the merged case carries the statements and the filled terms."""
    path = tmp_path / "offer.yaml"
    text = BEFORE_NOTICE + "いいえ\n" * 5 + f"{tmp_path / 'nothing.pdf'}\n" + f"{NOTICE}\n" + "はい\n" + "\n" * 80
    output = run_init(path, text, "--lang", "ja", "--no-check")
    shown = output.index("労働条件通知書から読み取った内容: 30 件")
    assert "7 行目: terms.location.initial = 浜松本社工場" in output
    assert output.index("nothing.pdf") < shown < output.index("取り込みました:")
    case = read_case(str(path))
    notice = next(d for d in case.documents if d.kind == "labor_conditions_notice")
    assert len(notice.states) == 30 and notice.received is not None
    assert case.terms.location.initial == "浜松本社工場"


def test_init_shows_a_notice_but_merges_nothing_when_told_no(tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    text = BEFORE_NOTICE + "いいえ\n" * 5 + f"{NOTICE}\n" + "いいえ\n" + "\n" * 80
    output = run_init(path, text, "--lang", "ja", "--no-check")
    assert "浜松本社工場" in output and "取り込みませんでした" in output
    case = read_case(str(path))
    assert all(not d.states for d in case.documents)
    assert case.terms.location.initial != "浜松本社工場"
