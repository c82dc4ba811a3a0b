"""Accuracy of `riskcheck read` on the sample documents, and what reading a 3-page PDF costs next to the
cold start of `riskcheck check`.

Accuracy: every sample in fixtures/documents/ (text, PDFs written by reportlab with Japanese CID fonts,
a Word file) against the values a careful reader takes from it (``<name>.expected.yaml``). Per field:
a value read and right is a true positive; read but wrong is a false positive *and* a miss; expected
but not read is a miss. Precision = right / read, recall = right / expected (targets 0.98 and 0.95).
Every wrong value and every miss is listed. The development set is what the patterns were written
against. Documents in ``holdout/`` are written by hand, with their expected values, before the reader
ever runs on them: their figures are the honest estimate for notices the patterns have not seen. Once
the patterns are improved on them they move to the development set, so ``holdout/`` may be empty
(the README keeps each round's held-out figures). The scan must be refused, not read.

Speed: `riskcheck read pdf-manager.pdf --format json` (3 pages) and `riskcheck check` on a shipped
example, each a fresh process, run alternately; medians side by side with their ratio (target <= 1).

    python benchmarks/read_accuracy.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "fixtures" / "documents"
THREE_PAGES = DOCUMENTS / "pdf-manager.pdf"
EXAMPLE = ROOT / "examples" / "bonus-and-overtime-taken-on-trust.yaml"
SUFFIXES = (".txt", ".pdf", ".docx")


def comparable(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFKC", value).split())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return str(value)


def field_name(path: str) -> str:
    """``terms.allowances[住宅手当].monthly`` counts under ``terms.allowances[].monthly``."""
    base, _, rest = path.partition("[")
    return f"{base}[].{rest.partition('].')[2]}" if rest else path


def samples(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and (p.parent / f"{p.stem}.expected.yaml")
                  .is_file())


def score(paths: list[Path]) -> tuple[dict[str, list[int]], list[str]]:
    """Per field ``[right, read, expected]``, and a line per wrong value or miss."""
    from riskcheck.read import read_document

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    problems: list[str] = []
    for path in paths:
        want = yaml.safe_load((path.parent / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))
        expected = {k: comparable(v) for k, v in want["values"].items()}
        reading = read_document(str(path))
        got = {e.field: (comparable(e.value), e.line) for e in reading.evidence}
        if reading.kind != want["kind"]:
            problems.append(f"{path.name}: kind {reading.kind}, expected {want['kind']}")
        for name in sorted(set(expected) | set(got)):
            row = counts[field_name(name)]
            row[1] += name in got
            row[2] += name in expected
            if name in got and name in expected and got[name][0] == expected[name]:
                row[0] += 1
            elif name in got and name in expected:
                problems.append(f"{path.name}:{got[name][1]}: {name}: WRONG read {got[name][0]!r}, "
                                f"expected {expected[name]!r}")
            elif name in got:
                problems.append(f"{path.name}:{got[name][1]}: {name}: WRONG read {got[name][0]!r}, expected nothing")
            else:
                problems.append(f"{path.name}: {name}: MISSED {expected[name]!r}")
    return counts, problems


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def print_table(title: str, paths: list[Path]) -> tuple[int, int, int]:
    counts, problems = score(paths)
    print(f"\n{title}: {len(paths)} document(s) ({', '.join(p.name for p in paths)})")
    print(f"{'field':42} {'right':>5} {'read':>5} {'expect':>6} {'precision':>9} {'recall':>7}")
    for name in sorted(counts):
        right, read, expected = counts[name]
        print(f"{name:42} {right:5} {read:5} {expected:6} {ratio(right, read):>9} {ratio(right, expected):>7}")
    right, read, expected = (sum(c[i] for c in counts.values()) for i in range(3))
    print(f"{'all fields':42} {right:5} {read:5} {expected:6} {ratio(right, read):>9} {ratio(right, expected):>7}"
          f"   (targets: precision >= 0.98, recall >= 0.95)")
    print("every wrong value and miss:" if problems else "no wrong value, no miss")
    for line in problems:
        print(f"  {line}")
    return right, read, expected


def check_scan() -> None:
    from riskcheck.errors import InputError
    from riskcheck.read import read_document

    try:
        read_document(str(DOCUMENTS / "scan.pdf"))
        print("\nscan.pdf: READ (should have been refused)")
    except InputError as exc:
        print(f"\nscan.pdf: refused, as it should be: {exc}")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def speed(runs: int) -> None:
    from pypdf import PdfReader

    from riskcheck.read import read_document

    exe = shutil.which("riskcheck", path=os.path.dirname(sys.executable)) or "riskcheck"
    commands = {"riskcheck read (3-page PDF)": [exe, "read", str(THREE_PAGES), "--format", "json"],
                "riskcheck check (cold start)": [exe, "check", str(EXAMPLE), "--format", "json"]}
    for cmd in commands.values():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            found[name].append(time.perf_counter() - start)
    print(f"\nspeed: {THREE_PAGES.name} has {len(PdfReader(str(THREE_PAGES)).pages)} pages; fresh processes, "
          f"alternately, {runs} runs")
    medians = {name: statistics.median(values) for name, values in found.items()}
    for name, value in medians.items():
        print(f"  {name:30} median {value * 1000:7.1f} ms  (min {min(found[name]) * 1000:.1f} ms)")
    names = list(medians)
    print(f"  ratio read / check: {medians[names[0]] / medians[names[1]]:.2f}x (target <= 1.0)")
    start = time.perf_counter()
    for _ in range(20):
        read_document(str(THREE_PAGES))
    print(f"  in process, warm: {(time.perf_counter() - start) / 20 * 1000:.1f} ms per read of the 3-page PDF")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print_table("development set (the patterns were written against these)", samples(DOCUMENTS))
    held_out = samples(DOCUMENTS / "holdout") if (DOCUMENTS / "holdout").is_dir() else []
    if held_out:
        print_table("held-out set (written before the reader ran on them)", held_out)
    else:
        print("\nheld-out set: none now (each round moved to the development set once the patterns learnt from it)")
    check_scan()
    speed(args.runs)


if __name__ == "__main__":
    main()
