"""Which language to speak to the user: ``--lang`` if given, else the locale.

Kept apart from the CLI (no click import), so even a Ctrl-C while riskcheck is still starting is
reported in the user's language.
"""

from __future__ import annotations

import os
from typing import Sequence

from riskcheck.i18n import FALLBACK, languages

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Consulted in this order, as gettext does: ``LANGUAGE`` (a ``:``-separated list of preferences)
first, then the locale's own variables; the first that names a language riskcheck speaks wins."""


def default_lang() -> str:
    """The locale's language (``ja_JP.UTF-8`` -> ``ja``) if riskcheck has it, else English."""
    for name in LOCALE_VARIABLES:
        for value in os.environ.get(name, "").split(":"):
            code = value.split("_")[0].split(".")[0].split("@")[0].lower()
            if code in languages():
                return code
            if value and name != "LANGUAGE":  # the locale is set, to a language riskcheck lacks
                return FALLBACK
    return FALLBACK


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
