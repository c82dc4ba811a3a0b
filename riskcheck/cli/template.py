"""``riskcheck template``: an input template for ``audit`` (CSV or xlsx), every column in order."""

from __future__ import annotations

import sys

import click

from riskcheck.cli.options import default_lang, fail
from riskcheck.i18n import languages, text


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True,
              help="CSV (UTF-8 with BOM) or an Excel workbook with drop-down lists and an explanation sheet.")
@click.option("--lang", type=click.Choice(list(languages())), default=default_lang, show_default="from locale",
              help="Language of the column headers and explanations (either is read back).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (required for xlsx; CSV "
              "goes to stdout without it).")
def template(fmt: str, lang: str, output: str | None) -> None:
    """Write a template for `riskcheck audit`: one column per case field, one example row.

    Fill one row per offer (Excel is fine), then: riskcheck audit FILE
    """
    from riskcheck.inputs import template as writer

    if output is None or output == "-":
        if fmt == "xlsx":
            fail(text("template.xlsx_needs_output", lang))
        sys.stdout.write(writer.csv_text(lang))
        return
    try:
        (writer.write_xlsx if fmt == "xlsx" else writer.write_csv)(output, lang)
    except OSError as exc:
        fail(text("template.cannot_write", lang, path=output, problem=exc.strerror or exc))
    click.echo(text("template.written", lang, path=output), err=True)
