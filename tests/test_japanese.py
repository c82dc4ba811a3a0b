"""Japanese values wherever a case is read: the same case in codes and in Japanese is the same case."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from conftest import run_cli, write
from riskcheck import japanese
from riskcheck.case import load_case
from riskcheck.loading import load, parse
from riskcheck.vocabulary import BonusBasis, DocumentKind, EmploymentType, Role, Stage, Topic

PAIR = Path(__file__).parent / "japanese"


def findings(path: Path | str, *args: str) -> tuple[int, list[dict]]:
    result = run_cli("check", str(path), "--format", "json", "--today", "2026-11-24", *args)
    return result.exit_code, json.loads(result.stdout)["cases"][0]["findings"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_codes_and_japanese_give_identical_findings(lang: str) -> None:
    codes = findings(PAIR / "codes.yaml", "--lang", lang)
    words = findings(PAIR / "japanese.yaml", "--lang", lang)
    assert codes[0] == 1 and len(codes[1]) >= 10
    assert words == codes


def test_codes_and_japanese_read_as_the_same_case() -> None:
    codes = load_case(load(str(PAIR / "codes.yaml")), "pair")
    words = load_case(load(str(PAIR / "japanese.yaml")), "pair")
    assert words.model_dump() == codes.model_dump()


def test_json_and_csv_take_japanese_values_too(tmp_path: Path) -> None:
    data = load(str(PAIR / "japanese.yaml")).data
    as_json = write(tmp_path, "pair.json", json.dumps(data, ensure_ascii=False, default=str))
    assert findings(as_json) == findings(PAIR / "codes.yaml")
    csv = write(tmp_path, "offers.csv", "id,offer.stage,offer.employment_type,person1.role,promise1.topic,promise1.by,"
                                        "terms.monthly_salary,terms.bonus.basis\n"
                                        "c1,内定受領後,正社員,部長,役割,person1,42万円,過去実績\n"
                                        "c2,offer_received,regular,department_head,role,person1,420000,past_record\n")
    result = run_cli("audit", csv, "--format", "json", "--jobs", "1")
    one, two = json.loads(result.stdout)["cases"]
    assert one["status"] != "error" and one["findings"] == two["findings"]


@pytest.mark.parametrize(("literal", "word", "code"), [
    (Role, "部長", "department_head"), (Role, "事業部長", "department_head"), (Role, "課長", "section_manager"),
    (Role, "人事", "hr"), (Role, "Department Head", "department_head"), (Role, "ＨＲ", "hr"),
    (EmploymentType, "正社員", "regular"), (EmploymentType, "契約社員", "contract"),
    (Stage, "内定受領後", "offer_received"), (Stage, "最終面接", "final_interview"),
    (BonusBasis, "過去実績", "past_record"), (DocumentKind, "労働条件通知書", "labor_conditions_notice"),
    (Topic, "残業代", "overtime"), (Topic, "給与", "salary"), (Topic, "ボーナス", "bonus"),
])
def test_vocabulary_words(literal: object, word: str, code: str) -> None:
    assert japanese.vocabulary(literal)(word) == code


def test_a_word_two_codes_share_is_refused_not_guessed() -> None:
    both = Literal["fixed", "fixed_overtime"]  # 固定残業代（みなし残業） and 固定残業代
    assert japanese.vocabulary(both)("固定残業代") == "固定残業代"
    assert japanese.vocabulary(both)("みなし残業") == "fixed"


@pytest.mark.parametrize(("text", "yen"), [
    ("42万円", 420_000), ("680万", 6_800_000), ("1,300円", 1_300), ("１２０万円", 1_200_000), ("¥300,000", 300_000),
    ("1億2000万円", 120_000_000), ("30万5000円", 305_000), ("1.5万円", 15_000), ("42 万円", 420_000),
])
def test_amounts(text: str, yen: int) -> None:
    assert japanese.amount(text) == yen


@pytest.mark.parametrize("text", ["約42万円", "42万円くらい", "1.00005万", "万", ""])
def test_what_is_not_an_amount_is_left_for_the_model_to_refuse(text: str) -> None:
    assert japanese.amount(text) == text


@pytest.mark.parametrize(("text", "iso"), [
    ("2027/02/01", "2027-02-01"), ("2027.2.1", "2027-02-01"), ("2027年2月1日", "2027-02-01"),
    ("令和9年2月1日", "2027-02-01"), ("令和元年5月1日", "2019-05-01"), ("平成31年4月30日", "2019-04-30"),
    ("R9.2.1", "2027-02-01"), ("２０２７／０２／０１", "2027-02-01"),
])
def test_dates(text: str, iso: str) -> None:
    assert japanese.date(text) == iso


@pytest.mark.parametrize(("text", "value"), [("3か月", 3), ("３ヶ月", 3), ("45時間", 45), ("2.5", 2.5), ("35歳", 35)])
def test_numbers_with_units(text: str, value: float) -> None:
    assert japanese.number(text) == value


def test_answers() -> None:
    assert [japanese.yes_no(w) for w in ("はい", "いいえ", "不明", "あり", "なし", True)] == \
        ["yes", "no", "unknown", "yes", "no", "yes"]
    assert [japanese.flag(w) for w in ("はい", "いいえ", "不明", "済")] == [True, False, False, True]
    assert [japanese.maybe_flag(w) for w in ("はい", "いいえ", "不明")] == [True, False, None]
    assert japanese.received("未受領") is False and japanese.received("2026/11/20") == "2026-11-20"


def test_an_impossible_date_is_still_an_error() -> None:
    with pytest.raises(Exception) as info:
        load_case(parse("riskcheck: 1\noffer: {start_date: 令和9年2月30日}\n", "c.yaml"), "c")
    assert "c.yaml:2: offer.start_date:" in str(info.value)


def test_schema_documents_the_japanese_values() -> None:
    schema = json.loads(run_cli("schema", "case").stdout)
    text = json.dumps(schema, ensure_ascii=False)
    for word in ("部長", "内定受領後", "正社員", "固定残業代", "過去実績", "口頭", "書面", "全国", "はい", "42万円", "令和9年2月1日"):
        assert word in text, word
    assert date(2027, 2, 1).isoformat() == japanese.date("令和9年2月1日")
