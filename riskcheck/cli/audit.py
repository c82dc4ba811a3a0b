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
from riskcheck.inputs import CSV_HELP, estimate, expand
from riskcheck.output import open_output
from riskcheck.render import formats, prepare, render
from riskcheck.report import exit_code, packs_entry

FORMATS = formats("audit")
"""The views ``audit`` offers of its report."""


@click.command(epilog="\b\nCSV columns:\n" + CSV_HELP)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="number of cores", help="Worker processes.")
@evaluation_options
def audit(inputs: tuple[str, ...], fmt: str, output: str | None, jobs: int, rules: tuple[str, ...],
          no_default_rules: bool, lang: str, fail_on: str, waivers_file: str | None, redact: bool,
          today: object) -> None:
    """Check many cases: files, directories, globs, JSON Lines (.jsonl), CSV (.csv); '-' reads JSON Lines.

    Every case appears in the report once, as ok, findings or error.
    Exit code: 0 nothing at or above --fail-on, 1 findings at or above it, 2 any case errored.
    """
    if FORMATS[fmt].binary and output in (None, "-"):
        fail(text("audit.xlsx.needs_file", lang, format=fmt))
    checker = make_checker(rules, no_default_rules, lang, waivers_file, redact, today)
    factory = functools.partial(make_checker, rules, no_default_rules, lang, waivers_file, redact, today)
    pool = Pool(factory, jobs, fail_on, functools.partial(prepare, FORMATS[fmt], fail_on, lang=lang))
    cases: Iterable[Any] = pool.run(expand(list(inputs)))
    if sys.stderr.isatty():
        cases = _progress(cases, estimate(list(inputs)))
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with open_output(output) as out:
            stream = out.buffer if FORMATS[fmt].binary else out
            summary = render(FORMATS[fmt], stream, cases, packs=packs_entry(checker.packs), lang=lang,
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
