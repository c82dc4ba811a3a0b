"""``riskcheck check``: one case, the confirmations still missing."""

from __future__ import annotations

import click

from riskcheck.cli.options import evaluation_options, fail, make_checker
from riskcheck.output import open_output
from riskcheck.render import formats, render_entries
from riskcheck.report import exit_code, packs_entry

FORMATS = formats("check")
"""The views ``check`` offers of its one-case report: ``markdown`` and ``html`` are the question sheet."""


@click.command()
@click.argument("case_file", type=click.Path(allow_dash=False))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@evaluation_options
def check(case_file: str, fmt: str, output: str | None, rules: tuple[str, ...], no_default_rules: bool,
          lang: str, fail_on: str, waivers_file: str | None, redact: bool, today: object) -> None:
    """Check one case file (YAML or JSON) and list the confirmations still missing.

    Exit code: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input.
    """
    checker = make_checker(rules, no_default_rules, lang, waivers_file, redact, today)
    result = checker.check_file(case_file)
    with open_output(output) as out:
        summary = render_entries(FORMATS[fmt], out, [result.to_dict(fail_on)], packs=packs_entry(checker.packs),
                                 lang=lang, fail_on=fail_on)
    if result.error:
        fail(result.error)
    raise SystemExit(exit_code(summary))
