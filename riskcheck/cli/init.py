"""``riskcheck init``: write (or update) a case file by answering questions.

The questions, their kinds and choices come from the catalogue (``riskcheck.questions``), their
words from the message catalogue; this module only asks them at a terminal. Every question takes
"unknown" (or ``?``) for an answer, and on a re-run every answer is pre-filled from the existing
case, so Enter keeps it. The path is checked before the first question, and answers that cannot
be saved are kept in a recovery file.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

import click

from riskcheck import questions as qs
from riskcheck.casefile import check_writable, checked_dump, read_case, save_recovery, write_case
from riskcheck.case import Case
from riskcheck.cli.options import default_lang, fail, make_checker
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import languages, text
from riskcheck.output import open_output
from riskcheck.questions import DOCUMENT_KINDS, GROUP, Question, get, name_of, new_id, put
from riskcheck.render import render_entries
from riskcheck.render.text import TextRenderer
from riskcheck.report import packs_entry
from riskcheck.vocabulary import TOPICS, label

DELETED = "\0delete"
"""What the ``said`` question returns for "delete this promise" (a NUL cannot be typed)."""
DELETE_WORDS = {"delete", "削除"}


@click.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(languages()), default=default_lang, show_default="from locale",
              help="Language of the questions and of the comments in the file.")
@click.option("--check/--no-check", "run_check", default=None,
              help="Check the offer when done (default: ask).")
@click.option("--details", is_flag=True,
              help="Also ask the detailed questions (allowances, transfers, side jobs, retirement allowance, ...).")
def init(case_file: str, lang: str, run_check: bool | None, details: bool) -> None:
    """Answer questions about your offer and write them to CASE_FILE (YAML).

    Run it again on the same file to update your answers: each earlier answer is
    filled in, press Enter to keep it.
    """
    problem = check_writable(case_file, lang)
    if problem:
        fail(problem)
    existing = None
    if os.path.exists(case_file):
        try:
            existing = read_case(case_file)
        except RiskcheckError as exc:
            fail(exc)
        click.echo(say(lang, "rerun", path=case_file))
    case_id = os.path.splitext(os.path.basename(case_file))[0]
    case = interview(lang, existing, case_id, details)
    save(case_file, case, lang)
    click.echo()
    click.secho(say(lang, "written", path=case_file), fg="green")
    if run_check is None:
        try:
            run_check = confirm(lang, "question.init.run_check", sys.stdin.isatty())
        except click.Abort:
            run_check = False
    if run_check:
        checker = make_checker((), False, lang, None, False, None)
        result = checker.check_file(case_file)
        click.echo()
        with open_output(None) as out:
            render_entries(TextRenderer, out, [result.to_dict("high")], packs=packs_entry(checker.packs),
                           lang=lang, fail_on="high")
    click.echo(say(lang, "next", path=case_file))


def save(path: str, case: Case, lang: str) -> None:
    """Write the case; if that fails, keep the answers in a recovery file and say where (exit 2)."""
    try:
        write_case(path, case, lang)
        return
    except (RiskcheckError, OSError) as exc:
        reason = str(exc) if isinstance(exc, RiskcheckError) else f"{path}: {exc.strerror or exc}"
    try:
        dumped = checked_dump(case, lang, path)
    except RiskcheckError:
        dumped = None
    kept = save_recovery(dumped, path) if dumped else None
    if kept:
        fail(say(lang, "recovered", reason=reason, recovery=kept))
    if dumped:
        click.echo(dumped)
    fail(say(lang, "lost", reason=reason))


# Asking at the terminal.

def say(lang: str, key: str, **fields: Any) -> str:
    return text(f"question.init.{key}", lang, **fields)


def ask(lang: str, question: Question, current: Any, *, choices: Sequence[str] | None = None,
        prompt_key: str | None = None, parser: Callable[[str], Any] | None = None, no_default: bool = False,
        **fields: Any) -> Any:
    """One question of the catalogue; the current answer is shown in brackets and kept on Enter."""
    def parse(answer: str) -> Any:
        try:
            return parser(answer) if parser else qs.parse(question, answer, choices)
        except qs.Invalid as exc:
            raise click.UsageError(text(exc.key, lang)) from None

    if question.kind == "choice" and choices is None:
        menu(lang, question)
    default = None if no_default else _default(lang, question, current)
    words = text(prompt_key, lang, **fields) if prompt_key else qs.prompt(question, lang, **fields)
    return click.prompt(words, default=default if default is not None else "", show_default=default is not None,
                        value_proc=parse)


def _default(lang: str, question: Question, current: Any) -> str | None:
    if question.kind == "choice":
        if current is None and question.required:
            return None
        return name_of(current, lang) if current is not None else label("unknown", lang)
    if question.kind in ("many", "people") and isinstance(current, list):
        values = question.choices
        return ", ".join(str(values.index(v) + 1) for v in current if v in values) or text("question.word.none", lang)
    return qs.show(question, current, lang)


def confirm(lang: str, key: str, default: bool, **fields: Any) -> bool:
    """A yes/no question that understands はい/いいえ too; Enter (or unknown) takes ``default``."""
    answer = click.prompt(text(key, lang, **fields), default=qs.show(qs.BY_KEY["people.assigns_work"], default, lang),
                          value_proc=lambda a: _yes_no(lang, a))
    return default if answer is None else answer


def _yes_no(lang: str, answer: str) -> bool | None:
    try:
        return qs.parse_yes_no(answer)
    except qs.Invalid as exc:
        raise click.UsageError(text(exc.key, lang)) from None


def menu(lang: str, question: Question, values: Sequence[str] | None = None) -> None:
    for number, value in enumerate(values or question.choices, 1):
        extra = f": {qs.choice_help(question, value, lang)}" if question.choice_help else ""
        click.echo(f"  {number:>2}  {name_of(value, lang)}{extra}")


def heading(lang: str, group: str) -> None:
    click.echo()
    click.secho(f"== {text(f'question.group.{group}', lang)}", bold=True)


# The groups of the interview.

def ask_fields(lang: str, group: str, data: dict[str, Any], detail: bool) -> None:
    """The questions of a group that are not repeated, asked in catalogue order, answers put in ``data``."""
    for question in GROUP[group].questions:
        if question.detail != detail:
            continue
        current = get(data, question.field)
        if question.when and not question.when.holds(get(data, question.when.field)) \
                and current in (None, "unknown", False, []):
            continue
        put(data, question.field, ask(lang, question, current))
    if group == "terms" and not get(data, "terms.quoted_annual_income.amount"):
        data["terms"]["quoted_annual_income"] = None


def _ask_person(lang: str, person: dict[str, Any], number: int) -> dict[str, Any]:
    """One person's answers (``person`` is empty for a new one; its id is made up by the caller)."""
    q = GROUP["people"].questions
    who = (person.get("name") or name_of(person.get("role", "unknown"), lang)) if person else ""
    click.echo(say(lang, "person", n=number, who=who).rstrip(": "))
    answers = dict(person)
    answers["name"] = ask(lang, q[0], person.get("name"))
    answers["role"] = ask(lang, q[1], person.get("role", "unknown"))
    who = answers["name"] or name_of(answers["role"], lang)
    for question in q[2:]:
        answers[question.field] = ask(lang, question, person.get(question.field), who=who)
    return answers


def ask_people(lang: str, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    heading(lang, "people")
    click.echo(say(lang, "roles"))
    result = [_ask_person(lang, person, i) for i, person in enumerate(people, 1)]
    while confirm(lang, "question.init.add_person", not result,
                  first=say(lang, "another" if result else "first")):
        person = _ask_person(lang, {}, len(result) + 1)
        person["id"] = new_id(person["role"] if person["role"] != "unknown" else "person", [p["id"] for p in result])
        result.append(person)
    return result


def _people_menu(people: list[dict[str, Any]], lang: str) -> None:
    for number, person in enumerate(people, 1):
        click.echo(f"  {number:>2}  {person.get('name') or person['id']} ({name_of(person['role'], lang)})")


def _ask_promise(lang: str, promise: dict[str, Any], said: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    """The rest of a promise once ``said`` is known; an "unknown" person is added to ``people`` when the
    candidate does not know who said it."""
    q = {question.field: question for question in GROUP["promises"].questions}
    topic = ask(lang, q["topic"], promise.get("topic"))
    origins = [p["id"] for p in people] + [f"doc:{kind}" for kind in DOCUMENT_KINDS]
    _people_menu(people, lang)
    for number, kind in enumerate(DOCUMENT_KINDS, len(people) + 1):
        click.echo(f"  {number:>2}  {say(lang, 'from_doc', kind=name_of(kind, lang))}")
    current = (promise.get("by") or f"doc:{promise.get('source')}") if promise else None
    default = str(origins.index(current) + 1) if current in origins else label("unknown", lang)

    def parse_origin(answer: str) -> str | None:
        word = answer.strip()
        if not word or qs.is_unknown(word):
            return None
        if word.isdigit() and 1 <= int(word) <= len(origins):
            return origins[int(word) - 1]
        raise click.UsageError(text("question.bad.who", lang))

    origin = ask(lang, q["by"], default, parser=parse_origin)
    if origin is None:
        someone = say(lang, "someone")
        unknown = next((p for p in people if p["role"] == "unknown" and p.get("name") == someone), None)
        if unknown is None:
            unknown = {"id": new_id("unknown", [p["id"] for p in people]), "role": "unknown", "name": someone}
            people.append(unknown)
        origin = unknown["id"]
    answers = dict(promise, topic=topic, said=said)
    answers["by"], answers["source"] = (None, origin[4:]) if origin.startswith("doc:") else (origin, None)
    answers["stage"] = ask(lang, q["stage"], promise.get("stage"))
    answers["channel"] = ask(lang, q["channel"], promise.get("channel"))
    answers["in_writing"] = ask(lang, q["in_writing"], promise.get("in_writing", False))
    ids = [p["id"] for p in people]
    answers["confirmed_by"] = []
    if ids:
        _people_menu(people, lang)
        confirmed = Question(q["confirmed_by"].key, "confirmed_by", "people", tuple(ids))
        answers["confirmed_by"] = ask(lang, confirmed, promise.get("confirmed_by", []), choices=ids)
    return answers


def _said_or_delete(answer: str) -> str | None:
    if answer.strip().lower() in DELETE_WORDS:
        return DELETED
    return None if not answer.strip() or qs.is_unknown(answer) else answer.strip()


def ask_promises(lang: str, promises: list[dict[str, Any]], people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The promises (``people`` gains an "unknown" person if one was needed)."""
    heading(lang, "promises")
    click.echo(say(lang, "promises_intro"))
    said_q = qs.BY_KEY["promises.said"]
    result: list[dict[str, Any]] = []
    pending: list[dict[str, Any] | None] = [*promises, None]
    while pending:
        promise = pending.pop(0)
        if promise is None:
            said = ask(lang, said_q, None, prompt_key="question.init.new_said", parser=_said_or_delete,
                       no_default=True)
            if said is None or said == DELETED:
                break
            pending.append(None)
            promise = {}
        else:
            click.echo(say(lang, "promise", n=len(result) + 1, said=promise.get("said") or label("unknown", lang)))
            said = ask(lang, said_q, promise.get("said"), parser=_said_or_delete)
            if said == DELETED:
                continue
        result.append(_ask_promise(lang, promise, said, people))
    return result


def _ask_document(lang: str, kind: str, current: dict[str, Any] | None) -> dict[str, Any] | None:
    q = {question.field: question for question in GROUP["documents"].questions}
    received = ask(lang, q["received"], current.get("received") if current else "no", kind=name_of(kind, lang))
    if received == "no":
        return None
    covers: list[str] = []
    if received is not False:
        covers = ask(lang, q["covers"], current.get("covers", []) if current else [], kind=name_of(kind, lang))
    return {**(current or {}), "kind": kind, "received": received, "covers": covers}


def ask_documents(lang: str, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    heading(lang, "documents")
    click.echo(say(lang, "documents_intro"))
    for number, topic in enumerate(TOPICS, 1):
        click.echo(f"  {number:>2}  {name_of(topic, lang)}")
    result = [_ask_document(lang, d["kind"], d) for d in documents]
    have = {d["kind"] for d in documents}
    result += [_ask_document(lang, kind, None) for kind in DOCUMENT_KINDS if kind not in have]
    return [d for d in result if d is not None]


def ask_notice(lang: str, data: dict[str, Any]) -> None:
    """Offer to read the notice from a file: show what was read (values with their lines, required items
    missing, differences from the answers so far), then merge it as ``read --into`` does if the candidate
    agrees. An unreadable file is said in one line and the path asked again; Enter skips."""
    from datetime import date

    from riskcheck.read import read_document
    from riskcheck.read.merge import merge_data
    from riskcheck.read.preview import preview_lines, preview_reading

    while True:
        path = click.prompt(text("read.ui.init.path", lang), default="", show_default=False).strip().strip("'\"")
        if not path or qs.is_unknown(path):
            return
        path = os.path.expanduser(path)
        try:
            reading = read_document(path, lang=lang)
            received = date.fromtimestamp(os.path.getmtime(path))
        except RiskcheckError as exc:
            click.secho(str(exc), fg="red")
            continue
        except OSError as exc:
            click.secho(f"{path}: {exc.strerror or exc}", fg="red")
            continue
        break
    click.echo()
    for line in preview_lines(preview_reading(data, reading, received, lang), lang):
        click.echo(line)
    if not confirm(lang, "read.ui.init.merge", True):
        click.echo(text("read.ui.init.skipped", lang))
        return
    merged = merge_data(data, reading, received)
    click.echo(text("read.ui.init.merged", lang, filled=len(merged.filled), conflicts=len(merged.conflicts)))


def ask_items(lang: str, group: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A repeated group of details (allowances, repayment): each item asked again, then new ones."""
    heading(lang, group)
    result = [_ask_item(lang, group, item) for item in items]
    while confirm(lang, f"question.init.add_{group}", False):
        result.append(_ask_item(lang, group, {}))
    return result


def _ask_item(lang: str, group: str, item: dict[str, Any]) -> dict[str, Any]:
    answers = dict(item)
    for question in GROUP[group].questions:
        answers[question.field] = ask(lang, question, item.get(question.field))
    return answers


def interview(lang: str, existing: Case | None, case_id: str, details: bool = False) -> Case:
    """Ask the candidate about their offer; every answer of ``existing`` is the default (and answers to
    questions not asked are kept)."""
    base = existing or Case(riskcheck=1, id=case_id)
    data = base.model_dump(by_alias=True, exclude_none=True)
    data["id"] = base.id or case_id
    click.echo(say(lang, "welcome"))
    heading(lang, "offer")
    ask_fields(lang, "offer", data, False)
    data["people"] = ask_people(lang, data.get("people", []))
    data["promises"] = ask_promises(lang, data.get("promises", []), data["people"])
    data["documents"] = ask_documents(lang, data.get("documents", []))
    ask_notice(lang, data)
    heading(lang, "terms")
    ask_fields(lang, "terms", data, False)
    heading(lang, "candidate")
    ask_fields(lang, "candidate", data, False)
    if details:
        heading(lang, "details")
        for group in ("offer", "candidate", "terms"):
            ask_fields(lang, group, data, True)
        data["terms"]["allowances"] = ask_items(lang, "allowances", data["terms"].get("allowances", []))
        data["terms"]["repayment"] = ask_items(lang, "repayment", data["terms"].get("repayment", []))
    return Case.model_validate(data)
