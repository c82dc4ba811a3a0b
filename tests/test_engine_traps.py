"""One regression test per durable_rules trap of shared/durable-rules.md, on the real engine.

The rules are the small pack in tests/packs/traps/ (written for these tests), run through
``riskcheck.engine.Matcher`` and ``riskcheck.evaluate.Checker`` exactly as ``check`` runs them.
Anything that could kill the interpreter (segfaults are the engine's failure mode) runs in a
subprocess, so a regression fails one test instead of the whole session.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, FIXTURES, ROOT, write
from riskcheck import engine, facts
from riskcheck.case import Case, load_case
from riskcheck.conditions import MARKER, MAX_ALTERNATIVES, MAX_PATTERNS, MAX_TERMS
from riskcheck.engine import MAX_PROPERTIES, MAX_RULES_PER_RULESET, PATTERNS_PER_RULESET, encode
from riskcheck.evaluate import Checker
from riskcheck.facts import FACT_MODELS, SET_FIELDS
from riskcheck.loading import Document, load
from riskcheck.rulepack import PackError, load_packs
from riskcheck.vocabulary import TOPICS

TRAPS = Path(__file__).parent / "packs" / "traps"


@pytest.fixture(scope="module")
def traps() -> Checker:
    return Checker(load_packs([str(TRAPS)]), lang="en")


def case_of(data: dict[str, Any], case_id: str = "t") -> Case:
    return load_case(Document({"riskcheck": 1, **data}, f"{case_id}.yaml"), case_id)


def fired(checker: Checker, data: dict[str, Any], case_id: str = "t") -> list[tuple[str, str | None]]:
    """(rule, about) of every finding, in report order."""
    result = checker.check_case(case_of(data, case_id), f"{case_id}.yaml")
    assert result.error is None, result.error
    return [(f.rule, f.about) for f in result.findings]


def matches(checker: Checker, fact_list: list[dict[str, Any]]) -> set[tuple[str, tuple[str, ...]]]:
    return {(rule, tuple(sorted(f["id"] for f in bound.values()))) for rule, bound in checker.matcher.match(fact_list)}


PEOPLE = [{"id": "bucho", "role": "department_head"}, {"id": "jinji", "role": "hr"},
          {"id": "kacho", "role": "section_manager"}]


# Trap 1: one fact matching no pattern must not lose the findings of the others.
def test_facts_that_match_no_rule_do_not_lose_findings(traps: Checker) -> None:
    alone = fired(traps, {"terms": {"bonus": {"basis": "past_record"}}})
    assert alone == [("TRAP-CASE-PAST-RECORD", None)]
    noisy = fired(traps, {
        "terms": {"bonus": {"basis": "past_record"}},
        "people": PEOPLE,  # no rule matches a section manager or hr person on its own
        "documents": [{"kind": "work_rules", "covers": ["holidays"]}, {"kind": "email"}],
        "promises": [{"topic": "holidays", "by": "kacho", "in_writing": True, "channel": "email",
                      "confirmed_by": ["jinji"]}],
    })
    assert noisy == [("TRAP-CASE-PAST-RECORD", None)]


# Trap 2: `unless` ($not) gives the same answer whatever order the facts arrive in.
def test_unless_does_not_depend_on_fact_order(traps: Checker) -> None:
    case = case_of({
        "people": PEOPLE,
        "promises": [{"topic": "salary", "by": "bucho", "in_writing": True, "channel": "document",
                      "confirmed_by": confirmed} for confirmed in (["jinji"], [], ["kacho"], ["kacho", "jinji"])],
    })
    fact_list = facts.build(case)
    expected = {("TRAP-UNLESS-CONFIRMED", ("promise:1",)), ("TRAP-UNLESS-CONFIRMED", ("promise:2",))}
    rng = random.Random(7)
    for _ in range(60):
        shuffled = fact_list[:]
        rng.shuffle(shuffled)
        got = {m for m in matches(traps, shuffled) if m[0] == "TRAP-UNLESS-CONFIRMED"}
        assert got == expected, [f["id"] for f in shuffled]
    assert {m for m in matches(traps, fact_list[::-1]) if m[0] == "TRAP-UNLESS-CONFIRMED"} == expected


# Trap 3: an `any_of` whose branches all hold yields one finding, not one per branch.
def test_any_of_matching_every_branch_gives_one_finding(traps: Checker) -> None:
    found = fired(traps, {"people": PEOPLE, "promises": [
        {"topic": "bonus", "by": "bucho", "in_writing": False, "channel": "verbal"},  # all three branches
        {"topic": "holidays", "by": "bucho", "in_writing": True, "channel": "email"},  # none
        {"topic": "raise", "by": "bucho", "in_writing": True, "channel": "chat"},  # two
    ]})
    assert [f for f in found if f[0] == "TRAP-ANY-OF"] == [("TRAP-ANY-OF", "promises[0]"), ("TRAP-ANY-OF", "promises[2]")]


# Trap 4: joins use a copied plain attribute (person key), never the engine's `id`; keys may be non-ASCII.
@pytest.mark.parametrize("key", ["bucho", "事業部長", "Ünïcødé-ß", "1", "a b\tc", "x" * 300])
def test_join_on_person_keys(traps: Checker, key: str) -> None:
    data = {"people": [{"id": key, "role": "department_head"}, {"id": key + "2", "role": "section_manager"}],
            "promises": [{"topic": "role", "by": key}, {"topic": "role", "by": key + "2"},
                         {"topic": "role", "source": "job_posting"}]}
    first = fired(traps, data)
    assert [f for f in first if f[0] == "TRAP-JOIN-PERSON"] == [("TRAP-JOIN-PERSON", "promises[0]")]
    for _ in range(20):  # the freed-memory trap showed up only when earlier calls had come and gone
        assert fired(traps, data) == first


def test_non_ascii_literal_in_a_rule_matches(traps: Checker) -> None:
    hit = fired(traps, {"people": [{"id": "a", "name": "事業部長"}]})
    miss = fired(traps, {"people": [{"id": "a", "name": "事業部"}]})
    assert hit == [("TRAP-NON-ASCII", "persons[0]")]
    assert miss == []


# Trap 5: no Python actions at all, so no 2-parameter action can turn async.
def test_compiled_rules_carry_no_actions(traps: Checker) -> None:
    for rule in traps.rules.values():
        assert "run" not in rule.compiled.ruleset_rule and "runAction" not in json.dumps(rule.compiled.ruleset_rule)


# Trap 6: no background threads (durable's Host starts timer chains).
def test_no_background_threads() -> None:
    before = {t.ident for t in threading.enumerate()}
    checker = Checker(load_packs([str(TRAPS)]), lang="en")
    fired(checker, {"terms": {"bonus": {"basis": "past_record"}}})
    assert {t.ident for t in threading.enumerate()} == before
    assert threading.active_count() == len(before)


# Trap 7: facts, not events: one fact fires every rule it matches, every time.
def test_a_fact_fires_every_matching_rule(traps: Checker) -> None:
    found = fired(traps, {"promises": [{"topic": "salary", "source": "offer_letter"},
                                       {"topic": "salary", "source": "email"}]})
    for about in ("promises[0]", "promises[1]"):
        assert ("TRAP-UNLESS-CONFIRMED", about) in found and ("TRAP-ANY-OF", about) in found


# Sessions: sid hash collisions. sids are per-matcher counters (never case ids) and only one is live.
def test_case_ids_with_colliding_sid_hashes_stay_apart(traps: Checker) -> None:
    def fnv1a(text: str) -> int:
        value = 2166136261
        for byte in text.encode():
            value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
        return value
    seen: dict[int, str] = {}
    i = 0
    while (h := fnv1a(f"case-{i}")) not in seen:
        seen[h] = f"case-{i}"
        i += 1
    a, b = seen[h], f"case-{i}"
    assert fired(traps, {"terms": {"bonus": {"basis": "past_record"}}}, a) == [("TRAP-CASE-PAST-RECORD", None)]
    assert fired(traps, {}, b) == []
    assert fired(traps, {"terms": {"bonus": {"basis": "past_record"}}}, a) == [("TRAP-CASE-PAST-RECORD", None)]


SOAK = textwrap.dedent("""
    import sys
    from riskcheck.case import load_case
    from riskcheck.evaluate import Checker
    from riskcheck.loading import Document, load
    from riskcheck.rulepack import load_packs

    checker = Checker(load_packs([sys.argv[1]]), lang="en")
    NOMATCH = {"riskcheck": 1}
    PARTIAL = {"riskcheck": 1, "people": [{"id": "k", "role": "hr"}], "promises": [{"topic": "role", "by": "k"}]}
    MATCH = {"riskcheck": 1, "terms": {"bonus": {"basis": "past_record"}}}
    plan = [NOMATCH, NOMATCH, PARTIAL, NOMATCH] + [(NOMATCH, PARTIAL, MATCH)[i % 3] for i in range(int(sys.argv[2]))]
    counts = {}
    for n, data in enumerate(plan):
        result = checker.check_case(load_case(Document(data, "x"), f"c{n}"), "x")
        assert result.error is None, result.error
        key = tuple(sorted(f.rule for f in result.findings))
        counts[key] = counts.get(key, 0) + 1
    print(sorted(counts.items()))
""")


# Sessions: delete_state on a session that never started an action (first cases match nothing), the
# 1024 live-session limit, and thousands of cases on one ruleset; in a subprocess, as a crash is a signal.
def test_thousands_of_cases_starting_with_no_match_in_one_process() -> None:
    n = 5000
    proc = subprocess.run([sys.executable, "-c", SOAK, str(TRAPS), str(n)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    kinds = [i % 3 for i in range(n)]
    expected = {(): 3 + kinds.count(0), ("TRAP-ANY-OF",): 1 + kinds.count(1),  # partial: no department head
                ("TRAP-CASE-PAST-RECORD",): kinds.count(2)}
    assert proc.stdout.strip() == str(sorted(expected.items()))


def test_more_than_1024_cases_in_process(traps: Checker) -> None:
    for i in range(1100):
        basis = "past_record" if i % 2 else "unknown"
        assert fired(traps, {"terms": {"bonus": {"basis": basis}}}, f"c{i}") == (
            [("TRAP-CASE-PAST-RECORD", None)] if i % 2 else [])


# Limits: 16 patterns per rule (error 304, only at assert time) -> refused when the pack loads.
RULE_HEAD = """name: pathological
version: 1.0.0
rules:
  - id: TOO-MUCH
    severity: low
    topic: documents
    confirm_with: [hr]
    form: written
    text:
      en: {message: m, ask: a, basis: b}
      ja: {message: m, ask: a, basis: b}
"""


def pathological(tmp_path: Path, body: str) -> str:
    return write(tmp_path, "pack.yaml", RULE_HEAD + textwrap.indent(textwrap.dedent(body), "    "))


def refusal(tmp_path: Path, body: str) -> str:
    with pytest.raises(PackError) as info:
        load_packs([pathological(tmp_path, body)])
    (problem,) = info.value.problems
    assert "TOO-MUCH" in str(problem) and "\n" not in str(problem)
    return str(problem)


def test_too_many_patterns_refused_at_load(tmp_path: Path) -> None:
    whens = "".join(f"  - {{fact: promise, as: p{i}}}\n" for i in range(MAX_PATTERNS))
    message = refusal(tmp_path, "when:\n" + whens)
    assert f"at most {MAX_PATTERNS - 1} patterns" in message
    ok = "".join(f"  - {{fact: promise, as: p{i}, where: {{index: {i}}}}}\n" for i in range(MAX_PATTERNS - 1))
    (pack,) = load_packs([pathological(tmp_path, "when:\n" + ok)])
    checker = Checker([pack])  # the engine accepts the largest allowed rule and runs it
    promises = [{"topic": "role", "source": "email"}] * (MAX_PATTERNS - 1)
    assert [f.rule for f in checker.check_case(case_of({"promises": promises}), "x").findings] == ["TOO-MUCH"]
    assert checker.check_case(case_of({"promises": promises[1:]}), "x").findings == []


def test_deeply_nested_any_of_refused_at_load(tmp_path: Path) -> None:
    where = "{topic: role}"
    for _ in range(12):
        where = f"{{any_of: [{where}, {{in_writing: true}}]}}"
    message = refusal(tmp_path, f"when:\n  - fact: promise\n    where: {where}\n")
    assert "too complex" in message and f"at most {MAX_TERMS}" in message


def test_many_alternatives_refused_at_load(tmp_path: Path) -> None:
    values = ", ".join(str(i) for i in range(MAX_ALTERNATIVES + 1))
    message = refusal(tmp_path, f"when:\n  - fact: promise\n    where: {{index: {{in: [{values}]}}}}\n")
    assert f"at most {MAX_ALTERNATIVES}" in message


def test_many_not_in_refused_at_load(tmp_path: Path) -> None:
    message = refusal(tmp_path, f"when:\n  - fact: promise\n    where: {{topic: {{not_in: [{', '.join(TOPICS)}]}}}}\n")
    assert "too complex" in message


def test_pathological_pack_through_the_cli(tmp_path: Path) -> None:
    where = "{topic: role}"
    for _ in range(12):
        where = f"{{any_of: [{where}, {{in_writing: true}}]}}"
    pack = pathological(tmp_path, f"when:\n  - fact: promise\n    where: {where}\n")
    case = write(tmp_path, "case.yaml", "riskcheck: 1\n")
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "check", "--rules", pack, case],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "too complex" in lines[0] and "Traceback" not in proc.stderr


# Limits: about 250 properties per fact (more kills the process). Impossible by construction for
# facts built from a case: the fact models bound every fact's size.
def _max_properties(model: Any, kind: str, prefix: str = "") -> int:
    total = 0
    for name, info in model.model_fields.items():
        path = prefix + name
        nested = [a for a in (info.annotation, *getattr(info.annotation, "__args__", ())) if hasattr(a, "model_fields")]
        if (kind, path) in SET_FIELDS:
            total += 1 + len(TOPICS)
        elif nested:
            total += 1 + _max_properties(nested[0], kind, path + ".")
        else:
            total += 1
    return total


def test_facts_from_any_case_stay_under_the_property_limit() -> None:
    for kind, model in FACT_MODELS.items():
        assert _max_properties(model, kind) + 3 <= MAX_PROPERTIES, kind  # + id, t and sid


def test_a_fully_populated_case_runs(checker: Checker) -> None:
    full = {
        "id": "full", "candidate": {"current_annual_income": 6_000_000, "age": 40},
        "offer": {"company": "c", "position": "p", "employment_type": "regular", "stage": "offer_received",
                  "acceptance_deadline": "2026-12-01", "start_date": "2027-01-01"},
        "people": [{"id": "a", "role": "hr", "name": "n", "assigns_work": True, "decides_pay": True}],
        "documents": [{"kind": kind, "received": "2026-11-01", "covers": list(TOPICS)}
                      for kind in ("offer_letter", "labor_conditions_notice", "employment_contract")],
        "promises": [{"topic": t, "said": "s", "by": "a", "source": "email", "stage": "casual", "channel": "email",
                      "in_writing": True, "confirmed_by": ["a"]} for t in TOPICS],
        "terms": {"monthly_salary": 400000,
                  "bonus": {"basis": "guaranteed", "guaranteed_months": 2, "stated_months": [2, 4], "in_writing": True},
                  "overtime": {"scheme": "fixed", "fixed_hours": 20, "fixed_amount": 50000, "excess_paid": "yes",
                               "clause_checked": True},
                  "probation": {"months": 3, "conditions_differ": "no"},
                  "location": {"initial": "Tokyo", "change_scope": "none"},
                  "duties": {"initial": "dev", "change_scope": "none"},
                  "contract": {"ends": "2028-01-01", "renewal_criteria": "x", "renewal_cap": "5"},
                  "remote": {"policy": "hybrid"}},
    }
    case = case_of(full, "full")
    largest = max(sum(1 for _ in _leaves(f)) for f in facts.build(case))
    assert largest + 1 <= MAX_PROPERTIES
    assert checker.check_case(case, "full.yaml").error is None


def _leaves(value: dict[str, Any]) -> Any:
    for v in value.values():
        yield v
        if isinstance(v, dict):
            yield from _leaves(v)


# Types are coerced loosely by the engine (15 == "15", true == 1): rule literals are type-checked at
# load, and facts carry normalised JSON types, so a loose comparison never decides a match.
@pytest.mark.parametrize("where,expected", [
    ("{index: '0'}", "expected a number"),
    ("{in_writing: 1}", "expected a bool"),
    ("{in_writing: 'false'}", "expected a bool"),
    ("{confirmations: true}", "expected a number"),
    ("{said: 15}", "expected a text"),
])
def test_rule_literals_of_the_wrong_type_are_refused(tmp_path: Path, where: str, expected: str) -> None:
    assert expected in refusal(tmp_path, f"when:\n  - fact: promise\n    where: {where}\n")


def test_facts_carry_normalised_types(traps: Checker) -> None:
    case = case_of({"people": [{"id": 15, "role": "hr", "name": 1, "assigns_work": 1}],
                    "promises": [{"topic": "salary", "by": "15", "in_writing": "yes", "said": 0}]})
    person, promise = facts.build(case)[1:3]
    assert person["key"] == "15" and person["name"] == "1" and person["assigns_work"] is True
    assert promise["in_writing"] is True and promise["said"] == "0" and promise["index"] == 0
    # a promise "in writing" given as 1 is the same case as one given as true
    one = fired(traps, {"promises": [{"topic": "bonus", "source": "email", "in_writing": 1, "channel": "email"}]})
    true = fired(traps, {"promises": [{"topic": "bonus", "source": "email", "in_writing": True, "channel": "email"}]})
    assert one == true


# Ruleset-wide limits are lifted: durable_rules links at most 256 patterns to one condition (every rule
# hangs off the marker), so the matcher spreads the rules over several rulesets and merges the matches.
MANY_RULE = """  - id: R{n:03d}
    severity: low
    topic: bonus
    confirm_with: [hr]
    form: written
    when: [{{fact: case, where: {{candidate.age: {{gte: {m}}}}}}}, {{fact: promise, as: p, where: {{topic: bonus}}}}]
    text: {{en: {{message: "m {{p.topic}}", ask: a, basis: b}}, ja: {{message: m, ask: a, basis: b}}}}
"""


def many_rules(tmp_path: Path, n: int = 300) -> str:
    return write(tmp_path, "many.yaml", "name: many\nversion: 1.0.0\nrules:\n" +
                 "".join(MANY_RULE.format(n=i, m=i % 50) for i in range(n)))


def test_a_300_rule_pack_runs_in_several_rulesets(tmp_path: Path) -> None:
    checker = Checker(load_packs([many_rules(tmp_path)]), lang="en")
    assert len(checker.matcher.handles) > 1
    assert MAX_RULES_PER_RULESET is None  # what `validate` checks packs against: no limit
    data = {"candidate": {"age": 10}, "promises": [{"topic": "bonus", "source": "email"}]}
    found = fired(checker, data)  # rules in every ruleset fire, merged in rule order
    assert found == [(f"R{i:03d}", None) for i in range(300) if i % 50 <= 10]
    assert fired(checker, {**data, "promises": [{"topic": "role", "source": "email"}]}) == []
    assert [fired(checker, data) for _ in range(3)] == [found] * 3


def test_a_300_rule_pack_through_the_cli(tmp_path: Path) -> None:
    pack = many_rules(tmp_path)
    case = write(tmp_path, "case.yaml", "riskcheck: 1\ncandidate: {age: 49}\n"
                                        "promises: [{topic: bonus, source: email}]\n")
    outputs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "riskcheck", "check", "--no-default-rules", "--rules", pack,
                                 case, "--format", "json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert result.returncode == 0, result.stderr  # low findings only
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert [f["rule"] for f in json.loads(outputs[0])["cases"][0]["findings"]] == [f"R{i:03d}" for i in range(300)]


@pytest.mark.parametrize("budget", [PATTERNS_PER_RULESET, 100_000])
def test_more_rules_on_one_condition_than_a_ruleset_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           budget: int) -> None:
    monkeypatch.setattr(engine, "PATTERNS_PER_RULESET", budget)  # 100,000: durable_rules refuses, the matcher splits
    rule = MANY_RULE.replace("{{candidate.age: {{gte: {m}}}}}", "{{offer.stage: casual}}")
    pack = write(tmp_path, "same.yaml", "name: same\nversion: 1.0.0\nrules:\n" +
                 "".join(rule.format(n=i, m=0) for i in range(PATTERNS_PER_RULESET + 10)))
    checker = Checker(load_packs([pack]), lang="en")
    assert len(checker.matcher.handles) > 1
    found = fired(checker, {"offer": {"stage": "casual"}, "promises": [{"topic": "bonus", "source": "email"}]})
    assert len(found) == PATTERNS_PER_RULESET + 10


# Numbers durable_rules cannot read: its JSON parser takes an exponent only after a decimal point
# (``getNumber`` in src/rules/json.c), so ``1e-05`` ends at ``1`` and the session segfaults. Every
# number is written with a point (``1.0e-05``), in facts and rules alike; in a subprocess, as a
# regression would be a crash.
SMALL_NUMBERS = textwrap.dedent("""
    import json, sys
    from riskcheck.engine import Matcher
    matcher = Matcher({"tiny": {"all": [{"x": {"$and": [{"t": "x"}, {"$gt": {"v": 0}}, {"$lt": {"v": 1e-06}}]}}]},
                       "huge": {"all": [{"x": {"$and": [{"t": "x"}, {"$gt": {"v": 1e+15}}]}}]}})
    for value in json.loads(sys.argv[1]):
        print(value, [rule for rule, _ in matcher.match([{"id": "x:0", "t": "x", "v": value}])])
""")


def test_numbers_with_an_exponent_reach_the_engine_intact() -> None:
    values = [1e-05, 1e-07, 2.5e-10, 5e-324, 1e-06, 0.5, 1e16, 1.5e300, 12.0]
    proc = subprocess.run([sys.executable, "-c", SMALL_NUMBERS, json.dumps(values)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.splitlines() == [
        "1e-05 []", "1e-07 ['tiny']", "2.5e-10 ['tiny']", "5e-324 ['tiny']", "1e-06 []", "0.5 []",
        "1e+16 ['huge']", "1.5e+300 ['huge']", "12.0 []"]


def test_every_number_is_encoded_with_a_decimal_point() -> None:
    rng = random.Random(11)
    values = [rng.random() * 10.0 ** rng.randint(-320, 300) for _ in range(3000)]
    values += [float(rng.randint(1, 9)) * 10.0 ** rng.randint(-300, 300) for _ in range(3000)]
    text = encode({"said": "1e-05 e+1 9e9", "v": values})
    for token in re.findall(r'"(?:[^"\\]|\\.)*"|[-0-9.eE+]+', text):
        assert token.startswith('"') or "e" not in token.lower() or "." in token.split("e")[0], token
    assert json.loads(text) == {"said": "1e-05 e+1 9e9", "v": values}


@pytest.mark.parametrize("where", ["probation: {months: VALUE}", "overtime: {scheme: fixed, fixed_hours: VALUE}",
                                   "bonus: {basis: guaranteed, guaranteed_months: VALUE}",
                                   "bonus: {stated_months: [VALUE, 1e-06]}"])
def test_small_numbers_in_a_case_do_not_crash_check(tmp_path: Path, where: str) -> None:
    for value in ("1e-05", "1.0e-7", "0.0000001"):
        case = write(tmp_path, "case.yaml", f"riskcheck: 1\nterms:\n  {where.replace('VALUE', value)}\n")
        result = subprocess.run([sys.executable, "-m", "riskcheck", "check", case, "--format", "json"],
                                capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr[-2000:]}"
        assert json.loads(result.stdout)["cases"][0].get("error") is None


# Only what the rules read goes to the engine; the matches bind the caller's own facts.
def test_matches_bind_the_complete_facts_given(traps: Checker) -> None:
    case = case_of({"people": PEOPLE, "promises": [{"topic": "role", "by": "bucho", "said": "x" * 50}]})
    fact_list = facts.build(case)
    sent = list(traps.matcher.payload.facts(fact_list))
    assert all("said" not in fact and "name" not in fact for fact in sent)
    (rule, bound), = [m for m in traps.matcher.match(fact_list) if m[0] == "TRAP-JOIN-PERSON"]
    assert bound["p"] is fact_list[[f["id"] for f in fact_list].index("promise:0")]
    assert bound["who"]["key"] == "bucho" and "sid" not in bound["p"]


def test_pruned_facts_match_exactly_as_whole_facts(packs: list[Any]) -> None:
    """Leaving out what no rule reads never changes a match: every shipped fixture and example, with the
    shipped packs and the trap pack, matched with pruned and with whole facts."""
    cases = [case for path in sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])
             for case in [load_case(load(str(path)), path.stem)]]
    shipped, trap_pack = Checker(packs), Checker(load_packs([str(TRAPS)]))
    assert shipped.matcher.kinds is not None and shipped.matcher.kinds <= set(FACT_MODELS)
    assert trap_pack.matcher.kinds == {"case", "promise", "person", "confirmation", "document"}
    for checker in (shipped, trap_pack):
        assert checker.matcher.payload.prune
        for case in cases:
            fact_list = facts.build(case)
            pruned = matches(checker, fact_list)
            checker.matcher.payload.prune = False
            try:
                assert matches(checker, fact_list) == pruned, case.id
            finally:
                checker.matcher.payload.prune = True


def test_matches_read_off_the_rule_name_equal_matches_parsed_whole(packs: list[Any]) -> None:
    """A match of facts alone of their kind is known from the rule's name (``Matcher.binds``); with that
    shortcut off every message is parsed whole. Both give the same matches, bound to the same facts,
    on every shipped fixture and example, with the shipped packs and the trap pack."""
    cases = [load_case(load(str(path)), path.stem)
             for path in sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])]
    for checker in (Checker(packs), Checker(load_packs([str(TRAPS)]))):
        assert checker.matcher.binds, "no rule takes the shortcut: this test would prove nothing"
        shortcut = checker.matcher.binds
        for case in cases:
            fact_list = facts.build(case, checker.matcher.kinds)
            quick = checker.matcher.match(fact_list)
            checker.matcher.binds = {}
            try:
                whole = checker.matcher.match(fact_list)
            finally:
                checker.matcher.binds = shortcut
            assert sorted((rule, sorted((alias, id(fact)) for alias, fact in bound.items())) for rule, bound in quick) \
                == sorted((rule, sorted((alias, id(fact)) for alias, fact in bound.items())) for rule, bound in whole), case.id


def test_a_rule_named_as_json_escapes_it_is_parsed_whole() -> None:
    """A rule name JSON writes with escapes is not what the message's text shows: no shortcut for it."""
    rule = {"all": [{"m": {"t": "x"}}]}
    matcher = engine.Matcher({'Q"1': rule, "Q\\2": rule, "Q3": rule, "頁4": rule})
    assert set(matcher.binds) == {"Q3"}
    found = matcher.match([{"id": "x:0", "t": "x"}])
    assert sorted(name for name, _ in found) == sorted(['Q"1', "Q\\2", "Q3", "頁4"])


def test_facts_of_kinds_no_rule_reads_are_not_built(traps: Checker, packs: list[Any]) -> None:
    case = case_of({"people": PEOPLE, "promises": [{"topic": "role", "by": "bucho", "confirmed_by": ["kacho"]}]})
    shipped = Checker(packs)
    assert shipped.matcher.kinds is not None and "confirmation" not in shipped.matcher.kinds
    assert not [f for f in facts.build(case, shipped.matcher.kinds) if f["t"] == "confirmation"]
    assert [f["id"] for f in facts.build(case, traps.matcher.kinds) if f["t"] == "confirmation"] == ["confirmation:0.0"]
    assert facts.build(case) == facts.build(case, frozenset(FACT_MODELS))


def test_projectors_keep_what_the_shape_names_whatever_the_key() -> None:
    """Projectors are compiled Python: keys that need quoting are literals, never code."""
    shape: engine.Shape = {"a'b": None, 'c"\\': {"d": None, "e'); import os; ('": None}, "n": {"m": None}}
    project = engine._projector(shape)
    fact = {"a'b": 1, 'c"\\': {"d": 2, "e'); import os; ('": 3, "z": 4}, "n": {"z": 1}, "zz": 5}
    assert project(fact) == {"a'b": 1, 'c"\\': {"d": 2, "e'); import os; ('": 3}}
    assert project({"n": None, 'c"\\': 7}) == {"n": None, 'c"\\': 7}
    deep = engine.Matcher({"R": {"all": [{"m": {"$and": [{"t": "x"}, {".".join("abcdefghijkl"): 1}]}}]}})
    assert not deep.payload.prune  # deeper than a projector may nest: whole facts, still matched
    nested: dict[str, Any] = {"l": 1}
    for key in reversed("abcdefghijk"):
        nested = {key: nested}
    assert deep.match([{"id": "x:0", "t": "x", **nested}])


def test_a_signal_during_the_warm_up_does_not_crash() -> None:
    """The warm-up case's session is deleted in a ``finally``; a signal cutting the warm-up short made
    ``delete_state`` free memory it never set up (SIGSEGV or ``free(): invalid size``, once in a few
    hundred interrupted start-ups; seen as a rare crash when Ctrl-C hit ``audit`` starting). Here 3,000
    matchers are built with a timer interrupting at random moments (seeded): none may crash."""
    code = textwrap.dedent("""
        import random, signal
        from riskcheck import engine
        from riskcheck.errors import Interrupted

        def stop(signum, frame):
            raise Interrupted(signal.SIGINT)

        signal.signal(signal.SIGALRM, stop)
        rules = {f"R{i}": {"all": [{"m": {"t": "x"}}]} for i in range(5)}
        chance = random.Random(1)
        interrupted = 0
        for _ in range(3000):
            try:
                try:
                    signal.setitimer(signal.ITIMER_REAL, chance.uniform(0, 0.002))
                    engine.Matcher(rules)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except Interrupted:
                interrupted += 1
        print(interrupted)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert int(proc.stdout) > 50, "the timer must interrupt some start-ups"


# One session for every case, emptied after each (``Matcher._fire``): no case may see another's facts.
GO = {MARKER: {"t": MARKER}}


def _signature(found: list[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    return sorted((rule, sorted((alias, fact["id"]) for alias, fact in bound.items())) for rule, bound in found)


def test_a_kept_session_matches_as_a_fresh_one(packs: list[Any]) -> None:
    """Every shipped fixture and example, with the shipped packs and the trap pack, matched one after
    another in one session (forwards, then backwards, so each case follows a different one) gives what
    it gives alone in a session of its own."""
    cases = [load_case(load(str(path)), path.stem)
             for path in sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])]
    for checker in (Checker(packs), Checker(load_packs([str(TRAPS)]))):
        rules = {rid: rule.compiled.ruleset_rule for rid, rule in checker.rules.items()}
        fact_lists = [facts.build(case, checker.matcher.kinds) for case in cases]
        alone = []
        for fact_list in fact_lists:
            fresh = engine.Matcher(rules)
            alone.append(_signature(fresh.match(fact_list)))
        assert any(alone), "nothing matched: this test would prove nothing"
        kept = engine.Matcher(rules)
        big = facts.build(case_of({"people": PEOPLE, "promises": [{"topic": "role", "by": "bucho"}] * 300}))
        assert len(big) > engine.KEPT_SESSION_FACTS  # deleted after it, not kept: the next case starts afresh
        fact_lists.insert(len(fact_lists) // 2, big)
        alone.insert(len(alone) // 2, _signature(engine.Matcher(rules).match(big)))
        forwards = [_signature(kept.match(fact_list)) for fact_list in fact_lists]
        backwards = [_signature(kept.match(fact_list)) for fact_list in reversed(fact_lists)][::-1]
        assert forwards == alone and backwards == alone


def test_unless_after_a_case_that_blocked_it() -> None:
    """A fact that blocked an ``unless`` in one case is gone in the next, and a fact that was missing is
    not remembered: alternating the two, each case gets its own answer."""
    rules = {"NONE-2": {"all": [GO, {"x$not": {"$and": [{"t": "x"}, {"v": 2}]}}]},
             "ONE": {"all": [GO, {"x": {"$and": [{"t": "x"}, {"v": 1}]}}]}}
    matcher = engine.Matcher(rules)
    for n in range(50):
        value = 1 + n % 2
        found = sorted(rule for rule, _ in matcher.match([{"id": "x:0", "t": "x", "v": value}]))
        assert found == (["NONE-2", "ONE"] if value == 1 else []), n


def test_a_case_the_engine_refuses_leaves_nothing_behind() -> None:
    """A case that fails in the engine (two facts with one id) ends its session; the next case starts
    afresh and matches as if the failed one had never been."""
    rules = {"ONE": {"all": [GO, {"x": {"$and": [{"t": "x"}, {"v": 1}]}}]},
             "NONE": {"all": [GO, {"x$not": {"t": "x"}}]}}
    matcher = engine.Matcher(rules)
    for _ in range(3):
        with pytest.raises(engine.EngineError, match="duplicate"):
            matcher.match([{"id": "x:0", "t": "x", "v": 1}, {"id": "x:0", "t": "x", "v": 1}])
        assert [rule for rule, _ in matcher.match([])] == ["NONE"]
        assert [rule for rule, _ in matcher.match([{"id": "x:0", "t": "x", "v": 1}])] == ["ONE"]


def test_rules_without_unless_need_no_marker(packs: list[Any]) -> None:
    """Only rules with ``unless`` (or with no pattern) wait for the marker; the others match whatever
    order their facts arrive in. On every shipped fixture and example, with the facts shuffled, they
    match exactly as the same rules do with the marker in front."""
    cases = [load_case(load(str(path)), path.stem)
             for path in sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])]
    chance = random.Random(17)
    for checker in (Checker(packs), Checker(load_packs([str(TRAPS)]))):
        rules = {rid: rule.compiled.ruleset_rule for rid, rule in checker.rules.items()}
        plain = [rid for rid, rule in rules.items() if MARKER not in rule["all"][0]]
        assert plain and all("$not" not in json.dumps(rules[rid]) for rid in plain)
        assert all("$not" not in json.dumps(rule) or MARKER in rule["all"][0] for rule in rules.values())
        marked = engine.Matcher({rid: rule if rid not in plain else {"all": [GO, *rule["all"]]}
                                 for rid, rule in rules.items()})
        for case in cases:
            fact_list = facts.build(case, checker.matcher.kinds)
            expected = _signature(marked.match(fact_list))
            for _ in range(3):
                chance.shuffle(fact_list)
                assert _signature(checker.matcher.match(fact_list)) == expected, case.id


CASE_UNLESS = RULE_HEAD.replace("TOO-MUCH", "CASE-UNLESS") + """\
    when:
      - fact: case
        where: {terms.monthly_salary: {gt: 100}}
    unless:
      - fact: case
        where: {terms.bonus.basis: guaranteed}
""" + RULE_HEAD.split("rules:\n")[1].replace("TOO-MUCH", "PROMISE-UNLESS-CASE") + """\
    when:
      - fact: promise
        as: p
    unless:
      - fact: case
        where: {offer.stage: {in: [offer_received, accepted]}}
"""


def test_unless_on_the_case_blocks_a_rule_that_matched_the_case(tmp_path: Path, packs: list[Any]) -> None:
    """durable_rules never binds one fact twice in a rule, so an ``unless`` on the case fact could not see
    the case a ``when`` pattern had matched and never blocked; it now tests a copy of the case fact,
    sent only to packs that have such a pattern."""
    (pack,) = load_packs([write(tmp_path, "pack.yaml", CASE_UNLESS)])
    checker = Checker([pack])
    assert checker.matcher.payload.copy_case and not Checker(packs).matcher.payload.copy_case  # OVERTIME-PROMISE-
    # NOT-SETTLED has an unless on the case, but no when on it: the case fact itself serves
    promise = [{"topic": "role", "source": "email"}]
    for bonus, stage, expected in [("guaranteed", "final_interview", ["PROMISE-UNLESS-CASE"]),
                                   ("past_record", "final_interview", ["CASE-UNLESS", "PROMISE-UNLESS-CASE"]),
                                   ("past_record", "offer_received", ["CASE-UNLESS"]),
                                   ("guaranteed", "accepted", [])]:
        data = {"terms": {"monthly_salary": 300000, "bonus": {"basis": bonus}}, "offer": {"stage": stage},
                "promises": promise}
        for prune in (True, False):
            checker.matcher.payload.prune = prune
            assert sorted(f.rule for f in checker.check_case(case_of(data), "x").findings) == expected, (data, prune)
    checker.matcher.payload.prune = True
