"""Writing the audit report: rows per second and peak memory of each audit format, side by side.

The cases are evaluated once (the shipped examples, renamed, with their companies); each format then
writes the same entries, repeated to N cases, in its own process (so peak memory is that format's
alone). Usage: [FORMATS=csv,xlsx] python benchmarks/report_formats.py [N ...]  (default: 20000 200000)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = os.environ.get("FORMATS", "csv,xlsx,html,junit,json").split(",")


def child(fmt: str, n: int) -> None:
    from riskcheck.evaluate import Checker
    from riskcheck.output import open_output
    from riskcheck.render import formats, render_entries
    from riskcheck.report import packs_entry
    from riskcheck.rulepack import default_packs_dir, load_packs

    checker = Checker(load_packs([str(default_packs_dir())], "ja"), lang="ja")
    base = [checker.check_file(str(p)).to_dict("high") for p in sorted((ROOT / "examples").glob("*.yaml"))]
    renderer = formats("audit")[fmt]

    def entries():
        for i in range(n):
            yield dict(base[i % len(base)], id=f"c{i:06d}")

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"report.{fmt}")
        start = time.perf_counter()
        with open_output(path) as out:
            render_entries(renderer, out.buffer if renderer.binary else out, entries(),
                           packs=packs_entry(checker.packs), lang="ja", fail_on="high")
        seconds = time.perf_counter() - start
        size = os.path.getsize(path)
    rows = sum(len(e["findings"]) or 1 for e in base) * n // len(base)
    print(json.dumps({"format": fmt, "cases": n, "rows": rows, "seconds": seconds, "bytes": size,
                      "rss_start_mb": start_rss / 1024,
                      "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [20_000, 200_000]
    print(f"{'cases':>8} {'format':>6} {'rows/s':>10} {'vs csv':>7} {'seconds':>8} {'MB out':>7} {'RSS before MB':>13} {'peak RSS MB':>11}")
    for n in sizes:
        results = {}
        for fmt in FORMATS:
            out = subprocess.run([sys.executable, __file__, "--child", fmt, str(n)], check=True, capture_output=True,
                                 text=True).stdout
            results[fmt] = json.loads(out.strip().splitlines()[-1])
        csv_rate = results["csv"]["rows"] / results["csv"]["seconds"]
        for fmt, r in results.items():
            rate = r["rows"] / r["seconds"]
            print(f"{n:>8,} {fmt:>6} {rate:>10,.0f} {rate / csv_rate:>7.2f} {r['seconds']:>8.2f} "
                  f"{r['bytes'] / 1e6:>7.1f} {r['rss_start_mb']:>13.1f} {r['rss_peak_mb']:>11.1f}")


if __name__ == "__main__":
    main()
