"""The evaluation options, as one object: click's context object for ``check`` and ``audit``.

``evaluation_options`` adds ``--rules --no-default-rules --lang --fail-on --waivers --redact
--today`` to a command and hands it an ``Options`` (also ``ctx.obj``, where the error boundary in
``riskcheck/cli/__init__.py`` finds the language). ``Options(...).checker()`` builds the Checker;
tests build one the same way, by keyword.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, NoReturn

import click

from riskcheck.errors import RiskcheckError
from riskcheck.i18n import languages, text
from riskcheck.language import default_lang
from riskcheck.vocabulary import SEVERITIES

if TYPE_CHECKING:
    from riskcheck.evaluate import Checker

__all__ = ["Options", "default_lang", "evaluation_options", "fail", "make_checker"]


@dataclass
class Options:
    """What a command evaluating cases was asked for (picklable: ``audit``'s workers build their own
    Checker from it)."""

    rules: tuple[str, ...] = ()
    default_rules: bool = True
    lang: str = field(default_factory=default_lang)
    fail_on: str = "high"
    waivers_file: str | None = None
    redact: bool = False
    today: date | None = None
    loaded: Any = field(default=None, init=False, repr=False, compare=False)
    """The packs, waivers and date the first ``checker()`` loaded: an ``audit`` worker forked from the
    supervisor builds its Checker from them instead of reading and checking every pack again."""

    def checker(self) -> Checker:
        """Load the packs and waivers and compile them into a Checker; a problem raises RiskcheckError."""
        from riskcheck.evaluate import Checker

        if self.loaded is None:
            from riskcheck.rulepack import load_packs, pack_paths
            from riskcheck.waivers import load_waivers

            packs = load_packs(pack_paths(list(self.rules), self.default_rules), self.lang)
            if not packs:
                raise RiskcheckError(text("cli.no_packs", self.lang))
            waivers = load_waivers(self.waivers_file) if self.waivers_file else []
            self.loaded = packs, waivers, self.today or date.today()
        packs, waivers, today = self.loaded
        return Checker(packs, lang=self.lang, extra_waivers=waivers, today=today, redact=self.redact)

    def __getstate__(self) -> dict[str, Any]:
        """What a spawned worker receives: the options without what they loaded (it loads them itself)."""
        return {**self.__dict__, "loaded": None}


def lang_option(help: str = "Language of messages and questions.") -> Callable[..., Any]:
    """``--lang``: the catalogue's languages, the locale's by default."""
    return click.option("--lang", type=click.Choice(list(languages())), default=default_lang,
                        show_default="from locale", help=help)


def evaluation_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the evaluation options to a command; it receives them as its first argument, an ``Options``."""

    @functools.wraps(func)
    def command(*args: Any, rules: tuple[str, ...], no_default_rules: bool, lang: str, fail_on: str,
                waivers_file: str | None, redact: bool, today: datetime | None, **kwargs: Any) -> Any:
        options = click.get_current_context().ensure_object(Options)
        options.rules, options.default_rules, options.lang = rules, not no_default_rules, lang
        options.fail_on, options.waivers_file, options.redact = fail_on, waivers_file, redact
        options.today = today.date() if today else None
        return func(options, *args, **kwargs)

    decorators = [
        click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
                     help="Extra rule pack (file or directory); repeatable."),
        click.option("--no-default-rules", is_flag=True, help="Do not load the shipped rule packs."),
        lang_option(),
        click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
                     help="Lowest severity that makes the exit code 1."),
        click.option("--waivers", "waivers_file", type=click.Path(exists=True, dir_okay=False),
                     help="YAML file of accepted risks (waivers)."),
        click.option("--redact", is_flag=True, help="Leave names and free text out of the output."),
        click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Date waivers are checked against (default: today)."),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), command)


def make_checker(rules: tuple[str, ...] = (), no_default_rules: bool = False, lang: str | None = None,
                 waivers_file: str | None = None, redact: bool = False, today: Any = None) -> Checker:
    """``Options(...).checker()`` under the old argument list (kept for ``riskcheck init``); new code and
    tests use ``Options``."""
    day = today.date() if isinstance(today, datetime) else today
    return Options(tuple(rules), not no_default_rules, lang or default_lang(), "high", waivers_file, redact,
                   day).checker()


def fail(exc: RiskcheckError | str) -> NoReturn:
    """Stop with a user-facing error: the CLI's error boundary prints it (one line per problem), exit 2."""
    raise exc if isinstance(exc, RiskcheckError) else RiskcheckError(str(exc))

