"""Validating parsed documents against pydantic models, with errors located by line and field."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from riskcheck.errors import InputError
from riskcheck.loading import Document

M = TypeVar("M", bound=BaseModel)


class LocatedError(ValueError):
    """A cross-field error that knows which field it is about."""

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc = loc


def validate(model: type[M], doc: Document, data: Any = None, loc: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` (default: the whole document) found at ``loc`` in ``doc`` against ``model``.

    The first problem becomes an InputError naming the file, the line and the field.
    """
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        raise doc.error(loc, f"expected a mapping of keys, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(doc, model, exc, loc) from None


def _first_error(doc: Document, model: type[BaseModel], exc: ValidationError, prefix: tuple[Any, ...]) -> InputError:
    errors = exc.errors(include_url=False)
    err = errors[0]
    loc = _clean(err["loc"])
    ctx = err.get("ctx") or {}
    if isinstance(ctx.get("error"), LocatedError):
        located = ctx["error"]
        return doc.error(prefix + loc + located.loc, str(located))
    if err["type"] == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        hint = difflib.get_close_matches(key, allowed, n=1)
        message = f"unknown key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else
                                            f" (allowed: {', '.join(allowed)})")
        return doc.error(prefix + loc, message)
    if err["type"] == "missing":
        return doc.error(prefix + loc, "required key is missing")
    message = err["msg"].removeprefix("Value error, ")
    extra = len({_clean(e["loc"]) for e in errors}) - 1
    if "input" in err and err["type"] not in ("model_type", "dict_type") and not isinstance(err["input"], (dict, list)):
        message += f" (got {err['input']!r})"
    return doc.error(prefix + loc, message + (f"; and {extra} more problem(s)" if extra else ""))


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the union-branch names pydantic puts in a location (``date``, ``literal[False]``)."""
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
