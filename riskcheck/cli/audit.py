"""``riskcheck audit``: many cases at once, in worker processes, into one report."""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from typing import Any, Iterable, Iterator

import click

from riskcheck.batch import Pool
from riskcheck.cli.options import evaluation_options, fail, make_checker
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import text
from riskcheck.inputs import Inputs, Options
from riskcheck.inputs.help import TABLE_HELP
from riskcheck.output import open_output
from riskcheck.render import prepare, render
from riskcheck.render.audit_html import AuditHtmlRenderer
from riskcheck.render.audit_text import AuditTextRenderer
from riskcheck.render.csv_ import CsvRenderer
from riskcheck.render.json_ import JsonRenderer
from riskcheck.render.jsonl import JsonlRenderer
from riskcheck.render.junit import JunitRenderer
from riskcheck.report import exit_code, packs_entry

FORMATS = {"text": AuditTextRenderer, "json": JsonRenderer, "jsonl": JsonlRenderer, "csv": CsvRenderer,
           "junit": JunitRenderer, "html": AuditHtmlRenderer}
"""The views ``audit`` offers of its report."""


@click.command(epilog="\b\nCSV and xlsx columns:\n" + TABLE_HELP)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="number of cores", help="Worker processes.")
@click.option("--extra-columns", type=click.Choice(["error", "ignore"]), default="error", show_default=True,
              help="A CSV/xlsx column riskcheck does not know: an error on every row, or ignored (listed once "
                   "on stderr). Columns headed '#...' or 'メモ...' are notes, always ignored.")
@evaluation_options
def audit(inputs: tuple[str, ...], fmt: str, output: str | None, jobs: int, extra_columns: str, rules: tuple[str, ...],
          no_default_rules: bool, lang: str, fail_on: str, waivers_file: str | None, redact: bool,
          today: object) -> None:
    """Check many cases: files, directories, globs, JSON Lines (.jsonl), CSV (.csv), Excel (.xlsx, .xlsm);
    '-' reads JSON Lines.

    Every case appears in the report once, as ok, findings or error.
    Exit code: 0 nothing at or above --fail-on, 1 findings at or above it, 2 any case errored.
    """
    checker = make_checker(rules, no_default_rules, lang, waivers_file, redact, today)
    factory = functools.partial(make_checker, rules, no_default_rules, lang, waivers_file, redact, today)
    pool = Pool(factory, jobs, fail_on, functools.partial(prepare, FORMATS[fmt], fail_on))
    sources = Inputs(list(inputs), Options(extra_columns, lang, lambda line: click.echo(line, err=True)))
    cases: Iterable[Any] = pool.run(sources.items())
    if sys.stderr.isatty():
        cases = _progress(cases, sources.estimate())
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with open_output(output) as out:
            summary = render(FORMATS[fmt], out, cases, packs=packs_entry(checker.packs), lang=lang,
                             fail_on=fail_on)
    except KeyboardInterrupt:
        click.echo("\nriskcheck: interrupted" + ("; no output file written" if output else ""), err=True)
        sys.exit(130)
    except OSError as exc:
        fail(f"cannot write {output or 'the output'}: {exc.strerror or exc}")
    except RiskcheckError as exc:
        fail(exc)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if sources.options.blank_rows:
        click.echo(text("input.blank_rows", lang, count=sources.options.blank_rows), err=True)
    if pool.deaths:
        click.echo(f"riskcheck: warning: {pool.deaths} worker process(es) died and were replaced; "
                   "their cases were retried once", err=True)
    raise SystemExit(exit_code(summary))


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM stops an audit the way Ctrl-C does: workers stopped, no partial output file."""
    raise KeyboardInterrupt


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
