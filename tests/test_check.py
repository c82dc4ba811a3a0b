"""`riskcheck check` end to end: the contracts of spec/ on the shared examples, and the CLI's promises."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, SHARED, run_cli, run_json, write
from riskcheck.vocabulary import SEVERITIES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
FINDING_KEYS = ("rule", "severity", "topic", "confirm_with", "form", "message", "ask", "basis")


def test_shared_examples_are_present() -> None:
    assert len(EXAMPLE_FILES) == 3, f"expected the three shared examples in {EXAMPLES}"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_report_follows_format_1(path: Path) -> None:
    code, doc = run_json("check", str(path))
    assert doc["riskcheck"] == 1
    assert [p["name"] for p in doc["rule_packs"]] == ["jp-offer"]
    (case,) = doc["cases"]
    assert case["id"] == path.stem and case["source"] == str(path) and case["error"] is None
    order = [(SEVERITIES.index(f["severity"]), f["rule"]) for f in case["findings"]]
    assert order == sorted(order), "findings are ordered by severity, then rule"
    for finding in case["findings"]:
        assert all(finding[key] for key in FINDING_KEYS), finding
        assert finding["form"] in ("written", "verbal")
    high = [f for f in case["findings"] if SEVERITIES.index(f["severity"]) <= SEVERITIES.index("high")]
    assert case["status"] == ("findings" if high else "ok")
    assert code == (1 if high else 0)
    assert doc["summary"]["cases"] == 1
    assert sum(doc["summary"]["by_severity"].values()) == len(case["findings"])


def test_shipped_examples_mirror_the_shared_ones() -> None:
    """The in-repository examples are the contract's examples, byte for byte (when the contract is beside us)."""
    shared = SHARED / "examples"
    if not shared.is_dir():
        pytest.skip("no contract folder (shared/) beside this checkout, as in a fresh clone: nothing to compare with")
    assert sorted(p.name for p in shared.glob("*.yaml")) == [p.name for p in EXAMPLE_FILES]
    for path in EXAMPLE_FILES:
        assert (shared / path.name).read_bytes() == path.read_bytes(), path.name


def test_fail_on_sets_the_exit_code() -> None:
    path = str(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")
    for threshold in SEVERITIES:
        code, doc = run_json("check", path, "--fail-on", threshold)
        at_or_above = [f for f in doc["cases"][0]["findings"]
                       if SEVERITIES.index(f["severity"]) <= SEVERITIES.index(threshold)]
        assert code == (1 if at_or_above else 0), threshold
        assert doc["cases"][0]["status"] == ("findings" if at_or_above else "ok")


def test_japanese_and_english_texts() -> None:
    path = str(EXAMPLES / "role-promise-by-department-head.yaml")
    _, ja = run_json("check", path, "--lang", "ja")
    _, en = run_json("check", path, "--lang", "en")
    assert [f["rule"] for f in ja["cases"][0]["findings"]] == [f["rule"] for f in en["cases"][0]["findings"]]
    for finding in ja["cases"][0]["findings"]:
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in finding["ask"]), finding
    for finding in ja["cases"][0]["findings"] + en["cases"][0]["findings"]:
        assert "{" not in finding["message"] + finding["ask"] + finding["basis"], "no unresolved placeholder"


@pytest.mark.parametrize(("env", "expected"), [({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "en_US.UTF-8"}, "en"),
                                               ({"LC_ALL": "ja_JP.UTF-8", "LANG": "C"}, "ja"),
                                               ({"LANGUAGE": "ja", "LANG": "C.UTF-8"}, "ja"),
                                               ({"LANGUAGE": "fr:ja_JP", "LANG": "en_US.UTF-8"}, "ja"),
                                               ({"LANGUAGE": "en", "LANG": "ja_JP.UTF-8"}, "en"),
                                               ({"LC_MESSAGES": "ja_JP.UTF-8"}, "ja"), ({}, "en")])
def test_language_defaults_to_the_locale(env: dict[str, str], expected: str) -> None:
    clean = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", **env}
    result = run_cli("check", str(EXAMPLES / "role-promise-by-department-head.yaml"), "--format", "json", env=clean)
    text = json.dumps(json.loads(result.stdout)["cases"][0]["findings"], ensure_ascii=False)
    has_japanese_prose = "確認" in text
    assert has_japanese_prose == (expected == "ja")


def test_unknown_key_is_one_line_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "typo.yaml", "riskcheck: 1\noffer: {stage: offer_received}\n"
                                        "promisses:\n  - {topic: salary, by: a}\n")
    result = run_cli("check", path, "--format", "json")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"{path}:3" in line and "promisses" in line and "promises" in line
    doc = json.loads(result.stdout)
    assert doc["cases"][0]["status"] == "error" and "promisses" in doc["cases"][0]["error"]
    assert doc["summary"]["errors"] == 1


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "nope.yaml" in result.stderr


def test_no_traceback_from_the_real_executable(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "riskcheck: 1\npeople: [{id: a, role: boss}]\n")
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "check", path], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{path}:2: people[0].role:" in proc.stderr


def test_json_output_is_byte_identical_across_runs() -> None:
    path = str(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")
    first, second = (run_cli("check", path, "--format", "json").stdout for _ in range(2))
    assert first == second


def test_output_file_matches_stdout(tmp_path: Path) -> None:
    path = str(EXAMPLES / "role-promise-by-department-head.yaml")
    target = tmp_path / "report.json"
    run_cli("check", path, "--format", "json", "-o", str(target))
    assert target.read_text(encoding="utf-8") == run_cli("check", path, "--format", "json").stdout
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"], "no temporary file left behind"


def test_output_file_has_the_permissions_a_redirect_would_give(tmp_path: Path) -> None:
    path = str(EXAMPLES / "role-promise-by-department-head.yaml")
    new, existing = tmp_path / "new.json", tmp_path / "existing.json"
    existing.write_text("old", encoding="utf-8")
    existing.chmod(0o640)
    umask = os.umask(0o022)
    try:
        for target in (new, existing):
            run_cli("check", path, "--format", "json", "-o", str(target))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_text(encoding="utf-8") != "old"


EXTRA_PACK = """
name: extra
version: 2.0.0
rules:
  - id: NO-START-DATE
    severity: low
    topic: start_date
    confirm_with: [hr]
    form: written
    when:
      - fact: case
        where: {offer.start_date: {exists: false}}
    text:
      en: {message: No start date., ask: When would I start?, basis: The offer meeting settles it.}
      ja: {message: 入社日が未定です。, ask: 入社日はいつ頃をお考えでしょうか。, basis: オファー面談で決める事項です。}
"""


def test_extra_pack_alone_and_combined(tmp_path: Path) -> None:
    pack = write(tmp_path, "extra.yaml", EXTRA_PACK)
    case = str(EXAMPLES / "role-promise-by-department-head.yaml")
    _, alone = run_json("check", case, "--rules", pack, "--no-default-rules")
    assert alone["rule_packs"] == [{"name": "extra", "version": "2.0.0"}]
    assert [f["rule"] for f in alone["cases"][0]["findings"]] == ["NO-START-DATE"]
    _, both = run_json("check", case, "--rules", pack)
    assert [p["name"] for p in both["rule_packs"]] == ["jp-offer", "extra"]
    assert "NO-START-DATE" in {f["rule"] for f in both["cases"][0]["findings"]}
    _, dated = run_json("check", str(EXAMPLES / "everything-confirmed.yaml"), "--rules", pack,
                        "--no-default-rules")
    assert dated["cases"][0]["findings"] == [], "the near-miss: a start date is given"


def test_broken_pack_is_exit_2_naming_file_and_line(tmp_path: Path) -> None:
    pack = write(tmp_path, "broken.yaml", EXTRA_PACK.replace("offer.start_date", "offer.start_dat"))
    result = run_cli("check", str(EXAMPLES / "everything-confirmed.yaml"), "--rules", pack)
    assert result.exit_code == 2
    assert f"{pack}:12" in result.stderr and "start_date" in result.stderr and "NO-START-DATE" in result.stderr
