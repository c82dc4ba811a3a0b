"""Engine facts from what read documents state (``documents[].states``): one ``statement`` fact each, and
per document whether it was read and which required items it leaves out. Called by ``riskcheck.facts``.

Imports stay light (the patterns are loaded only for a case that holds a read document), so ``check``
on other cases pays nothing for reading.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from riskcheck.case import Case, CaseDocument, Statement
from riskcheck.i18n import text


@cache
def _patterns() -> tuple[dict[str, str], tuple[tuple[str, tuple[str, ...], tuple[tuple[str, Any], ...],
                                                   tuple[tuple[str, Any], ...]], ...]]:
    """Field -> topic, and the required items, from the shipped patterns."""
    from riskcheck.read.compiled import load_patterns, shipped_patterns_path

    compiled = load_patterns(str(shipped_patterns_path()), checked=False)
    topics = {item.field: item.topic for item in compiled.items}
    required = tuple((r.item, r.any_of, r.only_if, r.not_if) for r in compiled.required)
    return topics, required


def _words(value: Any) -> str:
    """A value as the text rules compare: yes/no for booleans, ``3`` for ``3.0``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def document_fields(document: CaseDocument) -> dict[str, Any]:
    """What the document fact adds for a read document: ``read``, and the required items it leaves out."""
    if not document.states:
        return {"read": False}
    _, required = _patterns()
    stated = {s.field: _words(s.value) for s in document.states}
    missing = [item for item, any_of, only_if, not_if in required
               if all(stated.get(f) == _words(v) for f, v in only_if)
               and not any(stated.get(f) == _words(v) for f, v in not_if) and not any(f in stated for f in any_of)]
    return {"read": True, "missing_required": len(missing),
            "missing_ja": text("read.list_separator", "ja").join(text(f"read.item.{m}", "ja") for m in missing),
            "missing_en": text("read.list_separator", "en").join(text(f"read.item.{m}", "en") for m in missing)}


def statement_fields(case: Case, index: int, document: CaseDocument, statement: Statement) -> dict[str, Any]:
    """One ``statement`` fact: the document's value, its line, and whether the case's own value differs."""
    from riskcheck.read.merge import case_value, same, unknown
    from riskcheck.read.reader import split_field

    topics, _ = _patterns()
    base, key, _ = split_field(statement.field)
    own = case_value(case.terms.model_dump(mode="json", by_alias=True), statement.field) \
        if statement.field.startswith("terms.") else None
    differs = not unknown(own) and not same(own, statement.value)
    return {"document": index, "kind": document.kind, "field": base, "key": key,
            "topic": topics.get(base, "documents"), "value": _words(statement.value), "line": statement.line,
            "text": statement.text, "conflicts": differs, "case_value": _words(own) if differs else None}


def statements(case: Case) -> list[dict[str, Any]]:
    return [statement_fields(case, i, document, statement)
            for i, document in enumerate(case.documents) for statement in document.states]
