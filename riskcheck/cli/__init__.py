"""The ``riskcheck`` command line: thin click commands over the library, behind one error boundary.

Each command's module is imported only when that command runs, so ``riskcheck check`` does not
pay for the batch runner, the interview or the pack tooling (click's "lazy loading" pattern).

``RiskcheckGroup.main`` is the one place where anything that stops a command becomes its single
line and exit code (``riskcheck/errors.py`` lists the codes): a ``RiskcheckError`` (exit 2), a
usage error (2), stdout that cannot be written (``> /dev/full``: 2), a signal (``Interrupted``,
128 + its number), a closed stdout pipe (141, quietly), and any other exception, which is a bug
(3; its traceback only with ``RISKCHECK_DEBUG=1``). Commands raise,
they do not print errors or exit on their own. Messages are in ``--lang`` if given, else the
locale's language.

The group also sets what holds for every command: click's context object is the evaluation
``Options`` (``riskcheck/cli/options.py``); ``TERM=dumb`` or ``NO_COLOR`` means no colour; shell
completion answers to ``_RISKCHECK_COMPLETE`` (``eval "$(_RISKCHECK_COMPLETE=bash_source riskcheck)"``).
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
import sys
import traceback
from typing import Any, Sequence

import click

from riskcheck import __version__
from riskcheck.cli.options import Options
from riskcheck.errors import (DEBUG_ENV, EXIT_INTERNAL, EXIT_SIGNAL_BASE, Interrupted, OutputError, RiskcheckError,
                              interrupted_by)
from riskcheck.i18n import text
from riskcheck.language import cli_lang
from riskcheck.streams import standard_streams

PROG = "riskcheck"
"""The program's name, also in its completion variable ``_RISKCHECK_COMPLETE``."""
COMMANDS = {
    "init": "riskcheck.cli.init:init",
    "check": "riskcheck.cli.check:check",
    "audit": "riskcheck.cli.audit:audit",
    "template": "riskcheck.cli.template:template",
    "validate": "riskcheck.cli.packs:validate",
    "test": "riskcheck.cli.packs:test_command",
    "schema": "riskcheck.cli.packs:schema",
    "read": "riskcheck.cli.read:read",
    "serve": "riskcheck.cli.serve:serve",
}
STREAM_WRITE_ERRORS = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, name)}
EXIT_BROKEN_PIPE = EXIT_SIGNAL_BASE + 13
"""Whoever read stdout stopped (``riskcheck audit ... | head``): quietly, as SIGPIPE would end us."""


class RiskcheckGroup(click.Group):
    """The commands, imported on first use and listed in the order of COMMANDS, and the error boundary."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Run a command line; every way it can end is one line (or none) and a documented exit code."""
        standard_streams()  # already done by riskcheck.__main__.run; again for anyone calling main() itself
        args = list(sys.argv[1:] if args is None else args)
        options = Options(lang=cli_lang(args))  # the command fills it in once its options are parsed
        extra.setdefault("obj", options)
        if os.environ.get("TERM") == "dumb" or os.environ.get("NO_COLOR"):
            extra.setdefault("color", False)
        try:
            code = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            _usage_error(exc, options.lang)
            code = exc.exit_code
        except click.Abort:  # end of input at a prompt
            say(text("cli.aborted", options.lang))
            code = EXIT_SIGNAL_BASE + signal.SIGINT
        except RiskcheckError as exc:
            for line in exc.render(options.lang, options.redact).splitlines() or [""]:
                say(text("cli.error", options.lang, message=line))
            code = exc.exit_code
        except Interrupted as exc:
            report_interrupted(exc, options.lang)
            code = exc.exit_code
        except Exception as exc:  # a bug: one line, and a code CI cannot mistake for "findings"
            signalled = interrupted_by()
            if signalled is not None:  # a signal that library code turned into another error
                report_interrupted(signalled, options.lang)
                code = signalled.exit_code
            else:
                if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
                    traceback.print_exc()
                detail = (type(exc).__name__ if options.redact
                          else f"{type(exc).__name__}: {' '.join(str(exc).split())}")
                say(text("cli.internal_error", options.lang, error=detail[:500]))
                code = EXIT_INTERNAL
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            # writing to a stream (stdout on a full disk, ``> /dev/full``) fails without a file name;
            # ``-o`` files have their own OutputError already
            if exc.filename is not None or exc.errno not in STREAM_WRITE_ERRORS:
                raise
            _silence_stdout()
            raise OutputError("stdout", exc) from None


def say(line: str) -> None:
    """One line on stderr; nothing if stderr itself cannot be written."""
    try:
        click.echo(line, err=True)
    except (OSError, ValueError):
        pass


def report_interrupted(exc: Interrupted, lang: str) -> None:
    """The one line for a signal; a terminal's ``^C`` echo is closed first."""
    try:
        if sys.stderr.isatty():
            click.echo(err=True)
    except (OSError, ValueError, AttributeError):
        pass
    if exc.unwritten:
        say(text("cli.interrupted_unwritten", lang, signal=exc.name, path=exc.unwritten))
    else:
        say(text("cli.interrupted", lang, signal=exc.name))


def _usage_error(exc: click.ClickException, lang: str) -> None:
    """click's usage and hint (help text stays English), then our error line."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n"
        try:
            click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
        except (OSError, ValueError):
            pass
    say(text("cli.error", lang, message=exc.format_message()))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=RiskcheckGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name=PROG)
def main() -> None:
    """Lists the confirmations still missing before a job offer is accepted.

    Start with: riskcheck init my-offer.yaml, then riskcheck check my-offer.yaml

    \b
    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
    2 bad input or options, 3 internal error (a bug; RISKCHECK_DEBUG=1 shows the traceback),
    130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
    """

