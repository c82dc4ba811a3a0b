"""Validating parsed documents against pydantic models, with errors located by line and field.

pydantic's errors become catalogue messages (``valid.*``) a non-programmer can act on, in the
reader's language; the value the user typed is kept apart from the words (``Message.private``),
so ``--redact`` can leave it out. Every problem of a document is reported, one line each.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from riskcheck.errors import InputError
from riskcheck.i18n import FALLBACK, Message, text
from riskcheck.loading import Document

M = TypeVar("M", bound=BaseModel)


class LocatedError(ValueError):
    """A cross-field error that knows which field it is about; ``also`` holds more found with it."""

    def __init__(self, loc: tuple[Any, ...], message: str | Message, also: list[LocatedError] | None = None):
        super().__init__(str(message))
        self.loc = loc
        self.message = message
        self.also = also or []


class ValueProblem(ValueError):
    """A value a field's own check refused, in catalogue words (raised inside validators)."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


class Problems(InputError):
    """Every problem found in one document, on one line: the first in full (file, line, field), each further
    one as ``line N: field: message``. Past ``MAX_PROBLEMS`` (a hostile file's ten thousand unknown keys) the
    rest are counted, not listed."""

    MAX_PROBLEMS = 100

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.source, first.detail, first.line, first.field, first.public_field)

    def __str__(self) -> str:
        return self.render(FALLBACK)

    def render(self, lang: str, redact: bool = False) -> str:
        shown = self.problems[:self.MAX_PROBLEMS]
        parts = [shown[0].render(lang, redact)]
        for problem in shown[1:]:
            where = problem.render(lang, redact).removeprefix(problem.source)
            where = where.removeprefix(f":{problem.line}") if problem.line is not None else where
            parts.append(text("valid.next_problem", lang, line=problem.line, problem=where.removeprefix(": "))
                         if problem.line is not None else where.removeprefix(": "))
        if len(self.problems) > len(shown):
            parts.append(text("valid.more_problems", lang, count=len(self.problems) - len(shown)))
        return text("valid.problem_separator", lang).join(parts)


def validate(model: type[M], doc: Document, data: Any = None, loc: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` (default: the whole document) found at ``loc`` in ``doc`` against ``model``.

    Every problem (one per field) becomes a line of one ``Problems`` error naming the file, the line
    and the field.
    """
    result, problems = validate_all(model, doc, data, loc)
    if result is None:
        raise problems[0] if len(problems) == 1 else Problems(problems)
    return result


def validate_all(model: type[M], doc: Document, data: Any = None,
                 loc: tuple[Any, ...] = ()) -> tuple[M | None, list[InputError]]:
    """Like ``validate``, but returns every problem (one per field) instead of raising."""
    try:
        data = _mapping(doc, data, loc)
        return model.model_validate(data), []
    except InputError as exc:
        return None, [exc]
    except ValidationError as exc:
        errors: dict[tuple[Any, ...], Any] = {}
        for err in exc.errors(include_url=False):
            errors.setdefault(_where(err), err)
        return None, [problem for err in errors.values() for problem in _located(doc, model, err, loc)]


def _mapping(doc: Document, data: Any, loc: tuple[Any, ...]) -> dict[str, Any]:
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        raise doc.error(loc, Message("valid.not_mapping", kind=Message(f"valid.kind.{_kind(data)}")))
    return data


def _kind(value: Any) -> str:
    """The name of a value's type, for messages."""
    name = type(value).__name__
    return name if name in ("NoneType", "bool", "int", "float", "str", "list") else "other"


def _located(doc: Document, model: type[BaseModel], err: Any, prefix: tuple[Any, ...]) -> list[InputError]:
    """One pydantic error as InputErrors: a LocatedError and those found with it, or else one."""
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, LocatedError):
        loc = prefix + _where(err)
        return [doc.error(loc + e.loc, e.message) for e in [located, *located.also]]
    return [_problem(doc, model, err, prefix)]


def _where(err: Any) -> tuple[Any, ...]:
    """An error's location as the user wrote it: pydantic's own names removed, except that the last part of an
    unknown key's location is the key itself (whatever it is called: ``date``, ``a[b``)."""
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        return _clean(loc[:-1]) + loc[-1:]
    return _clean(loc)


def _problem(doc: Document, model: type[BaseModel], err: Any, prefix: tuple[Any, ...]) -> InputError:
    loc = _where(err)
    kind = err["type"]
    if kind == "invalid_key":  # a key that is not text (a number, a date): the location ends with it
        return doc.error(prefix + loc[:-1] + (str(loc[-1]),), Message("valid.key_not_text"), private_key=True)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        hint = close_match(key, allowed, n=1)
        message = (Message("valid.unknown_key_hint", ("key",), key=key, hint=hint[0]) if hint else
                   Message("valid.unknown_key", ("key",), key=key, allowed=", ".join(allowed)))
        if err.get("input") is None:  # a bare word: perhaps the end of a value cut at ", " in { }
            message = Message("valid.with_hint", message=message, hint=Message("valid.hint_comma"))
        return doc.error(prefix + loc, message, private_key=True)
    if kind == "missing":
        return doc.error(prefix + loc, Message("valid.missing"))
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, ValueProblem):
        return doc.error(prefix + loc, error.message)
    message = _message(err)
    if "input" in err and kind not in ("model_type", "dict_type") and not isinstance(err["input"], (dict, list)):
        message = Message("valid.got", ("value",), message=message, value=_shown(err["input"]))
    return doc.error(prefix + loc, message)


_LIMITS = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt"}
_KINDS = {
    "int_parsing": "number", "int_type": "number", "int_from_float": "whole_number", "float_parsing": "number",
    "float_type": "number", "finite_number": "number", "bool_parsing": "yes_no", "bool_type": "yes_no",
    "date_from_datetime_parsing": "date", "date_parsing": "date", "date_type": "date",
    "date_from_datetime_inexact": "date", "string_type": "text", "list_type": "list", "tuple_type": "pair",
    "too_short": "pair", "too_long": "pair", "model_type": "mapping", "dict_type": "mapping",
}
"""pydantic error types the catalogue words as ``valid.expected.<kind>``."""


def _message(err: Any) -> Message:
    """A pydantic error (other than unknown and missing keys) in catalogue words."""
    kind = err["type"]
    detail = err["msg"].removeprefix("Value error, ")
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return Message("valid.not_allowed", allowed=Choices(ctx.get("expected", "")))
    if kind in _LIMITS:
        limit = ctx[_LIMITS[kind]]
        limit = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        return Message(f"valid.{kind}", limit=limit)
    if kind in _KINDS:
        return Message(f"valid.expected.{_KINDS[kind]}", detail=detail)
    return Message("valid.other", detail=detail)


class Choices:
    """The values a closed field allows, as pydantic lists them (``'a', 'b' or 'c'``), shown in the reader's
    language: in English the codes are the words (pydantic's list as it is); other languages give each
    value's label with its code, ``部長・事業部長（department_head）``."""

    _VALUE = r"'((?:[^'\\]|\\.)*)'|([^\s,']+)"

    def __init__(self, expected: str):
        self.expected = expected

    def render(self, lang: str, redact: bool = False) -> str:
        from riskcheck.vocabulary import label

        values = [quoted or bare for quoted, bare in re.findall(self._VALUE, self.expected) if (quoted or bare) != "or"]
        if not values or lang == FALLBACK:
            return self.expected
        shown = [text("value.labelled", lang, label=label(v, lang), value=v) if label(v, lang) != v else v
                 for v in values]
        return text("value.separator", lang).join(shown)


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union-branch and validator names pydantic puts in a location (``date``, ``literal[False]``,
    ``function-before[...]``)."""
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part in ("date", "bool"))))


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc`` (for 'did you mean')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def close_match(word: str, options: list[str] | tuple[str, ...], n: int = 1) -> list[str]:
    """Spelling suggestions for error messages (difflib is imported only when there is an error)."""
    import difflib

    return difflib.get_close_matches(word, list(options), n=n)


def _shown(value: Any, limit: int = 80) -> str:
    """A bad value for an error message, cut short (a value may be most of a 1 MB file)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
