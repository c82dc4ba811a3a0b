"""From a rule match to a finding: severity for the case's stage, texts in one language."""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from riskcheck.conditions import PLACEHOLDER, Compiled, field_type
from riskcheck.rulepack import Rule
from riskcheck.vocabulary import SEVERITIES, STAGES, label

REDACTED = {"en": "[redacted]", "ja": "［非表示］"}
SEPARATOR = {"en": ", ", "ja": "、"}


@dataclass
class Finding:
    rule: str
    severity: str
    topic: str
    confirm_with: list[str]
    form: str
    message: str
    ask: str
    basis: str
    raise_at: str | None
    about: str | None
    """The case item the finding is about, e.g. ``promises[0]``; ``None`` for the case as a whole."""
    waived: dict[str, Any] | None = None
    waiver_expired: dict[str, Any] | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return SEVERITIES.index(self.severity), self.rule, _about_key(self.about), self.message

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data: copies, as ``dataclasses.asdict`` made, without its slow recursion."""
        out: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, list):
                value = list(value)  # of strings
            elif isinstance(value, dict):
                value = copy.deepcopy(value)
            if value is not None or name in ("raise_at", "about"):
                out[name] = value
        return out


_FIELDS = [f.name for f in fields(Finding)]


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


def build(rule: Rule, bound: dict[str, dict[str, Any]], case_fact: dict[str, Any], lang: str,
          redact: bool = False) -> Finding:
    """The finding for one match of ``rule``."""
    scope = {"case": case_fact, **bound}
    texts = rule.text[lang]
    compiled = rule.compiled

    def fill(template: str) -> str:
        return PLACEHOLDER.sub(lambda m: _placeholder(m.group(1), scope, compiled, lang, redact), template)

    first = bound.get(next(iter(compiled.aliases), ""), {})
    return Finding(
        rule=rule.id,
        severity=severity_at(rule, case_fact.get("offer", {}).get("stage")),
        topic=fill(rule.topic),
        confirm_with=list(rule.confirm_with),
        form=rule.form,
        message=fill(texts.message),
        ask=fill(texts.ask),
        basis=fill(texts.basis),
        raise_at=rule.raise_at,
        about=_about(first.get("id")),
    )


def _about(fact_id: str | None) -> str | None:
    """``promise:2`` -> ``promises[2]``; the case fact is about the whole case."""
    if not fact_id or fact_id.startswith("case:"):
        return None
    kind, _, index = fact_id.partition(":")
    return f"{kind}s[{index}]"


@lru_cache(maxsize=None)
def _kind(kind: str, path: str) -> str:
    return field_type(kind, path).kind


def _placeholder(spec: str, scope: dict[str, dict[str, Any]], compiled: Compiled, lang: str, redact: bool) -> str:
    ref, _, filter_name = spec.partition("|")
    alias, _, path = ref.partition(".")
    fact = scope[alias]
    kind = compiled.aliases.get(alias, "case")
    value: Any = fact
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if filter_name == "missing":
        present = value or {}
        return SEPARATOR[lang].join(label(item, lang) for item in compiled.missing[ref] if item not in present)
    if value is None:
        return label("unknown", lang)
    if filter_name == "yen":
        return f"{value:,}円" if lang == "ja" else f"JPY {value:,}"
    if filter_name == "months":
        return f"{value:g}か月" if lang == "ja" else f"{value:g} months"
    if filter_name == "label":
        return label(value, lang)
    if isinstance(value, list):
        return "–".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if redact and _kind(kind, path) == "text":
        return REDACTED[lang]
    return str(value)
