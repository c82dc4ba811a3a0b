"""Hostile and broken case files: each is one error line naming the file, exit 2, in bounded time.

Cheap cases run the real CLI in-process; the pathological ones (alias bombs, huge nesting, huge
numbers, pipes, symlink loops) run ``python -m riskcheck`` in a subprocess under a timeout, so a
hang or a crash (a signal, exit -11) fails the test instead of the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, write
from riskcheck import loading
from riskcheck.evaluate import Checker

GOOD = """riskcheck: 1
offer: {company: Example KK, stage: offer_received}
people: [{id: hr1, role: hr}]
promises: [{topic: salary, by: hr1, said: three hundred thousand}]
"""
TIMEOUT = 120  # a hang guard, not a timing assertion


def one_error_line(stderr: str, path: str) -> str:
    """The single ``riskcheck: error:`` line, which must name the file."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("riskcheck: error: ") and path in lines[0], lines[0]
    return lines[0]


def check_inprocess(path: str) -> str:
    result = run_cli("check", path)
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    return one_error_line(result.stderr, path)


def check_subprocess(path: str, *extra: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "check", path, *extra], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=ROOT)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    return one_error_line(proc.stderr, path)


def write_bytes(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- alias bombs, size ----------------------------------------------------------------------------

def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["riskcheck: 1", "a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels,width", [(9, 9), (40, 2), (4, 500)])
def test_alias_bomb(tmp_path: Path, levels: int, width: int) -> None:
    path = write(tmp_path, "lol.yaml", billion_laughs(levels, width))
    assert "values (YAML alias expansion?)" in check_subprocess(path)


def test_alias_bomb_in_a_rule_pack(tmp_path: Path) -> None:
    pack = write(tmp_path, "pack.yaml", "name: bomb\nversion: 1.0.0\n" + billion_laughs().replace("riskcheck: 1\n", ""))
    case = write(tmp_path, "case.yaml", GOOD)
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "check", "--rules", pack, case], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=ROOT)
    assert proc.returncode == 2
    assert "values (YAML alias expansion?)" in one_error_line(proc.stderr, pack)


def test_file_over_the_default_size_limit(tmp_path: Path) -> None:
    padding = "#" * 99 + "\n"
    body = GOOD + padding * ((loading.MAX_BYTES - len(GOOD)) // len(padding))
    exact = body + "#" * (loading.MAX_BYTES - len(body.encode()) - 1) + "\n"
    assert len(exact.encode()) == loading.MAX_BYTES
    ok = run_cli("check", write(tmp_path, "exact.yaml", exact))
    assert ok.exit_code in (0, 1) and ok.stderr == ""
    path = write(tmp_path, "big.yaml", exact + "\n")
    assert f"larger than the limit of {loading.MAX_BYTES:,} bytes" in check_inprocess(path)


def test_configurable_size_limit(tmp_path: Path, packs: list) -> None:
    path = write(tmp_path, "case.yaml", GOOD)
    small = Checker(packs, max_bytes=len(GOOD.encode()) - 1).check_file(path)
    assert small.error is not None and f"larger than the limit of {len(GOOD.encode()) - 1:,} bytes" in small.error
    assert Checker(packs, max_bytes=len(GOOD.encode())).check_file(path).error is None


def test_huge_file_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    with open(path, "wb") as handle:  # 4 GB sparse file: reading it whole would exhaust memory
        handle.truncate(4 * 1024**3)
    assert "larger than the limit" in check_subprocess(str(path))


# --- encodings, binary, empty ----------------------------------------------------------------------

@pytest.mark.parametrize("name,data,expected", [
    ("png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("nul.yaml", b"riskcheck: 1\noffer:\n  company: a\x00b\n", "binary file"),
    ("latin1.yaml", "riskcheck: 1\noffer:\n  company: Café Crème\n".encode("latin-1"), "not UTF-8 text (byte 0xe9)"),
    ("sjis.yaml", "riskcheck: 1\noffer:\n  company: 株式会社サンプル\n".encode("shift_jis"), "not UTF-8 text"),
    ("utf16.yaml", "riskcheck: 1\n".encode("utf-16"), "binary file"),
    ("empty.yaml", b"", "the file is empty"),
    ("blank.yaml", b"\n\n   \n", "the file is empty"),
    ("comment.yaml", b"# nothing here\n", "the file is empty"),
    ("tabs.yaml", b" \t \n\t\n", "invalid YAML"),
    ("scalar.yaml", b"just text\n", "expected a mapping"),
    ("list.yaml", b"- riskcheck: 1\n", "expected a mapping"),
    ("two-docs.yaml", b"riskcheck: 1\n---\nriskcheck: 1\n", "invalid YAML"),
    ("broken.yaml", b"riskcheck: 1\noffer: {company: [\n", "invalid YAML"),
    ("dup.yaml", b"riskcheck: 1\noffer: {}\noffer: {}\n", "duplicate key 'offer'"),
    ("dup.json", b'{"riskcheck": 1, "id": "a", "id": "b"}', "duplicate key 'id'"),
    ("bad.json", b'{"riskcheck": 1,', "invalid JSON"),
    ("nan.json", b'{"riskcheck": 1, "terms": {"monthly_salary": NaN}}', "monthly_salary"),
    ("inf.json", b'{"riskcheck": 1, "candidate": {"age": Infinity}}', "candidate.age"),
])
def test_unreadable_content(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = write_bytes(tmp_path, name, data)
    assert expected in check_inprocess(path)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "latin1.yaml", "riskcheck: 1\noffer:\n  company: Café\n".encode("latin-1"))
    assert f"{path}:3:" in check_inprocess(path)


def test_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    path = write_bytes(tmp_path / "a", "case.yaml", b"\xef\xbb\xbf" + GOOD.encode())
    plain = write_bytes(tmp_path / "b", "case.yaml", GOOD.encode())
    with_bom, without = run_cli("check", path, "--format", "json"), run_cli("check", plain, "--format", "json")
    assert with_bom.exit_code == without.exit_code in (0, 1) and with_bom.stderr == ""
    assert with_bom.stdout.replace(path, plain) == without.stdout


# --- not regular files ------------------------------------------------------------------------------

def test_directory_given_as_a_case(tmp_path: Path, packs: list) -> None:
    result = Checker(packs).check_file(str(tmp_path))
    assert result.error is not None and "is a directory" in result.error
    cli = run_cli("check", str(tmp_path))
    assert cli.exit_code == 2 and "is a directory" in cli.stderr and "Traceback" not in cli.stderr


def test_directory_given_as_a_case_is_one_line(tmp_path: Path) -> None:
    check_inprocess(str(tmp_path))


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert "symbolic links" in check_subprocess(str(tmp_path / "a.yaml"))


def test_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert "No such file" in check_inprocess(str(tmp_path / "gone.yaml"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_without_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "empty" in check_subprocess(str(fifo))


def test_device_is_bounded(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert "larger than the limit" in check_subprocess("/dev/zero")


# --- code in YAML -----------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object:os.system",
                                 "!!python/name:os.system", "!!python/module:os", "!!binary", "!custom"])
def test_python_tags_in_a_case_are_refused(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    path = write(tmp_path, "tag.yaml", f"riskcheck: 1\noffer:\n  company: {tag} ['touch {marker}']\n")
    line = check_inprocess(path)
    assert ("is not allowed" in line or "invalid YAML" in line or "company" in line) and not marker.exists()


def test_python_tags_in_a_pack_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    pack = write(tmp_path, "pack.yaml", f"name: evil\nversion: 1.0.0\nrules:\n"
                                        f"  - !!python/object/apply:os.system ['touch {marker}']\n")
    case = write(tmp_path, "case.yaml", GOOD)
    result = run_cli("check", "--rules", pack, case)
    assert result.exit_code == 2 and not marker.exists()
    line = one_error_line(result.stderr, pack)
    assert "!!python/object/apply:os.system" in line and "is not allowed" in line


# --- size of structure and of values ------------------------------------------------------------------

def test_ten_thousand_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "keys.yaml", "riskcheck: 1\nterms:\n" + "".join(f"  k{i}: {i}\n" for i in range(10_000)))
    assert "unknown key 'k0'" in check_subprocess(path)


def test_ten_thousand_people_check_in_bounded_time(tmp_path: Path) -> None:
    people = "".join(f"  - {{id: p{i}, role: hr}}\n" for i in range(10_000))
    path = write(tmp_path, "people.yaml", f"riskcheck: 1\npeople:\n{people}promises:\n  - {{topic: role, by: zz}}\n")
    line = check_subprocess(path)
    assert "'zz' is not a person" in line and len(line) < 500


@pytest.mark.parametrize("text", [
    "x: " + "[" * 1000 + "]" * 1000,
    "x: " + "{a: " * 1000 + "}" * 1000,
    "x:\n" + "".join(" " * i + "a:\n" for i in range(1, 1000)),
    "x: " + "[" * 400_000 + "]" * 400_000,  # crashed libyaml's composer before the event-depth check
    "x:\n" + "- " * 400_000 + "a",
    "x:\n" + "? " * 400_000 + "a",
    "a: &a [*a]",  # a recursive alias
])
def test_deep_nesting(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "deep.yaml", "riskcheck: 1\n" + text + "\n")
    assert f"nested deeper than {loading.MAX_DEPTH} levels" in check_subprocess(path)


def test_deep_nesting_json(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", '{"riskcheck": 1, "x": ' + "[" * 300_000 + "]" * 300_000 + "}")
    assert f"nested deeper than {loading.MAX_DEPTH} levels" in check_subprocess(path)


@pytest.mark.parametrize("value,expected", [
    ("1" + "0" * 5000, "too long"),
    ("0x" + "f" * 5000, "too long"),
    (":".join(["59"] * 200_000), "too long"),  # base 60: quadratic to build
    ("1" + "0" * 30, "less than or equal to"),
    ("-5", "greater than or equal to"),
    (".nan", "monthly_salary"),
    (".inf", "monthly_salary"),
    ("-.inf", "monthly_salary"),
    ("1.0e400", "monthly_salary"),
])
def test_huge_and_non_finite_numbers(tmp_path: Path, value: str, expected: str) -> None:
    path = write(tmp_path, "num.yaml", f"riskcheck: 1\nterms:\n  monthly_salary: {value}\n")
    line = check_subprocess(path)
    assert expected in line and len(line) < 400


@pytest.mark.parametrize("field,value", [("candidate", "{age: .nan}"), ("terms", "{bonus: {guaranteed_months: .inf}}"),
                                         ("terms", "{overtime: {fixed_hours: -.inf}}"), ("id", "1" + "0" * 200)])
def test_non_finite_elsewhere(tmp_path: Path, field: str, value: str) -> None:
    check_inprocess(write(tmp_path, "num.yaml", f"riskcheck: 1\n{field}: {value}\n"))


def test_long_text_values_are_cut_short_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "long.yaml", f"riskcheck: 1\noffer:\n  stage: {'x' * 500_000}\n")
    line = check_inprocess(path)
    assert "offer.stage" in line and len(line) < 1000


def test_long_but_valid_text_is_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "long.yaml", f"riskcheck: 1\npromises:\n  - topic: salary\n    source: email\n"
                                        f"    said: {'長' * 300_000}\n")
    result = run_cli("check", path, "--format", "json", "--redact")
    assert result.exit_code in (0, 1) and result.stderr == "" and "長長" not in result.stdout


# --- audit: every input accounted for exactly once ---------------------------------------------------

def test_audit_of_a_hostile_directory(tmp_path: Path) -> None:
    if "audit" not in run_cli("--help").stdout:
        pytest.skip("no audit command yet")
    import json

    root = tmp_path / "cases"
    (root / "sub").mkdir(parents=True)
    expected = {
        "good.yaml": ("ok", "findings"),
        "bom.yaml": ("ok", "findings"),
        "lol.yaml": ("error",),
        "deep.yaml": ("error",),
        "binary.yaml": ("error",),
        "latin1.yaml": ("error",),
        "empty.yaml": ("error",),
        "tag.yaml": ("error",),
        "dangling.yaml": ("error",),
        "sub/big.yaml": ("error",),
        "sub/keys.yaml": ("error",),
    }
    write(root, "good.yaml", GOOD)
    write_bytes(root, "bom.yaml", b"\xef\xbb\xbf" + GOOD.encode())
    write(root, "lol.yaml", billion_laughs())
    write(root, "deep.yaml", "riskcheck: 1\nx: " + "[" * 300_000 + "]" * 300_000 + "\n")
    write_bytes(root, "binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00")
    write_bytes(root, "latin1.yaml", "riskcheck: 1\noffer: {company: Café}\n".encode("latin-1"))
    write(root, "empty.yaml", "")
    write(root, "tag.yaml", "riskcheck: 1\nid: !!python/object/apply:os.system ['true']\n")
    (root / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    write(root / "sub", "big.yaml", GOOD + "#" * loading.MAX_BYTES + "\n")
    write(root / "sub", "keys.yaml", "riskcheck: 1\n" + "".join(f"k{i}: {i}\n" for i in range(10_000)))
    (root / "sub" / "loop").symlink_to(root)  # a directory symlink loop
    (root / "sub" / "self").symlink_to(root / "sub")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.yaml")
        expected["pipe.yaml"] = ("error",)
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "audit", str(root), "--format", "json", "--jobs", "2"],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    sources = [Path(os.path.relpath(c["source"], root)).as_posix() for c in report["cases"]]
    assert sorted(sources) == sorted(expected), "each input exactly once"
    for case in report["cases"]:
        name = Path(os.path.relpath(case["source"], root)).as_posix()
        assert case["status"] in expected[name], (name, case["status"], case["error"])
        assert case["error"] is None or "\n" not in case["error"]
    assert report["summary"]["cases"] == len(expected)
