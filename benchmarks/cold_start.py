"""Cold start of `riskcheck check` on a shipped example, side by side with the bare imports.

Runs the two commands alternately (so machine noise hits both alike) and prints the median
wall time of each and their ratio. Target (issue 2): riskcheck at most 1.5x the bare imports.

A third command shows the floor any pydantic-validated run pays: the same libraries plus one
pydantic model class (pydantic builds its first model by importing its plugin loader, which
imports importlib.metadata; the bare ``import pydantic`` is lazy and skips all of that).

    python benchmarks/cold_start.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from audit_throughput import compile_bytecode  # this directory is first on sys.path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bonus-and-overtime-taken-on-trust.yaml"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = shutil.which("riskcheck", path=os.path.dirname(sys.executable)) or "riskcheck"
    commands = {
        "bare imports": [sys.executable, "-c", "import pydantic, click, yaml, durable.lang"],
        "floor": [sys.executable, "-c", "import click, yaml, durable_rules_engine, pydantic\n"
                  "class Case(pydantic.BaseModel):\n    riskcheck: int"],
        "riskcheck check": [exe, "check", str(EXAMPLE), "--format", "json"],
    }
    compile_bytecode()
    for cmd in commands.values():  # warm the OS file cache
        timed(cmd)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(timed(cmd))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in medians.items():
        print(f"{name:16} median {value * 1000:7.1f} ms  (min {min(samples[name]) * 1000:.1f} ms, {args.runs} runs)")
    bare = medians["bare imports"]
    print(f"ratio riskcheck / bare imports: {medians['riskcheck check'] / bare:.2f}x (target <= 1.5x)")
    print(f"ratio floor / bare imports:     {medians['floor'] / bare:.2f}x")
    print(f"where a check's start-up goes (median of {args.runs} fresh processes, ms):")
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        measured = subprocess.run([sys.executable, "-c", PHASES, str(EXAMPLE)], capture_output=True, text=True, check=True)
        for line in measured.stdout.splitlines():
            name, value = line.rsplit(" ", 1)
            phases.setdefault(name, []).append(float(value))
    for name, values in phases.items():
        print(f"  {name:56} {statistics.median(values) * 1000:6.1f}")


PHASES = """
import sys, time
clock = time.perf_counter
marks = [("start", clock())]
def mark(name):
    marks.append((name, clock()))
import click, yaml, durable.lang, pydantic
mark("the bare imports (as above)")
import riskcheck.cli
mark("the command line (click groups, the catalogue)")
class Floor(pydantic.BaseModel):
    riskcheck: int
mark("pydantic's first model (the floor's extra)")
import riskcheck.case
mark("the case models, Japanese value converters")
from riskcheck.evaluate import Checker
from riskcheck.rulepack import load_packs, pack_paths
import riskcheck.render.json_
mark("the rest of the path (facts, rules, findings, report)")
packs = load_packs(pack_paths([], True))
mark("loading the pack (YAML, rule models, conditions)")
checker = Checker(packs)
mark("building the matcher (durable_rules rulesets)")
result = checker.check_file(sys.argv[1])
mark("checking the case")
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(name, after - before)
"""


if __name__ == "__main__":
    main()
