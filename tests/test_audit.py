"""``riskcheck audit``: every input accounted for once, in order, whatever the workers do."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT, run_cli, write

from riskcheck.batch import Pool, item_entry
from riskcheck.cli.audit import FORMATS
from riskcheck.cli.options import Options
from riskcheck.errors import RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.inputs import expand
from riskcheck.render import render_entries
from riskcheck.report import packs_entry

EXAMPLE_IDS = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def audit_json(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    result = run_cli("audit", *args, "--format", "json", env=env)
    return result.exit_code, json.loads(result.stdout), result.stdout


def jsonl_cases(tmp_path: Path, n: int, name: str = "many.jsonl") -> str:
    """``n`` valid cases (the shipped examples, renamed) as JSON Lines."""
    import yaml

    examples = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
    lines = []
    for i in range(n):
        case = dict(examples[i % len(examples)], id=f"c{i:05d}")
        lines.append(json.dumps(case, ensure_ascii=False, default=str))
    return write(tmp_path, name, "\n".join(lines) + "\n")


@pytest.fixture()
def mixed(tmp_path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """A mix of every kind of input, and the (source, status) expected for each case, in order."""
    cases = tmp_path / "cases"
    (cases / "sub").mkdir(parents=True)
    for example in sorted(EXAMPLES.glob("*.yaml")):
        shutil.copy(example, cases / "sub" / example.name)
    write(cases, "a-invalid.yaml", "riskcheck: 1\noffer: [unclosed\n")
    write(cases, "b-unknown-key.yaml", "riskcheck: 1\nofer:\n  stage: casual\n")
    write(cases, "notes.txt", "not a case, not picked up from a directory")
    jsonl = write(tmp_path, "offers.jsonl", '{"riskcheck": 1, "id": "j1"}\n{"riskcheck": 1,\n\n'
                  '{"riskcheck": 1, "id": "j3", "terms": {"bonus": {"basiss": "none"}}}\n')
    shutil.copy(ROOT / "templates" / "offers.csv", tmp_path / "offers.csv")
    with open(tmp_path / "offers.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("offer-0003,Bad Stage KK,,regular,内定" + "," * 56 + "\r\n")  # a full row: 61 cells
    glob_dir = tmp_path / "glob"
    glob_dir.mkdir()
    shutil.copy(EXAMPLES / "everything-confirmed.yaml", glob_dir / "g1.yaml")
    shutil.copy(EXAMPLES / "everything-confirmed.yaml", glob_dir / "g2.yaml")
    args = [str(cases), jsonl, str(tmp_path / "offers.csv"), str(glob_dir / "*.yaml"), str(tmp_path / "missing.yaml"),
            str(tmp_path / "nothing-*.yaml"), str(tmp_path / "empty")]
    (tmp_path / "empty").mkdir()
    expected = [(str(cases / "a-invalid.yaml"), "error"), (str(cases / "b-unknown-key.yaml"), "error")]
    expected += [(str(cases / "sub" / f"{name}.yaml"), "?") for name in EXAMPLE_IDS]
    expected += [(f"{jsonl}:1", "?"), (f"{jsonl}:2", "error"), (f"{jsonl}:4", "error")]
    expected += [(f"{tmp_path / 'offers.csv'}:{line}", "?") for line in (2, 3)]
    expected += [(f"{tmp_path / 'offers.csv'}:4", "error")]
    expected += [(str(glob_dir / "g1.yaml"), "ok"), (str(glob_dir / "g2.yaml"), "ok")]
    expected += [(str(tmp_path / "missing.yaml"), "error"), (str(tmp_path / "nothing-*.yaml"), "error"),
                 (str(tmp_path / "empty"), "error")]
    return args, expected


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_input_appears_once_in_input_order(mixed: tuple[list[str], list[tuple[str, str]]], jobs: str) -> None:
    args, expected = mixed
    code, report, _ = audit_json(*args, "--jobs", jobs)
    got = [(case["source"], case["status"]) for case in report["cases"]]
    assert [source for source, _ in got] == [source for source, _ in expected]
    for (source, status), (_, want) in zip(got, expected):
        assert want == "?" and status != "error" or status == want, source
    assert code == 2
    assert report["summary"]["cases"] == len(expected)
    assert report["summary"]["errors"] == sum(1 for _, status in expected if status == "error")


def test_errors_name_the_file_line_and_field(mixed: tuple[list[str], list[tuple[str, str]]], tmp_path: Path) -> None:
    _, report, _ = audit_json(*mixed[0], "--jobs", "2")
    errors = {os.path.relpath(case["source"], tmp_path): case["error"]
              for case in report["cases"] if case["status"] == "error"}
    assert all(message.startswith(f"{tmp_path / source}") for source, message in errors.items())
    assert all("\n" not in message and "Traceback" not in message for message in errors.values())
    messages = {source: message[len(str(tmp_path / source)):] for source, message in errors.items()}
    assert messages["cases/a-invalid.yaml"].startswith(":3: invalid YAML: ")
    assert messages["cases/b-unknown-key.yaml"] == ":2: ofer: unknown key 'ofer'; did you mean 'offer'?"
    assert messages["offers.jsonl:2"].startswith(": invalid JSON: ")
    assert messages["offers.jsonl:4"] == ": terms.bonus.basiss: unknown key 'basiss'; did you mean 'basis'?"
    assert messages["offers.csv:4"].startswith(": column offer.stage: Input should be 'casual', ")
    assert messages["nothing-*.yaml"] == ": no file matches this pattern"
    assert messages["empty"] == ": no case files in this directory"
    assert messages["missing.yaml"] == ": No such file or directory"


def test_json_is_byte_identical_whatever_the_jobs(tmp_path: Path) -> None:
    path = jsonl_cases(tmp_path, 300)
    one = run_cli("audit", path, "--format", "json", "--jobs", "1").stdout
    two = run_cli("audit", path, "--format", "json", "--jobs", "2").stdout
    assert one == two
    assert [case["id"] for case in json.loads(one)["cases"]] == [f"c{i:05d}" for i in range(300)]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "junit"])
def test_workers_write_what_one_process_would(tmp_path: Path, fmt: str) -> None:
    """Streaming formats are encoded in the workers; the report must not change for it."""
    inputs = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))] + [jsonl_cases(tmp_path, 40)]
    checker = Options(lang="en").checker()
    entries = [item_entry(checker, item, "high") for item in expand(inputs)]
    expected: Any = io.BytesIO() if FORMATS[fmt].binary else io.StringIO()
    render_entries(FORMATS[fmt], expected, entries, packs=packs_entry(checker.packs), lang="en", fail_on="high")
    written = expected.getvalue()
    result = run_cli("audit", *inputs, "--format", fmt, "--jobs", "2", "--lang", "en")
    assert result.stdout_bytes == (written if isinstance(written, bytes) else written.encode("utf-8"))


class KillingChecker(Checker):
    """Stands in for a durable_rules segfault: the worker evaluating a case whose id is ``victim`` dies
    of a real SIGKILL (once, if ``once`` names a file it can still create)."""

    victim = ""
    once = ""

    def check_document(self, doc: Any, default_id: str) -> Any:
        if isinstance(doc.data, dict) and doc.data.get("id") == self.victim:
            try:
                if self.once:
                    os.close(os.open(self.once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                os.kill(os.getpid(), signal.SIGKILL)
            except FileExistsError:
                pass
        return super().check_document(doc, default_id)


def killing_checker(victim: str, once: str = "") -> Checker:
    checker = Options(lang="en").checker()
    checker.__class__ = type("Killing", (KillingChecker,), {"victim": victim, "once": once})
    return checker


def pool_entries(path: str, factory: Any, jobs: int = 2, **options: Any) -> tuple[Pool, list[dict[str, Any]]]:
    pool = Pool(factory, jobs, "high", _as_is, **options)
    return pool, list(pool.run(expand([path])))


def test_a_worker_killed_mid_batch_is_replaced_and_nothing_is_lost(tmp_path: Path) -> None:
    path = jsonl_cases(tmp_path, 200)
    _, clean = pool_entries(path, Options(lang="en").checker)
    pool, entries = pool_entries(path, functools.partial(killing_checker, "c00077", str(tmp_path / "crashed")))
    assert (tmp_path / "crashed").exists() and pool.deaths == 1, "no worker was killed"
    assert entries == clean and all(e["status"] != "error" for e in entries)


def test_a_case_that_kills_its_worker_every_time_becomes_an_error(tmp_path: Path) -> None:
    path = jsonl_cases(tmp_path, 120)
    _, entries = pool_entries(path, functools.partial(killing_checker, "c00049"))
    assert [e["source"] for e in entries] == [f"{path}:{n}" for n in range(1, 121)]
    errors = [e for e in entries if e["status"] == "error"]
    assert [e["source"] for e in errors] == [f"{path}:50"]
    assert errors[0]["error"] == (f"{path}:50: not evaluated: the worker process died twice on this case "
                                  "(killed by SIGKILL)")


def wait_for_workers(process: subprocess.Popen, count: int = 2, seconds: float = 60) -> None:
    """Wait until the running ``riskcheck audit`` ``process`` has ``count`` live workers."""
    deadline = time.monotonic() + seconds
    while len(worker_pids(process.pid)) < count:
        assert process.poll() is None and time.monotonic() < deadline, "no workers"
        time.sleep(0.02)


def worker_pids(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                children.append(int(entry))
    return children


def test_a_worker_killed_from_outside_costs_nothing(tmp_path: Path) -> None:
    """A real ``riskcheck audit``; one of its workers gets a real SIGKILL mid-batch; the report is the same."""
    path = jsonl_cases(tmp_path, 3000)
    clean = subprocess.run([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs", "2"],
                           capture_output=True, text=True, timeout=300, cwd=ROOT)
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_workers(process)
    time.sleep(0.3)  # mid-batch
    os.kill(worker_pids(process.pid)[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=300)
    assert stdout == clean.stdout and process.returncode == clean.returncode == 1
    assert "Traceback" not in stderr


def writing_output(pid: int, directory: Path) -> bool:
    """Whether process ``pid`` holds a non-empty file open in ``directory`` (the report being written,
    an anonymous file on Linux, a hidden temporary file elsewhere)."""
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}").startswith(f"{directory}/") and \
                    os.stat(f"/proc/{pid}/fd/{name}").st_size:
                return True
        except OSError:
            continue
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_leaves_no_output_file_or_a_complete_one(tmp_path: Path, signum: int) -> None:
    (tmp_path / "in").mkdir()
    path = jsonl_cases(tmp_path / "in", 6000)
    out = tmp_path / "report.json"
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs", "2",
                                "--lang", "en", "-o", str(out)], stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not writing_output(process.pid, tmp_path):
        assert process.poll() is None and time.monotonic() < deadline, "audit never started writing"
        time.sleep(0.02)
    os.killpg(process.pid, signum)  # the whole group, workers included, as a terminal's Ctrl-C does
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 128 + signum:
        assert not out.exists()
        assert stderr.strip().splitlines() == [
            f"riskcheck: interrupted ({signal.Signals(signum).name}); no output file written, {out} is as it was"]
    else:  # the batch finished before the signal landed: then the file is complete
        assert process.returncode == 1, stderr
        assert len(json.loads(out.read_text(encoding="utf-8"))["cases"]) == 6000
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"] + (["report.json"] if out.exists() else [])


def test_csv_report_has_a_bom_japanese_and_a_row_per_finding(tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    source = str(EXAMPLES / "role-promise-by-department-head.yaml")
    bad = write(tmp_path, "bad.yaml", "riskcheck: 2\n")
    result = run_cli("audit", source, str(EXAMPLES / "everything-confirmed.yaml"), bad, "--lang", "ja",
                     "--format", "csv", "-o", str(out))
    assert result.exit_code == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    _, report, _ = audit_json(source, "--lang", "ja")
    findings = report["cases"][0]["findings"]
    assert [(r["case"], r["status"]) for r in rows] == (
        [("role-promise-by-department-head", "findings")] * len(findings)
        + [("everything-confirmed", "ok"), ("bad", "error")])
    assert [r["message"] for r in rows[:len(findings)]] == [f["message"] for f in findings]
    assert any("\u3040" <= ch <= "\u30ff" for ch in rows[0]["message"])  # kana survived
    assert rows[-1]["error"].startswith(f"{bad}:1: riskcheck:")


def test_csv_input_errors_name_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "offers.csv", "id,person1.role,promise1.topic,promise1.by,colour\n"
                 "x1,hr,salary,person1,\n"
                 "x2,hr,salary,person2\n"
                 "x3,boss,salary,person1\n"
                 "x4,hr,salary,person1,red,extra,cells\n")
    _, report, _ = audit_json(path)
    errors = [case["error"] for case in report["cases"]]
    for line, error in zip((2, 3, 4), errors):
        assert error.startswith(f"{path}:{line}: column colour: unknown column; ")
    assert errors[3].startswith(f"{path}:5: the row has 7 cells")
    fixed = write(tmp_path, "fixed.csv", "id,person1.role,promise1.topic,promise1.by\n"
                  "x1,hr,salary,person1\nx2,hr,salary,person2\n\nx3,boss,salary,person1\n")
    _, report, _ = audit_json(fixed)
    assert [c["status"] != "error" for c in report["cases"]] == [True, False, False]
    assert report["cases"][1]["error"] == (f"{fixed}:3: column promise1.by: 'person2' is not a person in people "
                                           "(known: person1)")
    assert report["cases"][2]["error"].startswith(f"{fixed}:5: column person1.role: Input should be")


def test_the_csv_template_is_valid() -> None:
    code, report, _ = audit_json(str(ROOT / "templates" / "offers.csv"))
    assert report["summary"]["errors"] == 0 and report["summary"]["cases"] == 2 and code == 1


def test_stdin_reads_json_lines(tmp_path: Path) -> None:
    text = Path(jsonl_cases(tmp_path, 3)).read_text(encoding="utf-8") + "not json\n"
    result = run_cli("audit", "-", "--format", "jsonl", input=text)
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["source"] for e in entries] == ["stdin:1", "stdin:2", "stdin:3", "stdin:4"]
    assert entries[3]["status"] == "error" and result.exit_code == 2


SECRETS = ["Yamada Taro", "山田太郎", "Secret Holdings KK", "秘密商事", "promised a corner office",
           "部長の個室を約束"]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "junit", "html", "text"])
def test_redact_leaves_no_names_said_or_company(tmp_path: Path, fmt: str) -> None:
    base = (EXAMPLES / "role-promise-by-department-head.yaml").read_text(encoding="utf-8")
    base = base.replace("サンプル開発株式会社", "秘密商事").replace("name: 事業部長", "name: 山田太郎")
    base = base.replace("最初の1年はプロジェクトメンバーとして標準的な進め方を学びたい、と伝えたところ「それは当然です」と言われた",
                        "部長の個室を約束")
    english = (EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml").read_text(encoding="utf-8")
    english = english.replace("Example Systems KK", "Secret Holdings KK").replace(
        "role: department_head", "role: department_head\n    name: Yamada Taro").replace(
        "Monthly pay about 30,000 JPY below your current job, made up by bonuses", "promised a corner office")
    bad = "riskcheck: 1\npeople:\n  - id: x\n    name: [Yamada Taro]\n"
    dangling = "riskcheck: 1\npeople: [{id: 山田太郎}]\npromises: [{topic: role, by: Yamada Taro}]\n"
    paths = [write(tmp_path, "ja.yaml", base), write(tmp_path, "en.yaml", english), write(tmp_path, "bad.yaml", bad),
             write(tmp_path, "dangling.yaml", dangling)]
    plain = run_cli("audit", *paths, "--format", "json").stdout
    for secret in ("部長の個室を約束", "promised a corner office", "山田太郎", "Yamada Taro"):
        assert secret in plain, f"the redaction test must be able to fail: {secret}"
    for lang in ("en", "ja"):
        result = run_cli("audit", *paths, "--format", fmt, "--redact", "--lang", lang)
        assert result.exit_code == 2
        for secret in SECRETS:
            assert secret not in result.stdout, (fmt, lang, secret)


def test_exit_codes(tmp_path: Path) -> None:
    ok = str(EXAMPLES / "everything-confirmed.yaml")
    findings = str(EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml")
    bad = write(tmp_path, "bad.yaml", "riskcheck: 1\nnope: 1\n")
    assert run_cli("audit", ok).exit_code == 0
    assert run_cli("audit", ok, findings).exit_code == 1
    assert run_cli("audit", ok, findings, bad).exit_code == 2
    assert run_cli("audit", ok, findings, "--fail-on", "blocker").exit_code == 0


def test_junit_is_xml_with_one_test_per_case(tmp_path: Path) -> None:
    weird = write(tmp_path, "weird.json", json.dumps({"riskcheck": 1, "id": "<b>&\"x\"\u0001"}))
    result = run_cli("audit", str(EXAMPLES), weird, write(tmp_path, "bad.yaml", "- 1\n"), "--format", "junit")
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name").split(" (")[0] for c in cases] == [*EXAMPLE_IDS, "<b>&\"x\"\ufffd", "bad"]  # + company
    assert suite.get("tests") == "5" and suite.get("errors") == "1"
    assert int(suite.get("failures") or 0) == sum(1 for c in cases if c.find("failure") is not None)


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    weird = write(tmp_path, "weird.json", json.dumps({"riskcheck": 1, "id": "<script>alert(1)</script>"}))
    out = tmp_path / "audit.html"
    run_cli("audit", str(EXAMPLES), weird, write(tmp_path, "bad.yaml", "- 1\n"), "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert html.count("<tr><td>") == len(EXAMPLE_IDS) + 2
    # worst first: the error, then the cases with a blocker, the ok case last
    order = [html.index(f">{name}<") for name in ("bad", "role-promise-by-department-head", "everything-confirmed")]
    assert order == sorted(order)
    assert "<svg" in html and "Findings per rule" in html


def test_output_file_is_not_created_when_the_packs_fail(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    result = run_cli("audit", str(EXAMPLES), "--no-default-rules", "-o", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert os.listdir(tmp_path) == []


def _as_is(entry: dict[str, Any]) -> dict[str, Any]:
    return entry


def _dies_at_start() -> Any:
    os._exit(3)


def _dies_the_first_time(flag: str) -> Any:
    """A worker set-up that fails once (the first worker to start), then builds the real Checker."""
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return Options(lang="en").checker()
    os._exit(3)


def test_a_worker_dying_while_starting_costs_its_cases_nothing(tmp_path: Path) -> None:
    items = list(expand([jsonl_cases(tmp_path, 100)]))
    pool = Pool(functools.partial(_dies_the_first_time, str(tmp_path / "flag")), 2, "high", _as_is)
    entries = list(pool.run(items))
    assert [e["source"] for e in entries] == [item.source for item in items]
    assert all(e["status"] != "error" for e in entries) and pool.deaths == 1


def test_workers_that_cannot_start_stop_the_batch_with_one_error(tmp_path: Path) -> None:
    pool = Pool(_dies_at_start, 2, "high", _as_is)
    with pytest.raises(RiskcheckError, match=r"^worker processes die while starting \(exit code 3\)"):
        list(pool.run(expand([jsonl_cases(tmp_path, 10)])))
    assert pool.workers == []


def test_an_unreadable_case_still_names_its_company_and_position(tmp_path: Path) -> None:
    """An agency's report lists errors by company too; under --redact never (free text)."""
    path = tmp_path / "offers.jsonl"
    path.write_text('{"riskcheck": 1, "id": "x1", "offer": {"company": "株式会社テスト", "position": "PM", '
                    '"stage": "nonsense"}}\n{"riskcheck": 1, "id": "x2", "offer": {"company": ["not text"]}, "bad": 1}\n',
                    encoding="utf-8")
    plain = [json.loads(line) for line in run_cli("audit", str(path), "--format", "jsonl", "--jobs", "1").stdout.splitlines()]
    assert [(e["status"], e.get("company"), e.get("position")) for e in plain] == [
        ("error", "株式会社テスト", "PM"), ("error", None, None)]
    redacted = run_cli("audit", str(path), "--format", "jsonl", "--jobs", "1", "--redact").stdout
    assert "株式会社テスト" not in redacted and '"PM"' not in redacted
