"""Waivers: accepted risks stay visible as waived until they expire, then say they expired."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, run_json, write

GOOD = Path(__file__).parent / "packs" / "good"
CASE = "riskcheck: 1\nid: offer-a\nterms: {bonus: {basis: past_record}}\n"
WAIVER = {"rule": "TEST-BONUS-PAST-RECORD", "reason": "bonus is not important to me", "accepted_by": "candidate",
          "expires": "2026-12-31"}


def waiver_yaml(**fields: str) -> str:
    entry = {**WAIVER, **fields}
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in entry.items()) + "}\n"


def check(tmp_path: Path, today: str, case_waivers: str = "", file_waivers: str = "") -> tuple[int, dict]:
    case = write(tmp_path, "offer-a.yaml", CASE + (f"waivers:\n{case_waivers}" if case_waivers else ""))
    args = ["check", case, "--no-default-rules", "--rules", str(GOOD), "--today", today]
    if file_waivers:
        args += ["--waivers", write(tmp_path, "waivers.yaml", f"waivers:\n{file_waivers}")]
    code, report = run_json(*args)
    return code, report["cases"][0] | {"summary": report["summary"]}


def finding(entry: dict) -> dict:
    [found] = [f for f in entry["findings"] if f["rule"] == "TEST-BONUS-PAST-RECORD"]
    return found


def test_live_waiver_marks_the_finding_and_keeps_it(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2026-12-01", file_waivers=waiver_yaml())
    assert code == 0
    assert entry["status"] == "ok"
    assert finding(entry)["waived"] == {"reason": "bonus is not important to me", "accepted_by": "candidate",
                                        "expires": "2026-12-31"}
    assert "waiver_expired" not in finding(entry)
    assert entry["summary"]["waived"] == 1
    assert entry["summary"]["by_severity"]["high"] == 0


def test_waiver_applies_through_its_expiry_date(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2026-12-31", file_waivers=waiver_yaml())
    assert (code, entry["status"]) == (0, "ok")
    assert "waived" in finding(entry)


def test_expired_waiver_no_longer_applies_and_says_so(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2027-01-01", file_waivers=waiver_yaml())
    assert (code, entry["status"]) == (1, "findings")
    assert "waived" not in finding(entry)
    assert finding(entry)["waiver_expired"]["expires"] == "2026-12-31"


def test_live_waiver_wins_over_an_expired_one(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2027-06-01",
                        file_waivers=waiver_yaml() + waiver_yaml(expires="2027-12-31", reason="renewed"))
    assert code == 0
    assert finding(entry)["waived"]["reason"] == "renewed"
    assert "waiver_expired" not in finding(entry)


def test_case_scoped_waiver(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2026-12-01", file_waivers=waiver_yaml(case="offer-b"))
    assert code == 1
    assert "waived" not in finding(entry) and "waiver_expired" not in finding(entry)
    code, entry = check(tmp_path, "2026-12-01", file_waivers=waiver_yaml(case="offer-a"))
    assert code == 0
    assert "waived" in finding(entry)


def test_waiver_in_the_case_itself(tmp_path: Path) -> None:
    code, entry = check(tmp_path, "2026-12-01", case_waivers=waiver_yaml())
    assert code == 0
    assert finding(entry)["waived"]["accepted_by"] == "candidate"


def test_text_report_shows_waived_and_expired(tmp_path: Path) -> None:
    case = write(tmp_path, "offer-a.yaml", CASE + "waivers:\n" + waiver_yaml())
    args = ["check", case, "--no-default-rules", "--rules", str(GOOD), "--lang", "en"]
    live = run_cli(*args, "--today", "2026-12-01", env={"NO_COLOR": "1"})
    assert "Waived (accepted risk)\n  TEST-BONUS-PAST-RECORD: accepted by candidate until 2026-12-31: bonus is not " \
           "important to me\n" in live.stdout
    expired = run_cli(*args, "--today", "2027-01-01", env={"NO_COLOR": "1"})
    assert "    waiver expired 2026-12-31: bonus is not important to me\n" in expired.stdout
    assert "Waived (accepted risk)" not in expired.stdout


def test_bad_waiver_file_is_one_line(tmp_path: Path) -> None:
    waivers = write(tmp_path, "waivers.yaml", "waivers:\n  - {rule: X, reason: r, accepted_by: me, expires: soon}\n")
    case = write(tmp_path, "case.yaml", "riskcheck: 1\n")
    result = run_cli("check", case, "--no-default-rules", "--rules", str(GOOD), "--waivers", waivers)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"riskcheck: error: {waivers}:2: waivers[0].expires: Input should be a valid date")
    assert len(result.stderr.splitlines()) == 1


SECRET_REASON, SECRET_NAME = "SECRET-REASON 部長が口頭で", "SECRET-NAME 山田太郎"


def test_redact_hides_the_reason_and_who_accepted(tmp_path: Path) -> None:
    """--redact leaves a waiver's free text (reason, accepted_by) out of check and audit, in every format,
    for a live waiver from --waivers and for an expired one inside the case."""
    secret = {"reason": f'"{SECRET_REASON}"', "accepted_by": f'"{SECRET_NAME}"'}
    (tmp_path / "in").mkdir()
    case = write(tmp_path / "in", "offer-a.yaml", CASE)
    write(tmp_path / "in", "offer-b.yaml", CASE.replace("offer-a", "offer-b") +
          f"waivers:\n{waiver_yaml(**secret, expires='2020-01-01')}")
    waivers = write(tmp_path, "waivers.yaml", f"waivers:\n{waiver_yaml(**secret, case='offer-a')}")
    rules = ["--no-default-rules", "--rules", str(GOOD), "--waivers", waivers, "--today", "2026-12-01"]
    runs = [("check", case, "--format", fmt) for fmt in ("text", "json", "markdown", "html")]
    runs += [("audit", str(tmp_path / "in"), "--format", fmt) for fmt in ("text", "json", "jsonl", "csv", "html")]
    for run in runs:
        plain = run_cli(*run, *rules)
        if run[0] == "check" or run[-1] in ("json", "jsonl"):  # the formats that show waivers at all
            assert SECRET_REASON in plain.stdout, run
        for lang, hidden in (("en", "[redacted]"), ("ja", "［非表示］")):
            redacted = run_cli(*run, *rules, "--redact", "--lang", lang)
            assert redacted.exit_code == plain.exit_code, run
            assert "SECRET" not in redacted.stdout + redacted.stderr, run
            assert "山田" not in redacted.stdout and "部長が" not in redacted.stdout, run
            if run[-1] == "json":
                found = [f for entry in json.loads(redacted.stdout)["cases"] for f in entry["findings"]]
                notes = [f.get("waived") or f.get("waiver_expired") for f in found if f["rule"] == "TEST-BONUS-PAST-RECORD"]
                assert {"reason": hidden, "accepted_by": hidden, "expires": "2026-12-31"} in notes, run
                assert run[0] == "check" or {"reason": hidden, "accepted_by": hidden, "expires": "2020-01-01"} in notes
