"""``riskcheck read``: what a written notice states, with the line of each value; optionally merged into a case."""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from riskcheck.cli.options import default_lang, fail

KINDS = ["labor_conditions_notice", "offer_letter", "employment_contract", "job_posting"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="What the document is (default: told from its title).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="yaml: a commented case fragment; json: document, terms, evidence, missing, conflicts.")
@click.option("--into", "case_file", type=click.Path(dir_okay=False),
              help="Merge into this case file (YAML): add the document, fill unknown terms, keep yours.")
@click.option("--patterns", "patterns", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra notice patterns file (tried before the shipped ones); repeatable.")
@click.option("--lang", type=click.Choice(["ja", "en"]), default=default_lang, show_default="from locale",
              help="Language of messages and comments.")
def read(file: str, kind: str | None, fmt: str, case_file: str | None, patterns: tuple[str, ...], lang: str) -> None:
    """Read a written notice (.txt, .pdf with a text layer, .docx) and print what it states.

    Every value comes with the document's line. --into merges it into a case; then run
    riskcheck check on the case to see where the notice differs from what you were told.

    Exit code: 0 read, 2 unreadable document or case.
    """
    from riskcheck.errors import RiskcheckError
    from riskcheck.i18n import text
    from riskcheck.read import read_document
    from riskcheck.read.render import as_json, as_yaml

    try:
        if case_file and os.path.splitext(case_file)[1].lower() not in (".yaml", ".yml"):
            raise RiskcheckError(f"{case_file}: {text('read.error.into_kind', lang)}")
        reading = read_document(file, kind, lang, patterns)
        conflicts = []
        if case_file:
            from riskcheck.read.merge import merge_into

            received = date.fromtimestamp(os.path.getmtime(file))
            merged = merge_into(case_file, reading, received)
            conflicts = merged.conflicts
    except RiskcheckError as exc:
        fail(exc)
    except OSError as exc:
        fail(f"{exc.filename or file}: {exc.strerror or exc}")
    output = as_json(reading, conflicts) if fmt == "json" else as_yaml(reading, conflicts, lang,
                                                                       os.path.basename(file))
    sys.stdout.write(output)
    if case_file:
        from riskcheck.vocabulary import label

        click.echo(text("read.into.done", lang, path=case_file, kind=label(str(reading.kind), lang),
                        filled=len(merged.filled), conflicts=len(conflicts)), err=True)
