"""The ``riskcheck`` command line: thin click commands over the library."""

from __future__ import annotations

import click

from riskcheck import __version__
from riskcheck.cli.check import check


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="riskcheck")
def main() -> None:
    """Lists the confirmations still missing before a job offer is accepted.

    Start with: riskcheck check my-offer.yaml
    """


main.add_command(check)
