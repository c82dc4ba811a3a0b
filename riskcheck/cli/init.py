"""``riskcheck init``: write (or update) a case file by answering questions."""

from __future__ import annotations

import os
import sys

import click

from riskcheck.cli.options import default_lang, fail, make_checker
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import languages
from riskcheck.interview import confirm, interview, read_case, say, write_case
from riskcheck.output import open_output
from riskcheck.render import render_entries
from riskcheck.render.text import TextRenderer
from riskcheck.report import packs_entry


@click.command()
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(languages()), default=default_lang, show_default="from locale",
              help="Language of the questions and of the comments in the file.")
@click.option("--check/--no-check", "run_check", default=None,
              help="Check the offer when done (default: ask).")
def init(case_file: str, lang: str, run_check: bool | None) -> None:
    """Answer questions about your offer and write them to CASE_FILE (YAML).

    Run it again on the same file to update your answers: each earlier answer is
    filled in, press Enter to keep it.
    """
    existing = None
    if os.path.exists(case_file):
        try:
            existing = read_case(case_file)
        except RiskcheckError as exc:
            fail(exc)
        click.echo(say(lang, "rerun", path=case_file))
    case_id = os.path.splitext(os.path.basename(case_file))[0]
    case = interview(lang, existing, case_id)
    try:
        write_case(case_file, case, lang)
    except (RiskcheckError, OSError) as exc:
        fail(exc if isinstance(exc, RiskcheckError) else f"{case_file}: {exc.strerror or exc}")
    click.echo()
    click.secho(say(lang, "written", path=case_file), fg="green")
    if run_check is None:
        try:
            run_check = confirm(lang, "run_check", sys.stdin.isatty())
        except click.Abort:
            run_check = False
    if run_check:
        checker = make_checker((), False, lang, None, False, None)
        result = checker.check_file(case_file)
        click.echo()
        with open_output(None) as out:
            render_entries(TextRenderer, out, [result.to_dict("high")], packs=packs_entry(checker.packs),
                           lang=lang, fail_on="high")
    click.echo(say(lang, "next", path=case_file))
