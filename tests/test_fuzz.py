"""Property-based fuzzing of ``riskcheck check``: whatever the input, exit 0, 1 or 2 and never a traceback.

Three generators feed the real CLI (in-process, the shipped packs, the real engine):

* structured cases: mostly valid values with wrong types, missing and extra keys, huge and
  non-finite numbers, unicode, empty lists, dangling person references and deep nesting mixed in;
* the same cases written as JSON;
* the YAML text of real cases mutated as bytes (cut, repeat, insert, flip).

On exit 2 stderr is exactly one ``riskcheck: error:`` line naming the file; on 0 or 1 the JSON
report has one case, no error, and the exit code its findings imply.

The example counts stay small by default; ``RISKCHECK_FUZZ_EXAMPLES=5000`` runs that many per test.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, FIXTURES, run_cli
from riskcheck.vocabulary import SEVERITIES, TOPICS

N = int(os.environ.get("RISKCHECK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=N <= 100, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
TRIED: Counter[str] = Counter()
"""Inputs run per test (printed at the end of a verbose run: ``pytest -s``)."""

ROLES = ["executive", "department_head", "section_manager", "hr", "recruiter", "agent", "team_member", "unknown"]
KINDS = ["job_posting", "offer_letter", "labor_conditions_notice", "employment_contract", "work_rules", "email", "memo"]
STAGES = ["casual", "first_interview", "second_interview", "final_interview", "offer_meeting", "offer_received",
          "accepted"]
CHANNELS = ["verbal", "email", "chat", "document"]


@pytest.fixture(scope="module")
def workdir() -> Any:
    with tempfile.TemporaryDirectory(prefix="riskcheck-fuzz-") as name:
        yield Path(name)
    print(f"\nfuzz inputs tried: {dict(TRIED)} (total {sum(TRIED.values())})")


# --- values ------------------------------------------------------------------------------------

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
junk_scalar = st.one_of(
    st.none(), st.booleans(), text,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "yes", "no", "~", "null", "2026-02-30", "0x1F", "1e5", "1:30", "&a", "*a", "!!str",
                     "事業部長", "\u200b", "a\nb", "\t", "-", "[", "{"]),
)
junk = st.recursive(junk_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(text, inner, max_size=4)), max_leaves=12)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"d": value}
    return value


def sometimes(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid value, sometimes junk or deep nesting."""
    return st.one_of(valid, valid, valid, valid, junk, st.integers(1, 120).map(deep))


def optional_keys(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping strategy that may drop required keys and add unknown ones."""
    base = st.fixed_dictionaries({k: sometimes(v) for k, v in required.items()},
                                 optional={k: sometimes(v) for k, v in optional.items()})
    extra = st.dictionaries(st.one_of(text, st.sampled_from(["riskcheck", "id", "offer", "said", "<<"])), junk,
                            max_size=2)

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        data = draw(base)
        if data and draw(st.integers(0, 9)) == 0:
            data.pop(draw(st.sampled_from(sorted(data))))
        if draw(st.integers(0, 9)) == 0:
            data.update(draw(extra))
        return data
    return build()


person_ids = st.one_of(st.sampled_from(["bucho", "kacho", "jinji", "事業部長", "p 1", ""]), text)
date = st.one_of(st.dates().map(str), st.dates(), st.just(False))
yen = st.one_of(st.integers(0, 10**7), st.integers(-(10**30), 10**30))
months = st.one_of(st.floats(0, 24), st.floats(), st.integers(-5, 200))

person = optional_keys({"id": person_ids}, {"role": st.sampled_from(ROLES), "name": text,
                                            "assigns_work": st.booleans(), "decides_pay": st.booleans()})
document = optional_keys({"kind": st.sampled_from(KINDS)},
                         {"received": date, "covers": st.lists(st.sampled_from(TOPICS), max_size=6)})
promise = optional_keys({"topic": st.sampled_from(TOPICS)}, {
    "said": text, "by": person_ids, "source": st.sampled_from(KINDS), "stage": st.sampled_from(STAGES),
    "channel": st.sampled_from(CHANNELS), "in_writing": st.booleans(), "confirmed_by": st.lists(person_ids, max_size=3)})
terms = optional_keys({}, {
    "monthly_salary": yen,
    "bonus": optional_keys({}, {"basis": st.sampled_from(["guaranteed", "past_record", "discretionary", "unknown"]),
                                "guaranteed_months": months, "stated_months": st.lists(months, max_size=3),
                                "in_writing": st.booleans()}),
    "overtime": optional_keys({}, {"scheme": st.sampled_from(["fixed", "actual_hours", "none", "unknown"]),
                                   "fixed_hours": months, "fixed_amount": yen,
                                   "excess_paid": st.sampled_from(["yes", "no", "unknown", True]),
                                   "clause_checked": st.booleans()}),
    "probation": optional_keys({}, {"months": months, "conditions_differ": st.sampled_from(["yes", "no", False])}),
    "contract": optional_keys({}, {"ends": date, "renewal_cap": st.one_of(text, st.integers())}),
})
case = optional_keys({"riskcheck": st.just(1)}, {
    "id": st.one_of(text, st.integers()),
    "candidate": optional_keys({}, {"current_annual_income": yen, "age": st.integers(-10, 200)}),
    "offer": optional_keys({}, {"company": text, "position": text, "stage": st.sampled_from(STAGES),
                                "employment_type": st.sampled_from(["regular", "contract", "dispatch", "x"]),
                                "acceptance_deadline": date}),
    "people": st.lists(person, max_size=5),
    "documents": st.lists(document, max_size=3),
    "promises": st.lists(promise, max_size=6),
    "terms": terms,
})


# --- the property ------------------------------------------------------------------------------

def assert_contained(path: Path) -> None:
    """Run ``check`` on ``path`` (exceptions propagate: run_cli does not catch them)."""
    result = run_cli("check", str(path), "--format", "json", "--lang", "en")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"riskcheck: error: {path}"), result.stderr
    else:
        assert result.stderr == ""
    report = json.loads(result.stdout)
    (entry,) = report["cases"]
    assert (entry["error"] is not None) == (result.exit_code == 2)
    if result.exit_code != 2:
        high = [f for f in entry["findings"] if "waived" not in f and SEVERITIES.index(f["severity"]) <= 1]
        assert result.exit_code == (1 if high else 0)


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@FUZZ
@given(data=case)
def test_structured_cases_as_yaml(workdir: Path, data: dict[str, Any]) -> None:
    try:
        body = dump_yaml(data)
    except (yaml.YAMLError, ValueError):
        assume(False)
    path = workdir / "case.yaml"
    path.write_text(body, encoding="utf-8")
    TRIED["structured-yaml"] += 1
    assert_contained(path)


@FUZZ
@given(data=case)
def test_structured_cases_as_json(workdir: Path, data: dict[str, Any]) -> None:
    try:
        body = json.dumps(data, ensure_ascii=False, default=str)
    except (ValueError, TypeError):
        assume(False)
    path = workdir / "case.json"
    path.write_text(body, encoding="utf-8")
    TRIED["structured-json"] += 1
    assert_contained(path)


SEEDS = sorted([*EXAMPLES.glob("*.yaml"), *FIXTURES.glob("**/*.yaml")])[:40]
SEED_TEXTS = [p.read_bytes() for p in SEEDS] or [b"riskcheck: 1\n"]
TOKENS = [b"&a ", b"*a", b"<<: *a", b"!!python/object:os.system ", b"!!binary ", b"? ", b"- ", b"[", b"]", b"{", b"}",
          b": ", b"\t", b"\n", b"  ", b"#", b"'", b'"', b"\\", b"|\n", b">-\n", b"---\n", b"...\n", b"%YAML 1.1\n",
          b"\x00", b"\xff", b"\xef\xbb\xbf", "事業部長".encode(), b"9" * 120, b".nan", b"0x", b"1:2:3", b"~", b"null",
          b"2026-13-45", b"\r\n", b"\x85", "\u2028".encode()]


@st.composite
def mutated(draw: Any) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_TEXTS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(data)))
        if op == 0:  # cut a slice
            del data[at:at + draw(st.integers(1, 80))]
        elif op == 1:  # repeat a slice
            piece = data[at:at + draw(st.integers(1, 200))]
            data[at:at] = piece * draw(st.integers(1, 20))
        elif op == 2:  # insert a YAML token
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == 3:  # insert arbitrary bytes
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif data:  # flip one byte
            i = min(at, len(data) - 1)
            data[i] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


@FUZZ
@given(body=mutated())
def test_mutated_yaml_text(workdir: Path, body: bytes) -> None:
    path = workdir / "mutated.yaml"
    path.write_bytes(body)
    TRIED["mutated-text"] += 1
    assert_contained(path)


@FUZZ
@given(data=case, depth=st.integers(1, 80), width=st.integers(1, 12))
def test_aliases_and_nesting_in_cases(workdir: Path, data: dict[str, Any], depth: int, width: int) -> None:
    """Anchors shared across the case and nesting around the limits."""
    anchors = "".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]\n" for i in range(1, depth % 12))
    nested = "[" * depth + "]" * depth
    body = f"x0: &x0 [1]\n{anchors}nested: {nested}\n" + dump_yaml(data)
    path = workdir / "alias.yaml"
    path.write_text(body, encoding="utf-8")
    TRIED["aliases-nesting"] += 1
    assert_contained(path)


@settings(FUZZ, max_examples=max(6, N // 10))  # each audit starts a worker process
@given(bodies=st.lists(mutated(), min_size=1, max_size=6))
def test_audit_accounts_for_every_input(workdir: Path, bodies: list[bytes]) -> None:
    if "audit" not in run_cli("--help").stdout:
        pytest.skip("no audit command yet")
    folder = workdir / f"audit-{TRIED['audit-batches']}"
    folder.mkdir()
    names = [f"case{i}.yaml" for i in range(len(bodies))]
    for name, body in zip(names, bodies):
        (folder / name).write_bytes(body)
    TRIED["audit-batches"] += 1
    TRIED["audit-inputs"] += len(bodies)
    result = run_cli("audit", str(folder), "--format", "json", "--jobs", "1", "--lang", "en")
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert sorted(Path(c["source"]).name for c in report["cases"]) == names
    errors = sum(c["status"] == "error" for c in report["cases"])
    assert report["summary"]["cases"] == len(names) and report["summary"]["errors"] == errors
    assert (result.exit_code == 2) == (errors > 0)
