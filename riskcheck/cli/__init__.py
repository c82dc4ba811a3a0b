"""The ``riskcheck`` command line: thin click commands over the library.

Each command's module is imported only when that command runs, so ``riskcheck check`` does not
pay for the batch runner, the interview or the pack tooling (click's "lazy loading" pattern).
"""

from __future__ import annotations

import importlib

import click

from riskcheck import __version__

COMMANDS = {
    "init": "riskcheck.cli.init:init",
    "check": "riskcheck.cli.check:check",
    "audit": "riskcheck.cli.audit:audit",
    "template": "riskcheck.cli.template:template",
    "validate": "riskcheck.cli.packs:validate",
    "test": "riskcheck.cli.packs:test_command",
    "schema": "riskcheck.cli.packs:schema",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, listed in the order of COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="riskcheck")
def main() -> None:
    """Lists the confirmations still missing before a job offer is accepted.

    Start with: riskcheck init my-offer.yaml, then riskcheck check my-offer.yaml
    """
