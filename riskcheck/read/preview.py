"""What a front end shows of a reading before anything is merged: each value the document states with its
line, the legally required items it leaves out, and the terms where it differs from the case. ``init`` prints
it, ``serve`` lays it out as HTML; the words are the catalogue's ``read.ui.*`` keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from riskcheck.i18n import text
from riskcheck.read.merge import Merge, preview
from riskcheck.read.reader import Conflict, Reading


@dataclass(frozen=True)
class Row:
    field: str
    value: str
    line: int
    text: str


@dataclass(frozen=True)
class Preview:
    kind: str
    rows: list[Row]
    missing: list[str]
    """The required items the document does not state, in the language's words."""
    conflicts: list[Conflict]
    filled: list[str]


def shown(value: Any, lang: str) -> str:
    """A read value as a person reads it: yes/no for booleans, ``3`` for ``3.0``."""
    if isinstance(value, bool):
        return text("read.ui.yes" if value else "read.ui.no", lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def preview_reading(data: Any, reading: Reading, received: date, lang: str) -> Preview:
    """The preview of merging ``reading`` into the case data ``data`` (left as it is)."""
    merge: Merge = preview(data, reading, received)
    rows = [Row(e.field, shown(e.value, lang), e.line, e.text) for e in reading.evidence]
    missing = [text(f"read.item.{item}", lang) for item in reading.missing]
    return Preview(str(reading.kind), rows, missing, merge.conflicts, merge.filled)


def preview_lines(shown_: Preview, lang: str) -> list[str]:
    """The preview as lines of plain text (the terminal's view)."""
    from riskcheck.vocabulary import label

    lines = [text("read.ui.read_heading", lang, kind=label(shown_.kind, lang), count=len(shown_.rows))]
    lines += [text("read.ui.row", lang, line=r.line, field=r.field, value=r.value, text=r.text) for r in shown_.rows]
    lines.append(text("read.ui.missing", lang, items=text("read.list_separator", lang).join(shown_.missing))
                 if shown_.missing else text("read.ui.none_missing", lang))
    lines += [text("read.ui.conflict", lang, field=c.field, case=shown(c.case, lang), value=shown(c.document, lang),
                   line=c.line) for c in shown_.conflicts]
    lines.append(text("read.ui.will_fill", lang, filled=len(shown_.filled), conflicts=len(shown_.conflicts)))
    return lines


def reading_to_json(reading: Reading) -> str:
    """A reading as compact JSON, for a page to send back with the merge (the server keeps nothing)."""
    import json

    return json.dumps({"source": reading.source, "kind": reading.kind, "language": reading.language,
                       "evidence": [[e.field, e.value, e.line, e.text, e.topic] for e in reading.evidence],
                       "missing": reading.missing}, ensure_ascii=False, separators=(",", ":"))


def reading_from_json(raw: str) -> Reading:
    """The reading a page sent back; ValueError if it is not one (the merged case is validated again)."""
    import json

    from riskcheck.read.reader import Evidence

    try:
        data = json.loads(raw)
        evidence = [Evidence(str(f), v, int(n), str(t), str(topic)) for f, v, n, t, topic in data["evidence"]]
        return Reading(str(data["source"]), str(data["kind"]), str(data["language"]), evidence,
                       [str(m) for m in data["missing"]])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a reading: {exc}") from None
