"""Checking rule packs before they are used: every problem found, none skipped, each located.

Packs are loaded (schema, duplicate ids within and across packs, conditions type-checked against
the fact models, topics, roles, placeholders, ja and en texts), then their fixtures are read and
every rule must be expected to fire by one fixture and to stay silent by another (a near-miss).
Optionally waiver files are checked to name known rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskcheck.errors import InputError
from riskcheck.loading import load
from riskcheck.packtest import coverage_problems, default_case_dirs, fixture_files, load_fixtures, unknown_rule
from riskcheck.read.patterns import pack_problems as notice_pattern_problems
from riskcheck.rulepack import RuleError, RulePack, collect_packs
from riskcheck.validation import validate_all
from riskcheck.waivers import WaiverFile


@dataclass
class Validation:
    packs: list[RulePack]
    fixtures: int
    problems: list[InputError]


def validate_packs(paths: list[str], case_paths: list[str] | None = None,
                   waiver_paths: list[str] | None = None) -> Validation:
    """Load the packs under ``paths`` and check them against their fixtures (``case_paths``, by
    default each pack's own; see ``packtest.default_case_dirs``) and ``waiver_paths``."""
    packs, problems = collect_packs(paths)
    known = {rule.id for pack in packs for rule in pack.rules}
    known |= {p.rule for p in problems if isinstance(p, RuleError) and p.rule}
    cases = default_case_dirs(packs) if case_paths is None else case_paths
    fixtures, errors = load_fixtures(cases, known)
    problems.extend(errors)
    if packs and not fixture_files(cases):
        where = ", ".join(cases) if cases else "the packs' cases/ directories"
        problems.append(InputError(packs[0].source, f"no fixture cases found in {where} (use --cases DIR)"))
    problems.extend(coverage_problems(packs, fixtures))
    problems.extend(notice_pattern_problems([pack.source for pack in packs]))
    for path in waiver_paths or []:
        problems.extend(waiver_problems(path, known))
    problems.sort(key=lambda problem: (problem.source, problem.line or 0))
    return Validation(packs, len(fixtures), problems)


def waiver_problems(path: str, rules: set[str]) -> list[InputError]:
    """Problems of a waiver file: schema errors, and waivers naming a rule no pack defines."""
    try:
        doc = load(path)
    except InputError as exc:
        return [exc]
    waivers, problems = validate_all(WaiverFile, doc)
    for i, waiver in enumerate(waivers.waivers if waivers else []):
        if waiver.rule not in rules:
            problems.append(doc.error(("waivers", i, "rule"), unknown_rule(waiver.rule, rules)))
    return problems
