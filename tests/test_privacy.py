"""Privacy: riskcheck never opens a network connection, and ``--redact`` output holds none of the
names or free text of the input.

The network checks are tripwires, not mocks: in-process, the socket entry points are replaced by
functions that fail the test if called; in a subprocess, an audit hook (``sys.addaudithook``) sees
every ``socket.*`` event the interpreter raises, whoever raises it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT, run_cli, write

PRIVACY_PACK = Path(__file__).parent / "packs" / "traps" / "privacy"
MARKED = """riskcheck: 1
id: case-1
candidate: {current_annual_income: 5000000}
offer: {company: Zq0company 株式会社, position: Zq0position, stage: final_interview, employment_type: contract}
people:
  - {id: Zq0pid1, role: department_head, name: Zq0name1 田中}
  - {id: Zq0pid2, role: hr, name: Zq0name2}
documents:
  - {kind: offer_letter, received: 2026-11-01, covers: [salary]}
promises:
  - {topic: role, said: Zq0said1 最初はメンバー, by: Zq0pid1, channel: verbal}
  - {topic: salary, said: Zq0said2, by: Zq0pid1, confirmed_by: [Zq0pid2]}
  - {topic: bonus, said: Zq0said3, source: job_posting}
terms:
  monthly_salary: 300000
  bonus: {basis: past_record, stated_months: [2, 4]}
  location: {initial: Zq0loc, change_scope: Zq0scope}
  duties: {initial: Zq0duty, change_scope: Zq0dscope}
  contract: {ends: 2027-03-31, renewal_criteria: Zq0crit, renewal_cap: Zq0cap}
  remote: {policy: Zq0remote}
"""
SECRETS = ["Zq0", "田中", "株式会社", "最初はメンバー"]


class Tripwire(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def tripped(name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise Tripwire(f"network access: {name}{args!r}")
        return fail

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, tripped(f"socket.{name}"))
    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, tripped(f"socket.{name}"))
    return calls


def test_no_network_in_process(tmp_path: Path, no_network: list[str]) -> None:
    case = write(tmp_path, "case.yaml", MARKED)
    runs = [("check", str(path), "--format", fmt) for path in sorted(EXAMPLES.glob("*.yaml")) for fmt in ("text", "json")]
    runs += [("check", case, "--redact", "--lang", "ja"), ("check", case, "--rules", str(PRIVACY_PACK)),
             ("validate",), ("check", str(tmp_path / "missing.yaml"))]
    for args in runs:
        result = run_cli(*args)
        assert result.exit_code in (0, 1, 2), (args, result.stderr)
    assert no_network == []


AUDITED = textwrap.dedent("""
    import socket, sys

    def hook(event, args):
        if event.startswith(("socket.getaddrinfo", "socket.gethostby", "urllib.", "http.")) or (
                event in ("socket.connect", "socket.sendto", "socket.sendmsg")
                and getattr(args[0], "family", None) in (socket.AF_INET, socket.AF_INET6)):
            sys.stderr.write(f"NETWORK {event} {args[1:]!r}\\n")
            sys.stderr.flush()
            import os
            os._exit(99)

    sys.addaudithook(hook)
    from riskcheck.cli import main
    main(sys.argv[1:], prog_name="riskcheck")
""")


def run_audited(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", AUDITED, *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_the_audit_hook_would_see_a_connection() -> None:
    """The tripwire itself works: a real (refused) connection attempt is caught."""
    proc = subprocess.run([sys.executable, "-c", AUDITED.replace("from riskcheck.cli import main", "import socket as s")
                           .replace('main(sys.argv[1:], prog_name="riskcheck")',
                                    "s.socket().connect_ex(('127.0.0.1', 9))")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 99 and "NETWORK socket.connect" in proc.stderr


@pytest.mark.parametrize("args", [
    ("check", "{example}", "--format", "json"),
    ("check", "{example}", "--redact", "--lang", "ja"),
    ("validate",),
    ("audit", "{examples}", "--format", "json", "--jobs", "2"),
])
def test_no_network_in_a_subprocess(args: tuple[str, ...]) -> None:
    example = sorted(EXAMPLES.glob("*.yaml"))[0]
    real = [a.format(example=example, examples=EXAMPLES) for a in args]
    proc = run_audited(*real)
    assert "NETWORK" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_redact_leaves_out_names_and_free_text(tmp_path: Path, fmt: str, lang: str) -> None:
    case = write(tmp_path, "case.yaml", MARKED)
    args = ("check", case, "--rules", str(PRIVACY_PACK), "--format", fmt, "--lang", lang)
    plain = run_cli(*args)
    assert plain.exit_code == 1 and all(s in plain.stdout for s in SECRETS), "the pack shows every text field"
    redacted = run_cli(*args, "--redact")
    assert redacted.exit_code == 1 and redacted.stderr == ""
    assert [s for s in SECRETS if s in redacted.stdout] == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_redact_with_the_shipped_packs(tmp_path: Path, fmt: str) -> None:
    case = write(tmp_path, "case.yaml", MARKED)
    redacted = run_cli("check", case, "--format", fmt, "--redact")
    assert redacted.exit_code in (0, 1) and [s for s in SECRETS if s in redacted.stdout] == []


def test_redact_also_covers_error_messages(tmp_path: Path) -> None:
    case = write(tmp_path, "case.yaml", "riskcheck: 1\npeople: [{id: Zq0pid}]\npromises: [{topic: role, by: Zq0other}]\n")
    redacted = run_cli("check", case, "--format", "json", "--redact")
    assert redacted.exit_code == 2 and "Zq0" not in redacted.stdout
