"""riskcheck side by side with Open Policy Agent (Rego, in-process through ``regopy``) on six jp-offer rules.

    pip install -e '.[bench]'      # regopy: a benchmark dependency only
    python benchmarks/peer_opa.py [--cases 20000] [--repeat 3]

What an engineer would pick instead of riskcheck for "rules over JSON" is OPA. Six rules of the
shipped jp-offer pack are written here in Rego (``POLICY``), from the same YAML they are written
in: a promise joined to its person (WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER), pay authority
(PAY-PROMISE-WITHOUT-AUTHORITY), not in writing (PROMISE-NOT-IN-WRITING), bonus not guaranteed
(BONUS-NOT-GUARANTEED), overtime clause unread (OVERTIME-CLAUSE-NOT-READ) and income below current
(INCOME-BELOW-CURRENT). riskcheck runs a pack of the same six rules, copied from ``rules/jp-offer``.

The generated cases carry no read documents (``documents[].states``), so PROMISE-NOT-IN-WRITING's
``unless`` (a read document states the promise's topic) never applies and the Rego leaves it out.

The same work on both sides: each side reads the same generated cases (``generate_cases.py``, JSON
Lines) and, per case, works out from the raw case what the rules need -- which person made or
confirmed a promise and whether that person can vouch for work or pay (assigns_work / decides_pay,
else the role), the defaults the case format gives absent fields, the guaranteed annual income --
then evaluates the six rules and yields the (case, rule, item) triples that fire. The Rego policy
derives all of it from ``input`` itself; riskcheck does it in ``facts.py`` before matching.
**The two sets are checked to be identical** before any figure is printed, on every case riskcheck
accepts (the ~3% of invalid cases are error entries in riskcheck and are left out of the check;
Rego, which does not validate, still evaluates them, so it does that much more work).

Figures, each the best of ``--repeat`` interleaved rounds, in cases per second, one core:

* riskcheck audit, full path: ``riskcheck audit --jobs 1`` on the JSONL file as a subprocess
  (start-up, reading, strict validation with line-numbered errors, facts, matching, findings with
  their Japanese texts, the JSONL report); its supervisor process reads and writes beside the worker;
* riskcheck in one process: the same per-case path (read, validate, facts, match, findings), no report;
* riskcheck's engine on pre-built facts: ``Matcher.match`` only (facts built beforehand);
* regopy on parsed input: ``set_input`` of an ``Input`` built beforehand, then the query;
* regopy including parsing: ``set_input_term`` of the JSON line, then the query.

Rego is used as fast as regopy allows: the policy is compiled once into a bundle
(``Interpreter.build``) and each case runs ``query_bundle``; both sides read their results
(regopy's ``Output`` parses its JSON answer; riskcheck reads the engine's match messages, parsing
those whose bound facts are not the only ones of their kind in the case).

The last two lines compare like with like (the rules over input already in each engine's hands;
parsing and deriving included). Figures are relative: absolute speeds depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

import yaml

from riskcheck.batch import item_entry
from riskcheck.case import load_case
from riskcheck.errors import RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.facts import build
from riskcheck.findings import _about
from riskcheck.inputs import Item, document, expand
from riskcheck.rulepack import load_packs

try:
    import regopy
except ImportError:  # a benchmark dependency: --help works without it, a run says how to get it
    regopy = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULES = ["WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER", "PAY-PROMISE-WITHOUT-AUTHORITY", "PROMISE-NOT-IN-WRITING",
         "BONUS-NOT-GUARANTEED", "OVERTIME-CLAUSE-NOT-READ", "INCOME-BELOW-CURRENT"]

POLICY = r'''
package riskcheck

import rego.v1

# The case format's defaults for absent fields (spec/case-format.md), as riskcheck's models apply them.
terms := object.get(input, "terms", {})
bonus := object.get(terms, "bonus", {})
overtime := object.get(terms, "overtime", {})
people := {p.id: p | some p in object.get(input, "people", [])}

# The topics of rules/jp-offer/authority.yaml: who can vouch for a promise on each.
work_topics := {"role", "training", "remote", "duties"}
pay_topics := {"salary", "bonus", "working_hours", "holidays", "location", "start_date", "probation", "contract_term",
               "benefits", "retirement", "total_compensation", "assignment", "allowances", "side_jobs", "repayment",
               "documents", "authority"}

# Who can vouch for what: the one who hands out work; the one who decides pay (facts.py).
confirms_work(p) if p.assigns_work == true
confirms_work(p) if {
	object.get(p, "assigns_work", null) == null
	object.get(p, "role", "unknown") == "section_manager"
}

confirms_pay(p) if p.decides_pay == true
confirms_pay(p) if {
	object.get(p, "decides_pay", null) == null
	object.get(p, "role", "unknown") in {"hr", "executive"}
}

# A promise joined to its maker and to the people who later confirmed it.
vouchers(pr) := {id | some id in object.get(pr, "confirmed_by", [])} | {id | id := pr.by; id != null}

confirmed_work(pr) if {
	some id in vouchers(pr)
	confirms_work(people[id])
}

confirmed_pay(pr) if {
	some id in vouchers(pr)
	confirms_pay(people[id])
}

by_person(pr) if object.get(pr, "by", null) != null

not_in_writing(pr) if object.get(pr, "in_writing", false) == false

sound(pr) if {
	pr.topic in work_topics
	confirmed_work(pr)
}

sound(pr) if {
	pr.topic in pay_topics
	confirmed_pay(pr)
}

findings contains ["WORK-PROMISE-NOT-CONFIRMED-BY-ASSIGNER", sprintf("promises[%d]", [i])] if {
	some i, pr in object.get(input, "promises", [])
	by_person(pr)
	pr.topic in work_topics
	not confirmed_work(pr)
}

findings contains ["PAY-PROMISE-WITHOUT-AUTHORITY", sprintf("promises[%d]", [i])] if {
	some i, pr in object.get(input, "promises", [])
	by_person(pr)
	pr.topic in pay_topics
	not confirmed_pay(pr)
}

findings contains ["PROMISE-NOT-IN-WRITING", sprintf("promises[%d]", [i])] if {
	some i, pr in object.get(input, "promises", [])
	by_person(pr)
	not_in_writing(pr)
	sound(pr)
}

findings contains ["BONUS-NOT-GUARANTEED", null] if {
	object.get(bonus, "basis", "unknown") in {"past_record", "discretionary"}
	object.get(bonus, "stated_months", null) == null
	object.get(bonus, "guaranteed_months", null) == null
}

findings contains ["OVERTIME-CLAUSE-NOT-READ", null] if {
	object.get(overtime, "scheme", "unknown") == "fixed"
	object.get(overtime, "clause_checked", false) == false
}

# Guaranteed annual income (facts.guaranteed_annual_income): base x 12, fixed allowances x 12, the guaranteed
# bonus months unless there is no bonus, fixed overtime pay x 12.
bonus_part(salary) := round(months * salary) if {
	months := object.get(bonus, "guaranteed_months", null)
	months != null
	months != 0
	object.get(bonus, "basis", "unknown") != "none"
} else := 0

fixed_part := amount * 12 if {
	object.get(overtime, "scheme", "unknown") == "fixed"
	amount := object.get(overtime, "fixed_amount", null)
	amount != null
	amount != 0
} else := 0

allowances_part := 12 * sum([a.monthly |
	some a in object.get(terms, "allowances", [])
	object.get(a, "fixed", null) == true
	object.get(a, "monthly", null) != null
])

findings contains ["INCOME-BELOW-CURRENT", null] if {
	salary := object.get(terms, "monthly_salary", null)
	salary != null
	current := object.get(object.get(input, "candidate", {}), "current_annual_income", null)
	current != null
	current - ((salary * 12) + allowances_part + bonus_part(salary) + fixed_part) > 0
}
'''
QUERY = "data.riskcheck.findings"

Triple = tuple[str, str, Any]


def six_rule_pack(directory: str) -> str:
    """The six rules, copied as they are from the shipped pack, as one pack file."""
    rules = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "rules", "jp-offer"))):
        if not name.endswith(".yaml"):  # the pack's README, its notice/ patterns
            continue
        with open(os.path.join(ROOT, "rules", "jp-offer", name), encoding="utf-8") as handle:
            for rule in (yaml.safe_load(handle) or {}).get("rules", []):
                if rule["id"] in RULES:
                    rules[rule["id"]] = rule
    missing = set(RULES) - set(rules)
    if missing:
        raise SystemExit(f"rules not found in rules/jp-offer: {', '.join(sorted(missing))}")
    path = os.path.join(directory, "six.yaml")
    with open(path, "w", encoding="utf-8") as out:
        yaml.safe_dump({"name": "jp-offer-six", "version": "1.0.0", "rules": [rules[r] for r in RULES]}, out,
                       allow_unicode=True, sort_keys=False)
    return path


def rego() -> tuple[Any, Any]:
    """An interpreter and the policy compiled once into a bundle (re-compiling per query costs ~4x more)."""
    interpreter = regopy.Interpreter()
    interpreter.add_module("riskcheck", POLICY)
    bundle = interpreter.build(QUERY)
    if not bundle.ok():
        raise SystemExit("the Rego policy does not compile")
    return interpreter, bundle


def rego_triples(case_id: str, output: Any) -> set[Triple]:
    if not output.ok():
        raise SystemExit(f"Rego failed on {case_id}: {output}")
    found = output[0].expressions[0] if len(output) and output[0].expressions else []
    return {(case_id, rule, item) for rule, item in found}


def best_of(rounds: list[dict[str, float]], name: str) -> float:
    return min(r[name] for r in rounds)


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def audit(path: str, pack: str, directory: str) -> tuple[float, set[Triple]]:
    """``riskcheck audit --jobs 1`` as a user runs it; its report's triples."""
    out = os.path.join(directory, "report.jsonl")
    command = [sys.executable, "-m", "riskcheck", "audit", path, "--jobs", "1", "--no-default-rules", "--rules",
               pack, "--format", "jsonl", "-o", out]
    start = time.perf_counter()
    code = subprocess.run(command, capture_output=True, text=True).returncode
    seconds = time.perf_counter() - start
    if code not in (0, 1, 2):  # 2: some cases are invalid (error entries)
        raise SystemExit(f"riskcheck audit exited {code}")
    triples: set[Triple] = set()
    with open(out, encoding="utf-8") as report:
        for line in report:
            entry = json.loads(line)
            triples.update((entry["id"], f["rule"], f["about"]) for f in entry.get("findings", []))
    return seconds, triples


def valid_facts(items: list[Item], ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The facts of each case riskcheck accepts, by case id (built beforehand for the engine-only line)."""
    valid: dict[str, list[dict[str, Any]]] = {}
    for case_id, item in zip(ids, items):
        try:
            valid[case_id] = build(load_case(document(item), case_id))
        except RiskcheckError:
            pass
    return valid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; the best of each counts")
    args = parser.parse_args()
    if regopy is None:
        raise SystemExit("peer_opa.py needs regopy: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, os.path.join(HERE, "generate_cases.py"), str(args.cases), directory],
                       check=True, capture_output=True)
        path = os.path.join(directory, "cases.jsonl")
        pack = six_rule_pack(directory)
        checker = Checker(load_packs([pack]), lang="ja")
        items = list(expand([path]))
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        ids = [json.loads(line)["id"] for line in lines]
        valid = valid_facts(items, ids)
        interpreter, bundle = rego()
        inputs = [regopy.Input(json.loads(line)) for line in lines]

        def engine_on_facts() -> set[Triple]:
            return {(case_id, rule, _about(next(iter(bound.values()), {}).get("id")))
                    for case_id, fact_list in valid.items() for rule, bound in checker.matcher.match(fact_list)}

        def in_process() -> None:
            for item in items:
                item_entry(checker, item, "low")

        def rego_parsed() -> set[Triple]:
            found: set[Triple] = set()
            for case_id, prepared in zip(ids, inputs):
                interpreter.set_input(prepared)
                found |= rego_triples(case_id, interpreter.query_bundle(bundle))
            return found

        def rego_parsing() -> set[Triple]:
            found: set[Triple] = set()
            for case_id, line in zip(ids, lines):
                interpreter.set_input_term(line)
                found |= rego_triples(case_id, interpreter.query_bundle(bundle))
            return found

        # Correctness first: the same (case, rule, item) set from every path, on the cases riskcheck accepts.
        _, audited = audit(path, pack, directory)
        expected = {t for t in audited if t[0] in valid}
        checks = {"riskcheck engine on pre-built facts": engine_on_facts(),
                  "regopy on parsed input": {t for t in rego_parsed() if t[0] in valid},
                  "regopy including parsing": {t for t in rego_parsing() if t[0] in valid}}
        for name, got in checks.items():
            if got != expected:
                diff = sorted(got ^ expected, key=str)[:10]
                raise SystemExit(f"MISMATCH: {name} differs from riskcheck audit in {len(got ^ expected)} "
                                 f"triples, e.g. {diff}")
        by_rule = {rule: sum(1 for t in expected if t[1] == rule) for rule in RULES}
        print(f"{len(lines):,} cases ({len(valid):,} valid); the same {len(expected):,} (case, rule, item) "
              f"triples from riskcheck audit, riskcheck's engine and Rego (both ways): OK")
        print("  per rule: " + ", ".join(f"{rule} {n:,}" for rule, n in by_rule.items()))

        rounds: list[dict[str, float]] = []
        for _ in range(args.repeat):  # interleaved: load on the machine hits every line alike
            rounds.append({
                "riskcheck audit --jobs 1 (full path, subprocess)": audit(path, pack, directory)[0],
                "riskcheck in one process (read..findings)": timed(in_process),
                "riskcheck engine on pre-built facts": timed(engine_on_facts),
                "regopy on parsed input": timed(rego_parsed),
                "regopy including parsing": timed(rego_parsing),
            })
        counts = {"riskcheck engine on pre-built facts": len(valid)}
        rates = {name: counts.get(name, len(lines)) / best_of(rounds, name) for name in rounds[0]}
        for name, rate in rates.items():
            print(f"{name:50s} {rate:9,.0f} cases/s")
        print(f"riskcheck audit (full path) / regopy including parsing: "
              f"{rates['riskcheck audit --jobs 1 (full path, subprocess)'] / rates['regopy including parsing']:.2f}x")
        print(f"riskcheck in one process / regopy including parsing: "
              f"{rates['riskcheck in one process (read..findings)'] / rates['regopy including parsing']:.2f}x")
        print(f"riskcheck engine on facts / regopy on parsed input: "
              f"{rates['riskcheck engine on pre-built facts'] / rates['regopy on parsed input']:.2f}x")


if __name__ == "__main__":
    main()
