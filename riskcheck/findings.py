"""From a rule match to a finding: severity for the case's stage, texts in one language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from riskcheck.conditions import PLACEHOLDER, Compiled, field_type
from riskcheck.i18n import typography
from riskcheck.rulepack import Rule
from riskcheck.vocabulary import SEVERITIES, STAGES, label

REDACTED = {"en": "[redacted]", "ja": "［非表示］"}
SEPARATOR = {"en": ", ", "ja": "、"}


@dataclass(slots=True)
class Finding:
    rule: str
    severity: str
    topic: str
    confirm_with: tuple[str, ...]
    form: str
    message: str
    ask: str
    basis: str
    raise_at: str | None
    about: str | None
    """The case item the finding is about, e.g. ``promises[0]``; ``None`` for the case as a whole."""
    waived: dict[str, Any] | None = None
    waiver_expired: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None
    """The read document's line the finding rests on (the rule's ``evidence`` alias): ``source``, ``line``,
    ``text``; ``None`` for a finding that rests on no read document."""

    def sort_key(self) -> tuple[Any, ...]:
        return RANK[self.severity], self.rule, _about_key(self.about), self.message

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data (copies, so the entry shares nothing with the finding)."""
        out = {"rule": self.rule, "severity": self.severity, "topic": self.topic,
               "confirm_with": list(self.confirm_with), "form": self.form, "message": self.message,
               "ask": self.ask, "basis": self.basis, "raise_at": self.raise_at, "about": self.about}
        if self.evidence is not None:
            out["evidence"] = dict(self.evidence)
        if self.waived is not None:
            out["waived"] = dict(self.waived)
        if self.waiver_expired is not None:
            out["waiver_expired"] = dict(self.waiver_expired)
        return out


RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@lru_cache(maxsize=None)  # a few hundred items at most: promises[0], documents[3], ...
def _about_key(about: str | None) -> tuple[str, int]:
    if about is None:
        return "", -1
    name, _, index = about.partition("[")
    return name, int(index.rstrip("]").split(".")[0] or 0)


def severity_at(rule: Rule, stage: str | None) -> str:
    """The rule's severity at the case's stage: the entry for the latest listed stage reached."""
    severity = rule.severity
    if stage is None:
        return severity
    reached = STAGES.index(stage)
    for at, value in sorted(rule.severity_by_stage.items(), key=lambda item: STAGES.index(item[0])):
        if STAGES.index(at) <= reached:
            severity = value
    return severity


@dataclass(frozen=True)
class Placeholder:
    """``{alias.path|filter}`` of a text, parsed once."""

    alias: str
    path: tuple[str, ...]
    filter: str
    text: bool
    """Whether the field is free text (replaced when redacting)."""
    missing: tuple[str, ...] = ()
    """For ``|missing``: the items of the rule's ``lacks_any`` test."""
    date: bool = False
    """Whether the field is a date (shown the way the language writes dates)."""


Part = Union[str, Placeholder]


class FindingMaker:
    """One rule's findings in one language; everything that does not depend on the match is worked out once."""

    def __init__(self, rule: Rule, lang: str, redact: bool = False):
        self.rule = rule
        self.lang = lang
        self.redact = redact
        self.severities = {stage: severity_at(rule, stage) for stage in (None, *STAGES)}
        self.confirm_with = tuple(rule.confirm_with)
        compiled = rule.compiled
        texts = rule.text[lang]
        self.texts = [_parse(template, compiled) for template in (rule.topic, texts.message, texts.ask, texts.basis)]
        self.placeholders = list(dict.fromkeys(part for parts in self.texts if not isinstance(parts, str)
                                               for part in parts if isinstance(part, Placeholder)))
        self.constant = tuple(self.texts) if not self.placeholders else None
        self.filled: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self.about_alias = next(iter(compiled.aliases), "")
        self.evidence_alias = rule.evidence

    def build(self, bound: dict[str, dict[str, Any]], case_fact: dict[str, Any]) -> Finding:
        """The finding for one match of the rule."""
        topic, message, ask, basis = self._texts({"case": case_fact, **bound})
        rule = self.rule
        about = bound.get(self.about_alias)
        return Finding(rule.id, self.severities[case_fact["offer"].get("stage")], topic, self.confirm_with, rule.form,
                       message, ask, basis, rule.raise_at, _about(about["id"]) if about else None,
                       evidence=self._evidence(bound) if self.evidence_alias else None)

    def _texts(self, scope: dict[str, dict[str, Any]]) -> tuple[str, ...]:
        """Topic, message, question and basis for a match; filled once for each set of values (a case
        rarely has values no case before it had: the same amounts, stages, kinds come back)."""
        if not self.placeholders:
            return self.constant  # type: ignore[return-value]
        values = tuple(_lookup(scope, placeholder) for placeholder in self.placeholders)
        values += tuple(map(type, values))  # True, 1 and 1.0 are equal keys but are shown differently
        try:
            return self.filled[values]
        except KeyError:
            pass
        except TypeError:  # a list or a map (``|missing``): filled every time
            return self._fill_all(scope)
        texts = self._fill_all(scope)
        if len(self.filled) >= FILLED_PER_RULE:  # free text (what was said) rarely repeats: keep memory flat
            self.filled.clear()
        self.filled[values] = texts
        return texts

    def _evidence(self, bound: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        """``{source, line, text}`` from the rule's evidence fact: a statement gives its line; a document
        fact (a read document as a whole) gives its kind only."""
        if self.evidence_alias is None:
            return None
        fact = bound.get(self.evidence_alias, {})
        evidence: dict[str, Any] = {"source": fact.get("kind")}
        if fact.get("line") is not None:
            evidence["line"] = fact["line"]
        if fact.get("text") is not None:
            evidence["text"] = REDACTED[self.lang] if self.redact else fact["text"]
        return evidence

    def _fill_all(self, scope: dict[str, dict[str, Any]]) -> tuple[str, ...]:
        return tuple(parts if isinstance(parts, str) else self._fill(parts, scope) for parts in self.texts)

    def _fill(self, parts: list[Part], scope: dict[str, dict[str, Any]]) -> str:
        return "".join(part if isinstance(part, str) else self._value(part, scope) for part in parts)

    def _value(self, placeholder: Placeholder, scope: dict[str, dict[str, Any]]) -> str:
        lang = self.lang
        value = _lookup(scope, placeholder)
        if placeholder.filter == "missing":
            present = value or {}
            return SEPARATOR[lang].join(label(item, lang) for item in placeholder.missing if item not in present)
        if value is None:
            return label("unknown", lang)
        if placeholder.filter == "yen":
            return typography.yen(value, lang)
        if placeholder.filter == "months":
            return typography.months(value, lang)
        if placeholder.filter == "label":
            return label(value, lang)
        if isinstance(value, list):
            return typography.span(value, lang)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return typography.number(value)
        if self.redact and placeholder.text:
            return REDACTED[lang]
        if placeholder.date:
            return typography.day(str(value), lang)
        return str(value)


FILLED_PER_RULE = 128
"""Filled texts a rule keeps (``FindingMaker._texts``) before it starts again: a few megabytes at most for
a whole pack in a server that runs for months, and as fast as 512 on 20,000 varied cases."""


def _lookup(scope: dict[str, dict[str, Any]], placeholder: Placeholder) -> Any:
    """The raw value a placeholder shows (``None`` when absent)."""
    value: Any = scope[placeholder.alias]
    for name in placeholder.path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _parse(template: str, compiled: Compiled) -> str | list[Part]:
    """A text as literal strings and placeholders; a text without placeholders stays a string."""
    pieces = PLACEHOLDER.split(template)
    if len(pieces) == 1:
        return template
    parts: list[Part] = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if piece:
                parts.append(piece)
            continue
        ref, _, filter_name = piece.partition("|")
        alias, _, path = ref.partition(".")
        kind = compiled.aliases.get(alias, "case")
        field_kind = field_type(kind, path).kind
        parts.append(Placeholder(alias, tuple(path.split(".")), filter_name, field_kind == "text",
                                 compiled.missing.get(ref, ()), field_kind == "date"))
    return parts


@lru_cache(maxsize=None)  # fact ids are few: kind:n
def _about(fact_id: str | None) -> str | None:
    """``promise:2`` -> ``promises[2]``; the case fact is about the whole case."""
    if not fact_id or fact_id.startswith("case:"):
        return None
    kind, _, index = fact_id.partition(":")
    return f"{kind}s[{index}]"
