"""Reading a document against the notice patterns: what it states, line by line, as case values.

One pass per item over the normalised lines: an item's patterns are tried on the lines its headings
open (or on every line), the first line with a parsable value wins (every line, for the list items
allowances and repayment). Values the case would refuse are dropped: a wrong value is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from riskcheck.read.compiled import LIMITS, LIST_FIELDS, Compiled, Item
from riskcheck.read.parsers import PARSERS, text_, yen
from riskcheck.read.text import normalise

KIND_LINES = 15
"""The kind of document is told by a title in its first lines."""
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass(frozen=True)
class Evidence:
    field: str
    value: Any
    line: int
    text: str
    topic: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "line": self.line, "text": self.text}


@dataclass
class Conflict:
    field: str
    case: Any
    document: Any
    line: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "case": self.case, "document": self.document, "line": self.line,
                "text": self.text}


def split_field(path: str) -> tuple[str, str | None, str | None]:
    """``terms.allowances[住宅手当].monthly`` -> ``("terms.allowances", "住宅手当", "monthly")``."""
    base, _, rest = path.partition("[")
    if not rest:
        return path, None, None
    key, _, attribute = rest.partition("].")
    return base, key, attribute


@dataclass
class Reading:
    source: str
    kind: str | None
    language: str
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def covers(self) -> list[str]:
        return sorted({e.topic for e in self.evidence})

    def terms(self) -> dict[str, Any]:
        """The stated terms in case format 1 (only what the document states)."""
        data: dict[str, Any] = {}
        for item in self.evidence:
            if not item.field.startswith("terms."):
                continue
            list_field, _, rest = item.field.partition("[")
            if list_field in LIST_FIELDS:
                key, _, attribute = rest.partition("].")
                entries = data.setdefault(list_field.split(".")[1], [])
                name = "name" if list_field == "terms.allowances" else "for"
                entry = next((e for e in entries if e[name] == key), None)
                if entry is None:
                    entries.append(entry := {name: key})
                entry[attribute] = item.value
                continue
            node = data
            parts = item.field.split(".")[1:]
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = item.value
        return data

    def document(self) -> dict[str, Any]:
        """The document entry of case format 1, with what it states."""
        return {"kind": self.kind, "language": self.language, "covers": self.covers,
                "states": [e.to_dict() for e in self.evidence]}


def detect_kind(lines: list[str], patterns: Compiled) -> str | None:
    """The kind whose title appears first in the document's first lines."""
    for line in lines[:KIND_LINES]:
        for kind, regexes in patterns.kinds:
            if any(r.search(line) for r in regexes):
                return kind
    return None


def read_lines(source: str, raw: list[str], patterns: list[Compiled], kind: str | None,
               required: Compiled) -> Reading:
    """What ``raw`` (a document's lines) states, by ``patterns`` (earlier files first, so an agency's
    own patterns win); ``required`` gives the items the law requires."""
    lines = [normalise(line) for line in raw]
    if kind is None:
        kind = next((k for p in patterns if (k := detect_kind(lines, p))), None)
    language = "ja" if sum(bool(CJK.search(line)) for line in lines) else "en"
    reading = Reading(source, kind, language)
    seen: set[str] = set()
    for compiled in patterns:
        for item in compiled.items:
            if item.field in seen and item.field not in LIST_FIELDS:
                continue
            found = _find(item, lines, raw)
            if found:
                seen.add(item.field)
                reading.evidence.extend(e for e in found if e.field not in {x.field for x in reading.evidence})
    order = {item.field: i for compiled in patterns for i, item in enumerate(compiled.items)}
    reading.evidence.sort(key=lambda e: (order.get(e.field.partition("[")[0], 0), e.line, e.field))
    reading.missing = missing(reading, required)
    return reading


def _window(headings: list[re.Pattern[str]], within: int, lines: list[str]) -> list[int]:
    if not headings:
        return list(range(len(lines)))
    chosen: dict[int, None] = {}
    for i, line in enumerate(lines):
        if any(h.search(line) for h in headings):
            chosen.update(dict.fromkeys(range(i, min(i + within + 1, len(lines)))))
    return list(chosen)


def _find(item: Item, lines: list[str], raw: list[str]) -> list[Evidence]:
    """A value item: its patterns in order, each over the window's lines; the first value wins. A list
    item (allowances, repayment): every line, each with the first of its patterns that gives a value."""
    window = _window(item.headings, item.within, lines)
    listed = item.field in LIST_FIELDS
    found: list[Evidence] = []
    for pattern, i in ([(p, i) for i in window for p in item.patterns] if listed else
                       [(p, i) for p in item.patterns for i in window]):
        if listed and found and found[-1].line == i + 1:
            continue
        match = pattern.match.search(lines[i])
        if not match or (pattern.unless is not None and pattern.unless.search(lines[i])):
            continue
        parsed = _value(item, pattern.value, match)
        if parsed is None:
            continue
        found.append(Evidence(parsed[0], parsed[1], i + 1, raw[i].strip(), item.topic))
        if not listed:
            break
    return found


def _group(match: re.Match[str], name: str) -> str:
    groups = match.groupdict()
    if name in groups:
        return groups[name] or ""
    return match.group(1) if match.re.groups else match.group(0)


def _value(item: Item, constant: Any, match: re.Match[str]) -> tuple[str, Any] | None:
    """``(field, value)`` for a match, or ``None`` when the text is no value the case accepts."""
    if item.parser == "allowance":
        name, amount = text_(match.group("name") or ""), yen(match.group("v") or "")
        return (f"terms.allowances[{name}].monthly", amount) if name and amount else None
    if item.parser == "repayment":
        condition = text_(_group(match, "v"))
        return (f"terms.repayment[{constant}].condition", condition) if condition else None
    value = constant if constant is not None else PARSERS[item.parser](_group(match, "v"))
    if value is None:
        return None
    limit = LIMITS.get(item.field, LIMITS.get(item.parser))
    if limit is not None and isinstance(value, (int, float)) and not 0 <= value <= limit:
        return None
    return item.field, value


def missing(reading: Reading, required: Compiled) -> list[str]:
    """The required items (施行規則5条1項) the document does not state."""
    stated = {e.field: e.value for e in reading.evidence}
    return [r.item for r in required.required
            if all(stated.get(f) == v for f, v in r.only_if) and not any(stated.get(f) == v for f, v in r.not_if)
            and not any(f in stated for f in r.any_of)]
