"""The message catalogue: complete in every language, placeholders that agree, and no English left in
the modules whose words moved into it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import get_args

import pytest

from conftest import ROOT, run_cli, write
from riskcheck import vocabulary
from riskcheck.errors import InputError
from riskcheck.i18n import FALLBACK, Message, default_language, languages, messages, text
from riskcheck.vocabulary import label

LANGS = languages()
KEYS = sorted(messages(FALLBACK))
MIGRATED = sorted((ROOT / "riskcheck" / "render").glob("*.py")) + [
    ROOT / "riskcheck" / name for name in ("loading.py", "validation.py", "vocabulary.py", "case.py", "japanese.py",
                                           "report.py", "errors.py")]
"""The modules whose every user-visible word comes from the catalogue."""
LIBRARY_WORDS = {"detail"}
"""Fields holding a library's own English (pydantic's message), which a translation may leave out."""


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def test_there_are_two_languages_japanese_first() -> None:
    assert LANGS[0] == "ja" and "en" in LANGS
    assert "typography" not in LANGS  # a helper module beside the catalogues is not a language


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_exists_in_every_language(lang: str) -> None:
    assert sorted(messages(lang)) == KEYS


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != FALLBACK])
def test_placeholders_match_across_languages(lang: str) -> None:
    wrong = {}
    for key in KEYS:
        english, translated = placeholders(messages(FALLBACK)[key]), placeholders(messages(lang)[key])
        if translated != english and not (translated < english and english - translated <= LIBRARY_WORDS):
            wrong[key] = (english, translated)
    assert wrong == {}


EMPTY_IN_SOME_LANGUAGES = {"question.init.first"}
"""Words a language does without (English's "a" before the first item has no Japanese counterpart)."""


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_formats(lang: str) -> None:
    for key, template in messages(lang).items():
        fields = {name: 1234 for name in placeholders(template)}
        assert template.format(**fields) or key in EMPTY_IN_SOME_LANGUAGES, key


@pytest.mark.parametrize("literal", [vocabulary.Role, vocabulary.Stage, vocabulary.EmploymentType,
                                     vocabulary.DocumentKind, vocabulary.Channel, vocabulary.Topic,
                                     vocabulary.BonusBasis, vocabulary.OvertimeScheme, vocabulary.YesNoUnknown,
                                     vocabulary.Relocation, vocabulary.SideJobs, vocabulary.RepaymentFor,
                                     vocabulary.IncomePart, vocabulary.Severity, vocabulary.Form])
def test_every_vocabulary_value_has_a_label_in_every_language(literal: object) -> None:
    for lang in LANGS:
        assert all(f"label.{value}" in messages(lang) for value in get_args(literal)), lang
    assert label("department_head", "ja") == "部長・事業部長" and label("no-such-value", "ja") == "no-such-value"


def _keys_used(source: str) -> set[str]:
    return set(re.findall(r"""(?:Message|text)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""", source))


def test_every_key_the_code_names_exists() -> None:
    used = set()
    for path in (ROOT / "riskcheck").rglob("*.py"):
        used |= _keys_used(path.read_text(encoding="utf-8"))
    assert used and sorted(key for key in used if key not in messages(FALLBACK) and not key.endswith(".")) == []


# --- no English left behind ------------------------------------------------------------------------

ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'()/-]+[A-Za-z]{2,}){2,}")
"""Three English words in a row: a phrase a user would read."""
NOT_WORDS = {
    "render/audit_html.py": {"Segoe UI", "Hiragino Sans", "Noto Sans CJK JP", "http://www.w3.org/2000/svg"},
    "loading.py": {"could not determine a constructor", "mapping values are not allowed", "maximum nesting depth"},
    "japanese.py": {"The same values in Japanese (or in any language of the catalogue)."},
}
"""Literals that are not words for the reader: font names, the YAML parser's messages matched to give
guidance, the JSON Schema's description (help text, which may stay English)."""


def _literals(path: Path) -> list[tuple[int, str]]:
    """String literals outside docstrings (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    docstrings |= {id(node.value) for node in ast.walk(tree)  # attribute docstrings: a string statement
                   if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _is_css(literal: str) -> bool:
    return literal.count("{") >= 2 and literal.count(":") >= 2 and ";" in literal


@pytest.mark.parametrize("path", MIGRATED, ids=lambda p: p.relative_to(ROOT / "riskcheck").as_posix())
def test_no_user_visible_english_literal_in_migrated_modules(path: Path) -> None:
    allowed = NOT_WORDS.get(path.relative_to(ROOT / "riskcheck").as_posix(), set())
    found = []
    for line, literal in _literals(path):
        if _is_css(literal) or re.search(r"<[a-z/!]", literal) or literal.startswith(("^", "(?", "[")) \
                or "\\" in literal:
            continue  # a style sheet, markup, a pattern
        rest = literal
        for word in allowed:
            rest = rest.replace(word, "")
        if ENGLISH.search(rest):
            found.append((line, literal[:80]))
    assert found == []


def test_the_scan_finds_english(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""A docstring is not shown to users."""\nx = f"{n} could not check this case"\ny = "配属部署"\n',
                      encoding="utf-8")
    assert [literal for _, literal in _literals(sample) if ENGLISH.search(literal)] == [" could not check this case"]


# --- language from the environment, errors in the user's language ------------------------------------

@pytest.mark.parametrize(("env", "expected"), [
    ({"LANGUAGE": "ja:en"}, "ja"), ({"LANGUAGE": "fr:ja"}, "ja"), ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"), ({"LC_MESSAGES": "ja_JP"}, "ja"), ({}, "en"),
    ({"LANGUAGE": "", "LANG": "en_US.UTF-8"}, "en"), ({"LANGUAGE": "ja", "LC_ALL": "C"}, "ja"),
])
def test_default_language_reads_language_then_the_locale(env: dict[str, str], expected: str) -> None:
    assert default_language(env) == expected


def test_a_message_renders_in_each_language_and_redacts_its_values() -> None:
    message = Message("valid.unknown_key_hint", ("key",), key="Zq0secret", hint="offer")
    assert str(message) == "unknown key 'Zq0secret'; did you mean 'offer'?"
    assert "使えないキー" in message.render("ja") and "Zq0secret" in message.render("ja")
    assert "Zq0secret" not in message.render("ja", redact=True) and "［非表示］" in message.render("ja", redact=True)
    error = InputError("case.yaml", message, 3, "Zq0secret", public_field="")
    assert str(error) == "case.yaml:3: Zq0secret: unknown key 'Zq0secret'; did you mean 'offer'?"
    assert "Zq0secret" not in error.render("en", redact=True)


def test_unknown_language_falls_back_to_english() -> None:
    assert text("load.empty", "xx") == "the file is empty"


@pytest.mark.parametrize("lang", LANGS)
def test_lang_choices_come_from_the_catalogue(lang: str, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "riskcheck: 1\n")
    assert run_cli("check", path, "--lang", lang).exit_code in (0, 1)
    assert run_cli("check", path, "--lang", "xx").exit_code == 2


@pytest.mark.parametrize(("content", "english", "japanese"), [
    ("riskcheck: 1\noffer:\n\tstage: casual\n", ":3: invalid YAML: this line is indented with a tab",
     ":3: YAML の書き方に誤りがあります: この行の字下げにタブ"),
    ("riskcheck: 1\npromises:\n  - topic: salary\n    said: 年収: 600万\n    by: a\n",
     ":4: invalid YAML: a value holding \": \"", ":4: YAML の書き方に誤りがあります: 値の中に「: 」"),
    ("riskcheck: 1\npromises:\n  - topic: salary\n    said：600万\n    by: a\n",
     ":4: invalid YAML: the key on this line is followed by a full-width colon", ":4: YAML の書き方に誤りがあります: この行のキーの後ろが全角"),
    ("riskcheck: 1\noffer:\n  company：ACME\n  stage: casual\n", ":3: invalid YAML: the key on this line is followed",
     ":3: YAML の書き方に誤りがあります: この行のキー"),
    ("riskcheck: 1\noffer: {stage: offer_receivd}\n", ":2: offer.stage: Input should be 'casual'",
     ":2: offer.stage: 使えない値です。使える値: カジュアル面談（casual）、"),
    ("riskcheck: 1\npeople: [{id: a}]\npromises:\n  - {topic: salary, said: 月給30万, 賞与別, by: a}\n",
     ":4: promises[0].賞与別: unknown key '賞与別'", "値全体を引用符で囲んで"),
    ("riskcheck: 1\nterms: {monthly_salary: 約30万円}\n", ":2: terms.monthly_salary: Input should be a valid integer",
     ":2: terms.monthly_salary: 数値で書いてください（例: 300000、42万円"),
])
def test_yaml_and_validation_errors_say_what_to_do(tmp_path: Path, content: str, english: str, japanese: str) -> None:
    path = write(tmp_path, "case.yaml", content)
    for lang, expected in (("en", english), ("ja", japanese)):
        result = run_cli("check", path, "--lang", lang)
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert expected in line, line


def test_every_problem_is_shown_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "case.yaml", "riskcheck: 1\noffer: {stage: nope}\npeople:\n  - {id: a, role: boss}\n"
                                        "terms:\n  bonus: {basis: maybe}\n")
    result = run_cli("check", path, "--lang", "ja")
    (line,) = result.stderr.splitlines()
    assert f"{path}:2: offer.stage:" in line and "4行目: people[0].role:" in line and "6行目: terms.bonus.basis:" in line
    assert "more" not in line and "ほか" not in line
    english = run_cli("check", path, "--lang", "en").stderr
    assert "; line 4: people[0].role:" in english and "; line 6: terms.bonus.basis" in english


def test_text_after_a_space_and_hash_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "case.yaml", "riskcheck: 1\noffer:\n  company: ACME #東京本社\n  stage: casual  # ok\n")
    result = run_cli("check", path, "--lang", "ja")
    assert result.exit_code in (0, 1)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"riskcheck: 注意: {path}:3: offer.company: 「 #」から後ろはコメント")
    assert "Zq0" not in run_cli("check", write(tmp_path, "r.yaml", "riskcheck: 1\noffer: {company: Zq0 #x}\n"),
                                "--redact").stderr


def test_errors_in_japanese_in_every_view(tmp_path: Path) -> None:
    path = write(tmp_path, "case.yaml", "riskcheck: 1\nofer: {}\n")
    result = run_cli("check", path, "--lang", "ja", "--format", "markdown")
    assert "このケースは確認できませんでした" in result.stdout and "使えないキー" in result.stdout
    assert "使えないキー" in result.stderr
    audit = run_cli("audit", path, "--lang", "ja", "--jobs", "1")
    assert "エラー" in audit.stdout and "使えないキー" in audit.stdout and "case(s)" not in audit.stdout
    html = run_cli("audit", path, "--lang", "ja", "--jobs", "1", "--format", "html").stdout
    assert "riskcheck 一括チェック" in html and "Findings per" not in html and "Cases, worst first" not in html
