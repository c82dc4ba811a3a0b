"""``riskcheck audit``: many cases at once, in worker processes, into one report."""

from __future__ import annotations

import functools
import os
import sys
import time
from typing import Any, Iterable, Iterator

import click

from riskcheck.batch import CASE_TIMEOUT, Pool
from riskcheck.cli import say
from riskcheck.cli.options import Options, evaluation_options
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import text
from riskcheck.inputs import Inputs
from riskcheck.inputs import Options as InputOptions
from riskcheck.inputs.help import TABLE_HELP
from riskcheck.output import open_output
from riskcheck.render import formats, prepare, render
from riskcheck.report import exit_code, packs_entry

FORMATS = formats("audit")
"""The views ``audit`` offers of its report."""


@click.command(epilog="\b\nCSV and xlsx columns:\n" + TABLE_HELP)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file (as '>' would, but never half-written).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="number of cores", help="Worker processes.")
@click.option("--case-timeout", type=click.FloatRange(min=0, min_open=True), default=CASE_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Longest time one case may take; a case over it is reported as an error and its worker replaced.")
@click.option("--extra-columns", type=click.Choice(["error", "ignore"]), default="error", show_default=True,
              help="A CSV/xlsx column riskcheck does not know: an error on every row, or ignored (listed once "
                   "on stderr). Columns headed '#...' or 'メモ...' are notes, always ignored.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), metavar="PREVIOUS.json",
              help="A previous `--format json` report: findings are marked new or unchanged, gone ones listed as "
                   "resolved, and the exit code counts only new findings.")
@click.option("--only-new", is_flag=True, help="With --baseline, show only new findings.")
@evaluation_options
def audit(options: Options, inputs: tuple[str, ...], fmt: str, output: str | None, jobs: int,
          case_timeout: float, extra_columns: str, baseline_file: str | None, only_new: bool) -> None:
    """Check many cases: files, directories, globs, JSON Lines (.jsonl), CSV (.csv), Excel (.xlsx, .xlsm);
    '-' reads JSON Lines.

    Every case appears in the report once, as ok, findings or error.
    Exit code: 0 nothing at or above --fail-on, 1 findings at or above it, 2 any case errored,
    3 internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

    The html and junit formats keep report rows in anonymous temporary files (in $TMPDIR, else
    /tmp) until the report is complete: they have no name and vanish when riskcheck ends, however
    it ends; they hold what the report holds (nothing more under --redact).
    """
    if only_new and not baseline_file:
        raise RiskcheckError(text("audit.only_new_needs_baseline", options.lang))
    if FORMATS[fmt].needs_file and output in (None, "-"):
        raise RiskcheckError(text("audit.xlsx.needs_file", options.lang, format=fmt))
    checker = options.checker()
    prepared = functools.partial(prepare, FORMATS[fmt], options.fail_on, lang=options.lang)
    if baseline_file:
        from riskcheck.baseline import Baseline, prepare_marked

        prepared = functools.partial(prepare_marked, Baseline.load(baseline_file), only_new, FORMATS[fmt],
                                     options.fail_on, lang=options.lang)
    pool = Pool(options.checker, jobs, options.fail_on, prepared, case_timeout=case_timeout, lang=options.lang)
    sources = Inputs(list(inputs), InputOptions(extra_columns, options.lang, say, redact=options.redact))
    results = pool.run(sources.items())
    cases: Iterable[Any] = results
    if sys.stderr.isatty():
        cases = _progress(cases, sources.estimate())
    try:
        with open_output(output) as out:
            stream = out.buffer if FORMATS[fmt].binary else out
            summary = render(FORMATS[fmt], stream, cases, packs=packs_entry(checker.packs), lang=options.lang,
                             fail_on=options.fail_on)
    finally:
        results.close()  # an output that failed stops the workers now, not when the generator is collected
    if sources.options.blank_rows:
        say(text("input.blank_rows", options.lang, count=sources.options.blank_rows))
    if pool.deaths:
        say(text("cli.warning", options.lang, message=text("batch.deaths", options.lang, count=pool.deaths)))
    if pool.timeouts:
        say(text("cli.warning", options.lang, message=text("batch.timeouts", options.lang, count=pool.timeouts,
                                                            seconds=f"{case_timeout:g}")))
    raise SystemExit(exit_code(summary))


def _progress(cases: Iterable[Any], total: int | None) -> Iterator[Any]:
    """Pass cases through, drawing ``done/total, rate, time left`` on stderr at most 5 times a second."""
    start = shown = time.monotonic()
    done = 0
    for case in cases:
        yield case
        done += 1
        now = time.monotonic()
        if now - shown >= 0.2:
            shown = now
            rate = done / (now - start)
            left = f", {_clock((total - done) / rate)} left" if total and total > done else ""
            of = f"/{total:,}" if total else ""
            click.echo(f"\r{done:,}{of} cases, {rate:,.0f}/s{left}   ", err=True, nl=False)
    if done:
        click.echo(f"\r{done:,} cases in {_clock(time.monotonic() - start)}{' ' * 30}", err=True)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"
