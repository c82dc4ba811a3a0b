"""The benchmarks still run against the code they measure: each starts (its --help imports everything it
uses), and the per-stage one runs a few cases end to end. Timing is never asserted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BENCHMARKS = sorted(p for p in (ROOT / "benchmarks").glob("*.py") if p.name != "report_formats.py")


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.stem)
def test_each_benchmark_starts(script: Path) -> None:
    result = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage" in result.stdout


def test_the_per_stage_and_report_benchmarks_run_on_a_few_cases() -> None:
    stages = subprocess.run([sys.executable, "benchmarks/stages.py", "--cases", "20", "--rounds", "1"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert stages.returncode == 0, stages.stderr[-2000:]
    assert "whole case" in stages.stdout
    reports = subprocess.run([sys.executable, "benchmarks/report_formats.py", "20"], capture_output=True, text=True,
                             timeout=300, cwd=ROOT, env={**os.environ, "FORMATS": "csv"})
    assert reports.returncode == 0, reports.stderr[-2000:]


def test_the_peer_benchmark_finds_its_six_rules_in_the_shipped_pack(tmp_path: Path) -> None:
    """peer_opa.py copies six rules from rules/jp-offer (regopy itself is a benchmark extra, not needed here)."""
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import peer_opa\n"
            "from riskcheck.rulepack import load_packs\n"
            "from riskcheck.inputs import expand\n"
            f"pack = load_packs([peer_opa.six_rule_pack({str(tmp_path)!r})])[0]\n"
            "print(sorted(rule.id for rule in pack.rules) == sorted(peer_opa.RULES), len(pack.rules))\n"
            f"items = list(expand([{str(tmp_path / 'cases.jsonl')!r}]))\n"
            "print(len(peer_opa.valid_facts(items, [str(i) for i in range(len(items))])))")
    subprocess.run([sys.executable, "benchmarks/generate_cases.py", "40", str(tmp_path)], check=True, capture_output=True,
                   cwd=ROOT)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[:2] == ["True", "6"] and 30 <= int(result.stdout.split()[2]) <= 40
