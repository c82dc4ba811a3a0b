"""Reading audit inputs: the reader registry, CSV and JSON Lines faults (issue 11), xlsx and Japanese
headers (issue 14). Real files, the real CLI and engine; workbooks written by openpyxl."""

from __future__ import annotations

import json
import inspect
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT, run_cli, write
from inputs_helpers import audit, csv_text, example_cases, flatten, rules_of, table, write_xlsx

from riskcheck import batch
from riskcheck.case import Case
from riskcheck.inputs import READERS, Inputs, Options, expand
from riskcheck.inputs.columns import COLUMNS, GROUPS, resolve
from riskcheck.loading import MAX_BYTES

HEADER = "id,offer.company,promise1.topic,promise1.said,promise1.source"


def sources(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(file name and line, ``error`` or ``read``) of each entry."""
    return [(Path(e["source"]).name, "error" if e["status"] == "error" else "read") for e in entries]


def ok(entry: dict[str, Any]) -> bool:
    return entry["status"] != "error"


# --- the registry --------------------------------------------------------------------------------

def test_each_suffix_has_one_reader_and_batch_knows_no_format() -> None:
    suffixes = [suffix for reader in READERS for suffix in reader.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert {".yaml", ".yml", ".json", ".jsonl", ".csv", ".xlsx", ".xlsm"} <= set(suffixes)
    source = inspect.getsource(batch)
    assert not any(word in source for word in ("csv", "jsonl", "xlsx", "row_document", "parse("))


def test_the_catalogue_covers_every_case_field() -> None:
    """Every scalar or list field of the case model (but waivers and expectations) has a column."""
    def fields(model: Any, prefix: str) -> list[str]:
        out = []
        for name, info in model.model_fields.items():
            annotation = info.annotation
            nested = [a for a in (annotation, *getattr(annotation, "__args__", ())) if hasattr(a, "model_fields")]
            if name in ("allowances", "repayment"):
                continue  # lists of objects: written in a case file (YAML, JSON, JSON Lines), not in a table
            if nested and not str(annotation).startswith("list"):
                out += fields(nested[0], f"{prefix}{name}.")
            elif isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                out += fields(annotation, f"{prefix}{name}.")
            else:
                out.append(prefix + name)
        return out

    expected = set()
    for name in fields(Case, ""):
        head = name.split(".", 1)[0]
        if head in ("waivers", "expect"):
            continue
        expected.add(name)
    groups = {key: prefix for prefix, key in GROUPS.items()}
    from riskcheck.case import CaseDocument, Person, Promise
    for key, model in (("people", Person), ("promises", Promise), ("documents", CaseDocument)):
        expected.discard(key)
        # a document's ``states`` are what `riskcheck read` found in it, with lines: not typed into a table
        expected |= {f"{groups[key]}{{n}}.{name}" for name in model.model_fields if name != "states"}
    assert expected == {column.key for column in COLUMNS}
    for column in COLUMNS:  # either header language names the column
        for lang in ("en", "ja"):
            found = resolve(column.header(lang, 2))
            assert found is not None and found[0] == column, (column.key, lang)
        assert column.header("en", 2) == column.name(2)


def test_estimate_lists_the_inputs_once_and_items_reuse_them(tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path, f"c{i}.yaml", (EXAMPLES / "everything-confirmed.yaml").read_text(encoding="utf-8"))
    write(tmp_path, "many.csv", HEADER + "\n" + "".join(f"r{i},A,salary,x,email\n" for i in range(50)))
    inputs = Inputs([str(tmp_path)])
    assert 40 <= (inputs.estimate() or 0) <= 60
    for i in range(3, 6):  # added after the listing: not seen, the inputs were listed once
        write(tmp_path, f"c{i}.yaml", "riskcheck: 1\n")
    assert len(list(inputs.items())) == 53
    assert len(list(expand([str(tmp_path)]))) == 56


# --- CSV: stray quotes (issue 11.1) -----------------------------------------------------------------

@pytest.mark.parametrize("bad", ['"He said ""500k"" maybe', '"never closed', '"a""b', '"x'])
@pytest.mark.parametrize("later", ["plain", "quoted", "at the end"])
def test_a_stray_quote_costs_its_row_only(tmp_path: Path, bad: str, later: str) -> None:
    rows = [f"r{i},A,salary,ok,email" for i in range(1, 6)]
    if later == "quoted":
        rows[3] = 'r4,"B, Inc",salary,"line one\nline two",email'
    position = 4 if later == "at the end" else 1
    rows.insert(position, f"bad,A,salary,{bad},email")
    path = write(tmp_path, "offers.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    code, entries, _ = audit(path)
    bad_line = position + 2
    errors = [e for e in entries if e["status"] == "error"]
    assert len(errors) == 1 and errors[0]["source"] == f"{path}:{bad_line}"
    assert f"{path}:{bad_line}: a quote opened in column D" in errors[0]["error"]
    assert sorted(e["id"] for e in entries if ok(e)) == [f"r{i}" for i in range(1, 6)]
    assert code == 2


def test_a_quoted_cell_over_many_lines_is_one_row(tmp_path: Path) -> None:
    said = "\n".join(f"line {i}, with a comma" for i in range(30))
    path = write(tmp_path, "offers.csv", f'{HEADER}\nr1,A,salary,"{said}",email\nr2,B,salary,ok,email\n')
    _, entries, _ = audit(path)
    assert [(Path(e["source"]).name, ok(e)) for e in entries] == [("offers.csv:2", True), ("offers.csv:32", True)]


# --- CSV: duplicate and aliased columns (11.2) ---------------------------------------------------------

@pytest.mark.parametrize("first,second", [("promise1.said", "promise1.said"), ("promise1.said", "promise01.said"),
                                          ("promise1.said", "約束1の内容"), ("offer.company", "会社名"),
                                          ("id", "案件ID"), ("person1.role", "PERSON1.ROLE")])
def test_duplicate_or_aliased_columns_are_an_error_naming_both(tmp_path: Path, first: str, second: str) -> None:
    head = f"id,offer.company,promise1.topic,{first},promise1.source,{second}".replace("id,offer.company,", "", 0)
    if first == "id":
        head = f"id,promise1.topic,promise1.source,{second}"
    elif first == "offer.company":
        head = f"id,{first},promise1.topic,promise1.source,{second}"
    cells = len(head.split(","))
    path = write(tmp_path, "dup.csv", head + "\n" + ",".join(["r1", "salary", "email", "x", "y", "z"][:cells]) + "\n")
    _, entries, _ = audit(path)
    assert len(entries) == 1 and entries[0]["status"] == "error"
    message = entries[0]["error"]
    assert first in message and second in message and "keep one" in message


# --- CSV: short rows, id-only rows, blank rows (11.3) --------------------------------------------------

def test_short_rows_and_id_only_rows_are_errors_saying_what_is_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "short.csv", HEADER + "\nr1,A,salary\nr2,,,,\n,,,,\nr3,A,salary,ok,email\n\n")
    code, entries, stderr = audit(path)
    assert sources(entries) == [("short.csv:2", "error"), ("short.csv:3", "error"), ("short.csv:5", "read")]
    assert entries[0]["error"].endswith("the row has 3 cells but the header names 5 columns; missing: "
                                        "promise1.said, promise1.source")
    assert entries[1]["error"] == f"{path}:3: the row is empty (nothing but an id)"
    assert "2 blank row(s) skipped" in stderr and code == 2


# --- JSON Lines: lone surrogates (11.5), long lines (11.14) ---------------------------------------------

def test_a_lone_surrogate_is_an_error_for_its_line_only(tmp_path: Path) -> None:
    path = write(tmp_path, "s.jsonl", '{"riskcheck": 1, "id": "a\\udc80"}\n{"riskcheck": 1, "id": "b",'
                                      ' "offer": {"company": "\\ud83d\\ude00 KK"}}\n{"riskcheck": 1, "\\udfff": 1}\n')
    for fmt in ("html", "junit", "csv", "json", "text"):
        result = run_cli("audit", path, "--format", fmt, "--jobs", "1")
        assert result.exit_code == 2 and "Traceback" not in result.stderr, fmt
    _, entries, _ = audit(path)
    assert [e["status"] == "error" for e in entries] == [True, False, True]
    assert "surrogate" in entries[0]["error"] and entries[0]["error"].startswith(f"{path}:1: ")
    single = write(tmp_path, "s.json", '{"riskcheck": 1, "id": "a\\udc80"}')
    result = run_cli("check", single, "--format", "json")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"riskcheck: error: {single}:1: invalid JSON: ")


def test_json_lines_not_utf8_and_blank_in_any_script(tmp_path: Path) -> None:
    """A line's bytes are decoded where the case is checked; what the report says does not depend on
    where: a bad byte inside a case or at a line's start names its line and byte, a line of only
    (ideographic, no-break) spaces is blank, and the cases around them are read."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"riskcheck": 1, "id": "a"}\n'
                     + b'{"riskcheck": 1, "offer": {"company": "Caf\xe9"}}\n'
                     + b"\xff\xfe{}\n"
                     + "\u3000 \u00a0\t\n".encode() + "\u3000{}\n".encode()
                     + b'\r\n{"riskcheck": 1, "id": "b"}\r\n')
    for jobs in ("1", "2"):
        result = run_cli("audit", str(path), "--format", "jsonl", "--jobs", jobs, "--lang", "en")
        entries = [json.loads(line) for line in result.stdout.splitlines()]
        assert [e["source"] for e in entries] == [f"{path}:{n}" for n in (1, 2, 3, 5, 7)]
        assert [e["status"] == "error" for e in entries] == [False, True, True, True, False]
        assert entries[1]["error"] == f"{path}:2: not UTF-8 text (byte 0xe9); save the file as UTF-8"
        assert entries[2]["error"] == f"{path}:3: not UTF-8 text (byte 0xff); save the file as UTF-8"
        assert entries[3]["error"].startswith(f"{path}:5: ")
    japanese = run_cli("audit", str(path), "--format", "jsonl", "--jobs", "1", "--lang", "ja")
    errors = [json.loads(line).get("error") for line in japanese.stdout.splitlines()]
    assert f"{path}:2: " in errors[1] and "0xe9" in errors[1] and "UTF-8" in errors[1]


def test_a_line_over_the_limit_is_skipped_to_its_end(tmp_path: Path) -> None:
    good = '{"riskcheck": 1, "id": "g"}\n'
    path = tmp_path / "long.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write(good + '{"riskcheck": 1, "id": "' + "x" * (3 * MAX_BYTES) + '"}\n' + good.replace("g", "h"))
    _, entries, _ = audit(str(path))
    assert sources(entries) == [("long.jsonl:1", "read"), ("long.jsonl:2", "error"), ("long.jsonl:3", "read")]
    assert "longer than 1,000,000 bytes" in entries[1]["error"]
    csv_path = tmp_path / "long.csv"
    csv_path.write_text(HEADER + "\nr1,A,salary," + "y" * (2 * MAX_BYTES) + ",email\nr2,A,salary,ok,email\n",
                        encoding="utf-8")
    _, entries, _ = audit(str(csv_path))
    assert sources(entries) == [("long.csv:2", "error"), ("long.csv:3", "read")]


def test_a_cell_over_the_csv_field_limit_does_not_swallow_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", HEADER + "\nr1,A,salary,\"" + "長" * 200_000 + "\",email\nr2,A,salary,ok,email\n"
                 "r3,A,salary,ok,email\n")
    _, entries, _ = audit(path)
    assert sources(entries) == [("big.csv:2", "read"), ("big.csv:3", "read"), ("big.csv:4", "read")]


# --- what is not a regular file (11.14), unreadable directories (11.6) --------------------------------------

def test_fifos_devices_and_symlinks_to_devices_are_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "a-pipe.jsonl")
    os.mkfifo(folder / "b-pipe.csv")
    os.mkfifo(folder / "c-pipe.xlsx")
    (folder / "d-zero.jsonl").symlink_to("/dev/zero")
    (folder / "e-null.csv").symlink_to("/dev/null")
    write(folder, "f-good.jsonl", '{"riskcheck": 1}\n')
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "audit", str(folder), str(folder / "a-pipe.jsonl"),
                           "--format", "jsonl", "--jobs", "1", "--lang", "en"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    import json
    entries = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(e["source"]).name for e in entries] == ["a-pipe.jsonl", "b-pipe.csv", "c-pipe.xlsx", "d-zero.jsonl",
                                                          "e-null.csv", "f-good.jsonl:1", "a-pipe.jsonl"]
    assert [e["status"] for e in entries].count("error") == 6 and proc.returncode == 2
    assert "named pipe (FIFO), not a regular file" in entries[0]["error"]
    assert "is a device" in entries[3]["error"]


def test_an_unreadable_subdirectory_is_an_error_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cases"
    (root / "locked").mkdir(parents=True)
    (root / "open").mkdir()
    write(root / "open", "a.yaml", (EXAMPLES / "everything-confirmed.yaml").read_text(encoding="utf-8"))
    write(root / "locked", "b.yaml", "riskcheck: 1\n")
    if os.geteuid() == 0:  # root reads anything: refuse the listing as the OS refuses it to anyone else
        real = os.scandir

        def scandir(path: Any = ".") -> Any:
            if os.fspath(path).endswith("locked"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        (root / "locked").chmod(0)
    try:
        entries = [(item.source, item.error) for item in expand([str(root)])]
    finally:
        (root / "locked").chmod(0o755)
    assert entries[0] == (str(root / "locked"), f"{root / 'locked'}: cannot read this directory: Permission denied")
    assert entries[1] == (str(root / "open" / "a.yaml"), None)


# --- encodings (11.7, 14) ------------------------------------------------------------------------------------

def test_cp932_csv_with_japanese_headers_reads_like_utf8(tmp_path: Path) -> None:
    rows = [flatten(case) for case in example_cases()]
    headers = {key: resolve(key)[0].header("ja", resolve(key)[1]) for key in {k for r in rows for k in r}}
    text = csv_text(rows, headers)
    sjis = tmp_path / "sjis.csv"
    sjis.write_bytes(text.encode("cp932"))
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _, from_sjis, _ = audit(str(sjis))
    _, from_utf8, _ = audit(str(utf8))
    _, from_yaml, _ = audit(*[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))])
    assert [rules_of(e) for e in from_sjis] == [rules_of(e) for e in from_utf8] == [rules_of(e) for e in from_yaml]
    assert all(ok(e) for e in from_sjis)


def test_a_line_in_no_known_encoding_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER}\nr1,株式会社,salary,ok,email\n".encode("cp932") + b"r2,\x81,salary,ok,email\n"
                     + "r3,表示,salary,ok,email\n".encode("cp932"))
    _, entries, _ = audit(str(path))
    assert sources(entries) == [("mixed.csv:2", "read"), ("mixed.csv:3", "error"), ("mixed.csv:4", "read")]
    assert entries[1]["error"].startswith(f"{path}:3: not Shift_JIS (cp932) text (byte 0x81)")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEADER}\nr1,Café,salary,ok,email\n".encode("latin-1"))
    _, entries, _ = audit(str(latin))
    assert entries[0]["error"].startswith(f"{latin}:2: neither UTF-8 nor Shift_JIS")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(f"{HEADER}\nr1,A,salary,ok,email\n".encode("utf-16"))
    code, entries, _ = audit(str(utf16))
    assert code == 2 and all(e["status"] == "error" for e in entries) and entries[0]["source"].endswith(":1")


# --- inputs that hold no case (11.21) ----------------------------------------------------------------------

def test_an_input_without_cases_is_an_error(tmp_path: Path) -> None:
    empty_jsonl = write(tmp_path, "a.jsonl", "\n\n")
    header_only = write(tmp_path, "b.csv", HEADER + "\r\n")
    empty_csv = write(tmp_path, "c.csv", "")
    book = write_xlsx(tmp_path / "d.xlsx", {"cases": [["id", "offer.company"]]})
    blank_book = write_xlsx(tmp_path / "e.xlsx", {"Sheet": []})
    code, entries, _ = audit(empty_jsonl, header_only, empty_csv, book, blank_book)
    assert [e["status"] for e in entries] == ["error"] * 5 and code == 2
    assert all("holds no case" in e["error"] for e in entries[:4])
    assert "no sheet" in entries[4]["error"]
    code, entries, _ = audit("-", input="")
    assert entries[0]["error"] == "stdin: holds no case (an input without cases is an error, like an empty case file)"
    assert code == 2


# --- xlsx (14) ------------------------------------------------------------------------------------------

def test_a_workbook_gives_the_same_findings_as_the_yaml_cases(tmp_path: Path) -> None:
    rows = [flatten(case, native=True) for case in example_cases()]
    assert any(isinstance(row.get("offer.acceptance_deadline"), date) for row in rows)
    book = write_xlsx(tmp_path / "offers.xlsx", {"Offers": table(rows)})
    _, from_book, _ = audit(book)
    _, from_yaml, _ = audit(*[str(p) for p in sorted(EXAMPLES.glob("*.yaml"))])
    assert [e["source"] for e in from_book] == [f"{book}:Offers:{n}" for n in (2, 3, 4)]
    assert [e["id"] for e in from_book] == [e["id"] for e in from_yaml]
    assert [rules_of(e) for e in from_book] == [rules_of(e) for e in from_yaml]


def test_native_numbers_dates_and_booleans(tmp_path: Path) -> None:
    head = ["id", "offer.acceptance_deadline", "document1.kind", "document1.received", "person1.role",
            "person1.assigns_work", "terms.monthly_salary", "terms.probation.months", "terms.overtime.excess_paid",
            "candidate.age", "terms.contract.renewal_cap", "promise1.topic", "promise1.by"]
    rows = [[1001, datetime(2026, 12, 4), "offer_letter", False, "hr", True, 380000.0, 2.5, True, 41, 5, "salary",
             "person1"],
            [1002, date(2026, 12, 4), "offer_letter", date(2026, 11, 1), "hr", False, 380000, 3, False, 41.0, "5年",
             "salary", "person1"]]
    book = write_xlsx(tmp_path / "native.xlsx", {"S": [head, *rows]})
    code, entries, _ = audit(book)
    assert [e["status"] for e in entries] != ["error", "error"], entries
    assert all(ok(e) for e in entries), [e["error"] for e in entries]
    assert [e["id"] for e in entries] == ["1001", "1002"]
    from riskcheck.inputs import document
    items = list(expand([book]))
    first = document(items[0]).data
    assert first["offer"]["acceptance_deadline"] == "2026-12-04" and first["documents"][0]["received"] is False
    assert first["terms"]["monthly_salary"] == 380000 and first["terms"]["probation"]["months"] == 2.5
    assert first["people"][0]["assigns_work"] is True and first["terms"]["contract"]["renewal_cap"] == "5"


def test_sheets_without_a_case_header_are_skipped_and_reported(tmp_path: Path) -> None:
    rows = [flatten(case, native=True) for case in example_cases()]
    book = write_xlsx(tmp_path / "book.xlsm" if False else tmp_path / "book.xlsx", {
        "Notes": [["This workbook lists the offers of November"], ["see the other sheets"]],
        "Tokyo": table(rows[:2]),
        "Empty": [],
        "Osaka": table(rows[2:], {"offer.company": "会社名", "id": "案件ID"}),
    })
    code, entries, stderr = audit(book)
    assert [e["source"].split(":", 1)[1] for e in entries] == ["Tokyo:2", "Tokyo:3", "Osaka:2"]
    assert all(ok(e) for e in entries)
    assert stderr.count("sheets skipped") == 1 and "Notes, Empty" in stderr


def test_xlsm_is_read_and_a_broken_workbook_is_one_error(tmp_path: Path) -> None:
    rows = [flatten(case, native=True) for case in example_cases()]
    from openpyxl import Workbook
    book = Workbook()
    for row in table(rows):
        book.active.append(row)
    book.save(tmp_path / "macro.xlsm")
    write(tmp_path, "fake.xlsx", "id,offer.company\nr1,A\n")
    code, entries, _ = audit(str(tmp_path / "macro.xlsm"), str(tmp_path / "fake.xlsx"))
    assert [e["status"] != "error" for e in entries] == [True, True, True, False]
    assert entries[3]["error"].startswith(f"{tmp_path / 'fake.xlsx'}: not a readable Excel workbook")


def test_blank_rows_are_counted_and_an_id_alone_is_an_error(tmp_path: Path) -> None:
    rows = [flatten(case, native=True) for case in example_cases()]
    data = table(rows)
    width = len(data[0])
    data = [data[0], data[1], [None] * width, [""] * width, ["only-id"] + [None] * (width - 1), data[2]]
    book = write_xlsx(tmp_path / "gaps.xlsx", {"S": data})
    code, entries, stderr = audit(book)
    assert [(e["source"].rsplit(":", 1)[1], e["status"] == "error") for e in entries] == [
        ("2", False), ("5", True), ("6", False)]
    assert entries[1]["error"].endswith("the row is empty (nothing but an id)")
    assert "2 blank row(s) skipped" in stderr


# --- extra columns and notes (14) ------------------------------------------------------------------------

def test_extra_columns_error_by_default_ignored_on_request_notes_always(tmp_path: Path) -> None:
    body = f"{HEADER},colour,# memo,メモ（社内）\nr1,A,salary,ok,email,red,note,社内メモ\nr2,A,salary,ok,email,,,\n"
    path = write(tmp_path, "extra.csv", body)
    code, entries, _ = audit(path)
    assert [e["status"] for e in entries] == ["error", "error"] and code == 2
    assert entries[0]["error"].startswith(f"{path}:2: column colour: unknown column; column F")
    code, entries, stderr = audit(path, "--extra-columns", "ignore")
    assert all(ok(e) for e in entries)
    assert stderr.count("columns ignored: colour (F)") == 1
    assert "memo" not in stderr and "メモ" not in stderr
    book = write_xlsx(tmp_path / "extra.xlsx", {"S": [["id", "offer.company", "promise1.topic", "promise1.source",
                                                       "colour", "メモ"], ["r1", "A", "salary", "email", "red", "x"]]})
    assert audit(book)[1][0]["status"] == "error"
    assert audit(book, "--extra-columns", "ignore")[1][0]["status"] != "error"


def test_japanese_and_english_headers_mix_per_column(tmp_path: Path) -> None:
    path = write(tmp_path, "mix.csv", "案件ID,offer.company,約束1の項目,promise1.said,約束１の出典書類,担当者1の役職\n"
                                      "r1,A,salary,ok,email,hr\n")
    _, entries, _ = audit(path)
    assert ok(entries[0]) and entries[0]["id"] == "r1"
    bad = write(tmp_path, "bad.csv", "案件ID,選考段階\nr1,someday\n")
    _, entries, _ = audit(bad)
    assert entries[0]["error"].startswith(f"{bad}:2: column 選考段階: Input should be")


def test_a_header_that_cannot_be_read_makes_no_row_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", 'id,"offer.company\nr1,A\nr2,B\n')
    _, entries, _ = audit(path)
    assert [(Path(e["source"]).name, e["status"]) for e in entries] == [
        ("h.csv:1", "error"), ("h.csv:2", "error"), ("h.csv:3", "error")]
    assert "header row" in entries[1]["error"]


def test_stdin_closed_is_an_error_entry() -> None:
    proc = subprocess.run([sys.executable, "-m", "riskcheck", "audit", "-", "--format", "jsonl", "--jobs", "1",
                           "--lang", "en"], stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 2 and "holds no case" in proc.stdout
    proc = subprocess.run(f"{sys.executable} -m riskcheck audit - --format jsonl --jobs 1 --lang en <&-",
                          shell=True, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and ("standard input is closed" in proc.stdout or "holds no case" in proc.stdout)  # reopened on /dev/null


def test_redact_names_table_columns_by_letter_only(tmp_path: Path) -> None:
    """Headers are input: under --redact an unknown, duplicate or ignored column is named by its letter."""
    path = tmp_path / "r.csv"
    path.write_text("id,offer.stage,TanakaSecretHeader,promise1.said,promise01.said\n"
                    "r1,offer_received,x,a,b\n", encoding="utf-8")
    for extra in ("error", "ignore"):
        result = run_cli("audit", str(path), "--redact", "--format", "jsonl", "--extra-columns", extra)
        assert "TanakaSecretHeader" not in result.output and "promise01" not in result.output, result.output
        assert json.loads(result.stdout.splitlines()[0])["status"] == "error"
    plain = run_cli("audit", str(path), "--format", "jsonl")
    assert "TanakaSecretHeader" in plain.stdout
