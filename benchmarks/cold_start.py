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
    for cmd in commands.values():  # warm the OS file cache and .pyc files
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


if __name__ == "__main__":
    main()
