"""`audit --baseline`: last month's report, so an agency sees only what is new (real runs, real files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from conftest import EXAMPLES, run_cli

BONUS = "bonus-and-overtime-taken-on-trust"


def audit_json(*args: str) -> tuple[int, dict]:
    result = run_cli("audit", *args, "--format", "json", "--jobs", "1")
    return result.exit_code, json.loads(result.stdout)


def cases_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_an_unchanged_month_has_nothing_new_and_exits_0(tmp_path: Path) -> None:
    folder = cases_dir(tmp_path)
    code, first = audit_json(str(folder))
    assert code == 1 and first["summary"]["findings"] > 0
    baseline = tmp_path / "last-month.json"
    baseline.write_text(json.dumps(first), encoding="utf-8")
    code, again = audit_json(str(folder), "--baseline", str(baseline))
    assert code == 0
    for before, now in zip(first["cases"], again["cases"]):
        assert [f["rule"] for f in now["findings"]] == [f["rule"] for f in before["findings"]]
        assert {f["baseline"] for f in now["findings"]} <= {"unchanged"}
        assert now["resolved"] == [] and now["status"] == "ok"


def test_new_unchanged_and_resolved_and_the_exit_code_counts_only_new(tmp_path: Path) -> None:
    folder = cases_dir(tmp_path)
    _, first = audit_json(str(folder))
    baseline = tmp_path / "last-month.json"
    baseline.write_text(json.dumps(first), encoding="utf-8")
    case_file = folder / f"{BONUS}.yaml"
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    case["terms"]["overtime"]["clause_checked"] = True  # one finding resolved
    case["offer"]["asked_to_decline_others"] = True  # one finding new
    case_file.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")

    code, now = audit_json(str(folder), "--baseline", str(baseline))
    entry = next(c for c in now["cases"] if c["id"] == BONUS)
    before = {(f["rule"], f["about"]) for c in first["cases"] if c["id"] == BONUS for f in c["findings"]}
    after = {(f["rule"], f["about"]) for f in entry["findings"]}
    new = {(f["rule"], f["about"]) for f in entry["findings"] if f["baseline"] == "new"}
    unchanged = {(f["rule"], f["about"]) for f in entry["findings"] if f["baseline"] == "unchanged"}
    assert new == after - before and new, new
    assert unchanged == after & before
    assert {(r["rule"], r["about"]) for r in entry["resolved"]} == before - after
    assert ("OVERTIME-CLAUSE-NOT-READ", None) in before - after
    high = [f for f in entry["findings"] if f["baseline"] == "new" and f["severity"] in ("blocker", "high")]
    assert code == (1 if high else 0)
    assert entry["status"] == ("findings" if high else "ok")

    code_new, only = audit_json(str(folder), "--baseline", str(baseline), "--only-new")
    entry_only = next(c for c in only["cases"] if c["id"] == BONUS)
    assert {(f["rule"], f["about"]) for f in entry_only["findings"]} == new
    assert code_new == code
    assert all(c["findings"] == [] for c in only["cases"] if c["id"] != BONUS)


def test_a_baseline_from_another_pack_version_reports_unknown_rules_as_resolved(tmp_path: Path) -> None:
    folder = cases_dir(tmp_path)
    _, first = audit_json(str(folder))
    for case in first["cases"]:
        case["findings"].append({"rule": "RULE-OF-AN-OLDER-PACK", "about": "promises[0]", "severity": "high"})
    first["rule_packs"] = [{"name": "jp-offer", "version": "0.1.0"}]
    baseline = tmp_path / "old.json"
    baseline.write_text(json.dumps(first), encoding="utf-8")
    code, now = audit_json(str(folder), "--baseline", str(baseline))
    assert code == 0
    for case in now["cases"]:
        assert {"rule": "RULE-OF-AN-OLDER-PACK", "about": "promises[0]"} in case["resolved"]


def test_a_bad_baseline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = cases_dir(tmp_path)
    for name, content in (("missing.json", None), ("text.json", "not json"), ("other.json", '{"a": 1}')):
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        result = run_cli("audit", str(folder), "--baseline", str(path))
        assert result.exit_code == 2, (name, result.output)
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "Traceback" not in result.stderr


def test_only_new_needs_a_baseline(tmp_path: Path) -> None:
    result = run_cli("audit", str(cases_dir(tmp_path)), "--only-new", "--lang", "ja")
    assert result.exit_code == 2 and "--baseline" in result.stderr and result.stderr.count("\n") == 1
