"""The one path a case takes: read, validate, turn into facts, match, build findings."""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from typing import Any

from riskcheck import facts, findings, waivers
from riskcheck.case import Case, Waiver, load_case
from riskcheck.engine import Matcher
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import text
from riskcheck.loading import MAX_BYTES, Document, load
from riskcheck.report import CaseResult
from riskcheck.rulepack import Rule, RulePack


def case_id_for(source: str) -> str:
    """The default case id: the file name without its extension."""
    return os.path.splitext(os.path.basename(source))[0]


class Checker:
    """Rule packs compiled once into one matcher; evaluates any number of cases."""

    def __init__(self, packs: list[RulePack], lang: str = "en", extra_waivers: list[Waiver] | None = None,
                 today: date | None = None, redact: bool = False, max_bytes: int = MAX_BYTES):
        self.packs = packs
        self.rules: dict[str, Rule] = {rule.id: rule for pack in packs for rule in pack.rules}
        self.matcher = Matcher({rid: rule.compiled.ruleset_rule for rid, rule in self.rules.items()})
        self.makers = {rid: findings.FindingMaker(rule, lang, redact) for rid, rule in self.rules.items()}
        self.waivers = extra_waivers or []
        self.today = today or date.today()
        self.lang = lang
        self.redact = redact
        self.max_bytes = max_bytes

    def check_case(self, case: Case, source: str) -> CaseResult:
        case_facts = facts.build(case, self.matcher.kinds)
        case_fact = case_facts[0]
        found = [self.makers[rule].build(bound, case_fact) for rule, bound in self.matcher.match(case_facts)]
        found.sort(key=findings.Finding.sort_key)
        assert case.id is not None
        waivers.apply(found, [*case.waivers, *self.waivers], case.id, self.today, self.redact, self.lang)
        if self.redact:  # company and position are free text: never in a redacted report
            return CaseResult(case.id, source, found)
        return CaseResult(case.id, source, found, company=case.offer.company or None,
                          position=case.offer.position or None)

    def check_document(self, doc: Document, default_id: str) -> CaseResult:
        """Evaluate a parsed document; a validation or engine problem becomes an error result."""
        try:
            case = load_case(doc, default_id)
            for warning in doc.warnings:
                print(text("load.warning", self.lang, problem=warning.render(self.lang, self.redact)), file=sys.stderr)
            return self.check_case(case, doc.source)
        except RiskcheckError as exc:
            result = self.failed(_id_of(doc.data, default_id), doc.source, exc)
            if not self.redact:  # an agency's report still shows whose offer could not be read
                result.company, result.position = _offer_of(doc.data)
            return result

    def check_file(self, path: str) -> CaseResult:
        try:
            doc = load(path, self.max_bytes)
        except RiskcheckError as exc:
            return self.failed(case_id_for(path), path, exc)
        return self.check_document(doc, case_id_for(path))

    def failed(self, case_id: str, source: str, error: RiskcheckError | str) -> CaseResult:
        """The error result for a case that could not be read; with ``redact``, without input values."""
        if isinstance(error, RiskcheckError):
            error = error.render(self.lang, self.redact)
        return CaseResult(case_id, source, error=redact_error(error) if self.redact else error)


REDACT_IN_ERRORS = [(re.compile(r" \((?:got|known:) .*?\)(?=;|$|\s)"), ""),
                    (re.compile(r"'[^']*' is not a person"), "the person named here is not a person"),
                    (re.compile(r"person id '[^']*'"), "a person id")]
"""What validation messages repeat of the input: values (``got``), person ids (which are often names)."""


def redact_error(message: str) -> str:
    """An error message without the input values it quotes."""
    for pattern, replacement in REDACT_IN_ERRORS:
        message = pattern.sub(replacement, message)
    return message


def _id_of(data: Any, default: str) -> str:
    """The case's own id if the data has a usable one, for error entries."""
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else default


def _offer_of(data: Any) -> tuple[str | None, str | None]:
    """The company and position an unreadable case states, where they are plain text."""
    offer = data.get("offer") if isinstance(data, dict) else None
    if not isinstance(offer, dict):
        return None, None
    return tuple(value.strip() if isinstance(value, str) and value.strip() else None  # type: ignore[return-value]
                 for value in (offer.get("company"), offer.get("position")))
