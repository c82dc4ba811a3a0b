"""The process side of reliability: ``-o`` as a redirect that is never half-written, closed standard
streams, workers that die with their parent, and cases that never finish.

Everything runs the real ``riskcheck`` in real processes, with real signals, devices and pipes.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT, run_cli
from test_audit import jsonl_cases, wait_for_workers, worker_pids, writing_output

from riskcheck.batch import Pool
from riskcheck.cli.options import Options
from riskcheck.evaluate import Checker
from riskcheck.inputs import expand

CASE = str(EXAMPLES / "role-promise-by-department-head.yaml")
TIMEOUT = 300  # a hang guard, not a timing assertion
LINUX = sys.platform.startswith("linux")


def riskcheck(*args: str, shell_redirects: str = "", env: dict[str, str] | None = None,
              timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``python -m riskcheck ARGS`` through a shell, so that ``shell_redirects`` (``2>&-`` ...) apply."""
    command = " ".join([sys.executable, "-m", "riskcheck", *(f"'{a}'" for a in args), shell_redirects])
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "LANGUAGE": "", "LC_ALL": "C.UTF-8", **(env or {})})


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- -o: like a redirect, never half-written ---------------------------------------------------------

def test_o_writes_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to("real.json")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("created.json")
    for command in ("check", "audit"):
        for path in (link, dangling):
            result = run_cli(command, CASE, "--format", "json", "-o", str(path))
            assert result.exit_code == 1, result.stderr
            assert path.is_symlink(), "the link is kept, as '>' keeps it"
            assert json.loads(path.read_text(encoding="utf-8"))["cases"][0]["source"] == CASE
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["created.json", "dangling.json", "link.json", "real.json"]


def test_o_writes_into_a_device_without_replacing_it() -> None:
    before = os.stat("/dev/null")
    for command in ("check", "audit", "schema"):
        args = [command, "case"] if command == "schema" else [command, CASE]
        result = run_cli(*args, "-o", "/dev/null")
        assert result.exit_code in (0, 1), result.stderr
        assert result.stderr == ""
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_o_writes_into_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = riskcheck("audit", CASE, "--format", "json", "-o", str(fifo))
    out, _ = reader.communicate(timeout=TIMEOUT)
    assert result.returncode == 1 and result.stderr == ""
    assert json.loads(out)["summary"]["cases"] == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("command", ["check", "audit", "test", "schema"])
@pytest.mark.parametrize("where", ["/dev/full", "missing/report.json", "file/report.json"])
def test_o_on_an_unwritable_path_is_one_line_exit_2(tmp_path: Path, command: str, where: str) -> None:
    (tmp_path / "file").write_text("a file, not a directory", encoding="utf-8")
    path = where if where.startswith("/") else str(tmp_path / where)
    args = {"check": [CASE, "--format", "json"], "audit": [CASE, "--format", "json"], "test": ["--format", "json"],
            "schema": ["case"]}[command]
    result = riskcheck(command, *args, "-o", path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"riskcheck: error: cannot write {path}: "), result.stderr
    assert "Traceback" not in result.stderr
    if where == "/dev/full":
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode), "the device is still a device"
        assert lines[0].endswith("no space left on the device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"], "nothing left behind"


@pytest.mark.parametrize("command", [["check", CASE], ["audit", CASE, "--format", "jsonl"], ["schema", "case"]])
def test_stdout_on_a_full_device_is_one_line_exit_2(command: list[str]) -> None:
    result = riskcheck(*command, shell_redirects="> /dev/full")
    assert result.returncode == 2
    assert result.stderr == "riskcheck: error: cannot write stdout: no space left on the device\n"


def test_stdout_closed_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    path = jsonl_cases(tmp_path, 2000)
    result = riskcheck("audit", path, "--format", "jsonl", "--jobs", "2", shell_redirects="| head -c 10 >/dev/null; "
                       "exit ${PIPESTATUS[0]}")
    assert result.returncode == 141 and result.stderr == ""


def test_a_write_cut_short_loses_nothing(tmp_path: Path) -> None:
    """``riskcheck audit | reader`` with the reader late: riskcheck blocks in a write to the full pipe,
    is stopped and continued there (the write returns part done); the report must still be whole."""
    path = jsonl_cases(tmp_path, 3000)
    clean = riskcheck("audit", path, "--format", "json", "--jobs", "2")
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
    wait_for_workers(process)
    time.sleep(1)  # the pipe fills up; riskcheck blocks in write()
    os.killpg(process.pid, signal.SIGSTOP)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGCONT)
    with open(tmp_path / "report.json", "wb") as report:
        reader = subprocess.Popen(["cat"], stdin=process.stdout, stdout=report)
        assert process.stdout is not None
        process.stdout.close()
        reader.wait(timeout=TIMEOUT)
    assert process.wait(timeout=TIMEOUT) == clean.returncode == 1
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == clean.stdout


def test_o_error_in_japanese(tmp_path: Path) -> None:
    result = riskcheck("check", CASE, "-o", str(tmp_path / "missing" / "r.json"), env={"LANGUAGE": "ja"})
    assert result.returncode == 2
    assert result.stderr == f"riskcheck: エラー: {tmp_path / 'missing' / 'r.json'} に書き込めません: フォルダーが存在しません\n"


def test_o_replaces_a_regular_file_atomically_and_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    inode = out.stat().st_ino
    assert run_cli("audit", CASE, "--format", "json", "-o", str(out)).exit_code == 1
    assert out.stat().st_ino != inode, "a new file put in place, not the old one rewritten"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["cases"] == 1


# --- closed standard streams ---------------------------------------------------------------------------

@pytest.mark.parametrize("closed", ["2>&-", ">&-", "<&-", "<&- >&- 2>&-"])
@pytest.mark.parametrize("command", ["check", "audit"])
def test_closed_standard_streams_change_nothing(tmp_path: Path, closed: str, command: str) -> None:
    args = [command, CASE, str(EXAMPLES / "everything-confirmed.yaml")] if command == "audit" else [command, CASE]
    open_run = riskcheck(*args, "--format", "json", "-o", str(tmp_path / "open.json"))
    closed_run = riskcheck(*args, "--format", "json", "-o", str(tmp_path / "closed.json"), shell_redirects=closed)
    assert open_run.returncode == closed_run.returncode == 1, closed_run.stderr
    assert (tmp_path / "open.json").read_bytes() == (tmp_path / "closed.json").read_bytes()
    if "2>&-" not in closed:
        assert closed_run.stderr == ""


def test_closed_stdout_with_an_error_still_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("riskcheck: 1\nnope: 1\n", encoding="utf-8")
    result = riskcheck("check", str(bad), shell_redirects=">&-")
    assert result.returncode == 2 and result.stderr.startswith("riskcheck: error: ")


def test_stdin_closed_reads_as_empty(tmp_path: Path) -> None:
    result = riskcheck("audit", "-", "--format", "json", shell_redirects="<&-")
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["riskcheck"] == 1


# --- workers die with their parent; nothing partial is ever visible ---------------------------------------

@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.parametrize("existing", [False, True])
def test_sigkill_of_the_parent_ends_the_workers_and_leaves_no_file(tmp_path: Path, existing: bool) -> None:
    (tmp_path / "in").mkdir()
    path = jsonl_cases(tmp_path / "in", 20000)
    out = tmp_path / "report.json"
    if existing:
        out.write_text("the old report", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "jsonl", "--jobs", "2",
                                "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not writing_output(process.pid, tmp_path):
        assert process.poll() is None and time.monotonic() < deadline, "audit never started writing"
        time.sleep(0.02)
    workers = worker_pids(process.pid)
    assert workers, "the audit has worker processes"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their parent"
        time.sleep(0.05)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == (["in", "report.json"] if existing else ["in"]), "no partial or temporary file"
    if existing:
        assert out.read_text(encoding="utf-8") == "the old report"


# --- a case that never finishes --------------------------------------------------------------------------

class SlowChecker(Checker):
    """Stands in for an engine that never returns: the case whose id is ``stuck`` sleeps for an hour."""

    stuck = ""

    def check_document(self, doc: Any, default_id: str) -> Any:
        if isinstance(doc.data, dict) and doc.data.get("id") == self.stuck:
            time.sleep(3600)
        return super().check_document(doc, default_id)


def slow_checker(stuck: str) -> Checker:
    checker = Options(lang="en").checker()
    checker.__class__ = type("Slow", (SlowChecker,), {"stuck": stuck})
    return checker


def _as_is(entry: dict[str, Any]) -> dict[str, Any]:
    return entry


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_endless_case_becomes_an_error_and_the_batch_finishes(tmp_path: Path, jobs: int) -> None:
    path = jsonl_cases(tmp_path, 60)
    pool = Pool(functools.partial(slow_checker, "c00020"), jobs, "high", _as_is, case_timeout=1.5)
    entries = list(pool.run(expand([path])))
    assert [e["source"] for e in entries] == [f"{path}:{n}" for n in range(1, 61)], "every case once, in order"
    errors = [e for e in entries if e["status"] == "error"]
    assert [e["source"] for e in errors] == [f"{path}:21"]
    assert errors[0]["error"] == (f"{path}:21: not evaluated: no result within 1.5 s (--case-timeout); "
                                  "its worker process was stopped and replaced")
    assert pool.timeouts == 1 and pool.deaths == 0


def test_a_stopped_worker_does_not_stall_the_batch(tmp_path: Path) -> None:
    """A real audit; one worker gets SIGSTOP mid-batch; ``--case-timeout`` replaces it and the batch ends."""
    path = jsonl_cases(tmp_path, 4000)
    clean = riskcheck("audit", path, "--format", "json", "--jobs", "2")
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs", "2",
                                "--case-timeout", "2", "--lang", "en"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for_workers(process)
    time.sleep(0.3)
    stopped = worker_pids(process.pid)[0]
    os.kill(stopped, signal.SIGSTOP)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if alive(stopped):
            os.kill(stopped, signal.SIGKILL)
    report = json.loads(stdout)
    assert [c["source"] for c in report["cases"]] == [c["source"] for c in json.loads(clean.stdout)["cases"]]
    errors = [c for c in report["cases"] if c["status"] == "error"]
    assert len(errors) <= 1 and all("no result within 2 s (--case-timeout)" in c["error"] for c in errors)
    assert process.returncode == (2 if errors else 1)
    assert "Traceback" not in stderr and stderr.startswith("riskcheck: warning: "), stderr


def test_a_batch_stopped_as_a_whole_is_not_timed_out(tmp_path: Path) -> None:
    """Ctrl-Z then ``fg``: the whole process group stopped for longer than --case-timeout, then continued."""
    path = jsonl_cases(tmp_path, 3000)
    clean = riskcheck("audit", path, "--format", "json", "--jobs", "2")
    with open(tmp_path / "stopped.json", "wb") as stdout:
        process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", path, "--format", "json", "--jobs",
                                    "2", "--case-timeout", "1"], stdout=stdout, stderr=subprocess.PIPE, text=True,
                                   cwd=ROOT, start_new_session=True)
        wait_for_workers(process)
        time.sleep(0.3)
        os.killpg(process.pid, signal.SIGSTOP)
        time.sleep(3)
        os.kill(process.pid, signal.SIGCONT)  # the worst order for the clocks: the supervisor first
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGCONT)
        _, stderr = process.communicate(timeout=TIMEOUT)
    assert (process.returncode, stderr) == (clean.returncode, "")
    assert (tmp_path / "stopped.json").read_text(encoding="utf-8") == clean.stdout


def test_case_timeout_must_be_positive() -> None:
    result = run_cli("audit", CASE, "--case-timeout", "0")
    assert result.exit_code == 2 and "--case-timeout" in result.stderr


# --- temporary files -----------------------------------------------------------------------------------

@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_the_html_audit_spools_to_anonymous_files_in_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from riskcheck.render.audit_html import AuditHtmlRenderer

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.setattr(tempfile, "tempdir", None)  # forget the directory chosen before TMPDIR was set
    with open(os.devnull, "w", encoding="utf-8") as sink:
        renderer = AuditHtmlRenderer(sink, packs=[], lang="en", fail_on="high", generator="test")
        places = {os.readlink(f"/proc/self/fd/{handle.fileno()}") for handle in renderer.spools}
        for handle in renderer.spools:
            handle.close()
    assert places and all(place.startswith(f"{spool}/") and place.endswith(" (deleted)") for place in places)
    assert list(spool.iterdir()) == [], "anonymous: no name in the directory"
