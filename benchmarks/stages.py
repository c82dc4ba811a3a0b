"""Where one case's time goes: each stage of the per-case path, in one process, next to the floor.

    python benchmarks/stages.py [--cases 3000] [--rounds 5]

On generated cases (``generate_cases.py``, JSON Lines), each stage runs over all of them in turn,
``--rounds`` times; the best round of each is printed in µs of CPU time per case (process time,
so other load on the machine disturbs it less). "floor" is the C engine alone on the same facts,
as in ``audit_throughput.py``; "match" is riskcheck's driver around it (serialising the facts,
collecting and de-duplicating the matches).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

from riskcheck.batch import item_entry
from riskcheck.case import Case, load_case
from riskcheck.engine import Match
from riskcheck.errors import RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.facts import build
from riskcheck.inputs import document, expand
from riskcheck.loading import Document
from riskcheck.render import prepare
from riskcheck.render.jsonl import JsonlRenderer
from riskcheck.rulepack import load_packs, pack_paths

from audit_throughput import floor, floor_payloads  # this directory is first on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))


def valid_cases(docs: list[Document]) -> list[Case]:
    cases = []
    for doc in docs:
        try:
            cases.append(load_case(doc, "x"))
        except RiskcheckError:
            pass
    return cases


def each(function: Callable[..., object], *inputs: list[Any]) -> Callable[[], None]:
    """A stage: ``function`` over the inputs, results dropped at once as in a worker (kept, they would
    make the garbage collector's work grow with the batch)."""
    def run() -> None:
        for args in zip(*inputs):
            function(*args)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, os.path.join(HERE, "generate_cases.py"), str(args.cases), directory],
                       check=True, capture_output=True)
        path = os.path.join(directory, "cases.jsonl")
        items = list(expand([path]))
        floor_checker, payloads = floor_payloads(path)
    checker = Checker(load_packs(pack_paths([], True)))
    docs = [document(item) for item in items]
    cases = valid_cases(docs)
    facts = [build(case) for case in cases]
    matches = [checker.matcher.match([dict(fact) for fact in case_facts]) for case_facts in facts]
    entries = [item_entry(checker, item, "low") for item in items]
    encode = functools.partial(prepare, JsonlRenderer, "low")

    def validate(doc: Document) -> None:
        try:
            load_case(doc, "x")
        except RiskcheckError:
            pass

    def findings(case_facts: list[dict[str, Any]], case_matches: list[Match]) -> None:
        for rule, bound in case_matches:
            checker.makers[rule].build(bound, case_facts[0]).to_dict()

    stages: dict[str, tuple[Callable[[], object], int]] = {
        "decode and parse JSON": (each(document, items), len(items)),
        "validate (pydantic)": (each(validate, docs), len(docs)),
        "facts": (each(build, cases), len(cases)),
        "match (driver + floor)": (each(lambda fs: checker.matcher.match([dict(f) for f in fs]), facts), len(cases)),
        "  floor (C engine + loads)": (lambda: floor(floor_checker, payloads), len(payloads)),
        "findings": (each(findings, facts, matches), len(cases)),
        "encode JSONL line": (each(encode, entries), len(entries)),
        "whole case (all of the above)": (each(lambda i: encode(item_entry(checker, i, "low")), items), len(items)),
    }
    gc.freeze()  # as the audit workers do
    best = dict.fromkeys(stages, float("inf"))
    for _ in range(args.rounds):
        for name, (run, count) in stages.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], (time.process_time() - start) / count * 1e6)
    print(f"{len(items):,} cases ({len(cases):,} valid), best of {args.rounds} rounds, CPU µs per case:")
    for name, micros in best.items():
        print(f"  {name:32s} {micros:6.0f}")


if __name__ == "__main__":
    main()
