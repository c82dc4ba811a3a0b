"""Rule packs tested like code: fixture cases declare which rules must fire and which must stay
silent (an ``expect:`` block), and every rule needs at least one of each.

A rule *fires* on a fixture when it produces a finding, waived or not. Rules a fixture does not
name are not checked on it. A pack's fixtures live in the directory its ``pack.yaml`` names
(``fixtures: ../../fixtures/cases`` for the shipped pack), else in its ``cases/`` directory, unless
others are named.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from riskcheck.case import Case, load_case
from riskcheck.conditions import Msg, msg
from riskcheck.errors import InputError
from riskcheck.evaluate import Checker, case_id_for
from riskcheck.loading import Document, load
from riskcheck.rulepack import Problem, RuleError, RulePack

CASE_SUFFIXES = (".yaml", ".yml", ".json")
OUTCOMES = {("fire", True): "tp", ("fire", False): "fn", ("silent", False): "tn", ("silent", True): "fp"}


@dataclass
class Fixture:
    """A readable fixture case with a valid ``expect:`` block naming known rules."""

    path: str
    case: Case
    doc: Document

    def expected(self) -> list[tuple[str, str, int | None]]:
        """``(rule, "fire" | "silent", line)`` for every rule the fixture names."""
        assert self.case.expect is not None
        return [(rule, key, self.doc.line_of(("expect", key, i)))
                for key in ("fire", "silent") for i, rule in enumerate(getattr(self.case.expect, key))]


@dataclass
class Expectation:
    """One rule expectation of one fixture: ``expected`` is ``fire`` or ``silent``."""

    case: str
    source: str
    line: int | None
    rule: str
    expected: str
    fired: bool

    @property
    def ok(self) -> bool:
        return self.fired == (self.expected == "fire")

    @property
    def outcome(self) -> str:
        """``tp``, ``fn`` (should fire, did not), ``tn`` or ``fp`` (should be silent, fired)."""
        return OUTCOMES[(self.expected, self.fired)]


@dataclass
class RuleStats:
    tp: int = 0
    fn: int = 0
    tn: int = 0
    fp: int = 0

    @property
    def covered(self) -> bool:
        """A firing fixture and a near-miss both exist."""
        return self.tp + self.fn > 0 and self.tn + self.fp > 0


@dataclass
class TestRun:
    stats: dict[str, RuleStats]
    """Per rule under test (and per other rule a fixture names)."""
    required: list[str]
    """The rules that must be covered: those of the packs under test."""
    fixtures: int = 0
    expectations: list[Expectation] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    """Fixtures that could not be run (unreadable, invalid, no ``expect:``, unknown rule id)."""

    @property
    def failures(self) -> list[Expectation]:
        return [e for e in self.expectations if not e.ok]

    @property
    def uncovered(self) -> list[str]:
        return [rule for rule in self.required if not self.stats[rule].covered]

    @property
    def exit_code(self) -> int:
        """2 if a fixture could not be run, 1 if an expectation failed or a rule is uncovered, else 0."""
        return 2 if self.errors else 1 if self.failures or self.uncovered else 0


def default_case_dirs(packs: list[RulePack]) -> list[str]:
    """Where the fixtures of ``packs`` live: the directory each pack names (``fixtures:`` in its
    ``pack.yaml``), else its ``cases/`` directory."""
    return list(dict.fromkeys(pack.fixtures for pack in packs if pack.fixtures))


def fixture_files(paths: list[str]) -> list[str]:
    """Case files under ``paths`` (files as given; directories searched recursively, sorted)."""
    found: list[str] = []
    for path in paths:
        if Path(path).is_dir():
            found.extend(sorted(str(p) for p in Path(path).rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def load_fixtures(paths: list[str], rules: Collection[str] | None) -> tuple[list[Fixture], list[InputError]]:
    """Read every fixture under ``paths``; a fixture with any problem is reported, not returned.
    ``rules`` are the known rule ids (``None``: not known, as a pack file could not be read)."""
    fixtures: list[Fixture] = []
    problems: list[InputError] = []
    for path in fixture_files(paths):
        try:
            doc = load(path)
            case = load_case(doc, case_id_for(path))
        except InputError as exc:
            problems.append(exc)
            continue
        errors = _expect_problems(doc, case, rules)
        problems.extend(errors)
        if not errors:
            fixtures.append(Fixture(path, case, doc))
    return fixtures, problems


def _expect_problems(doc: Document, case: Case, rules: Collection[str] | None) -> list[InputError]:
    if case.expect is None or not (case.expect.fire or case.expect.silent):
        return [Problem(doc.error(("expect",), ""), msg("pack.needs_expect"))]
    problems: list[InputError] = []
    for key in ("fire", "silent"):
        for i, rule in enumerate(getattr(case.expect, key)):
            if rules is not None and rule not in rules:
                problems.append(Problem(doc.error(("expect", key, i), ""), unknown_rule(rule, rules)))
            elif key == "silent" and rule in case.expect.fire:
                problems.append(Problem(doc.error(("expect", key, i), ""), msg("pack.expect_both", rule=rule)))
    return problems


def unknown_rule(rule: str, rules: Collection[str]) -> Msg:
    hint = difflib.get_close_matches(rule, list(rules), n=1)
    return msg("pack.unknown_rule_hint", rule=rule, hint=hint[0]) if hint else msg("pack.unknown_rule", rule=rule)


def coverage_problems(packs: list[RulePack], fixtures: list[Fixture]) -> list[InputError]:
    """A problem, at the rule's definition, for each rule of ``packs`` without a fixture expecting it
    to fire, and for each without a near-miss (a fixture expecting it to stay silent)."""
    declared = {(rule, expected) for fixture in fixtures for rule, expected, _ in fixture.expected()}
    problems: list[InputError] = []
    for pack in packs:
        for rule in pack.rules:
            source, line = pack.locations[rule.id]
            for expected, key in (("fire", "pack.no_firing"), ("silent", "pack.no_near_miss")):
                if (rule.id, expected) not in declared:
                    problems.append(RuleError(Problem(InputError(source, "", line), msg(key)), rule.id))
    return problems


def run(checker: Checker, fixtures: list[Fixture], required: list[str]) -> TestRun:
    """Run every fixture through ``checker`` and compare with its expectations."""
    named = {rule for fixture in fixtures for rule, _, _ in fixture.expected()}
    result = TestRun(stats={rule: RuleStats() for rule in sorted(set(required) | named)}, required=required,
                     fixtures=len(fixtures))
    for fixture in fixtures:
        fired = {f.rule for f in checker.check_case(fixture.case, fixture.path).findings}
        for rule, expected, line in fixture.expected():
            item = Expectation(fixture.case.id or fixture.path, fixture.path, line, rule, expected, rule in fired)
            result.expectations.append(item)
            stats = result.stats[rule]
            setattr(stats, item.outcome, getattr(stats, item.outcome) + 1)
    return result
