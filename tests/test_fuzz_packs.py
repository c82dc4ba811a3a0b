"""Property-based fuzzing of rule packs and waiver files, the inputs the case fuzzing never reaches:
whatever the text, ``validate``, ``check --rules`` and ``check --waivers`` exit 0, 1 or 2, never
with a traceback, and every problem is one line naming the file.

Two generators: the YAML text of a real pack and a real waiver file with lines mutated (YAML tags,
keys named like pydantic's union branches, operators, placeholders, values of the wrong type,
cut, repeated or deleted lines), and random structured rules built from the condition language's
own words. ``RISKCHECK_FUZZ_EXAMPLES=5000`` runs that many per test (default: a short run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, run_cli
from riskcheck.packcheck import validate_packs
from riskcheck.rulepack import PackError, load_packs

N = int(os.environ.get("RISKCHECK_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=N <= 100, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
GOOD = Path(__file__).parent / "packs" / "good"
CASE = str(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")

TOKENS = ["!!bool x", "!!timestamp x", "!!binary x", "!!int x", "!!float x", "!!set {a}", "!!omap [a]",
          "!!python/object:os.system x", "!foo x", "!!str", "!!null", "&a x", "*a", "bool", "date", "x[1]", "'['",
          "{case.offer}", "{case.terms}", "{p.said}", "{d.covers}", "{case.terms.bonus.stated_months}", "{x.y|yen}",
          "{in: []}", "{lacks_any: [salary]}", "{ref: p.by}", "{any_of: [{}]}", "{exists: 1}", "{gt: abc}",
          "[]", "{}", "null", "-1e-05", "1e309", "'ﾃｽﾄ'", "部長", "\t", ": ", "- ", "#", "'", '"', "|", ">"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """The text with a few lines changed: a token put in place of a value or key, lines cut, repeated or dropped."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line, token = lines[i], draw(st.sampled_from(TOKENS))
        how = draw(st.sampled_from(["value", "key", "cut", "repeat", "drop", "append"]))
        indent = line[:len(line) - len(line.lstrip())]
        if how == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + token
        elif how == "key":
            lines[i] = f"{indent}{token}: {line.split(':', 1)[-1].strip() or 1}"
        elif how == "cut":
            lines[i] = line[:draw(st.integers(0, len(line)))]
        elif how == "repeat":
            lines.insert(i, line)
        elif how == "drop" and len(lines) > 1:
            del lines[i]
        else:
            lines[i] = line + " " + token
    return "\n".join(lines) + "\n"


def assert_one_line_per_problem(result: Any, path: str) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = result.stderr.splitlines()
        assert errors and all(line.startswith("riskcheck: error: ") for line in errors), result.stderr
        problems = result.stdout.splitlines() if result.stdout.strip() else errors
        assert any(path in line for line in problems), result.output


@FUZZ
@given(mutated((GOOD / "rules.yaml").read_text(encoding="utf-8")), st.booleans())
def test_mutated_pack(text: str, in_meta: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pack = shutil.copytree(GOOD, Path(tmp) / "pack")
        target = pack / "pack.yaml" if in_meta else pack / "rules.yaml"
        if in_meta:
            target.write_text((GOOD / "pack.yaml").read_text(encoding="utf-8") + text, encoding="utf-8")
        else:
            target.write_text(text, encoding="utf-8")
        validate_packs([str(pack)], defaults=False)  # never raises
        try:
            load_packs([str(pack)])
        except PackError:
            pass
        assert_one_line_per_problem(run_cli("validate", str(pack), "--no-default-rules"), str(pack))
        assert_one_line_per_problem(run_cli("check", CASE, "--rules", str(pack)), str(pack))


WAIVERS = ("waivers:\n  - rule: BONUS-STATED-WITHOUT-MINIMUM\n    case: bonus-and-overtime-taken-on-trust\n"
           "    reason: 賞与は重視しない\n    accepted_by: candidate\n    expires: 2099-12-31\n")


@FUZZ
@given(mutated(WAIVERS))
def test_mutated_waiver_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "waivers.yaml"
        path.write_text(text, encoding="utf-8")
        assert_one_line_per_problem(run_cli("check", CASE, "--waivers", str(path)), str(path))
        assert_one_line_per_problem(run_cli("validate", "--waivers", str(path)), str(path))


WORDS = st.sampled_from(["case", "promise", "person", "document", "confirmation", "p", "d", "offer.stage",
                         "terms.bonus.basis", "said", "topic", "by", "covers", "in_writing", "index", "terms",
                         "eq", "ne", "lt", "gte", "in", "not_in", "exists", "contains", "lacks_any", "ref", "any_of"])
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=True) | WORDS
                      | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
                      max_leaves=8)


@FUZZ
@given(st.lists(st.fixed_dictionaries({"fact": WORDS}, optional={"as": WORDS, "where": st.dictionaries(WORDS, VALUES,
                                                                                                          max_size=3)}),
                min_size=0, max_size=3),
       st.lists(st.dictionaries(WORDS, VALUES, max_size=2), max_size=2), VALUES)
def test_random_rule_conditions(when: list[dict[str, Any]], unless: list[Any], topic: Any) -> None:
    rule = {"id": "FUZZ", "severity": "high", "topic": topic, "confirm_with": ["hr"], "form": "written",
            "when": when, "unless": unless,
            "text": {"en": {"message": "{p.said}", "ask": "a", "basis": "b"}, "ja": {"message": "m", "ask": "a",
                                                                                        "basis": "b"}}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pack.yaml"
        path.write_text(yaml.safe_dump({"name": "fuzz", "version": "1", "rules": [rule]}, allow_unicode=True),
                        encoding="utf-8")
        result = validate_packs([str(path)], [], defaults=False)
        assert all(str(path) in str(problem) and "\n" not in str(problem) for problem in result.problems)
        assert_one_line_per_problem(run_cli("check", CASE, "--rules", str(path)), str(path))
