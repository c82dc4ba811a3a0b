"""The candidate's page, rendered on the server: the form (from the question catalogue) and the result.

Everything works without JavaScript: adding or removing a person, promise or document is a submit
button (``action=add:people``, ``action=remove:people:2``) and the server renders the form again.
``/static/app.js`` only makes it nicer (questions that do not apply are folded away, amounts such as
``42万`` are spelled out as you type). No inline script or style, so the page runs under a strict
Content-Security-Policy. Every word comes from the message catalogue (``web.``, ``question.``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from riskcheck import questions as qs
from riskcheck.i18n import messages, text
from riskcheck.questions import DOCUMENT_KINDS, GROUP, Group, Question, name_of
from riskcheck.report import CaseReport
from riskcheck.render.sheet import build, evidence_text, severity_text, topic_text, who_text
from riskcheck.vocabulary import SEVERITIES
from riskcheck.web.form import MULTI, Values, rows

ASSET_VERSION = "1"


def t(key: str, lang: str, **fields: Any) -> str:
    """A catalogue text, escaped for HTML."""
    return escape(text(key, lang, **fields))


def _has(key: str) -> bool:
    return key in messages("en")


def layout(lang: str, title: str, body: str, other_lang_href: str) -> str:
    other = "en" if lang == "ja" else "ja"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="/static/app.css?v={ASSET_VERSION}">\n'
        f'<script src="/static/app.js?v={ASSET_VERSION}" defer></script>\n'
        "</head>\n<body>\n"
        f'<header class="top"><a class="brand" href="/?lang={lang}">{t("web.title", lang)}</a>'
        f'<a class="lang" href="{escape(other_lang_href)}" hreflang="{other}" lang="{other}">'
        f'{t("web.switch_language", lang)}</a></header>\n'
        f"{body}\n"
        f'<footer class="privacy" id="privacy"><h2>{t("web.privacy.title", lang)}</h2>'
        f'<p>{t("web.privacy.text", lang)}</p></footer>\n'
        "</body>\n</html>\n")


# The form.

def form_page(lang: str, values: Values, errors: dict[str, str] | None = None, problem: str | None = None,
              focus: str | None = None, notice: str = "") -> str:
    """The form; ``notice`` is the notice section (``notice_section``) when a notice was just read."""
    errors = errors or {}
    parts = [f'<main class="form-page">\n<h1>{t("web.form.title", lang)}</h1>',
             f'<p class="lead">{t("web.form.lead", lang)}</p>',
             f'<ul class="tips"><li>{t("web.form.tip_unknown", lang)}</li><li>{t("web.form.tip_amounts", lang)}</li>'
             f'<li>{t("web.form.tip_nothing_stored", lang)}</li></ul>',
             _upload(lang)]
    if problem or errors:
        message = problem or t("web.form.fix_errors", lang, count=len(errors))
        parts.append(f'<div class="problem" role="alert" id="problem">{escape(message) if problem else message}</div>')
    parts.append(f'<form method="post" action="/?lang={lang}" id="case-form" class="case" novalidate>')
    parts.append(f'<button type="submit" name="action" value="check" class="default-submit" tabindex="-1" '
                 f'aria-hidden="true">{t("web.form.check", lang)}</button>')
    parts.append(f'<input type="hidden" name="id" value="{escape(str(values.get("id", "")))}">')
    parts.append(f'<input type="hidden" name="rest" value="{escape(str(values.get("rest", "")))}">')
    parts.append(notice or notice_section(lang))
    for group in ("offer", "people", "promises", "documents", "terms", "candidate"):
        parts.append(_group(lang, GROUP[group], values, errors, focus))
    parts.append(f'<div class="actions"><button type="submit" name="action" value="check" class="primary">'
                 f'{t("web.form.check", lang)}</button></div>')
    parts.append("</form>\n</main>")
    return layout(lang, text("web.title", lang), "\n".join(parts), f"/?lang={'en' if lang == 'ja' else 'ja'}")


def notice_section(lang: str, shown: Any = None, reading_json: str = "") -> str:
    """Inside the case form: choose a notice file and read it (the form's answers go along, to compare);
    once read, what it states with each line, the required items it leaves out, the differences from the
    answers, and the button that merges it and checks. Nothing is merged before that button."""
    parts = [f'<section class="notice" id="notice" aria-labelledby="notice-title">'
             f'<h2 id="notice-title">{t("web.notice.title", lang)}</h2>'
             f'<p class="hint">{t("web.notice.hint", lang)}</p>'
             f'<label for="notice-file">{t("web.notice.label", lang)}</label> '
             f'<input type="file" id="notice-file" name="notice" accept=".pdf,.docx,.txt,application/pdf,text/plain">'
             f'<button type="submit" name="action" value="read_notice" formaction="/notice?lang={lang}" '
             f'formenctype="multipart/form-data" formnovalidate>{t("web.notice.read", lang)}</button>']
    if shown is not None:
        parts.append(_notice_read(lang, shown, reading_json))
    parts.append("</section>")
    return "".join(parts)


def _notice_read(lang: str, shown: Any, reading_json: str) -> str:
    from riskcheck.vocabulary import label

    head = "".join(f'<th scope="col">{t(f"web.notice.col.{c}", lang)}</th>' for c in ("line", "field", "value", "text"))
    body = "".join(f"<tr><td>{r.line}</td><td>{escape(r.field)}</td><td>{escape(r.value)}</td>"
                   f"<td>{escape(r.text)}</td></tr>" for r in shown.rows)
    from riskcheck.read.preview import shown as words

    items = text("read.list_separator", lang).join(shown.missing)
    missing = text("read.ui.missing", lang, items=items) if shown.missing else text("read.ui.none_missing", lang)
    missing = f'<p class="missing">{escape(missing)}</p>'
    differ = [text("read.ui.conflict", lang, field=c.field, case=words(c.case, lang), value=words(c.document, lang),
                   line=c.line) for c in shown.conflicts]
    conflicts = "".join(f"<li>{escape(line)}</li>" for line in differ)
    conflicts = (f'<h3>{t("web.notice.conflicts", lang, count=len(shown.conflicts))}</h3><ul class="conflicts">{conflicts}</ul>'
                 if conflicts else f'<p>{t("web.notice.no_conflicts", lang)}</p>')
    return (f'<div class="notice-read" id="notice-read" role="status">'
            f'<h3>{escape(text("read.ui.read_heading", lang, kind=label(shown.kind, lang), count=len(shown.rows)))}</h3>'
            f'<div class="table-wrap"><table class="evidence"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
            f'{missing}{conflicts}'
            f'<input type="hidden" name="notice_reading" value="{escape(reading_json)}">'
            f'<p>{escape(text("read.ui.will_fill", lang, filled=len(shown.filled), conflicts=len(shown.conflicts)))}</p>'
            f'<button type="submit" name="action" value="merge_notice" class="primary">{t("web.notice.merge", lang)}</button>'
            f'</div>')


def _upload(lang: str) -> str:
    return (f'<form method="post" action="/upload?lang={lang}" enctype="multipart/form-data" class="upload">'
            f'<label for="upload-file">{t("web.upload.label", lang)}</label>'
            f'<input type="file" id="upload-file" name="file" accept=".yaml,.yml,.json,application/json,text/yaml">'
            f'<button type="submit">{t("web.upload.button", lang)}</button>'
            f'<p class="hint">{t("web.upload.hint", lang)}</p></form>')


def _group(lang: str, group: Group, values: Values, errors: dict[str, str], focus: str | None) -> str:
    out = [f'<fieldset class="group" id="group-{group.key}"><legend>{t(f"question.group.{group.key}", lang)}</legend>']
    if _has(f"web.group.{group.key}.intro"):
        out.append(f'<p class="intro">{t(f"web.group.{group.key}.intro", lang)}</p>')
    if group.repeated:
        out.append(_rows(lang, group, values, errors, focus))
    else:
        main = [q for q in group.questions if not q.detail]
        detail = [q for q in group.questions if q.detail]
        out.append('<div class="qs">')
        out.extend(_question(lang, q, q.field, values, errors) for q in main)
        out.append("</div>")
        if detail or group.key == "terms":
            shown = any(values.get(q.field) for q in detail) or any(
                rows(values, g) for g in ("allowances", "repayment")) or focus in ("allowances", "repayment")
            out.append(f'<details class="more"{" open" if shown else ""}><summary>{t("web.form.more", lang)}'
                       "</summary>")
            out.append('<div class="qs">')
            out.extend(_question(lang, q, q.field, values, errors) for q in detail)
            out.append("</div>")
            if group.key == "terms":
                for sub in ("allowances", "repayment"):
                    out.append(f'<fieldset class="group sub" id="group-{sub}"><legend>'
                               f'{t(f"question.group.{sub}", lang)}</legend>')
                    out.append(_rows(lang, GROUP[sub], values, errors, focus))
                    out.append("</fieldset>")
            out.append("</details>")
    out.append("</fieldset>")
    return "\n".join(out)


def _rows(lang: str, group: Group, values: Values, errors: dict[str, str], focus: str | None) -> str:
    out = []
    numbers = rows(values, group.key)
    for position, row in enumerate(numbers, 1):
        out.append(f'<div class="row" id="{group.key}-{row}"><h3>{t(f"web.row.{group.key}", lang, n=position)}</h3>')
        if group.key == "people":
            out.append(f'<input type="hidden" name="people.{row}.id" '
                       f'value="{escape(str(values.get(f"people.{row}.id", "")))}">')
        if values.get(f"{group.key}.{row}.kept"):  # what the form does not ask of this item (forms.from_case)
            out.append(f'<input type="hidden" name="{group.key}.{row}.kept" '
                       f'value="{escape(str(values[f"{group.key}.{row}.kept"]))}">')
        out.append('<div class="qs">')
        for q in group.questions:
            name = f"{group.key}.{row}.{q.field}"
            out.append(_question(lang, q, name, values, errors, autofocus=focus == group.key and row == numbers[-1]
                                 and q is group.questions[0]))
            if group.key == "documents" and q.field == "received":
                out.append(_text_input(lang, Question("documents.received_date", "", "date"),
                                       f"documents.{row}.received_date", values, errors))
        out.append("</div>")
        out.append(f'<button type="submit" name="action" value="remove:{group.key}:{row}" class="remove" '
                   f'formnovalidate>{t(f"web.remove.{group.key}", lang)}</button></div>')
    out.append(f'<button type="submit" name="action" value="add:{group.key}" class="add" formnovalidate>'
               f'{t(f"web.add.{group.key}", lang)}</button>')
    return "\n".join(out)


def form_label(q: Question, lang: str) -> str:
    """The question as a form label: ``question.<key>.form`` where the terminal's wording does not fit."""
    key = f"question.{q.key}.form"
    if _has(key):
        return text(key, lang)
    return qs.prompt(q, lang, who=text("web.this_person", lang), kind=text("web.this_document", lang))


def _question(lang: str, q: Question, name: str, values: Values, errors: dict[str, str],
              autofocus: bool = False) -> str:
    if q.kind in MULTI:
        return _checkboxes(lang, q, name, values, errors)
    if q.kind in ("choice", "yesno", "flag", "yesno_word", "origin", "received"):
        return _select(lang, q, name, values, errors, autofocus)
    return _text_input(lang, q, name, values, errors, autofocus)


def _wrap(lang: str, q: Question, name: str, control: str, errors: dict[str, str], label_for: bool = True) -> str:
    ident = _id(name)
    when = ""
    if q.when is not None:
        when = (f' data-when="{escape(q.when.field)}" data-when-values="{escape("|".join(map(str, q.when.values)))}"'
                f'{" data-when-negate" if q.when.negate else ""}')
    hint = qs.hint(q, lang) if q.key != "documents.received_date" else None
    error = errors.get(name)
    tag = "label" if label_for else "span"
    attr = f' for="{ident}"' if label_for else ""
    wide = " wide" if q.kind in MULTI or q.choice_help else ""
    return (f'<div class="q{wide}{" has-error" if error else ""}"{when}>'
            f'<{tag} class="label"{attr}>{escape(_label(q, lang))}</{tag}>'
            + (f'<p class="hint" id="{ident}-hint">{escape(hint)}</p>' if hint else "")
            + control
            + (f'<p class="error" id="{ident}-error">{escape(error)}</p>' if error else "")
            + "</div>")


def _label(q: Question, lang: str) -> str:
    if q.key == "documents.received_date":
        return text("web.received_date", lang)
    return form_label(q, lang)


def _id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def _described(name: str, q: Question, lang: str, errors: dict[str, str]) -> str:
    ident = _id(name)
    ids = ([f"{ident}-hint"] if q.key != "documents.received_date" and qs.hint(q, lang) else []) + \
        ([f"{ident}-error"] if name in errors else [])
    invalid = ' aria-invalid="true"' if name in errors else ""
    return (f' aria-describedby="{" ".join(ids)}"' if ids else "") + invalid


INPUT_MODES = {"yen": "text", "number": "decimal", "integer": "numeric", "date": "text", "range": "text"}


def _text_input(lang: str, q: Question, name: str, values: Values, errors: dict[str, str],
                autofocus: bool = False) -> str:
    value = values.get(name, "")
    placeholder = text(f"web.placeholder.{q.kind}", lang) if _has(f"web.placeholder.{q.kind}") else ""
    amount = ' data-amount' if q.kind == "yen" else ""
    control = (f'<input type="text" id="{_id(name)}" name="{escape(name)}" value="{escape(str(value))}"'
               f'{f" placeholder={chr(34)}{escape(placeholder)}{chr(34)}" if placeholder else ""}'
               f'{f" inputmode={chr(34)}{INPUT_MODES[q.kind]}{chr(34)}" if q.kind in INPUT_MODES else ""}'
               f'{amount}{" autofocus" if autofocus else ""} autocomplete="off"{_described(name, q, lang, errors)}>')
    return _wrap(lang, q, name, control, errors)


def _options(lang: str, q: Question, name: str, values: Values) -> list[tuple[str, str]]:
    unknown = text("web.unknown_option", lang)
    if q.kind in ("yesno", "flag", "yesno_word"):
        return [("", unknown), ("yes", text("question.word.yes", lang)), ("no", text("question.word.no", lang))]
    if q.kind == "received":
        return [("yes", text("web.received.yes", lang)), ("promised", text("web.received.promised", lang))]
    if q.kind == "origin":
        people = [(str(values.get(f"people.{r}.id")), _person_name(values, r, lang)) for r in rows(values, "people")]
        docs = [(f"doc:{kind}", text("web.from_document", lang, kind=name_of(kind, lang))) for kind in DOCUMENT_KINDS]
        return [("", text("web.someone_option", lang))] + people + docs
    first = text("web.choose_option", lang) if q.required else unknown
    return [("", first)] + [(v, name_of(v, lang) + (f" — {qs.choice_help(q, v, lang)}" if q.choice_help else ""))
                            for v in q.choices if v != q.unknown]


def _person_name(values: Values, row: int, lang: str) -> str:
    name = str(values.get(f"people.{row}.name") or "")
    role = str(values.get(f"people.{row}.role") or "")
    shown = name or text("web.row.people", lang, n=rows(values, "people").index(row) + 1)
    return f"{shown}（{name_of(role, lang)}）" if role and lang == "ja" else f"{shown} ({name_of(role, lang)})" \
        if role else shown


def _select(lang: str, q: Question, name: str, values: Values, errors: dict[str, str], autofocus: bool) -> str:
    current = str(values.get(name, "") or "")
    options = "".join(f'<option value="{escape(v)}"{" selected" if v == current else ""}>{escape(words)}</option>'
                      for v, words in _options(lang, q, name, values))
    control = (f'<select id="{_id(name)}" name="{escape(name)}"{" autofocus" if autofocus else ""}'
               f'{_described(name, q, lang, errors)}>{options}</select>')
    return _wrap(lang, q, name, control, errors)


def _checkboxes(lang: str, q: Question, name: str, values: Values, errors: dict[str, str]) -> str:
    chosen = values.get(name) or []
    if q.kind == "people":
        choices = [(str(values.get(f"people.{r}.id")), _person_name(values, r, lang)) for r in rows(values, "people")]
    else:
        choices = [(v, name_of(v, lang)) for v in q.choices]
    boxes = "".join(f'<label class="check"><input type="checkbox" name="{escape(name)}" value="{escape(v)}"'
                    f'{" checked" if v in chosen else ""}> {escape(words)}</label>' for v, words in choices)
    if not choices:
        boxes = f'<p class="hint">{t("web.no_people_yet", lang)}</p>'
    control = f'<div class="checks" role="group" aria-label="{escape(_label(q, lang))}">{boxes}</div>'
    return _wrap(lang, q, name, control, errors, label_for=False)


# The result.

def result_page(lang: str, entry: dict[str, Any], case_yaml: str, fail_on: str) -> str:
    report = CaseReport.from_entry(entry)
    sheet = build(report)
    rules = {(f.topic, f.ask): f.rule for f in report.findings}
    counts = report.severity_counts()
    total = sum(counts.values())
    parts = ['<main class="result-page">', f'<h1>{t("web.result.title", lang)}</h1>']
    if total:
        badges = "".join(f'<li class="sev {s}"><span class="n">{counts[s]}</span> {escape(severity_text(s, lang))}'
                         f'</li>' for s in SEVERITIES if counts[s])
        parts.append(f'<p class="lead">{t("web.result.lead", lang, count=total)}</p><ul class="counts">{badges}</ul>')
    else:
        parts.append(f'<p class="lead ok">{t("web.result.nothing", lang)}</p>')
    parts.append(_downloads(lang, case_yaml, fail_on))
    for number, group in enumerate(sheet.groups, 1):
        parts.append(f'<section class="who"><h2><span class="num">{number}</span>'
                     f'{t("web.result.ask", lang, who=who_text(group.who, lang))}</h2>')
        for section in group.sections:
            for q in section.questions:
                form = text("web.result.in_writing" if q.form == "written" else "web.result.verbal", lang)
                parts.append(
                    f'<article class="finding {escape(q.severity)}" data-rule="{escape(rules.get((q.topic, q.ask), ""))}" data-topic="{escape(q.topic)}"><header><span class="badge {escape(q.severity)}">'
                    f'{escape(severity_text(q.severity, lang))}</span> <strong>{escape(topic_text(q.topic, lang))}'
                    f'</strong> <span class="form">{escape(form)}</span></header>'
                    f'<p class="what">{escape(q.message)}</p>{_evidence(q.evidence, lang)}'
                    f'<blockquote class="say">{escape(q.ask)}</blockquote>'
                    f'<details><summary>{t("web.result.why", lang)}</summary><p>{escape(q.basis)}</p></details>'
                    "</article>")
        parts.append("</section>")
    if sheet.waived:
        items = "".join(f"<li>{escape(topic_text(f.topic, lang))} ({escape(f.rule)})</li>" for f in sheet.waived)
        parts.append(f'<section class="waived"><h2>{t("web.result.waived", lang)}</h2><ul>{items}</ul></section>')
    parts.append(_downloads(lang, case_yaml, fail_on, edit=True))
    parts.append("</main>")
    return layout(lang, text("web.result.title", lang), "\n".join(parts), f"/?lang={'en' if lang == 'ja' else 'ja'}")


def _evidence(evidence: Any, lang: str) -> str:
    """The read document's line a finding rests on, under its message (nothing without evidence)."""
    shown = evidence_text(evidence, lang)
    return f'<p class="evidence">{escape(shown)}</p>' if shown is not None else ""


def _downloads(lang: str, case_yaml: str, fail_on: str, edit: bool = False) -> str:
    hidden = f'<input type="hidden" name="case" value="{escape(case_yaml)}">'

    def button(action: str, key: str, cls: str = "", target: str = "") -> str:
        return (f'<form method="post" action="{action}?lang={lang}"{target}>{hidden}'
                f'<button type="submit" class="{cls}">{t(key, lang)}</button></form>')

    buttons = [button("/sheet", "web.result.open_sheet", "primary", ' target="_blank" rel="noopener"'),
               button("/download/sheet", "web.result.download_sheet"),
               button("/download/case", "web.result.download_case")]
    if edit:
        buttons = [button("/edit", "web.result.edit")] + buttons
    return f'<div class="downloads">{"".join(buttons)}</div>'


def error_page(lang: str, status: int, message: str) -> str:
    body = (f'<main class="error-page"><h1>{t("web.error.title", lang, status=status)}</h1>'
            f'<p>{escape(message)}</p><p><a href="/?lang={lang}">{t("web.error.back", lang)}</a></p></main>')
    return layout(lang, text("web.error.title", lang, status=status), body, f"/?lang={'en' if lang == 'ja' else 'ja'}")

