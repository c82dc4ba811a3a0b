"""Determinism: the same inputs give byte-identical JSON across runs, processes, hash seeds and --jobs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, ROOT, run_cli, write

TODAY = ("--today", "2026-11-23")
FILES = sorted(EXAMPLES.glob("*.yaml"))
MESSY = """riskcheck: 1
people:
  - {id: zeta, role: department_head, name: Z}
  - {id: alpha, role: section_manager}
  - {id: 事業部長, role: executive}
promises:
  - {topic: training, by: zeta, said: b}
  - {topic: role, by: 事業部長, said: a}
  - {topic: salary, by: alpha, said: c}
  - {topic: bonus, source: job_posting, said: d}
  - {topic: role, by: zeta, said: e, confirmed_by: [alpha]}
documents:
  - {kind: offer_letter, covers: [salary, bonus, role]}
terms: {bonus: {basis: past_record}, overtime: {scheme: fixed}}
"""


def in_subprocess(*args: str, seed: str, codes: tuple[int, ...] = (0, 1)) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-m", "riskcheck", *args], capture_output=True, timeout=300, cwd=ROOT,
                          env=env)
    assert proc.returncode in codes, proc.stderr.decode()[-2000:]
    return proc.stdout


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_repeated_runs_in_one_process(tmp_path: Path, lang: str) -> None:
    paths = [*map(str, FILES), write(tmp_path, "messy.yaml", MESSY)]
    for path in paths:
        outputs = {run_cli("check", path, "--format", "json", "--lang", lang, *TODAY).stdout for _ in range(3)}
        assert len(outputs) == 1, path


def test_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    messy = write(tmp_path, "messy.yaml", MESSY)
    for path in [messy, *map(str, FILES)]:
        args = ("check", path, "--format", "json", "--lang", "ja", *TODAY)
        outputs = {in_subprocess(*args, seed=seed) for seed in ("0", "1", "4242")}
        assert len(outputs) == 1, path
        assert outputs == {run_cli(*args).stdout_bytes}


def test_audit_is_identical_whatever_jobs(tmp_path: Path) -> None:
    if "audit" not in run_cli("--help").stdout:
        pytest.skip("no audit command yet")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, path in enumerate([*FILES, *sorted(FIXTURES.glob("**/*.yaml"))[:30]]):
        (inputs / f"{i:03d}-{path.name}").write_bytes(path.read_bytes())
    write(inputs, "zz-broken.yaml", "riskcheck: 1\noffer: [\n")
    args = ("audit", str(inputs), "--format", "json", *TODAY)
    outputs = {in_subprocess(*args, "--jobs", jobs, seed=seed, codes=(2,)) for jobs, seed in (("1", "0"), ("2", "1"), ("3", "7"))}
    assert len(outputs) == 1


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_case_reads_the_same_whatever_was_checked_before(packs: list, lang: str) -> None:
    """Findings' texts are filled once per set of values and kept (``FindingMaker._texts``): a case checked
    first, after all the others, or by a fresh checker gives the same entry."""
    from riskcheck.evaluate import Checker
    from riskcheck.loading import load

    paths = sorted([*FIXTURES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")])
    docs = [load(str(path)) for path in paths]

    def entries(order: list[int], checker: Checker | None = None) -> dict[int, dict]:
        return {i: (checker or Checker(packs, lang=lang)).check_document(docs[i], str(i)).to_dict("low") for i in order}

    forward = entries(list(range(len(docs))), Checker(packs, lang=lang))
    backward = entries(list(reversed(range(len(docs)))), Checker(packs, lang=lang))
    fresh = entries([0, len(docs) // 2, len(docs) - 1])
    assert forward == backward
    assert all(fresh[i] == forward[i] for i in fresh)
    assert sum(len(entry["findings"]) for entry in forward.values()) > 100


def test_equal_values_of_other_types_are_shown_as_their_own(packs: list) -> None:
    """True, 1 and 1.0 are equal dictionary keys; a kept text must not show one for another."""
    from riskcheck.findings import FindingMaker, Placeholder

    maker = FindingMaker(packs[0].rules[0], "en")
    maker.placeholders = [Placeholder("case", ("x",), "", False)]
    maker.texts = [[Placeholder("case", ("x",), "", False)]] * 4
    maker.constant = None
    shown = [maker._texts({"case": {"x": value}})[0] for value in (True, 1, 1.0, 1)]
    assert shown == [maker._value(Placeholder("case", ("x",), "", False), {"case": {"x": v}}) for v in (True, 1, 1.0, 1)]
    assert shown[0] != shown[1]
