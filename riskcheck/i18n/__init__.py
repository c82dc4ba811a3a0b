"""The message catalogue: every word a user sees, once per language.

Each language is one module beside this file (``ja.py``, ``en.py``) holding ``MESSAGES``, a flat
dict from a dotted key (``load.not_utf8``, ``sheet.title``, ``label.department_head``) to a
``str.format`` template. The languages riskcheck offers are the modules found here whose name is
a language code, so adding a language is adding one file (plus the pack's texts). English is the
fallback for a key a language does not have yet; ``tests/test_i18n.py`` keeps the catalogues
complete.

    from riskcheck.i18n import text
    text("load.not_found", "ja")

An error that quotes what the user typed keeps the quoted values apart (``Message``), so the same
error can be shown in any language, and without the values under ``--redact``.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import cache
from typing import Any

FALLBACK = "en"
_CODE = r"^[a-z]{2,3}(?:_[A-Z]{2})?\.py$"
"""A catalogue module's file name: a language code (``ja.py``, ``pt_BR.py``), not a helper module."""


@cache
def languages() -> tuple[str, ...]:
    """The catalogue's languages, Japanese first (the product's first language), then by code."""
    found = [name[:-3] for name in os.listdir(os.path.dirname(__file__)) if re.match(_CODE, name)]
    return tuple(sorted(found, key=lambda code: (code != "ja", code)))


@cache
def messages(lang: str) -> dict[str, str]:
    """One language's catalogue (``KeyError``-free: an unknown language is English)."""
    if lang not in languages():
        lang = FALLBACK
    catalogue: dict[str, str] = importlib.import_module(f"{__name__}.{lang}").MESSAGES
    return catalogue


def text(key: str, lang: str, /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` with ``fields`` filled in (English when the language lacks it)."""
    template = messages(lang).get(key)
    if template is None:
        template = messages(FALLBACK)[key]
    return template.format(**fields)


def has(key: str, lang: str = FALLBACK) -> bool:
    """Whether the catalogue has ``key`` (in ``lang``, or in English)."""
    return key in messages(lang) or key in messages(FALLBACK)


def default_language(environ: Any = None) -> str:
    """The user's language from the environment, as gettext reads it: ``LANGUAGE`` (a ``:`` list),
    then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; the first that names a catalogue language, else English."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in (env.get(name) or "").split(":"):
            code = value.split(".")[0].split("@")[0]
            for candidate in (code, code.split("_")[0]):
                if candidate in languages():
                    return candidate
            if value and name != "LANGUAGE":
                return FALLBACK  # a locale is set (C, POSIX, de_DE...): not one of ours
    return FALLBACK


class Message:
    """A catalogue message not yet put into words: its key and its fields.

    Fields named in ``private`` hold what the user typed (a value, a key, a person id); ``render``
    with ``redact`` shows a placeholder instead. A field may itself be a ``Message`` (a hint), or any
    object with ``render(lang, redact)``.
    """

    __slots__ = ("key", "fields", "private")

    def __init__(self, key: str, private: tuple[str, ...] = (), /, **fields: Any):
        self.key = key
        self.fields = fields
        self.private = private

    def render(self, lang: str, redact: bool = False) -> str:
        values = {}
        for name, value in self.fields.items():
            if redact and name in self.private:
                value = text("value.redacted", lang)
            elif hasattr(value, "render"):  # a Message, or words built at render time (validation.Choices)
                value = value.render(lang, redact)
            values[name] = value
        return text(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render(FALLBACK)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.fields!r})"
