"""Which language to speak to the user: ``--lang`` if given, else the locale.

Kept apart from the CLI (no click import), so even a Ctrl-C while riskcheck is still starting is
reported in the user's language.
"""

from __future__ import annotations

from typing import Sequence

from riskcheck.i18n import default_language, languages

def default_lang() -> str:
    """The locale's language (``LANGUAGE``, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) if riskcheck has it,
    else English: the catalogue's own reading of the environment."""
    return default_language()


def lang_in_args(args: Sequence[str]) -> str | None:
    """The ``--lang`` value in a command line not parsed yet (for errors that come before parsing)."""
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2] \
            if arg.startswith("--lang=") else None
        if value in languages():
            return value
    return None


def cli_lang(args: Sequence[str]) -> str:
    """The language of riskcheck's own messages for this command line."""
    return lang_in_args(args) or default_lang()
