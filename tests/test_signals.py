"""How a run ends: signals at any moment, internal errors, usage errors, and what the terminal sees.

Real ``riskcheck`` processes, real signals, a real pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES, ROOT, run_cli

from riskcheck.errors import EXIT_INTERNAL, EXIT_SIGNAL_BASE

CASE = str(EXAMPLES / "role-promise-by-department-head.yaml")
TIMEOUT = 300
ENV = {**os.environ, "LANGUAGE": "", "LC_ALL": "C.UTF-8", "RISKCHECK_DEBUG": ""}


def handles(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler of its own for ``signum`` (from /proc, SigCgt)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            caught = next(line for line in handle if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(int(caught.split()[1], 16) >> (signum - 1) & 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", [["check", CASE], ["audit", str(EXAMPLES), "--jobs", "2"],
                                     ["validate"]])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_any_moment_is_one_line_and_128_plus_its_number(command: list[str], signum: int) -> None:
    """From the moment riskcheck's own code runs (its handlers installed) to its end, at several moments
    of the start-up (imports, packs compiling, workers starting)."""
    name = signal.Signals(signum).name
    interrupted = 0
    for delay in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
        process = subprocess.Popen([sys.executable, "-m", "riskcheck", *command], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
        deadline = time.monotonic() + 30
        while not handles(process.pid, signal.SIGTERM) and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=TIMEOUT)
        assert "Traceback" not in stderr and "Aborted" not in stderr, (delay, stderr)
        if process.returncode == EXIT_SIGNAL_BASE + signum:
            interrupted += 1
            assert stderr == f"riskcheck: interrupted ({name})\n", (delay, stderr)
        else:  # it finished first: the signal changed nothing
            assert process.returncode in (0, 1), (delay, process.returncode, stderr)
    assert interrupted >= 3, "the signals must land while riskcheck runs"


def test_interrupted_in_japanese() -> None:
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", "audit", str(EXAMPLES), "--jobs", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**ENV, "LANGUAGE": "ja"})
    while not handles(process.pid, signal.SIGTERM) and process.poll() is None:
        time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130 and stderr == "riskcheck: 中断しました（SIGINT）\n"


BUG = """
import sys
from riskcheck.evaluate import Checker

def broken(self, path):  # a bug stands in here: riskcheck has none we know of
    return 1 / 0

Checker.check_file = broken
from riskcheck.__main__ import run
sys.argv[0] = "riskcheck"
run()
"""


def test_an_internal_error_is_one_line_and_exit_3() -> None:
    result = subprocess.run([sys.executable, "-c", BUG, "check", CASE], capture_output=True, text=True,
                            timeout=TIMEOUT, cwd=ROOT, env=ENV)
    assert result.returncode == EXIT_INTERNAL == 3
    assert result.stderr == ("riskcheck: internal error (a bug in riskcheck, please report it): ZeroDivisionError: "
                             "division by zero; set RISKCHECK_DEBUG=1 to see the traceback\n")


def test_riskcheck_debug_shows_the_traceback() -> None:
    result = subprocess.run([sys.executable, "-c", BUG, "check", CASE], capture_output=True, text=True,
                            timeout=TIMEOUT, cwd=ROOT, env={**ENV, "RISKCHECK_DEBUG": "1"})
    assert result.returncode == 3
    assert result.stderr.startswith("Traceback (most recent call last):") and "in broken" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("riskcheck: internal error")


def test_an_internal_error_under_redact_names_no_value() -> None:
    bug = BUG.replace("return 1 / 0", "raise ValueError('Yamada Taro')")
    result = subprocess.run([sys.executable, "-c", bug, "check", CASE, "--redact"], capture_output=True, text=True,
                            timeout=TIMEOUT, cwd=ROOT, env=ENV)
    assert result.returncode == 3 and "ValueError" in result.stderr and "Yamada" not in result.stderr


def test_exit_codes_are_documented() -> None:
    text = " ".join(run_cli("--help").stdout.split())
    assert "3 internal error" in text and "130 interrupted" in text and "143 terminated" in text


@pytest.mark.parametrize("args", [["check", "--bogus", CASE], ["nope"], ["check"], ["audit", CASE, "--jobs", "0"]])
def test_usage_errors_end_with_one_error_line_exit_2(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "riskcheck", *args], capture_output=True, text=True,
                            timeout=TIMEOUT, cwd=ROOT, env=ENV)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: riskcheck") and lines[-1].startswith("riskcheck: error: ")
    assert [line for line in lines if "error" in line.lower()] == lines[-1:], "no click 'Error:' line"


def test_usage_error_in_japanese() -> None:
    result = subprocess.run([sys.executable, "-m", "riskcheck", "check", "--lang", "ja", "--bogus"],
                            capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT, env=ENV)
    assert result.returncode == 2 and result.stderr.splitlines()[-1].startswith("riskcheck: エラー: ")


def on_a_terminal(*args: str, env: dict[str, str]) -> bytes:
    """What ``riskcheck ARGS`` writes to a real (pseudo-)terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "riskcheck", *args], stdout=terminal, stderr=terminal,
                               stdin=subprocess.DEVNULL, cwd=ROOT, env={**ENV, **env})
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], TIMEOUT)
        try:
            chunk = os.read(controller, 65536) if ready else b""
        except OSError:  # the terminal's other end is closed: the process has ended
            chunk = b""
        if not chunk:
            break
        output += chunk
    os.close(controller)
    process.wait(timeout=TIMEOUT)
    return output


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")
def test_term_dumb_means_no_colour() -> None:
    coloured = on_a_terminal("check", CASE, env={"TERM": "xterm-256color", "NO_COLOR": ""})
    assert b"\x1b[" in coloured, "the test must be able to fail: colour on a capable terminal"
    for env in ({"TERM": "dumb", "NO_COLOR": ""}, {"TERM": "xterm-256color", "NO_COLOR": "1"}):
        plain = on_a_terminal("check", CASE, env=env)
        assert b"\x1b" not in plain and b"To confirm with" in plain, env


def test_shell_completion() -> None:
    def complete(words: str, cword: int) -> list[str]:
        result = subprocess.run([sys.executable, "-m", "riskcheck"], capture_output=True, text=True, timeout=TIMEOUT,
                                cwd=ROOT, env={**ENV, "_RISKCHECK_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                               "COMP_CWORD": str(cword)})
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert complete("riskcheck au", 1) == ["plain,audit"]
    assert "plain,--case-timeout" in complete("riskcheck audit --ca", 2)
    assert complete("riskcheck check --lang ", 3) == ["plain,ja", "plain,en"]
    script = subprocess.run([sys.executable, "-m", "riskcheck"], capture_output=True, text=True, timeout=TIMEOUT,
                            cwd=ROOT, env={**ENV, "_RISKCHECK_COMPLETE": "bash_source"}).stdout
    assert "_riskcheck_completion()" in script and "complete -o nosort -F _riskcheck_completion riskcheck" in script


SWALLOWED = """
import gc, os, signal, sys, time
from riskcheck.errors import Interrupted, stop_on_signals

class Finalized:
    def __del__(self):  # Python runs the handler here, where an exception would be dropped
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass

stop_on_signals()
try:
    Finalized()
    gc.collect()
    time.sleep(5)
    print("lost")
except Interrupted as exc:
    print("stopped by", exc.name)
"""


def test_a_signal_landing_in_a_finalizer_is_not_lost() -> None:
    result = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=TIMEOUT,
                            cwd=ROOT, env=ENV)
    assert result.stdout == "stopped by SIGINT\n" and result.stderr == "", result.stderr
