"""CSV next to xlsx: the same cases audited from each, and the xlsx readers compared.

    python benchmarks/inputs_throughput.py [--cases 20000] [--repeat 3] [--memory] [--readers]

In one run, on the same generated cases (``generate_cases.py``; keys the table columns do not have,
such as the typo'd ``basiss`` of a few spoiled cases, are left out so every row stays readable):

* ``riskcheck audit`` of ``cases.csv`` and of ``cases.xlsx`` (native numbers, dates and booleans;
  written by XlsxWriter, which like Excel records each sheet's size at its top),
  ``--jobs 1`` and ``--jobs 2``, best of ``--repeat`` interleaved rounds; the xlsx / CSV ratio
  (target >= 0.70);
* ``--memory``: peak resident size of the largest process auditing an xlsx of 10,000 and of
  200,000 rows (target: 200k / 10k <= 1.20, i.e. flat);
* ``--readers``: reading the rows alone, in a fresh process each: riskcheck's xlsx reader,
  openpyxl's read-only ``iter_rows`` and python-calamine (when installed), rows/s and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from audit_throughput import Run  # noqa: E402
from audit_throughput import audit as measured_audit  # noqa: E402
from generate_cases import make_case  # noqa: E402

from riskcheck.inputs.columns import resolve  # noqa: E402
from riskcheck.inputs.table import row_of  # noqa: E402


def audit(path: str, jobs: int, cases: int, directory: str) -> Run:
    """One measured ``riskcheck audit --format json`` (``audit_throughput.audit``); every case must come out."""
    run = measured_audit(path, jobs, "json", directory)
    with open(os.path.join(directory, "out.json"), encoding="utf-8") as report:
        if json.load(report)["summary"]["cases"] != cases:
            raise SystemExit(f"audit of {path} lost cases")
    return run


def flat(case: dict[str, Any]) -> dict[str, Any]:
    """A case as one table row in native types, without the keys no column has (``basiss``)."""
    return {key: value for key, value in row_of(case).items() if resolve(key)}


def write_inputs(n: int, directory: str) -> tuple[str, str]:
    """The same ``n`` cases as ``cases.csv`` (UTF-8 with BOM, as Excel saves it) and ``cases.xlsx``."""
    import xlsxwriter

    rng = random.Random(1)
    rows = [flat(make_case(rng, i)) for i in range(n)]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    csv_path, xlsx_path = os.path.join(directory, "cases.csv"), os.path.join(directory, "cases.xlsx")
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row.get(column)) for column in columns])
    book = xlsxwriter.Workbook(xlsx_path, {"constant_memory": True})  # streams rows out, as Excel's own files are
    sheet = book.add_worksheet("cases")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, columns)
    for number, row in enumerate(rows, 1):
        for index, column in enumerate(columns):
            value = row.get(column)
            if isinstance(value, date):
                sheet.write_datetime(number, index, value, dates)
            elif value is not None:
                sheet.write(number, index, value)
    book.close()
    return csv_path, xlsx_path


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


READ = {
    "riskcheck": "from riskcheck.inputs import expand; n = sum(1 for _ in expand([path]))",
    "openpyxl": ("import openpyxl; book = openpyxl.load_workbook(path, read_only=True, data_only=True)\n"
                 "n = 0\nfor sheet in book.worksheets:\n    sheet.reset_dimensions()\n"
                 "    n += sum(1 for _ in sheet.iter_rows(values_only=True)) - 1"),
    "calamine": ("import python_calamine; book = python_calamine.CalamineWorkbook.from_path(path)\n"
                 "n = sum(sum(1 for _ in book.get_sheet_by_name(s).iter_rows()) - 1 for s in book.sheet_names)"),
}


def read_alone(reader: str, path: str) -> tuple[float, int, int] | None:
    """Rows/s, peak RSS (KiB) and rows of one reader over ``path`` in a fresh process; None if not installed."""
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would include this (big) process's
    code = ("import sys, time; path = sys.argv[1]; t = time.perf_counter()\n" + READ[reader] +
            "\nhwm = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')]"
            "\nprint(n / (time.perf_counter() - t), hwm[0] if hwm else 0, n)")
    result = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True)
    if result.returncode:
        if "ModuleNotFoundError" in result.stderr:
            return None
        raise SystemExit(result.stderr)
    rate, rss, rows = result.stdout.split()
    return float(rate), int(rss), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--readers", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        paths = dict(zip(("csv", "xlsx"), write_inputs(args.cases, directory)))
        best = {(kind, jobs): Run(float("inf"), 0, 0.0) for kind in paths for jobs in (1, 2)}
        for _ in range(args.repeat):  # interleaved, best of each: other load on the machine only slows runs down
            for (kind, jobs) in best:
                best[kind, jobs] = min(best[kind, jobs], audit(paths[kind], jobs, args.cases, directory))
        for (kind, jobs), run in best.items():
            print(f"audit {kind:4} --jobs {jobs}  {args.cases:,} cases  {args.cases / run.seconds:8,.0f} cases/s  "
                  f"({run.seconds:.1f} s, peak RSS {run.rss / 1024:.0f} MiB)")
        for jobs in (1, 2):
            ratio = best["csv", jobs].seconds / best["xlsx", jobs].seconds
            print(f"xlsx / csv throughput, --jobs {jobs}: {ratio:.2f} (target >= 0.70)")
        if args.readers:
            print(f"reading {args.cases:,} rows alone (fresh process each):")
            for kind in ("csv", "xlsx"):
                for reader in (["riskcheck"] if kind == "csv" else list(READ)):
                    found = read_alone(reader, paths[kind])
                    if found is None:
                        print(f"  {kind:4} {reader:9}  not installed")
                        continue
                    rate, rss, rows = found
                    print(f"  {kind:4} {reader:9}  {rate:9,.0f} rows/s  peak RSS {rss / 1024:5.0f} MiB  ({rows:,} rows)")
        if args.memory:
            peaks = {}
            for n in (10_000, 200_000):
                sub = os.path.join(directory, str(n))
                os.makedirs(sub)
                _, xlsx_path = write_inputs(n, sub)
                run = audit(xlsx_path, 2, n, sub)
                peaks[n] = run.rss
                print(f"audit xlsx --jobs 2 on {n:,} rows: {run.seconds:.1f} s, peak RSS {run.rss / 1024:.0f} MiB")
                if args.readers:
                    for reader in READ:
                        found = read_alone(reader, xlsx_path)
                        if found:
                            print(f"  reading alone with {reader:9}: {found[0]:9,.0f} rows/s, peak RSS "
                                  f"{found[1] / 1024:.0f} MiB")
            print(f"peak memory 200k / 10k = {peaks[200_000] / peaks[10_000]:.2f} (target <= 1.20)")


if __name__ == "__main__":
    main()
