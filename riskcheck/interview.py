"""``riskcheck init``: the candidate's answers, asked in their language, become a case file with comments.

Every question takes "unknown" (or ``?``) for an answer, and on a re-run every answer is
pre-filled from the existing case, so Enter keeps it. The case is written with comments, in
the order of the case format, and read back through the normal loader to prove it round-trips.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import textwrap
from datetime import date
from typing import Any, Callable, Sequence, TypeVar

import click
import yaml
from pydantic import BaseModel

from riskcheck.case import Candidate, Case, Contract, CaseDocument, Offer, Person, Promise, Terms, load_case
from riskcheck.errors import RiskcheckError
from riskcheck.loading import load
from riskcheck.vocabulary import ROLES, STAGES, TOPICS, label

T = TypeVar("T")

UNKNOWN = {"?", "unknown", "u", "不明", "わからない", "分からない", "未定"}
YES = {"y", "yes", "はい", "ある", "あり"}
NO = {"n", "no", "いいえ", "ない", "なし"}
NONE = {"none", "なし", "-"}
DELETE = {"delete", "削除"}

EMPLOYMENT_TYPES = ("regular", "contract", "dispatch", "part_time", "other")
DOCUMENT_KINDS = ("job_posting", "offer_letter", "labor_conditions_notice", "employment_contract", "work_rules",
                  "email", "memo")
CHANNELS = ("verbal", "email", "chat", "document")
BONUS_BASES = ("guaranteed", "formula", "past_record", "discretionary", "none", "unknown")
OVERTIME_SCHEMES = ("actual_hours", "fixed", "deemed", "discretionary", "manager_exempt", "unknown")

EXTRA_LABELS = {
    "regular": {"en": "regular employee (正社員)", "ja": "正社員"},
    "contract": {"en": "fixed-term contract (契約社員)", "ja": "契約社員（有期）"},
    "dispatch": {"en": "dispatched worker (派遣)", "ja": "派遣"},
    "part_time": {"en": "part-time", "ja": "パート・アルバイト"},
    "other": {"en": "other", "ja": "その他"},
    "verbal": {"en": "said in person / on a call", "ja": "口頭（対面・電話）"},
    "chat": {"en": "chat message", "ja": "チャット"},
    "document": {"en": "in a document", "ja": "書類"},
    "discretionary": {"en": "at the company's discretion", "ja": "会社の裁量"},
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": "Let's write down your job offer, step by step. Answer in your own words.\n"
                   "- Not sure? Type ? (or unknown): unknown is always a fine answer.\n"
                   "- An answer in [brackets] is what we have so far: press Enter to keep it.",
        "rerun": "Updating {path}: your earlier answers are filled in; press Enter to keep each one.",
        "bad": "Please answer with one of the choices, a number from the list, or ? for unknown.",
        "bad_yes": "Please answer yes, no or ? (unknown).",
        "bad_date": "Please give a date as YYYY-MM-DD (for example 2027-04-01), or ? for unknown.",
        "bad_number": "Please give a number (for example 420000 or 42万), or ? for unknown.",
        "bad_range": "Please give one number or a range like 4-6, or ? for unknown.",
        "bad_who": "Please pick a number from the list.",
        "bad_topic": "Please pick the closest topic from the list (a number); role if in doubt.",
        "h_offer": "The offer", "h_people": "The people you met", "h_promises": "What you were told",
        "h_documents": "Documents you received", "h_terms": "Pay and working conditions",
        "h_candidate": "About you",
        "company": "Company name", "position": "Position (job title)", "employment_type": "Type of employment",
        "stage": "Where are you in the process?", "acceptance_deadline": "Deadline to answer the offer (YYYY-MM-DD)",
        "start_date": "Start date (YYYY-MM-DD)",
        "roles": "Who can confirm what: a promise only counts when the person who really decides confirms it.",
        "role_help.executive": "pay, conditions, strategy (not day-to-day work)",
        "role_help.department_head": "the department's direction (not how work is handed out, not pay)",
        "role_help.section_manager": "your role, first assignments, training, team, remote work",
        "role_help.hr": "pay, bonus rules, overtime scheme, probation, documents",
        "role_help.recruiter": "nothing binding (reports to HR)", "role_help.agent": "nothing on the employer's behalf",
        "role_help.team_member": "what daily work looks like (nothing binding)",
        "role_help.unknown": "you are not sure",
        "person": "Person {n}: {who}", "name": "Their name or title (e.g. Tanaka, department head)",
        "role": "Their role (number from the list)",
        "assigns_work": "Will {who} hand out your work on site (decide what you do day to day)?",
        "decides_pay": "Can {who} decide your pay and conditions?",
        "add_person": "Add {first} person you met at the employer?", "first": "a", "another": "another",
        "promises_intro": "Write each thing someone told you (or a document said) about the job, one at a time.\n"
                          "Type delete to remove an earlier one.",
        "promise": "Promise {n}: {said}", "said": "What was said, in your own words",
        "new_said": "Something else you were told (Enter when done)",
        "topic": "What is it about? (number from the list)",
        "by": "Who said it, or which document? (number from the list)",
        "from_doc": "the {kind}", "someone": "someone (not sure who)",
        "promise_stage": "At which stage was it said?", "channel": "How was it said?",
        "in_writing": "Is it written in a document you have received?",
        "confirmed_by": "Did anyone else confirm it later? (numbers, comma-separated; none for nobody)",
        "documents_intro": "For each document: a date (YYYY-MM-DD) or yes if you have it, promised if it is "
                           "promised but not yet received, no if there is none.",
        "received": "{kind}: received?", "bad_received": "Please answer with a date, yes, promised, no or ?.",
        "covers": "Which topics does the {kind} state explicitly? (numbers, comma-separated; none if none)",
        "monthly_salary": "Monthly base salary in JPY, without allowances or fixed overtime pay",
        "bonus_basis": "How is the bonus decided?",
        "basis_help.guaranteed": "a number of months is guaranteed",
        "basis_help.formula": "there is a published formula", "basis_help.past_record": "you were told past results",
        "basis_help.discretionary": "the company decides each time", "basis_help.none": "no bonus",
        "basis_help.unknown": "you do not know",
        "guaranteed_months": "How many months are guaranteed per year?",
        "stated_months": "How many months were you told (e.g. 4-6)?",
        "bonus_in_writing": "Is the bonus rule written in a document you received?",
        "overtime_scheme": "How is overtime paid?",
        "scheme_help.actual_hours": "paid for every hour you work", "scheme_help.fixed": "a fixed amount covers "
        "some hours (固定残業代・みなし残業)", "scheme_help.deemed": "deemed working hours (みなし労働時間制)",
        "scheme_help.discretionary": "discretionary work system (裁量労働制)",
        "scheme_help.manager_exempt": "treated as a manager, no overtime pay (管理監督者)",
        "scheme_help.unknown": "you do not know",
        "fixed_hours": "How many hours a month does the fixed overtime pay cover?",
        "fixed_amount": "How much is the fixed overtime pay per month (JPY)?",
        "excess_paid": "Is overtime beyond that paid extra?",
        "clause_checked": "Have you read the actual overtime clause in the contract or notice?",
        "probation_months": "Probation period in months (0 if none)",
        "conditions_differ": "Are pay or conditions different during probation?",
        "location_initial": "Where will you work at first?",
        "location_scope": "Where could you be moved later (scope of change)?",
        "duties_initial": "Your duties at first", "duties_scope": "How far could your duties change later?",
        "contract_ends": "When does the contract end (YYYY-MM-DD)?",
        "renewal_criteria": "How is renewal decided?", "renewal_cap": "Is there a cap on renewals?",
        "remote_policy": "Remote work policy (e.g. two office days a week)",
        "income": "Your current annual income in JPY (stays on your computer)", "age": "Your age",
        "written": "Wrote {path}. You can open it in any text editor, or run this again to update it.",
        "run_check": "Check the offer now?",
        "next": "Next: riskcheck check {path} --format html -o questions.html  (a sheet to print for the meeting)",
    },
    "ja": {
        "welcome": "内定（オファー）の内容を一つずつ書き留めていきます。ご自分の言葉で答えてください。\n"
                   "・分からないときは ? （または 不明）と入力してください。不明も立派な答えです。\n"
                   "・[ ] 内は今までの回答です。Enter を押すとそのまま残ります。",
        "rerun": "{path} を更新します。前回の回答が入っているので、変えない項目は Enter を押してください。",
        "bad": "選択肢の番号か名前、または ? （不明）で答えてください。",
        "bad_yes": "はい・いいえ・? （不明）のいずれかで答えてください。",
        "bad_date": "日付は YYYY-MM-DD の形（例: 2027-04-01）で入力するか、? （不明）と答えてください。",
        "bad_number": "数字（例: 420000 や 42万）で入力するか、? （不明）と答えてください。",
        "bad_range": "数字1つか 4-6 のような範囲で入力するか、? （不明）と答えてください。",
        "bad_who": "一覧の番号を選んでください。",
        "bad_topic": "一覧から一番近い項目の番号を選んでください（迷ったら 1 の役割）。",
        "h_offer": "オファーの概要", "h_people": "面接・面談で会った人", "h_promises": "言われたこと（約束）",
        "h_documents": "受け取った書類", "h_terms": "給与と労働条件", "h_candidate": "あなたについて",
        "company": "会社名", "position": "ポジション（職種名）", "employment_type": "雇用形態",
        "stage": "選考はどの段階ですか", "acceptance_deadline": "内定の回答期限（YYYY-MM-DD）",
        "start_date": "入社日（YYYY-MM-DD）",
        "roles": "誰が何を確約できるか: 約束は、実際に決める立場の人が確認して初めて意味を持ちます。",
        "role_help.executive": "給与・条件・方針（日々の仕事の割り振りは別）",
        "role_help.department_head": "部門の方向性（現場での仕事の割り振りや給与は別）",
        "role_help.section_manager": "役割・最初の担当業務・育成・チーム・リモート勤務",
        "role_help.hr": "給与・賞与の規程・残業の制度・試用期間・書面",
        "role_help.recruiter": "確約はできない（人事に報告する立場）", "role_help.agent": "会社を代表しての確約はできない",
        "role_help.team_member": "日々の仕事の様子（確約はできない）", "role_help.unknown": "よく分からない",
        "person": "{n}人目: {who}", "name": "名前または肩書き（例: 田中部長）", "role": "立場（一覧の番号）",
        "assigns_work": "{who} は、入社後に現場であなたに仕事を割り振る人ですか？",
        "decides_pay": "{who} は、あなたの給与や条件を決める権限がありますか？",
        "add_person": "{first}会社側の人を追加しますか？", "first": "", "another": "さらに",
        "promises_intro": "仕事について言われたこと（または書類に書かれていたこと）を一つずつ入力してください。\n"
                          "前の回答を消すときは 削除 と入力します。",
        "promise": "約束 {n}: {said}", "said": "言われた内容（ご自分の言葉で）",
        "new_said": "ほかに言われたこと（なければ Enter）", "topic": "何についての話ですか（一覧の番号）",
        "by": "誰が言いましたか、またはどの書類ですか（一覧の番号）", "from_doc": "{kind}",
        "someone": "誰か（よく分からない）", "promise_stage": "どの段階で言われましたか", "channel": "どのように伝えられましたか",
        "in_writing": "受け取った書類にその内容が書かれていますか？",
        "confirmed_by": "後からほかの人も確認しましたか（番号をカンマ区切り、いなければ なし）",
        "documents_intro": "書類ごとに、受け取った日付（YYYY-MM-DD）か はい、受け取る約束だけなら promised（予定）、"
                           "無ければ いいえ と答えてください。",
        "received": "{kind}: 受け取りましたか", "bad_received": "日付・はい・予定・いいえ・? のいずれかで答えてください。",
        "covers": "{kind} にはっきり書かれている項目は？（番号をカンマ区切り、無ければ なし）",
        "monthly_salary": "月給（円、各種手当・固定残業代を除く基本給）", "bonus_basis": "賞与はどう決まりますか",
        "basis_help.guaranteed": "何か月分かが保証されている", "basis_help.formula": "算定式が示されている",
        "basis_help.past_record": "過去の実績を聞いただけ", "basis_help.discretionary": "会社がその都度決める",
        "basis_help.none": "賞与なし", "basis_help.unknown": "分からない",
        "guaranteed_months": "年間何か月分が保証されていますか", "stated_months": "何か月分と聞きましたか（例: 4-6）",
        "bonus_in_writing": "賞与の決まりは受け取った書類に書かれていますか？", "overtime_scheme": "残業代はどう支払われますか",
        "scheme_help.actual_hours": "働いた時間分がすべて支払われる", "scheme_help.fixed": "固定残業代・みなし残業",
        "scheme_help.deemed": "みなし労働時間制", "scheme_help.discretionary": "裁量労働制",
        "scheme_help.manager_exempt": "管理監督者扱いで残業代なし", "scheme_help.unknown": "分からない",
        "fixed_hours": "固定残業代は月何時間分ですか", "fixed_amount": "固定残業代は月いくらですか（円）",
        "excess_paid": "その時間を超えた残業代は別に支払われますか？",
        "clause_checked": "契約書や労働条件通知書の残業の条項を実際に読みましたか？",
        "probation_months": "試用期間は何か月ですか（無ければ 0）", "conditions_differ": "試用期間中は給与や条件が違いますか？",
        "location_initial": "最初の勤務地", "location_scope": "将来の勤務地の変更の範囲",
        "duties_initial": "最初の業務内容", "duties_scope": "将来の業務の変更の範囲",
        "contract_ends": "契約の終了日（YYYY-MM-DD）", "renewal_criteria": "更新の判断基準", "renewal_cap": "更新の上限",
        "remote_policy": "リモート勤務の方針（例: 週2日出社）",
        "income": "現在の年収（円。このパソコンの中だけに保存されます）", "age": "年齢",
        "written": "{path} に保存しました。テキストエディタで開けます。もう一度実行すれば回答を更新できます。",
        "run_check": "今すぐチェックしますか？",
        "next": "次に: riskcheck check {path} --format html -o questions.html （面談に持っていく質問シート）",
    },
}


YES_NO = {True: "yes", False: "no", None: "unknown"}


def say(lang: str, key: str, **fmt: Any) -> str:
    return TEXTS[lang][key].format(**fmt)


def name_of(value: str, lang: str) -> str:
    """The label of a vocabulary value for the interview (a few read better than the report's)."""
    return EXTRA_LABELS.get(value, {}).get(lang) or label(value, lang)


def unknown_word(lang: str) -> str:
    return label("unknown", lang)


def _is_unknown(text: str) -> bool:
    return text.strip().lower() in UNKNOWN


# Parsers: text in, value out; click.UsageError makes click.prompt ask again.

def parse_text(text: str) -> str | None:
    text = text.strip()
    return None if not text or _is_unknown(text) else text


def parse_yes_no(lang: str) -> Callable[[str], bool | None]:
    def parse(text: str) -> bool | None:
        word = text.strip().lower()
        if not word or _is_unknown(word):
            return None
        if word in YES:
            return True
        if word in NO:
            return False
        raise click.UsageError(say(lang, "bad_yes"))
    return parse


def parse_date(lang: str) -> Callable[[str], date | None]:
    def parse(text: str) -> date | None:
        text = text.strip()
        if not text or _is_unknown(text):
            return None
        try:
            return date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise click.UsageError(say(lang, "bad_date")) from None
    return parse


def _number(text: str) -> float:
    """``420,000`` / ``42万`` / ``4か月`` / ``45h`` -> a number; ValueError if it is not one."""
    text = text.strip().replace(",", "").replace("，", "").replace("円", "").replace("yen", "").strip()
    text = re.sub(r"(か月|ヶ月|ケ月|カ月|months?|時間|hours?|h)$", "", text).strip()
    factor = 1
    if text.endswith("万"):
        text, factor = text[:-1], 10_000
    value = float(text) * factor
    if not 0 <= value <= 10**12:
        raise ValueError(text)
    return value


def parse_number(lang: str, integer: bool = False, maximum: float = 10**12) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if not text.strip() or _is_unknown(text):
            return None
        try:
            value = _number(text)
        except ValueError:
            raise click.UsageError(say(lang, "bad_number")) from None
        if value > maximum:
            raise click.UsageError(say(lang, "bad_number"))
        return round(value) if integer else value
    return parse


def parse_range(lang: str) -> Callable[[str], tuple[float, float] | None]:
    def parse(text: str) -> tuple[float, float] | None:
        if not text.strip() or _is_unknown(text):
            return None
        parts = re.split(r"\s*(?:-|–|〜|~|to)\s*", text.strip())
        try:
            numbers = [_number(p) for p in parts]
        except ValueError:
            raise click.UsageError(say(lang, "bad_range")) from None
        if len(numbers) not in (1, 2) or max(numbers) > 120:
            raise click.UsageError(say(lang, "bad_range"))
        return (min(numbers), max(numbers))
    return parse


def parse_choice(lang: str, values: Sequence[str], unknown: str | None) -> Callable[[str], str | None]:
    """A value by its number in the menu, its name, its label or the start of one; unknown gives ``unknown``."""
    def parse(text: str) -> str | None:
        word = text.strip().lower()
        if not word or _is_unknown(word):
            return unknown
        if word.isdigit() and 1 <= int(word) <= len(values):
            return values[int(word) - 1]
        names = {value: {n.lower() for n in (value, label(value, "en"), label(value, "ja"), name_of(value, "en"),
                                               name_of(value, "ja"))} for value in values}
        exact = [value for value in values if word in names[value]]
        starts = [value for value in values if any(n.startswith(word) for n in names[value])]
        if exact or len(starts) == 1:
            return (exact or starts)[0]
        raise click.UsageError(say(lang, "bad"))
    return parse


def parse_topic(lang: str) -> Callable[[str], str]:
    """A topic is needed to weigh a promise: unknown is refused here, with a hint."""
    one = parse_choice(lang, TOPICS, None)

    def parse(text: str) -> str:
        topic = one(text)
        if topic is None:
            raise click.UsageError(say(lang, "bad_topic"))
        return topic
    return parse


def parse_many(lang: str, values: Sequence[str]) -> Callable[[str], list[str]]:
    """Several menu entries, comma-separated; ``none`` is the empty list."""
    one = parse_choice(lang, values, None)

    def parse(text: str) -> list[str]:
        if text.strip().lower() in NONE or _is_unknown(text):
            return []
        chosen: list[str] = []
        for part in re.split(r"[,、，\s]+", text.strip()):
            value = one(part) if part else None
            if value is not None and value not in chosen:
                chosen.append(value)
        return chosen
    return parse


# Asking.

def ask(lang: str, key: str, parse: Callable[[str], T], default: str | None, **fmt: Any) -> T:
    """One question; ``default`` is shown in brackets and kept on Enter."""
    return click.prompt(say(lang, key, **fmt), default=default if default is not None else "",
                        show_default=default is not None, value_proc=parse)


def confirm(lang: str, key: str, default: bool, **fmt: Any) -> bool:
    """A yes/no question that understands はい/いいえ too; Enter (or unknown) takes ``default``."""
    answer = ask(lang, key, parse_yes_no(lang), show(default, lang), **fmt)
    return default if answer is None else answer


def show(value: Any, lang: str) -> str:
    """A current answer as the text to pre-fill (parsable back by the question's parser)."""
    if value is None or value == "unknown":
        return unknown_word(lang)
    if isinstance(value, bool):
        return {True: {"en": "yes", "ja": "はい"}, False: {"en": "no", "ja": "いいえ"}}[value][lang]
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "-".join(f"{v:g}" for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def menu(lang: str, values: Sequence[str], help_key: str | None = None) -> None:
    for number, value in enumerate(values, 1):
        extra = f": {say(lang, f'{help_key}.{value}')}" if help_key else ""
        click.echo(f"  {number:>2}  {name_of(value, lang)}{extra}")


def choose(lang: str, key: str, values: Sequence[str], current: str | None, unknown: str | None,
           help_key: str | None = None, **fmt: Any) -> Any:
    menu(lang, values, help_key)
    default = name_of(current, lang) if current is not None else unknown_word(lang)
    return ask(lang, key, parse_choice(lang, values, unknown), default, **fmt)


def heading(lang: str, key: str) -> None:
    click.echo()
    click.secho(f"== {say(lang, key)}", bold=True)


# The sections of the interview.

def ask_offer(lang: str, offer: Offer) -> Offer:
    heading(lang, "h_offer")
    return offer.model_copy(update=dict(
        company=ask(lang, "company", parse_text, show(offer.company, lang)),
        position=ask(lang, "position", parse_text, show(offer.position, lang)),
        employment_type=choose(lang, "employment_type", EMPLOYMENT_TYPES, offer.employment_type, None),
        stage=choose(lang, "stage", STAGES, offer.stage, None),
        acceptance_deadline=ask(lang, "acceptance_deadline", parse_date(lang), show(offer.acceptance_deadline, lang)),
        start_date=ask(lang, "start_date", parse_date(lang), show(offer.start_date, lang)),
    ))


def _ask_person(lang: str, person: Person | None, number: int) -> Person:
    """One person's answers; ``person`` is None for a new one (its id is made up by the caller)."""
    current = person or Person(id="new")
    who = current.name or name_of(current.role, lang) if person else ""
    click.echo(say(lang, "person", n=number, who=who).rstrip(": "))
    name = ask(lang, "name", parse_text, show(current.name, lang))
    menu(lang, ROLES, "role_help")
    role = ask(lang, "role", parse_choice(lang, ROLES, "unknown"), name_of(current.role, lang))
    who = name or name_of(role, lang)
    return current.model_copy(update=dict(
        role=role, name=name,
        assigns_work=ask(lang, "assigns_work", parse_yes_no(lang), show(current.assigns_work, lang), who=who),
        decides_pay=ask(lang, "decides_pay", parse_yes_no(lang), show(current.decides_pay, lang), who=who)))


def new_id(base: str, taken: Sequence[str]) -> str:
    """``hr``, then ``hr-2``, ``hr-3``...: unique among ``taken``."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def ask_people(lang: str, people: list[Person]) -> list[Person]:
    heading(lang, "h_people")
    click.echo(say(lang, "roles"))
    result = [_ask_person(lang, person, i) for i, person in enumerate(people, 1)]
    while confirm(lang, "add_person", not result, first=say(lang, "another" if result else "first")):
        person = _ask_person(lang, None, len(result) + 1)
        result.append(person.model_copy(update={"id": new_id(person.role if person.role != "unknown" else "person",
                                                             [p.id for p in result])}))
    return result


def _people_menu(people: list[Person], lang: str) -> None:
    for number, person in enumerate(people, 1):
        click.echo(f"  {number:>2}  {person.name or person.id} ({name_of(person.role, lang)})")


def _ask_promise(lang: str, promise: Promise | None, said: str | None,
                 people: list[Person]) -> tuple[Promise, Person | None]:
    """The rest of a promise once ``said`` is known (``promise`` is None for a new one).

    When the candidate does not know who said it, an "unknown" person is added and returned.
    """
    menu(lang, TOPICS)
    topic = ask(lang, "topic", parse_topic(lang), name_of(promise.topic, lang) if promise else None)
    origins = [p.id for p in people] + [f"doc:{kind}" for kind in DOCUMENT_KINDS]
    _people_menu(people, lang)
    for number, kind in enumerate(DOCUMENT_KINDS, len(people) + 1):
        click.echo(f"  {number:>2}  {say(lang, 'from_doc', kind=name_of(kind, lang))}")
    current = (promise.by or f"doc:{promise.source}") if promise else None
    default = str(origins.index(current) + 1) if current in origins else unknown_word(lang)

    def parse_origin(text: str) -> str | None:
        word = text.strip()
        if not word or _is_unknown(word):
            return None
        if word.isdigit() and 1 <= int(word) <= len(origins):
            return origins[int(word) - 1]
        raise click.UsageError(say(lang, "bad_who"))

    origin = ask(lang, "by", parse_origin, default)
    added = None
    if origin is None:
        unknown = next((p for p in people if p.role == "unknown" and p.name == say(lang, "someone")), None)
        if unknown is None:
            unknown = added = Person(id=new_id("unknown", [p.id for p in people]), role="unknown",
                                     name=say(lang, "someone"))
        origin = unknown.id
    stage = choose(lang, "promise_stage", STAGES, promise.stage if promise else None, None)
    channel = choose(lang, "channel", CHANNELS, promise.channel if promise else None, None)
    in_writing = ask(lang, "in_writing", parse_yes_no(lang), show(promise.in_writing if promise else False, lang))
    ids = [p.id for p in people]
    confirmed: list[str] = []
    if ids:
        _people_menu(people, lang)
        earlier = promise.confirmed_by if promise else []
        default = ", ".join(str(ids.index(i) + 1) for i in earlier if i in ids) or {"en": "none", "ja": "なし"}[lang]
        confirmed = ask(lang, "confirmed_by", parse_many(lang, ids), default)
    by, source = (None, origin[4:]) if origin.startswith("doc:") else (origin, None)
    answers = dict(topic=topic, said=said, by=by, source=source, stage=stage, channel=channel,
                   in_writing=bool(in_writing), confirmed_by=confirmed)
    return (promise.model_copy(update=answers) if promise else Promise(**answers)), added


DELETED = "\0delete"
"""What the ``said`` question returns for "delete this promise" (a NUL cannot be typed)."""


def _said_or_delete(text: str) -> str | None:
    return DELETED if text.strip().lower() in DELETE else parse_text(text)


def ask_promises(lang: str, promises: list[Promise], people: list[Person]) -> tuple[list[Promise], list[Person]]:
    """The promises, and the people (plus an "unknown" person if one was needed)."""
    heading(lang, "h_promises")
    click.echo(say(lang, "promises_intro"))
    people = list(people)
    result: list[Promise] = []
    pending: list[Promise | None] = [*promises, None]
    while pending:
        promise = pending.pop(0)
        if promise is None:
            said = ask(lang, "new_said", parse_text, None)
            if said is None:
                break
            pending.append(None)
        else:
            click.echo(say(lang, "promise", n=len(result) + 1, said=promise.said or unknown_word(lang)))
            said = ask(lang, "said", _said_or_delete, promise.said or unknown_word(lang))
            if said == DELETED:
                continue
        new, added = _ask_promise(lang, promise, said, people)
        if added is not None:
            people.append(added)
        result.append(new)
    return result, people


def _received(lang: str) -> Callable[[str], Any]:
    """A date, ``yes`` (received, date unknown: None), ``promised`` (False), or "no" (also for unknown:
    a document you are not sure you have is not one you can rely on)."""
    dates = parse_date(lang)

    def parse(text: str) -> Any:
        word = text.strip().lower()
        if word in YES:
            return None
        if word in {"promised", "予定", "約束"}:
            return False
        if not word or word in NO or _is_unknown(word):
            return "no"
        try:
            return dates(word)
        except click.UsageError:
            raise click.UsageError(say(lang, "bad_received")) from None
    return parse


def _show_received(received: date | bool | None, lang: str) -> str:
    if received is False:
        return {"en": "promised", "ja": "予定"}[lang]
    return received.isoformat() if isinstance(received, date) else show(True, lang)


def _ask_document(lang: str, kind: str, current: CaseDocument | None) -> CaseDocument | None:
    default = _show_received(current.received, lang) if current else show(False, lang)
    received = ask(lang, "received", _received(lang), default, kind=name_of(kind, lang))
    if received == "no":
        return None
    covers: list[str] = []
    if received is not False:
        none = {"en": "none", "ja": "なし"}[lang]
        existing = current.covers if current else []
        covers = ask(lang, "covers", parse_many(lang, TOPICS),
                     ", ".join(str(TOPICS.index(t) + 1) for t in existing) or none, kind=name_of(kind, lang))
    answers = dict(kind=kind, received=received, covers=covers)
    return current.model_copy(update=answers) if current else CaseDocument(**answers)


def ask_documents(lang: str, documents: list[CaseDocument]) -> list[CaseDocument]:
    heading(lang, "h_documents")
    click.echo(say(lang, "documents_intro"))
    menu(lang, TOPICS)
    result = [_ask_document(lang, d.kind, d) for d in documents]
    have = {d.kind for d in documents}
    result += [_ask_document(lang, kind, None) for kind in DOCUMENT_KINDS if kind not in have]
    return [d for d in result if d is not None]


def parse_scope(text: str) -> str:
    """Free text where unknown is spelled ``unknown`` in the case (a change scope, a policy)."""
    return parse_text(text) or "unknown"


def ask_terms(lang: str, terms: Terms, offer: Offer) -> Terms:
    heading(lang, "h_terms")
    yes_no = parse_yes_no(lang)
    salary = ask(lang, "monthly_salary", parse_number(lang, integer=True), show(terms.monthly_salary, lang))
    b = terms.bonus
    basis = choose(lang, "bonus_basis", BONUS_BASES, b.basis, "unknown", "basis_help")
    guaranteed, stated = b.guaranteed_months, b.stated_months
    if basis in ("guaranteed", "formula"):
        guaranteed = ask(lang, "guaranteed_months", parse_number(lang, maximum=120), show(guaranteed, lang))
    if basis in ("past_record", "discretionary", "formula"):
        stated = ask(lang, "stated_months", parse_range(lang), show(stated, lang))
    bonus = b.model_copy(update=dict(basis=basis, guaranteed_months=guaranteed, stated_months=stated,
                                     in_writing=bool(ask(lang, "bonus_in_writing", yes_no, show(b.in_writing, lang)))))
    o = terms.overtime
    scheme = choose(lang, "overtime_scheme", OVERTIME_SCHEMES, o.scheme, "unknown", "scheme_help")
    hours, amount = o.fixed_hours, o.fixed_amount
    if scheme == "fixed":
        hours = ask(lang, "fixed_hours", parse_number(lang, maximum=744), show(hours, lang))
        amount = ask(lang, "fixed_amount", parse_number(lang, integer=True), show(amount, lang))
    excess = ask(lang, "excess_paid", yes_no, show({"yes": True, "no": False}.get(o.excess_paid), lang))
    overtime = o.model_copy(update=dict(
        scheme=scheme, fixed_hours=hours, fixed_amount=amount, excess_paid=YES_NO[excess],
        clause_checked=bool(ask(lang, "clause_checked", yes_no, show(o.clause_checked, lang)))))
    p = terms.probation
    months = ask(lang, "probation_months", parse_number(lang, maximum=120), show(p.months, lang))
    differ = p.conditions_differ
    if months != 0:
        answer = ask(lang, "conditions_differ", yes_no, show({"yes": True, "no": False}.get(differ), lang))
        differ = YES_NO[answer]
    probation = p.model_copy(update=dict(months=months, conditions_differ=differ))
    location = terms.location.model_copy(update=dict(
        initial=ask(lang, "location_initial", parse_text, show(terms.location.initial, lang)),
        change_scope=ask(lang, "location_scope", parse_scope, show(terms.location.change_scope, lang))))
    duties = terms.duties.model_copy(update=dict(
        initial=ask(lang, "duties_initial", parse_text, show(terms.duties.initial, lang)),
        change_scope=ask(lang, "duties_scope", parse_scope, show(terms.duties.change_scope, lang))))
    c = terms.contract
    contract = c
    if offer.employment_type == "contract" or c != Contract():
        contract = c.model_copy(update=dict(
            ends=ask(lang, "contract_ends", parse_date(lang), show(c.ends, lang)),
            renewal_criteria=ask(lang, "renewal_criteria", parse_scope, show(c.renewal_criteria, lang)),
            renewal_cap=ask(lang, "renewal_cap", parse_scope, show(c.renewal_cap, lang))))
    remote = terms.remote.model_copy(update=dict(
        policy=ask(lang, "remote_policy", parse_scope, show(terms.remote.policy, lang))))
    return terms.model_copy(update=dict(monthly_salary=salary, bonus=bonus, overtime=overtime, probation=probation,
                                        location=location, duties=duties, contract=contract, remote=remote))


def ask_candidate(lang: str, candidate: Candidate) -> Candidate:
    heading(lang, "h_candidate")
    return candidate.model_copy(update=dict(
        current_annual_income=ask(lang, "income", parse_number(lang, integer=True),
                                  show(candidate.current_annual_income, lang)),
        age=ask(lang, "age", parse_number(lang, integer=True, maximum=150), show(candidate.age, lang))))


def interview(lang: str, existing: Case | None, case_id: str) -> Case:
    """Ask the candidate about their offer; every answer of ``existing`` is the default."""
    base = existing or Case(riskcheck=1, id=case_id)
    click.echo(say(lang, "welcome"))
    offer = ask_offer(lang, base.offer)
    people = ask_people(lang, base.people)
    promises, people = ask_promises(lang, base.promises, people)
    documents = ask_documents(lang, base.documents)
    terms = ask_terms(lang, base.terms, offer)
    candidate = ask_candidate(lang, base.candidate)
    answers = dict(id=base.id or case_id, candidate=candidate, offer=offer, people=people, documents=documents,
                   promises=promises, terms=terms)
    return Case.model_validate(base.model_copy(update=answers).model_dump())


# Writing the case file.

HEADER = {
    "en": ["A riskcheck case: your job offer as far as you know it (case format 1).",
           "Made with `riskcheck init`; run it again on this file to update your answers, or edit it in a",
           "text editor. Anything left out or marked unknown is treated as unknown: the check never",
           "assumes the good case. Lines starting with # are comments."],
    "ja": ["riskcheck のケースファイル: 分かっている範囲での内定の内容です（ケース形式 1）。",
           "`riskcheck init` で作成しました。このファイルを指定してもう一度実行すると回答を更新できます。",
           "テキストエディタで直接編集しても構いません。書かれていない項目や unknown は「不明」として扱われ、",
           "都合のよい前提は置きません。# で始まる行はコメントです。"],
}
SECTIONS = {
    "en": {
        "candidate": "About you: stays on your computer, used to compare the offer with your current income.",
        "offer": "The offer and where you are in the process.",
        "people": "People you met at the employer. assigns_work: hands out your work on site; decides_pay: "
                  "has authority over pay and conditions.",
        "documents": "Documents you have. received: the date, or false when promised but not received yet; "
                     "covers: the topics the document states explicitly.",
        "promises": "What you were told. by: who said it (an id from people), or source: the document it was "
                    "read in; in_writing: a document you received states it; confirmed_by: who confirmed it later.",
        "terms": "Pay and working conditions as far as you know them.",
        "waivers": "Risks you decided to accept: they stay in the report, marked as waived, until they expire.",
        "expect": "What the rule pack's tests expect of this case.",
    },
    "ja": {
        "candidate": "あなたについて（このパソコンの中だけに保存。現在の年収との比較に使います）",
        "offer": "オファーの概要と選考の段階",
        "people": "会社側で会った人。assigns_work: 現場で仕事を割り振る人、decides_pay: 給与・条件の決定権がある人",
        "documents": "受け取った書類。received: 受け取った日付（受け取る約束だけなら false）、covers: はっきり書かれている項目",
        "promises": "言われたこと。by: 言った人（people の id）、source: 書かれていた書類、in_writing: 受け取った書類に"
                    "書かれている、confirmed_by: 後から確認した人",
        "terms": "分かっている範囲の給与と労働条件",
        "waivers": "受け入れると決めたリスク（期限まではレポートに waived として残ります）",
        "expect": "ルールパックのテストがこのケースに期待する結果",
    },
}
CHOICES = {
    "offer.employment_type": EMPLOYMENT_TYPES, "offer.stage": STAGES, "people.role": ROLES,
    "documents.kind": DOCUMENT_KINDS, "promises.stage": STAGES, "promises.channel": CHANNELS,
    "promises.source": DOCUMENT_KINDS, "terms.bonus.basis": BONUS_BASES, "terms.overtime.scheme": OVERTIME_SCHEMES,
    "terms.overtime.excess_paid": ("yes", "no", "unknown"), "terms.probation.conditions_differ": ("yes", "no", "unknown"),
}
NOTES = {
    "en": {"candidate.current_annual_income": "JPY a year", "offer.acceptance_deadline": "YYYY-MM-DD",
           "offer.start_date": "YYYY-MM-DD", "terms.monthly_salary": "JPY a month, base pay without allowances",
           "terms.bonus.stated_months": "[min, max] months you were told", "terms.overtime.fixed_amount": "JPY a month",
           "terms.overtime.fixed_hours": "hours a month", "terms.overtime.clause_checked": "you read the clause",
           "terms.contract.ends": "YYYY-MM-DD"},
    "ja": {"candidate.current_annual_income": "年収（円）", "offer.acceptance_deadline": "回答期限 YYYY-MM-DD",
           "offer.start_date": "入社日 YYYY-MM-DD", "terms.monthly_salary": "月給（円、手当を除く基本給）",
           "terms.bonus.stated_months": "聞いた月数 [最小, 最大]", "terms.overtime.fixed_amount": "月額（円）",
           "terms.overtime.fixed_hours": "月の時間数", "terms.overtime.clause_checked": "条項を読んだか",
           "terms.contract.ends": "契約終了日 YYYY-MM-DD"},
}
EMPTY_NOTE = {"en": "all unknown; remove the {} when you fill in a line below",
              "ja": "すべて不明。下の行を書き込むときは {} を消してください"}
SKIP_WHEN_EMPTY = {"terms.contract", "waivers", "expect"}
_UNSAFE = re.compile(r"[:#,\[\]{}&*!|>'\"%@`\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]|^[-?\s]|\s$")
_ESCAPE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def scalar(value: Any) -> str:
    """A value as a YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, date)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if text and not _UNSAFE.search(text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _comment(path: str, value: Any, lang: str) -> str:
    """The trailing comment of a key: the value's label, its choices when unknown, or a note."""
    if path in CHOICES:
        if value is None or value == "unknown":
            return "  # " + " | ".join(CHOICES[path])
        text = name_of(str(value), lang)
        return f"  # {text}" if text != value else ""
    note = NOTES[lang].get(path)
    return f"  # {note}" if note else ""


def _emit(model: BaseModel, path: str, first: str, pad: str, lines: list[str], lang: str) -> None:
    """The fields of ``model``; the first line starts with ``first`` (``- `` for a list item)."""
    in_list = first != pad
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{path}.{name}" if path else name
        lead, first = first, pad
        if not path and name not in ("riskcheck", "id"):
            if (value is None or value == [] or value == type(model).model_fields[name].default) \
                    and key in SKIP_WHEN_EMPTY:
                first = lead
                continue
            lines.append("")
            if name in SECTIONS[lang]:
                lines.extend(f"# {line}" for line in _wrap(SECTIONS[lang][name], lang))
        if isinstance(value, BaseModel):
            if key in SKIP_WHEN_EMPTY and value == type(value)():
                first = lead
                continue
            lines.append(f"{lead}{name}:")
            start = len(lines)
            _emit(value, key, pad + "  ", pad + "  ", lines, lang)
            if all(line.lstrip().startswith("#") for line in lines[start:]):
                lines[start - 1] += " {}  # " + EMPTY_NOTE[lang]
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            lines.append(f"{lead}{name}:")
            for item in value:
                _emit(item, key, pad + "  - ", pad + "    ", lines, lang)
        elif value is None or value == []:
            if in_list:
                first = lead
            elif value is None:
                lines.append(f"{lead}# {name}:{_comment(key, None, lang) or '  # ' + unknown_word(lang)}")
            else:
                lines.append(f"{lead}{name}: []")
        else:
            lines.append(f"{lead}{name}: {scalar(value)}{_comment(key, value, lang)}")


def _wrap(text: str, lang: str) -> list[str]:
    """Comment lines of a readable width (Japanese characters count double)."""
    if lang == "en":
        return textwrap.wrap(text, 96)
    lines = [""]
    for piece in re.findall(r"[^、。]+[、。]?", text):
        if lines[-1] and len(lines[-1]) + len(piece) > 46:
            lines.append("")
        lines[-1] += piece
    return lines


def dump_case(case: Case, lang: str) -> str:
    """The case as commented YAML, keys in the order of the case format."""
    lines = [f"# {line}" for line in HEADER[lang]]
    _emit(case, "", "", "", lines, lang)
    return "\n".join(lines) + "\n"


def read_case(path: str) -> Case:
    """A case file read and validated the normal way (id defaults to the file name)."""
    return load_case(load(path), os.path.splitext(os.path.basename(path))[0])


def write_case(path: str, case: Case, lang: str) -> Case:
    """Write ``case`` to ``path`` atomically, after proving the text reads back as the same case."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".riskcheck-", suffix=".yaml", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(dump_case(case, lang))
        written = load_case(load(tmp), case.id or "")
        if written != case:
            raise RiskcheckError(f"{path}: the case did not read back as written; nothing was changed "
                                 "(please report this)")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return written
