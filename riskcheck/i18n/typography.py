"""Japanese (and English) typography for numbers in user-facing text, in one place.

Amounts in Japanese read in 万円 (``約176万円``, ``5.5万円``, ``1億2,000万円``), months as
``4か月``, ranges with a wave dash (``4〜6か月``); a range whose ends are equal is one number.
Dates read ``2027年5月1日``. English keeps ``JPY 1,760,000``, ``4-6 months`` and ``1 May 2027``. The placeholder filters of rule texts
(``riskcheck/findings.py``) and anything else that shows amounts use these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

MAN = 10_000
OKU = 100_000_000


def number(value: float) -> str:
    """``4`` for 4.0, ``0.5``, ``1,200``: no trailing ``.0``, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def yen(value: int, lang: str) -> str:
    """An amount of money: ``約176万円`` / ``5.5万円`` / ``8,000円`` in Japanese, ``JPY 1,760,000`` in English.

    Japanese shows whole 万 (or tenths of 万 below 100万) exactly and says 約 when it rounds.
    """
    if lang != "ja":
        return f"JPY {value:,}"
    sign, value = ("-", -value) if value < 0 else ("", value)
    if value < MAN:
        return f"{sign}{value:,}円"
    if value >= OKU:
        oku, rest = divmod(value, OKU)
        man = round(rest / MAN)
        exact = rest % MAN == 0
        body = f"{oku:,}億" + (f"{man:,}万" if man else "")
        return f"{sign}{'' if exact else '約'}{body}円"
    tenths = value / 1_000
    if value < 100 * MAN and tenths.is_integer():
        return f"{sign}{number(value / MAN)}万円"
    exact = value % MAN == 0
    return f"{sign}{'' if exact else '約'}{round(value / MAN):,}万円"


def months(value: float, lang: str) -> str:
    """A number of months: ``4か月``, ``0.5か月``; ``1 month``, ``4 months``."""
    if lang == "ja":
        return f"{number(value)}か月"
    return f"{number(value)} month" + ("" if value == 1 else "s")


def span(values: Sequence[float], lang: str) -> str:
    """A range of numbers: ``4〜6`` (Japanese), ``4-6`` (English); ``4`` when both ends are equal."""
    shown = [number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in values]
    if len(set(shown)) == 1:
        return shown[0]
    return ("〜" if lang == "ja" else "-").join(shown)


def day(value: str, lang: str) -> str:
    """An ISO date: ``2027年5月1日`` in Japanese, ``1 May 2027`` in English (other text as given)."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return value
    if lang == "ja":
        return f"{parsed.year}年{parsed.month}月{parsed.day}日"
    return f"{parsed.day} {parsed:%B} {parsed.year}"
