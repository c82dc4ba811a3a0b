"""Options shared by the commands that evaluate cases, and turning them into a Checker."""

from __future__ import annotations

import functools
import os
import sys
from datetime import date
from typing import Any, Callable, NoReturn

import click

from riskcheck.errors import RiskcheckError
from riskcheck.i18n import languages
from riskcheck.vocabulary import SEVERITIES


def default_lang() -> str:
    """``ja`` when the locale says Japanese, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def evaluation_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--rules --no-default-rules --lang --fail-on --waivers --redact --today``."""
    decorators = [
        click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
                     help="Extra rule pack (file or directory); repeatable."),
        click.option("--no-default-rules", is_flag=True, help="Do not load the shipped rule packs."),
        click.option("--lang", type=click.Choice(languages()), default=default_lang, show_default="from locale",
                     help="Language of messages and questions."),
        click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
                     help="Lowest severity that makes the exit code 1."),
        click.option("--waivers", "waivers_file", type=click.Path(exists=True, dir_okay=False),
                     help="YAML file of accepted risks (waivers)."),
        click.option("--redact", is_flag=True, help="Leave names and free text out of the output."),
        click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Date waivers are checked against (default: today)."),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), func)


def make_checker(rules: tuple[str, ...], no_default_rules: bool, lang: str, waivers_file: str | None,
                 redact: bool, today: Any) -> Any:
    """Load packs and waivers, compile them into a Checker; exits 2 with one line per problem."""
    from riskcheck.evaluate import Checker
    from riskcheck.rulepack import load_packs, pack_paths
    from riskcheck.waivers import load_waivers

    try:
        packs = load_packs(pack_paths(list(rules), not no_default_rules), lang)
        if not packs:
            raise RiskcheckError("no rule packs loaded (use --rules PATH, or drop --no-default-rules)")
        waivers = load_waivers(waivers_file) if waivers_file else []
        return Checker(packs, lang=lang, extra_waivers=waivers, today=today.date() if today else date.today(),
                       redact=redact)
    except RiskcheckError as exc:
        fail(exc)


def fail(exc: RiskcheckError | str) -> NoReturn:
    """Print a user-facing error (one line per problem) and exit 2."""
    for line in str(exc).splitlines() or [""]:
        click.echo(f"riskcheck: error: {line}", err=True)
    sys.exit(2)
