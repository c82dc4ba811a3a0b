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
