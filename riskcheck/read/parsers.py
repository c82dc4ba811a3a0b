"""The fixed set of value parsers a notice pattern may name (``parser: yen``): plain functions from the
matched text (already NFKC-normalised: ASCII digits) to a case value, or ``None`` when the text is not
a value of that kind. Patterns choose among these; no pattern runs code of its own."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988}
"""和暦: the Western year of an era's year 0 (令和元年 = 2019)."""
KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def kanji_number(text: str) -> int | None:
    """``三十二`` -> 32; ``None`` when ``text`` is not a kanji numeral below 10,000."""
    if not text or any(c not in KANJI_DIGITS and c not in KANJI_UNITS for c in text):
        return None
    total = digit = 0
    for char in text:
        if char in KANJI_DIGITS:
            digit = digit * 10 + KANJI_DIGITS[char]
        else:
            total += (digit or 1) * KANJI_UNITS[char]
            digit = 0
    return total + digit


def number(text: str) -> float | None:
    """The first number in ``text`` (commas allowed, kanji numerals too), or ``None``."""
    found = NUMBER.search(text)
    if found:
        return float(found.group().replace(",", ""))
    kanji = re.search(r"[〇一二三四五六七八九十百千]+", text)
    return float(value) if kanji and (value := kanji_number(kanji.group())) is not None else None


def yen(text: str) -> int | None:
    """``320,000`` ``32万`` ``32万5千`` ``32.5万`` ``1,200円`` -> whole yen."""
    text = text.replace(" ", "").replace("円", "")
    found = re.fullmatch(r"(?:(\d+(?:\.\d+)?)万)?(?:(\d+(?:\.\d+)?)千)?(\d{1,3}(?:,\d{3})+|\d+)?", text)
    if not found or not any(found.groups()):
        return None
    man, sen, rest = found.groups()
    total = float(man or 0) * 10_000 + float(sen or 0) * 1_000 + float((rest or "0").replace(",", ""))
    return int(round(total)) if total > 0 else None


def hours(text: str) -> float | None:
    """``30時間`` ``30.5`` ``30時間30分`` -> hours."""
    found = re.search(r"(\d+(?:\.\d+)?)\s*(?:時間)?(?:\s*(\d+)\s*分)?", text)
    if not found:
        return None
    return float(found.group(1)) + (int(found.group(2)) / 60 if found.group(2) else 0)


def minutes(text: str) -> int | None:
    """``60分`` ``1時間`` ``1時間30分`` ``60`` -> minutes."""
    if text.strip().isdigit():
        return int(text.strip())
    found = re.search(r"(?:(\d+)\s*時間)?\s*(?:(\d+)\s*分)?", text)
    if not found or not any(found.groups()):
        return None
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


def time_of_day(text: str) -> str | None:
    """``9時00分`` ``9:00`` ``18時`` ``午後6時`` -> ``HH:MM``."""
    found = re.search(r"(午前|午後)?\s*(\d{1,2})\s*(?:時|:)\s*(\d{1,2})?", text)
    if not found:
        return None
    hour, minute = int(found.group(2)), int(found.group(3) or 0)
    if found.group(1) == "午後" and hour < 12:
        hour += 12
    return f"{hour:02d}:{minute:02d}" if hour <= 30 and minute < 60 else None


def date_(text: str) -> str | None:
    """``令和7年4月1日`` ``R7.4.1`` ``2025年4月1日`` ``2025/4/1`` -> ISO date."""
    text = text.replace("元年", "1年").replace(" ", "")
    found = re.search(r"(令和|平成|昭和|[RH])(\d{1,2})[年.](\d{1,2})[月.](\d{1,2})", text)
    if found:
        year = ERAS[found.group(1)] + int(found.group(2))
        month, day = int(found.group(3)), int(found.group(4))
    else:
        found = re.search(r"(\d{4})[年/.-](\d{1,2})[月/.-](\d{1,2})", text)
        if not found:
            return None
        year, month, day = (int(g) for g in found.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def whole(text: str) -> int | None:
    value = number(text)
    return int(value) if value is not None and value == int(value) else None


def months(text: str) -> float | None:
    """``3か月`` ``3ヶ月`` ``三ヵ月`` ``2.5`` -> months; ``1年`` -> 12."""
    value = number(text)
    if value is None:
        return None
    return value * 12 if re.search(r"\d\s*年|[一二三四五六七八九十]年", text) and "月" not in text else value


def day_of_month(text: str) -> str | None:
    """``末日`` -> ``end``; ``翌月25日`` -> ``next month 25``; ``25日`` -> ``25``."""
    prefix = "next month " if "翌月" in text else ""
    if "末" in text:
        return prefix + "end"
    value = whole(text)
    return f"{prefix}{value}" if value is not None and 1 <= value <= 31 else None


def yes_no(text: str) -> str | None:
    """``有`` ``あり`` ``yes`` -> yes; ``無`` ``なし`` ``no`` -> no."""
    text = text.strip().lower()
    if re.fullmatch(r"(有|有り|あり|する|yes|支給する|対象)", text):
        return "yes"
    if re.fullmatch(r"(無|無し|なし|しない|no|支給しない|対象外)", text):
        return "no"
    return None


PAIRS = {"(": ")", "[": "]", "「": "」", "【": "】"}


def text_(text: str) -> str | None:
    """The matched text, trimmed of spaces, separators and unbalanced brackets; ``None`` when empty."""
    cleaned = re.sub(r"\s+", " ", text).strip(" :、,。")
    changed = True
    while cleaned and changed:
        changed = False
        for left, right in PAIRS.items():
            if cleaned.endswith(right) and cleaned.count(right) > cleaned.count(left):
                cleaned, changed = cleaned[:-1].strip(" :、,。"), True
            if cleaned.startswith(left) and cleaned.count(left) > cleaned.count(right):
                cleaned, changed = cleaned[1:].strip(" :、,。"), True
    return cleaned or None


PARSERS: dict[str, Callable[[str], Any]] = {
    "yen": yen, "hours": hours, "minutes": minutes, "time": time_of_day, "date": date_, "days": whole,
    "months": months, "years": whole, "day_of_month": day_of_month, "yes_no": yes_no, "text": text_,
}
"""Parser name -> function; ``allowance`` and ``repayment`` items build list entries from the named groups."""
