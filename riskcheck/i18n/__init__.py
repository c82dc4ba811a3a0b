"""The message catalogue: every word a user sees, once per language.

Each language is one module beside this file (``ja.py``, ``en.py``) holding ``MESSAGES``, a flat
dict from a dotted key (``error.not_utf8``, ``report.heading.summary``, ``label.department_head``)
to a ``str.format`` template. The languages riskcheck offers are the modules found here, so adding
a language is adding one file (plus the pack's texts). English is the fallback for a key a
language does not have yet; ``tests/test_i18n.py`` keeps the catalogues complete.

    from riskcheck.i18n import text
    text("error.file_not_found", "ja", path=path)
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

FALLBACK = "en"


@cache
def languages() -> tuple[str, ...]:
    """The catalogue's languages, Japanese first (the product's first language), then by code."""
    found = [m.name for m in pkgutil.iter_modules(__path__) if len(m.name) <= 3]  # ja, en; not typography
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
    return template.format(**fields) if fields else template
