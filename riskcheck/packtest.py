"""Rule packs tested like code: fixture cases declare which rules must fire and which must stay
silent (an ``expect:`` block), and every rule needs at least one of each."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from riskcheck.evaluate import Checker, case_id_for
from riskcheck.errors import RiskcheckError
from riskcheck.case import load_case
from riskcheck.loading import load

CASE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Expectation:
    """One rule expectation of one fixture: ``expected`` is ``fire`` or ``silent``."""

    case: str
    source: str
    rule: str
    expected: str
    fired: bool

    @property
    def ok(self) -> bool:
        return self.fired == (self.expected == "fire")

    @property
    def outcome(self) -> str:
        """``tp``, ``fn`` (should fire, did not), ``tn`` or ``fp`` (should be silent, fired)."""
        return {("fire", True): "tp", ("fire", False): "fn", ("silent", False): "tn", ("silent", True): "fp"}[
            (self.expected, self.fired)]


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
    expectations: list[Expectation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Fixtures that could not be run (unreadable, invalid, no ``expect:``, unknown rule id)."""
    stats: dict[str, RuleStats] = field(default_factory=dict)

    @property
    def failures(self) -> list[Expectation]:
        return [e for e in self.expectations if not e.ok]

    @property
    def uncovered(self) -> list[str]:
        return [rule for rule, stats in self.stats.items() if not stats.covered]

    @property
    def passed(self) -> bool:
        return not self.failures and not self.errors and not self.uncovered


def fixture_files(paths: list[str]) -> list[str]:
    """Case files under ``paths`` (files as given; directories searched recursively, sorted)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(sorted(str(p) for p in Path(path).rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def run(checker: Checker, paths: list[str]) -> TestRun:
    """Run every fixture under ``paths`` through ``checker`` and compare with its expectations."""
    result = TestRun(stats={rule: RuleStats() for rule in sorted(checker.rules)})
    for path in fixture_files(paths):
        try:
            case = load_case(load(path), case_id_for(path))
        except RiskcheckError as exc:
            result.errors.append(str(exc))
            continue
        if case.expect is None or not (case.expect.fire or case.expect.silent):
            result.errors.append(f"{path}: no expect: block (list the rules that must fire and stay silent)")
            continue
        unknown = [r for r in case.expect.fire + case.expect.silent if r not in checker.rules]
        if unknown:
            result.errors.append(f"{path}: expect names unknown rule(s): {', '.join(unknown)}")
            continue
        fired = {f.rule for f in checker.check_case(case, path).findings}
        for expected, rules in (("fire", case.expect.fire), ("silent", case.expect.silent)):
            for rule in rules:
                item = Expectation(case.id or path, path, rule, expected, rule in fired)
                result.expectations.append(item)
                stats = result.stats[rule]
                setattr(stats, item.outcome, getattr(stats, item.outcome) + 1)
    return result
