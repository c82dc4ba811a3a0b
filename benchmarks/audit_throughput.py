"""How fast ``riskcheck audit`` is next to the raw durable_rules floor, and whether its memory stays flat.

    python benchmarks/audit_throughput.py [--cases 20000] [--format jsonl] [--repeat 3] [--memory]

In one run, on the same generated cases (``generate_cases.py``, JSON Lines):

* floor: the cases' facts, built and serialised beforehand, through the C engine with nothing
  else (assert, fire loop with ``json.loads``, delete), as ``shared/durable-rules/floor.py`` does;
* ``riskcheck audit --jobs 1`` and ``--jobs 2`` as subprocesses, writing ``--format`` to a file
  (wall time including start-up);

each the best of ``--repeat`` rounds that run all three in turn (the machine's load changes by
the minute; interleaving keeps the ratios fair);

then the ratios, and how much parallel capacity the machine had left (two CPU-bound processes
against one: other load on the machine caps the --jobs 2 ratio). ``--memory`` also runs
``audit --jobs 2`` on 10,000 and 200,000 cases and compares the peak resident size of the
largest process (the supervisor or a worker).
Figures are relative: compare the ratios, absolute speeds depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

from riskcheck.case import load_case
from riskcheck.conditions import MARKER
from riskcheck.engine import dre
from riskcheck.errors import RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.facts import build
from riskcheck.loading import parse
from riskcheck.rulepack import load_packs, pack_paths

HERE = os.path.dirname(os.path.abspath(__file__))

RISKCHECK = [sys.executable, "-m", "riskcheck"]


def compile_bytecode() -> None:
    """Compile riskcheck's modules as pip does when it installs them: a checkout run with
    PYTHONDONTWRITEBYTECODE set would compile every module from source on each run (about 60 ms)."""
    import riskcheck

    compileall.compile_dir(os.path.dirname(riskcheck.__file__), quiet=1)


def generate(n: int, directory: str) -> str:
    subprocess.run([sys.executable, os.path.join(HERE, "generate_cases.py"), str(n), directory], check=True)
    return os.path.join(directory, "cases.jsonl")


def floor_payloads(path: str) -> tuple[Checker, list[tuple[str, str]]]:
    """A checker, and the facts of the file's valid cases serialised for the C engine (invalid cases have none)."""
    checker = Checker(load_packs(pack_paths([], True)))
    payloads = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            try:
                facts = build(load_case(parse(line, path, "json"), "x"))
            except RiskcheckError:
                continue
            sid = f"f{number}"
            payloads.append((sid, json.dumps([*({**f, "sid": sid} for f in facts),
                                              {"id": MARKER, "t": MARKER, "sid": sid}])))
    return checker, payloads


def floor(checker: Checker, payloads: list[tuple[str, str]]) -> float:
    """Seconds the C engine alone takes over the payloads: assert, fire loop with ``json.loads``, delete.
    The payloads are the facts as ``facts.build`` makes them, whole, in standard-library JSON, as in
    ``shared/durable-rules/floor.py`` (riskcheck's own driver sends less: only what the rules read)."""
    handles = checker.matcher.handles  # one ruleset for the shipped pack
    start = time.perf_counter()
    for sid, payload in payloads:
        for handle in handles:
            _, state = dre.assert_facts(handle, payload)
            started = dre.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                json.loads(message)
                message = dre.complete_and_start_action(handle, state)
            dre.delete_state(handle, sid)
    return time.perf_counter() - start


class Run(NamedTuple):
    seconds: float
    """Wall time."""
    rss: int
    """Peak resident size of the largest process, KiB."""
    cpu: float
    """CPU seconds of all its processes (the main one and the workers)."""


def audit(path: str, jobs: int, fmt: str, directory: str) -> Run:
    """One ``riskcheck audit`` run, measured."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "code = subprocess.run(sys.argv[1:]).returncode; u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(time.perf_counter() - t, u.ru_maxrss, u.ru_utime + u.ru_stime, code)")
    out = os.path.join(directory, f"out.{fmt}")
    if os.path.exists(out):  # the previous round's report: replacing it would free its pages inside the timed run
        os.unlink(out)
    result = subprocess.run([sys.executable, "-c", probe, *RISKCHECK, "audit", path, "--jobs", str(jobs),
                             "--format", fmt, "-o", out], capture_output=True, text=True, check=True)
    seconds, rss, cpu, code = result.stdout.split()
    if code not in ("0", "1", "2"):
        raise SystemExit(f"audit failed with exit code {code}: {result.stderr}")
    if fmt == "jsonl":
        with open(path, "rb") as cases, open(out, "rb") as report:
            if sum(1 for _ in cases) != sum(1 for _ in report):
                raise SystemExit(f"audit lost cases: {path} and {out} differ in length")
    return Run(float(seconds), int(rss), float(cpu))


def capacity() -> float:
    """How much two CPU-bound processes get done at once compared with one (2.0 on an idle 2-core machine)."""
    burn = [sys.executable, "-c", "sum(i * i for i in range(20_000_000))"]
    start = time.perf_counter()
    subprocess.run(burn, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    pair = [subprocess.Popen(burn) for _ in range(2)]
    for process in pair:
        process.wait()
    return 2 * one / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--format", default="jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each audit; the best counts")
    parser.add_argument("--memory", action="store_true", help="also compare peak memory at 10k and 200k cases")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as directory:
        path = generate(args.cases, directory)
        checker, payloads = floor_payloads(path)
        best_floor = best_floor_cpu = float("inf")
        best = {jobs: Run(float("inf"), 0, 0.0) for jobs in (1, 2)}
        best_cpu = {jobs: float("inf") for jobs in (1, 2)}
        for _ in range(args.repeat):  # interleaved, best of each: other load on the machine only slows runs down
            cpu = time.process_time()
            best_floor = min(best_floor, floor(checker, payloads))
            best_floor_cpu = min(best_floor_cpu, time.process_time() - cpu)
            for jobs in (1, 2):
                run = audit(path, jobs, args.format, directory)
                best[jobs] = min(best[jobs], run)
                best_cpu[jobs] = min(best_cpu[jobs], run.cpu)
        floor_rate = len(payloads) / best_floor
        rates = {jobs: args.cases / run.seconds for jobs, run in best.items()}
        print(f"floor (C engine only)  {len(payloads):,} valid cases  {floor_rate:9,.0f} cases/s")
        for jobs, run in best.items():
            print(f"audit --jobs {jobs}         {args.cases:,} cases  {rates[jobs]:9,.0f} cases/s  ({run.seconds:.1f} s; "
                  f"CPU {run.cpu:.1f} s in all, {run.cpu / args.cases * 1e6:.0f} µs per case)")
        print(f"jobs 1 / floor = {rates[1] / floor_rate:.2f} (target 0.50)   "
              f"jobs 2 / jobs 1 = {rates[2] / rates[1]:.2f} (target 1.80)")
        floor_us = best_floor_cpu / len(payloads) * 1e6
        print(f"CPU per case: floor {floor_us:.0f} µs, audit --jobs 1 {best_cpu[1] / args.cases * 1e6:.0f} µs in all "
              f"processes (start-up included): floor / audit = {floor_us / (best_cpu[1] / args.cases * 1e6):.2f} "
              "(less sensitive to other load than the wall-time ratio)")
        print(f"machine check: two processes at once do {capacity():.2f}x the work of one "
              "(below 2 means other load shares the cores)")
        if args.memory:
            peaks = {}
            for n in (10_000, 200_000):
                sub = os.path.join(directory, str(n))
                run = audit(generate(n, sub), 2, args.format, sub)
                peaks[n] = run.rss
                print(f"audit --jobs 2 on {n:,} cases: {run.seconds:.1f} s, peak RSS {run.rss / 1024:.0f} MiB")
            print(f"peak memory 200k / 10k = {peaks[200_000] / peaks[10_000]:.2f} (target <= 1.20)")


if __name__ == "__main__":
    main()
