"""Soak test: many varied cases through one Checker (one durable_rules ruleset) in one process.

    python benchmarks/engine_soak.py                 # 200,000 cases, the shipped packs
    python benchmarks/engine_soak.py --cases 20000 --rules tests/packs/traps --no-default-rules

A pool of distinct random (valid) cases is cycled through, each with its own case id, so every case
after the first pass has a known answer: its findings must equal those of its first occurrence
(drift or memory corruption in a long-lived ruleset would show here). A sample of cases is also
re-run on a second, fresh Checker built at start-up and used for nothing else.

Prints wall time, cases/s, findings, resident memory at checkpoints and peak RSS; exits 1 on any
mismatch or error.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any, get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskcheck.case import load_case  # noqa: E402
from riskcheck.evaluate import Checker  # noqa: E402
from riskcheck.loading import Document  # noqa: E402
from riskcheck.rulepack import load_packs, pack_paths  # noqa: E402
from riskcheck.vocabulary import (TOPICS, BonusBasis, Channel, DocumentKind, EmploymentType,  # noqa: E402
                                  OvertimeScheme, Role, Stage, YesNoUnknown)

ROLES, KINDS, STAGES, CHANNELS = (list(get_args(t)) for t in (Role, DocumentKind, Stage, Channel))
BASES, SCHEMES, EMPLOYMENT, YES_NO = (list(get_args(t)) for t in (BonusBasis, OvertimeScheme, EmploymentType,
                                                                   YesNoUnknown))
NAMES = ["bucho", "kacho", "jinji", "事業部長", "課長 田中", "hr-1", "agent_x", "Ünï"]


def random_case(rng: random.Random) -> dict[str, Any]:
    """A valid case with a random mix of everything the rules look at (sometimes almost nothing)."""
    if rng.random() < 0.05:
        return {"riskcheck": 1}
    people = [{"id": name, "role": rng.choice(ROLES)} for name in rng.sample(NAMES, rng.randint(0, 5))]
    for person in people:
        for key in ("assigns_work", "decides_pay"):
            if rng.random() < 0.3:
                person[key] = rng.random() < 0.5
    ids = [p["id"] for p in people]
    promises = []
    for _ in range(rng.randint(0, 6)):
        promise: dict[str, Any] = {"topic": rng.choice(TOPICS), "said": f"said {rng.randint(0, 999)}",
                                   "in_writing": rng.random() < 0.3}
        if ids and rng.random() < 0.8:
            promise["by"] = rng.choice(ids)
            promise["confirmed_by"] = rng.sample(ids, rng.randint(0, min(2, len(ids))))
        else:
            promise["source"] = rng.choice(KINDS)
        if rng.random() < 0.5:
            promise["stage"] = rng.choice(STAGES)
            promise["channel"] = rng.choice(CHANNELS)
        promises.append(promise)
    documents = [{"kind": rng.choice(KINDS), "received": rng.choice([None, False, "2026-11-01"]),
                  "covers": rng.sample(TOPICS, rng.randint(0, 6))} for _ in range(rng.randint(0, 3))]
    salary = rng.choice([None, 250_000, 380_000, 600_000])
    terms: dict[str, Any] = {
        "monthly_salary": salary,
        "bonus": {"basis": rng.choice(BASES),
                  "guaranteed_months": rng.choice([None, 0, 2]), "in_writing": rng.random() < 0.5},
        "overtime": {"scheme": rng.choice(SCHEMES),
                     "fixed_hours": rng.choice([None, 20, 45]), "fixed_amount": rng.choice([None, 50_000]),
                     "excess_paid": rng.choice(YES_NO), "clause_checked": rng.random() < 0.5},
        "probation": {"months": rng.choice([None, 3, 6]), "conditions_differ": rng.choice(YES_NO)},
    }
    return {
        "riskcheck": 1,
        "candidate": {"current_annual_income": rng.choice([None, 4_000_000, 7_000_000]),
                      "age": rng.choice([None, 25, 45])},
        "offer": {"company": "Example KK", "stage": rng.choice([None, *STAGES]),
                  "employment_type": rng.choice([None, *EMPLOYMENT])},
        "people": people, "promises": promises, "documents": documents,
        "terms": _drop_none(terms),
    }


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def signature(result: Any) -> str:
    if result.error:
        return "error: " + result.error
    text = "\n".join(f"{f.rule}|{f.severity}|{f.about}|{f.topic}|{f.message}" for f in result.findings)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + f":{len(result.findings)}"


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--pool", type=int, default=10_000, help="distinct cases cycled through")
    parser.add_argument("--sample", type=int, default=2_000, help="cases re-run on a fresh Checker")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--no-default-rules", action="store_true")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    packs = load_packs(pack_paths(args.rules, not args.no_default_rules))
    pool = [random_case(rng) for _ in range(args.pool)]
    checker = Checker(packs, lang="en")
    fresh = Checker(packs, lang="en")
    sample = set(rng.sample(range(args.cases), min(args.sample, args.cases)))

    first: dict[int, str] = {}
    fresh_checks = mismatches = errors = findings = fired_cases = 0
    checkpoints = []
    start = time.perf_counter()
    for n in range(args.cases):
        slot = n % len(pool)
        case = load_case(Document(pool[slot], f"soak/{n}.yaml"), f"case-{n}")
        result = checker.check_case(case, f"soak/{n}.yaml")
        sig = signature(result)
        errors += result.error is not None
        findings += len(result.findings)
        fired_cases += bool(result.findings)
        expected = first.setdefault(slot, sig)
        if sig != expected:
            mismatches += 1
            print(f"MISMATCH case {n} (pool {slot}): {sig} != first run {expected}", file=sys.stderr)
        if n in sample:
            fresh_checks += 1
            again = fresh.check_case(load_case(Document(pool[slot], "x"), f"case-{n}"), f"soak/{n}.yaml")
            if signature(again) != sig:
                mismatches += 1
                print(f"MISMATCH case {n}: fresh Checker gives {signature(again)}, long-lived {sig}", file=sys.stderr)
        if n + 1 in (1_000, 10_000, 50_000, 100_000, 150_000, args.cases):
            checkpoints.append((n + 1, round(time.perf_counter() - start, 1), round(rss_mb(), 1)))
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux

    rules = sum(len(p.rules) for p in packs)
    print(f"python {sys.version.split()[0]}, {rules} rules, pool of {len(pool):,} distinct cases, seed {args.seed}")
    print(f"cases: {args.cases:,} in {wall:.1f} s = {args.cases / wall:,.0f} cases/s (validation, facts, "
          f"engine, findings; sample re-runs included)")
    print(f"findings: {findings:,} in {fired_cases:,} cases; errors: {errors}")
    print(f"checked: {args.cases - len(pool):,} repeats against their first run, "
          f"{fresh_checks:,} against a fresh Checker; mismatches: {mismatches}")
    print("rss (cases, s, MB): " + ", ".join(f"({c:,}, {t}, {m})" for c, t, m in checkpoints))
    print(f"peak RSS: {peak:.1f} MB")
    return 1 if mismatches or errors else 0


if __name__ == "__main__":
    sys.exit(main())
