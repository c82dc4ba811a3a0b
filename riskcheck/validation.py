"""Validating parsed documents against pydantic models, with errors located by line and field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from riskcheck.errors import InputError
from riskcheck.loading import Document

M = TypeVar("M", bound=BaseModel)


class LocatedError(ValueError):
    """A cross-field error that knows which field it is about; ``also`` holds more found with it."""

    def __init__(self, loc: tuple[Any, ...], message: str, also: list[LocatedError] | None = None):
        super().__init__(message)
        self.loc = loc
        self.also = also or []


def validate(model: type[M], doc: Document, data: Any = None, loc: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` (default: the whole document) found at ``loc`` in ``doc`` against ``model``.

    The first problem becomes an InputError naming the file, the line and the field.
    """
    data = _mapping(doc, data, loc)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(doc, model, exc.errors(include_url=False), loc) from None


def validate_all(model: type[M], doc: Document, data: Any = None,
                 loc: tuple[Any, ...] = ()) -> tuple[M | None, list[InputError]]:
    """Like ``validate``, but returns every problem (one per field) instead of raising the first."""
    try:
        data = _mapping(doc, data, loc)
        return model.model_validate(data), []
    except InputError as exc:
        return None, [exc]
    except ValidationError as exc:
        errors: dict[tuple[Any, ...], Any] = {}
        for err in exc.errors(include_url=False):
            errors.setdefault(_clean(err["loc"]), err)
        return None, [problem for err in errors.values() for problem in _located(doc, model, err, loc)]


def _mapping(doc: Document, data: Any, loc: tuple[Any, ...]) -> dict[str, Any]:
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        raise doc.error(loc, f"expected a mapping of keys, got {type(data).__name__}")
    return data


def _located(doc: Document, model: type[BaseModel], err: Any, prefix: tuple[Any, ...]) -> list[InputError]:
    """One pydantic error as InputErrors: a LocatedError and those found with it, or else one."""
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, LocatedError):
        loc = prefix + _clean(err["loc"])
        return [doc.error(loc + e.loc, str(e)) for e in [located, *located.also]]
    return [_first_error(doc, model, [err], prefix)]


def _first_error(doc: Document, model: type[BaseModel], errors: list[Any], prefix: tuple[Any, ...]) -> InputError:
    err = errors[0]
    if isinstance((err.get("ctx") or {}).get("error"), LocatedError):
        return _located(doc, model, err, prefix)[0]
    loc = _clean(err["loc"])
    if err["type"] == "extra_forbidden":  # the last part is the user's key, even one named like a union branch
        loc = _clean(err["loc"][:-1]) + err["loc"][-1:]
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        hint = close_match(key, allowed, n=1)
        message = f"unknown key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else
                                            f" (allowed: {', '.join(allowed)})")
        return doc.error(prefix + loc, message)
    if err["type"] == "missing":
        return doc.error(prefix + loc, "required key is missing")
    message = err["msg"].removeprefix("Value error, ")
    extra = len({_clean(e["loc"]) for e in errors}) - 1
    if "input" in err and err["type"] not in ("model_type", "dict_type") and not isinstance(err["input"], (dict, list)):
        message += f" (got {_shown(err['input'])})"
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


def close_match(word: str, options: list[str] | tuple[str, ...], n: int = 1) -> list[str]:
    """Spelling suggestions for error messages (difflib is imported only when there is an error)."""
    import difflib

    return difflib.get_close_matches(word, list(options), n=n)


def _shown(value: Any, limit: int = 80) -> str:
    """A bad value for an error message, cut short (a value may be most of a 1 MB file)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
