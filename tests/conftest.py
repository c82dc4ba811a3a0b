"""Shared test fixtures: real packs, the real engine, real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from riskcheck.cli import main
from riskcheck.evaluate import Checker
from riskcheck.rulepack import load_packs, pack_paths

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
"""The contract folder beside a checkout; optional: only the mirror test reads it, and skips outside CI."""
FIXTURES = ROOT / "fixtures" / "cases"


@pytest.fixture(scope="session")
def packs() -> list[Any]:
    return load_packs(pack_paths([], True))


@pytest.fixture(scope="session")
def checker(packs: list[Any]) -> Checker:
    return Checker(packs, lang="en")


@pytest.fixture(scope="session")
def checker_ja(packs: list[Any]) -> Checker:
    return Checker(packs, lang="ja")


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the real CLI in-process (click's runner), stderr kept apart."""
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Run a command with ``--format json`` and parse its report."""
    result = run_cli(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)
