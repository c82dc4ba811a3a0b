"""The page's form and the case, both ways, by the question catalogue.

Field names are the catalogue's case paths: ``offer.company`` for a question asked once, and
``people.0.name`` (``<group>.<row>.<field>``) in a repeated group. Choices are sent as their codes;
typed answers (amounts like ``42万``, dates like ``2027/02/01``, ``?`` or ``不明``) are read by the same
parsers as ``riskcheck init``. Rows left blank are ignored; a person's ``id`` travels in a hidden
field so that promises can name who said them. Nothing of a case the form does not ask is lost on the
way through it: those parts travel in hidden fields too (``rest`` for the case, ``<group>.<row>.kept``
for an item: a read document's statements and language, waivers) and are put back under the answers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Mapping

from riskcheck import questions as qs
from riskcheck.case import Case, load_case
from riskcheck.i18n import text
from riskcheck.loading import Document
from riskcheck.questions import GROUP, GROUPS, Question, drop, get, new_id, put

Values = dict[str, Any]
"""Form values: field name -> str (or a list of str for checkboxes)."""
REPEATED = tuple(g.key for g in GROUPS if g.repeated)
MULTI = ("many", "people")
DOC = "doc:"


def rows(values: Mapping[str, Any], group: str) -> list[int]:
    """The row numbers of a repeated group present in ``values``, in order."""
    pattern = re.compile(rf"^{re.escape(group)}\.(\d+)\.")
    return sorted({int(m.group(1)) for name in values if (m := pattern.match(name))})


def _field_value(question: Question, value: Any) -> Any:
    """A case value as the form shows it: a code, ``yes``/``no``, text, or a list of codes."""
    kind = question.kind
    if kind in MULTI:
        return [str(v) for v in value or []]
    if kind in ("yesno", "flag", "yesno_word"):
        return {True: "yes", False: "no", "yes": "yes", "no": "no"}.get(value, "")
    if value is None or (value == "unknown" and kind in ("choice", "scope")):
        return ""
    if kind == "words":
        return ", ".join(value)
    if kind == "range":
        return "-".join(f"{v:g}" for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def from_case(case: Case) -> Values:
    """The form values that show ``case``."""
    data = case.model_dump(by_alias=True)
    values: Values = {"id": case.id or ""}
    for group in GROUPS:
        if not group.repeated:
            for q in group.questions:
                values[q.field] = _field_value(q, get(data, q.field))
            continue
        for i, item in enumerate(get(data, group.path) or []):
            for q in group.questions:
                values[f"{group.key}.{i}.{q.field}"] = _field_value(q, item.get(q.field))
            if group.key == "people":
                values[f"people.{i}.id"] = item["id"]
    for i, promise in enumerate(data["promises"]):
        values[f"promises.{i}.by"] = promise["by"] or f"{DOC}{promise['source']}"
    for i, doc in enumerate(data["documents"]):
        received = doc["received"]
        values[f"documents.{i}.received"] = "promised" if received is False else "yes"
        values[f"documents.{i}.received_date"] = received.isoformat() if isinstance(received, date) else ""
    rest = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in ("riskcheck", "id"):
        rest.pop(key, None)
    for group in GROUPS:
        if not group.repeated:
            for q in group.questions:
                drop(rest, q.field)
            continue
        for i, item in enumerate(drop(rest, group.path) or []):
            kept = {k: v for k, v in item.items() if k not in _ASKED[group.key]}
            values[f"{group.key}.{i}.kept"] = json.dumps(kept, ensure_ascii=False) if kept else ""
    values["rest"] = json.dumps(rest, ensure_ascii=False) if rest else ""
    return values


_ASKED = {g.key: {q.field for q in g.questions} | {"id"} for g in GROUPS if g.repeated}
"""The fields of each repeated group's items the form asks (a person's ``id`` travels on its own)."""


def _kept(raw: Any) -> dict[str, Any]:
    """What a hidden ``rest`` or ``kept`` field carries: the case's parts the form does not ask, as they
    were (a candidate's read notice, its statements, waivers); anything unreadable is nothing."""
    try:
        kept = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return kept if isinstance(kept, dict) else {}


def _under(data: dict[str, Any], kept: dict[str, Any]) -> None:
    """Put ``kept`` into ``data`` wherever the form's own answers left the place empty."""
    for key, value in kept.items():
        if key not in data:
            data[key] = value
        elif isinstance(data[key], dict) and isinstance(value, dict):
            _under(data[key], value)


def blank(lang: str) -> Values:
    """An empty form: one blank row in each repeated group the candidate always needs."""
    values: Values = {"id": ""}
    for group in ("people", "promises", "documents"):
        add_row(values, group)
    return values


def add_row(values: Values, group: str) -> int:
    """Append a blank row to ``group``; returns its number."""
    taken = rows(values, group)
    row = taken[-1] + 1 if taken else 0
    for q in GROUP[group].questions:
        values[f"{group}.{row}.{q.field}"] = [] if q.kind in MULTI else ""
    if group == "people":
        ids = [values.get(f"people.{r}.id") for r in taken]
        n = row + 1
        while f"person-{n}" in ids:
            n += 1
        values[f"people.{row}.id"] = f"person-{n}"
    if group == "documents":
        values[f"documents.{row}.received"] = "yes"
        values[f"documents.{row}.received_date"] = ""
    return row


def remove_row(values: Values, group: str, row: int) -> None:
    prefix = f"{group}.{row}."
    for name in [n for n in values if n.startswith(prefix)]:
        del values[name]


def from_form(form: Any) -> Values:
    """Values from a submitted form (a Starlette ``FormData``): checkboxes as lists."""
    values: Values = {}
    multi = {f"{g.key}.{q.field}" for g in GROUPS for q in g.questions if q.kind in MULTI} | \
        {q.field for g in GROUPS if not g.repeated for q in g.questions if q.kind in MULTI}
    for name in form.keys():
        if name.startswith("_") or name == "action":
            continue
        general = re.sub(r"\.\d+\.", ".", name)
        values[name] = [str(v) for v in form.getlist(name) if str(v)] if general in multi or name in multi \
            else str(form.get(name) or "")
    for name in multi:  # unchecked boxes send nothing
        if "." in name and name.split(".")[0] in REPEATED:
            group, field = name.split(".", 1)
            for row in rows(values, group):
                values.setdefault(f"{group}.{row}.{field}", [])
        else:
            values.setdefault(name, [])
    return values


def _filled(values: Values, group: str, row: int) -> bool:
    """Whether a row has any answer (a blank row is ignored; a document's received state has a default)."""
    names = [f"{group}.{row}.{q.field}" for q in GROUP[group].questions if q.field != "received"]
    if group == "documents":
        names.append(f"documents.{row}.received_date")
    return any(values.get(name) for name in names)


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(f"{len(errors)} answers to correct")
        self.errors = errors


def to_case(values: Values, lang: str) -> Case:
    """The case the form describes; ``FormErrors`` (field -> hint) for answers that do not fit, or a
    ``RiskcheckError`` (one located line) when the case as a whole is not valid."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"riskcheck": 1, "id": values.get("id") or "offer"}

    def read(name: str, q: Question, choices: Any = None) -> Any:
        raw = values.get(name, [] if q.kind in MULTI else "")
        answer = ", ".join(raw) if isinstance(raw, list) else str(raw)
        try:
            return qs.parse(q, answer, choices)
        except qs.Invalid as exc:
            errors[name] = text(exc.key, lang)
            return None

    for group in GROUPS:
        if group.repeated:
            continue
        for q in group.questions:
            value = read(q.field, q)
            if value is not None and value != "unknown" and value != []:
                put(data, q.field, value)
    if get(data, "terms.quoted_annual_income") and "amount" not in data["terms"]["quoted_annual_income"]:
        errors["terms.quoted_annual_income.includes"] = text("question.terms.quoted_annual_income.amount", lang)
    def answer(name: str, q: Question, row: int, ids: list[str]) -> Any:
        if q.kind == "origin":
            return str(values.get(name) or "") or None
        if q.kind == "received":
            return _received(values, row, errors, lang)
        return read(name, q, ids if q.kind == "people" else None)

    people = _items(values, "people", answer, [])
    ids = [p["id"] for p in people]
    promises = _items(values, "promises", answer, ids)
    someone_name = text("question.init.someone", lang)
    for promise in promises:
        origin = promise.pop("by", None)
        if origin and origin.startswith(DOC):
            promise["source"] = origin[len(DOC):]
        elif origin in ids:
            promise["by"] = origin
        else:  # who said it is not known: one "someone" person stands for them, as in ``init``
            someone = next((p for p in people if p.get("role") == "unknown" and p.get("name") == someone_name), None)
            if someone is None:
                someone = {"id": new_id("unknown", ids), "role": "unknown", "name": someone_name}
                people.append(someone)
                ids.append(someone["id"])
            promise["by"] = someone["id"]
    documents = _items(values, "documents", answer, ids)
    for doc in documents:
        if doc.get("received") is False:
            doc.pop("covers", None)
    data.update(people=people, promises=promises, documents=documents)
    for group in ("allowances", "repayment"):
        items = _items(values, group, answer, ids)
        if items:
            data.setdefault("terms", {})[GROUP[group].path.split(".")[1]] = items
    _under(data, {k: v for k, v in _kept(values.get("rest")).items() if k not in ("riskcheck", "id")})
    if errors:
        raise FormErrors(errors)
    return load_case(Document(data, text("web.form.source", lang)), data["id"])


def _received(values: Values, row: int, errors: dict[str, str], lang: str) -> Any:
    state = values.get(f"documents.{row}.received") or "yes"
    typed = str(values.get(f"documents.{row}.received_date") or "").strip()
    if state == "promised":
        return False
    if typed and not qs.is_unknown(typed):
        try:
            return qs.parse_date(typed)
        except qs.Invalid as exc:
            errors[f"documents.{row}.received_date"] = text(exc.key, lang)
    return None


def _items(values: Values, group: str, answer: Any, ids: list[str]) -> list[dict[str, Any]]:
    """The filled rows of a repeated group as case items (a person also gets its id)."""
    items = []
    for row in rows(values, group):
        if not _filled(values, group, row):
            continue
        item: dict[str, Any] = {"id": values.get(f"people.{row}.id") or f"person-{row + 1}"} if group == "people" else {}
        for q in GROUP[group].questions:
            value = answer(f"{group}.{row}.{q.field}", q, row, ids)
            if value is not None:
                item[q.field] = value
        _under(item, {k: v for k, v in _kept(values.get(f"{group}.{row}.kept")).items() if k not in _ASKED[group]})
        items.append(item)
    return items
