"""Property-based fuzzing of ``riskcheck audit`` on JSON Lines and CSV inputs (issue 11, "Fuzzing").

Generated files hold valid cases mixed with random bytes, truncated lines, NUL, CRLF, a BOM in the
middle, lone surrogates, quoted newlines, ragged rows, duplicate headers, huge cells and cells
that look like formulas; some are then cut or spliced as bytes. Each runs through the real CLI
(``--format csv``, the shipped packs, a real worker process) and must give: no traceback, every
line or row accounted for exactly once and in order, the exit code its entries imply, and no
report cell Excel would run as a formula.

The example counts stay small by default; ``RISKCHECK_FUZZ_EXAMPLES=500`` runs that many per test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from riskcheck.loading import MAX_BYTES
from riskcheck.vocabulary import STAGES, TOPICS

N = int(os.environ.get("RISKCHECK_FUZZ_EXAMPLES", "8"))
FUZZ = settings(max_examples=N, deadline=None, derandomize=N <= 100, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example, HealthCheck.function_scoped_fixture])
PASSED: Counter[str] = Counter()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HUGE = "x" * (MAX_BYTES + 10)


@pytest.fixture(scope="module")
def workdir() -> Any:
    with tempfile.TemporaryDirectory(prefix="riskcheck-fuzz-inputs-") as name:
        yield Path(name)
    print(f"\nfuzzed inputs passed: {dict(PASSED)} (total {sum(PASSED.values())})")


def run_audit(path: Path) -> tuple[int, list[tuple[str, str]]]:
    """Audit one file to CSV; (exit code, [(source, status)] per case in report order). Checks the
    things every run must hold: no traceback, formulas escaped, one status per case."""
    result = run_cli("audit", str(path), "--format", "csv", "--jobs", "1", "--lang", "en", "--today", "2026-11-24")
    assert "Traceback" not in result.stderr and result.exit_code in (0, 1, 2), result.stderr[-2000:]
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["case", "source", "status"]
    cases: list[tuple[str, str]] = []
    for row in rows[1:]:
        assert not any(cell.startswith(FORMULA_START) for cell in row), row
        if not cases or cases[-1][0] != row[1]:
            cases.append((row[1], row[2]))
        else:
            assert cases[-1][1] == row[2]
    statuses = {status for _, status in cases}
    expected_code = 2 if "error" in statuses else 1 if "findings" in statuses else 0
    assert result.exit_code == expected_code, (result.exit_code, cases)
    return result.exit_code, cases


def lines_of(cases: list[tuple[str, str]], path: Path) -> list[int]:
    out = []
    for source, _ in cases:
        assert source.startswith(f"{path}:"), source
        out.append(int(source.rsplit(":", 1)[1]))
    assert out == sorted(set(out)), "each line once, in order"
    return out


# --- JSON Lines ----------------------------------------------------------------------------------

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
formula = st.sampled_from(["=1+1", "+81-3", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "\t=x", "\r=y"])
value = st.one_of(text, formula, st.integers(), st.booleans(), st.none())
case = st.fixed_dictionaries({"riskcheck": st.sampled_from([1, 1, 1, 2, "1"])}, optional={
    "id": st.one_of(text, formula),
    "offer": st.fixed_dictionaries({}, optional={"stage": st.one_of(st.sampled_from(STAGES), text),
                                                  "company": value}),
    "promises": st.lists(st.fixed_dictionaries({"topic": st.sampled_from(TOPICS)},
                                               optional={"said": value, "source": st.just("email"), "by": text}),
                         max_size=2),
    "terms": st.fixed_dictionaries({}, optional={"monthly_salary": st.one_of(st.integers(-5, 10**7), text)}),
})
json_line = st.one_of(
    case.map(lambda c: json.dumps(c, ensure_ascii=False).encode()),
    case.map(lambda c: json.dumps(c).encode()[: len(json.dumps(c)) // 2]),                 # truncated
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),                               # random bytes
    st.just(b'{"riskcheck": 1, "id": "a\\udc80"}'),                                          # lone surrogate
    st.just(b'{"riskcheck": 1, "id": "nul\x00"}'),
    st.just(b"\xef\xbb\xbf" + b'{"riskcheck": 1}'),                                         # BOM mid-file
    st.just(b""), st.just(b"   \t"),                                                        # blank
    st.just(('{"riskcheck": 1, "id": "' + HUGE + '"}').encode()),                           # over the limit
)


@FUZZ
@given(lines=st.lists(json_line, min_size=0, max_size=8), crlf=st.booleans(), tail=st.booleans())
def test_json_lines_every_line_accounted_once(workdir: Path, lines: list[bytes], crlf: bool, tail: bool) -> None:
    body = (b"\r\n" if crlf else b"\n").join(lines) + (b"\n" if tail else b"")
    path = workdir / "fuzz.jsonl"
    path.write_bytes(body)
    _, cases = run_audit(path)
    physical = body.split(b"\n")
    if physical and physical[-1] == b"":
        physical.pop()
    expected = [n for n, raw in enumerate(physical, 1)
                if (raw.removeprefix(b"\xef\xbb\xbf") if n == 1 else raw).strip()]
    if not expected:
        assert cases == [(str(path), "error")]
    else:
        assert lines_of(cases, path) == expected
    PASSED["jsonl"] += 1


# --- CSV ------------------------------------------------------------------------------------------

COLUMNS = ["id", "offer.company", "offer.stage", "promise1.topic", "promise1.said", "promise1.source",
           "terms.monthly_salary", "会社名", "promise01.said", "# note", "メモ", "colour", ""]
cell = st.one_of(
    st.sampled_from(["", " ", "salary", "email", "offer_meeting", "380000", "Example KK", "サンプル株式会社"]),
    text, formula,
    st.sampled_from(['He said "500k" maybe', "line one\nline two", "a,b", "\r\n", "\ufeffbom", "nul\x00",
                     "\"", "''", "\u2028sep"]),
    st.just(HUGE),
)
header = st.one_of(st.just(COLUMNS[:7]), st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=9))


@st.composite
def table(draw: Any) -> tuple[list[str], list[list[str]]]:
    head = draw(header)
    width = len(head)
    rows = draw(st.lists(st.one_of(
        st.lists(cell, min_size=width, max_size=width),                  # a full row
        st.lists(cell, min_size=0, max_size=width + 2),                  # ragged
        st.just([""] * width)), max_size=6))                             # blank
    return head, rows


@FUZZ
@given(data=table(), crlf=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_csv_every_row_accounted_once(workdir: Path, data: tuple[list[str], list[list[str]]], crlf: bool,
                                      encoding: str) -> None:
    """A table written by ``csv.writer`` (so well formed): every row that is not blank is one entry, at
    the line it starts on; a row that cannot be read may add entries for its own later lines only."""
    head, rows = data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    starts = []
    writer.writerow(head)
    for row in rows:
        starts.append(out.getvalue().count("\n") + 1)
        writer.writerow(row)
    try:
        body = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        body = out.getvalue().encode("utf-8")
    path = workdir / "fuzz.csv"
    path.write_bytes(body)
    _, cases = run_audit(path)
    def blank(row: list[str]) -> bool:
        return all(not c.strip() for c in row) and not any("\x00" in c for c in row)
    expected = [line for line, row in zip(starts, rows) if not blank(row)]
    header_blank = all(not c.strip() for c in head)
    if header_blank or not expected and not cases[0][0].startswith(f"{path}:"):
        assert len(cases) == 1 and cases[0][1] == "error" or lines_of(cases, path)
    else:
        got = lines_of(cases, path)
        missing = [line for line in expected if line not in got]
        assert not missing, (missing, cases)
        extra = [line for line in got if line not in expected]
        assert not extra or any(status == "error" for _, status in cases), (extra, cases)
    PASSED["csv"] += 1


@FUZZ
@given(data=table(), cut=st.integers(0, 2000), junk=st.binary(max_size=20), at=st.integers(0, 2000))
def test_csv_cut_and_spliced_bytes(workdir: Path, data: tuple[list[str], list[list[str]]], cut: int, junk: bytes,
                                   at: int) -> None:
    """Malformed CSV (stray quotes, cut lines, random bytes): no traceback, each line at most once and
    in order, the right exit code, formulas escaped."""
    head, rows = data
    out = io.StringIO()
    csv.writer(out).writerows([head, *rows])
    body = out.getvalue().encode("utf-8")
    body = body[: max(cut, 1)] if cut < len(body) else body
    body = body[:at] + junk + body[at:]
    path = workdir / "cut.csv"
    path.write_bytes(body)
    _, cases = run_audit(path)
    if len(cases) != 1 or cases[0][0].startswith(f"{path}:"):
        lines = lines_of(cases, path)
        assert all(1 <= line <= body.count(b"\n") + 1 for line in lines)
    PASSED["csv-cut"] += 1
