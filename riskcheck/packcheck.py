"""Checking rule packs before they are used (``riskcheck validate``): every problem found, none
skipped, each located.

Packs are loaded beside the shipped packs, as ``check`` loads them (schema, duplicate ids within
and across packs, conditions type-checked against the fact models, topics, roles, placeholders,
ja and en texts), compiled into the engine exactly as ``check`` compiles them (so a pack the
engine cannot run is refused with the message ``check`` would give), then their fixtures are
read and every rule must be expected to fire by one fixture and to stay silent by another (a
near-miss). Optionally waiver files are checked to name known rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskcheck.conditions import msg
from riskcheck.errors import InputError, RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.loading import load
from riskcheck.packtest import coverage_problems, default_case_dirs, fixture_files, load_fixtures, unknown_rule
from riskcheck.read.patterns import pack_problems as notice_pattern_problems
from riskcheck.rulepack import (Problem, RuleError, RulePack, collect_packs, default_packs_dir, pack_paths,
                                tested_packs)
from riskcheck.validation import validate_all
from riskcheck.waivers import WaiverFile


@dataclass
class Validation:
    packs: list[RulePack]
    """The packs checked (those named, not the shipped packs loaded beside them)."""
    fixtures: int
    problems: list[InputError]


def validate_packs(paths: list[str], case_paths: list[str] | None = None,
                   waiver_paths: list[str] | None = None, defaults: bool = True) -> Validation:
    """Load the packs under ``paths`` (default: the shipped packs), beside the shipped packs unless
    ``defaults`` is false, and check them against their fixtures (``case_paths``, by default each
    pack's own; see ``packtest.default_case_dirs``) and ``waiver_paths``."""
    paths = paths or [str(default_packs_dir())]
    loaded, problems = collect_packs(pack_paths(paths, defaults))
    packs = tested_packs(loaded, paths)
    complete = not any(type(problem) is InputError for problem in problems)
    """A file of a pack could not be read: rule ids may be missing, so fixtures naming them are not refused."""
    known = {rule.id for pack in loaded for rule in pack.rules}
    known |= {p.rule for p in problems if isinstance(p, RuleError) and p.rule}
    problems.extend(engine_problems(loaded, packs))
    cases = default_case_dirs(packs) if case_paths is None else case_paths
    fixtures, errors = load_fixtures(cases, known if complete else None)
    problems.extend(errors)
    if packs and not fixture_files(cases):
        where = ", ".join(cases) if cases else msg("pack.no_fixtures_default")
        problems.append(Problem(InputError(packs[0].source, ""), msg("pack.no_fixtures", where=where)))
    problems.extend(coverage_problems(packs, fixtures))
    problems.extend(notice_pattern_problems([pack.source for pack in packs]))
    for path in waiver_paths or []:
        problems.extend(waiver_problems(path, known))
    problems.sort(key=lambda problem: (problem.source, problem.line or 0))
    return Validation(packs, len(fixtures), problems)


def engine_problems(loaded: list[RulePack], packs: list[RulePack]) -> list[InputError]:
    """The engine's refusal of the rules ``check`` would run (all ``loaded``), located at the first of
    ``packs``: compiled by the very code ``check`` uses, so validate follows the engine's limits."""
    if not any(pack.rules for pack in loaded):
        return []
    try:
        Checker(loaded)
    except RiskcheckError as exc:
        return [InputError((packs or loaded)[0].source, str(exc))]
    return []


def waiver_problems(path: str, rules: set[str]) -> list[InputError]:
    """Problems of a waiver file: schema errors, and waivers naming a rule no pack defines."""
    try:
        doc = load(path)
    except InputError as exc:
        return [exc]
    waivers, problems = validate_all(WaiverFile, doc)
    for i, waiver in enumerate(waivers.waivers if waivers else []):
        if waiver.rule not in rules:
            problems.append(Problem(doc.error(("waivers", i, "rule"), ""), unknown_rule(waiver.rule, rules)))
    return problems
