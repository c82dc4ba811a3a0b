"""``riskcheck template``: every column in order, in either language; the xlsx has drop-down lists,
formats, a frozen header and an explanation sheet; both templates audit as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import run_cli
from inputs_helpers import audit

from riskcheck.i18n import text
from riskcheck.inputs.columns import BOOL, CHOICE, COLUMNS, DATE, YEN, template_columns
from riskcheck.vocabulary import label


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_audits_as_it_is(tmp_path: Path, fmt: str, lang: str) -> None:
    path = tmp_path / f"template.{fmt}"
    result = run_cli("template", "--format", fmt, "--lang", lang, "-o", str(path))
    assert result.exit_code == 0 and path.exists()
    code, entries, stderr = audit(str(path))
    assert len(entries) == 1 and entries[0]["status"] == "findings" and entries[0]["id"] == "offer-0001"
    assert code == 1 and "blank row" not in stderr


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_csv_template_has_every_column_in_order(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "t.csv"
    run_cli("template", "--format", "csv", "--lang", lang, "-o", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [column.header(lang, n) for column, n in template_columns()]
    assert {column.key for column, _ in template_columns()} == {column.key for column in COLUMNS}
    if lang == "ja":
        assert header[:6] == ["案件ID", "形式", "会社名", "ポジション", "雇用形態", "選考段階"]
        assert "担当者1の役職" in header
    stdout = run_cli("template", "--format", "csv", "--lang", lang).stdout
    assert stdout.splitlines()[0].split(",") == header


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_xlsx_template_lists_formats_frozen_header_and_explanations(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "t.xlsx"
    run_cli("template", "--format", "xlsx", "--lang", lang, "-o", str(path))
    book = load_workbook(path)
    sheet, explain, lists = book.worksheets
    assert sheet.title == text("template.sheet.cases", lang) and explain.title == text("template.sheet.columns", lang)
    assert lists.sheet_state == "hidden" and sheet.freeze_panes == "B2"
    columns = template_columns()
    assert [cell.value for cell in sheet[1]] == [column.header(lang, n) for column, n in columns]
    validated = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            validated[cell_range.coord.split(":")[0].rstrip("0123456789")] = rule
    for index, (column, n) in enumerate(columns, 1):
        letter = get_column_letter(index)
        if column.kind in (CHOICE, BOOL):
            rule = validated[letter]
            assert rule.type == "list"
            source = rule.formula1.lstrip("=").split("!")[1].replace("$", "")
            first, last = source.split(":")
            values = [c.value for (c,) in lists[f"{first}:{last}"]]
            words = [label(choice, lang) if lang != "en" else choice for choice in column.choices]
            assert values == (words if column.kind == CHOICE else ["TRUE", "FALSE"]), column.key
        if column.kind == DATE:
            assert validated[letter].type == "date"
            assert sheet.column_dimensions[letter].number_format == "yyyy-mm-dd"
        if column.kind == YEN:
            assert sheet.column_dimensions[letter].number_format == "#,##0"
    explained = [row[1].value for row in explain.iter_rows(min_row=2) if row[1].value]
    assert explained == [column.name(1) for column in COLUMNS]
    helps = [row[2].value for row in explain.iter_rows(min_row=2, max_row=len(COLUMNS) + 1)]
    assert all(helps) and (lang != "ja" or all(any("\u3040" <= ch <= "\u9fff" for ch in h) for h in helps))
    assert sheet.max_row == 2  # one example row; no blank rows made by formatting


def test_xlsx_needs_a_file(tmp_path: Path) -> None:
    result = run_cli("template", "--format", "xlsx", "--lang", "en")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "-o FILE.xlsx" in result.stderr
    result = run_cli("template", "--format", "csv", "-o", str(tmp_path / "missing" / "t.csv"), "--lang", "en")
    assert result.exit_code == 2 and result.stderr.startswith("riskcheck: error: cannot write ")


def test_the_docs_list_every_column_as_the_catalogue_does() -> None:
    from conftest import ROOT
    from riskcheck.inputs.help import columns_markdown

    docs = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert docs.rstrip().endswith(columns_markdown()), "regenerate the table: python -c 'from riskcheck.inputs.help " \
        "import columns_markdown; print(columns_markdown())'"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_japanese_template_shows_words_and_audits_as_the_english_one(tmp_path: Path, fmt: str) -> None:
    """Drop-downs and the example row of a Japanese template show the vocabulary's words (部長, 内定受領後),
    and the two templates give the same findings: the words read back as the codes."""
    found = {}
    for lang in ("ja", "en"):
        path = tmp_path / f"{lang}.{fmt}"
        run_cli("template", "--format", fmt, "--lang", lang, "-o", str(path))
        _, entries, _ = audit(str(path))
        found[lang] = [(f["rule"], f["about"], f["severity"]) for f in entries[0]["findings"]]
    assert found["ja"] == found["en"] and found["ja"]
    if fmt == "csv":
        row = (tmp_path / "ja.csv").read_text("utf-8-sig").splitlines()[1]
        assert label("department_head", "ja") in row and "department_head" not in row


def test_every_word_of_every_drop_down_reads_back_as_its_code() -> None:
    from typing import get_args

    from riskcheck import japanese, vocabulary

    literals = [value for value in vars(vocabulary).values() if get_args(value) and all(isinstance(a, str) for a in get_args(value))]
    for column in COLUMNS:
        if column.kind != CHOICE:
            continue
        literal = next(lit for lit in literals if tuple(get_args(lit)) == tuple(column.choices))
        convert = japanese.vocabulary(literal)
        for choice in column.choices:
            assert convert(label(choice, "ja")) == choice, (column.key, choice, label(choice, "ja"))
