"""``riskcheck check``: one case, the confirmations still missing."""

from __future__ import annotations

import click

from riskcheck.cli.options import Options, evaluation_options
from riskcheck.errors import RiskcheckError
from riskcheck.output import open_output
from riskcheck.render import formats, render_entries
from riskcheck.report import exit_code, packs_entry

FORMATS = formats("check")
"""The views ``check`` offers of its one-case report: ``markdown`` and ``html`` are the question sheet."""


@click.command()
@click.argument("case_file", type=click.Path(allow_dash=False))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of stdout (as '>' would, but never half-written).")
@evaluation_options
def check(options: Options, case_file: str, fmt: str, output: str | None) -> None:
    """Check one case file (YAML or JSON) and list the confirmations still missing.

    Exit code: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input or an
    unwritable -o, 3 internal error.
    """
    checker = options.checker()
    result = checker.check_file(case_file)
    with open_output(output) as out:
        summary = render_entries(FORMATS[fmt], out, [result.to_dict(options.fail_on)],
                                 packs=packs_entry(checker.packs), lang=options.lang, fail_on=options.fail_on)
    if result.error:
        raise RiskcheckError(result.error)
    raise SystemExit(exit_code(summary))
