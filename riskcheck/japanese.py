"""Japanese values, wherever a case is read: one normalisation layer in front of the case model.

A candidate writes what they were told: ``部長``, ``内定受領後``, ``はい``, ``42万円``, ``令和9年2月1日``.
The case model (``riskcheck/case.py``) keeps its codes; its field types carry the converters below
as pydantic ``BeforeValidator``s, so YAML, JSON and CSV rows (all validated by the same model) accept
the same words, and a case written in codes and the same case written in Japanese are the same case.

* Closed vocabularies (``vocabulary``): the code itself (also ``Department Head``), each language's
  catalogue label and its parts (``部長・事業部長`` gives ``部長`` and ``事業部長``), and the common
  words of ``SYNONYMS``. Text is compared after NFKC (full-width letters and digits are plain ones),
  without spaces and case. A word two codes of one vocabulary share is accepted for neither.
* Yes / no / unknown (``yes_no``), true / false (``flag``): はい・いいえ・不明 and their kin.
* Amounts of yen (``amount``): ``42万円``, ``680万``, ``1,300円``, ``¥300,000``, ``1億2000万円``.
* Numbers with a unit (``number``): ``3か月``, ``45時間``, ``35歳``, full-width ``３``.
* Dates (``date``): ``2027/02/01``, ``2027.2.1``, ``2027年2月1日``, ``令和9年2月1日``, ``R9.2.1``.

A value these cannot read is passed on unchanged, so the model's own error (in the catalogue's
words, with an example) names it. ``Accepts`` documents the accepted words in the JSON Schema.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any, Callable, get_args

SYNONYMS: dict[str, tuple[str, ...]] = {
    # roles
    "executive": ("社長", "代表", "代表取締役", "取締役", "CEO", "CTO", "経営者"),
    "department_head": ("本部長", "事業部長", "部門長"),
    "section_manager": ("マネージャー", "マネジャー", "上長", "上司", "現場の上司", "配属先の上司", "チームリーダー"),
    "hr": ("人事部", "人事担当", "人事担当者", "採用担当", "採用担当者"),
    "recruiter": ("採用面接官",),
    "agent": ("エージェント", "人材紹介", "人材紹介会社", "キャリアアドバイザー"),
    "team_member": ("メンバー", "同僚", "現場社員"),
    # stages
    "casual": ("カジュアル面談", "面談"),
    "first_interview": ("1次面接", "一次"),
    "second_interview": ("2次面接", "二次"),
    "final_interview": ("役員面接", "最終"),
    "offer_meeting": ("条件面談", "オファー面談"),
    "offer_received": ("内定後", "内定受領", "内定通知受領後"),
    "accepted": ("内定承諾", "承諾後", "承諾済み"),
    # employment types
    "regular": ("正社員", "正規雇用", "無期雇用"),
    "contract": ("契約社員", "有期雇用", "有期契約"),
    "dispatch": ("派遣", "派遣社員"),
    "part_time": ("パート", "アルバイト"),
    # document kinds and channels
    "job_posting": ("求人", "募集要項", "求人広告"),
    "offer_letter": ("オファーレター", "採用通知書", "内定通知"),
    "labor_conditions_notice": ("労働条件通知", "雇用条件通知書", "労働条件明示書"),
    "employment_contract": ("労働契約書", "雇用契約"),
    "work_rules": ("就業規則",),
    "email": ("Eメール", "電子メール", "e-mail"),
    "verbal": ("口頭", "電話", "対面"),
    "chat": ("チャット", "Slack", "LINE"),
    "document": ("書面", "文書", "紙"),
    # topics
    "salary": ("月給", "給料", "賃金"),
    "bonus": ("ボーナス",),
    "overtime": ("残業代",),
    "working_hours": ("勤務時間", "就業時間"),
    "holidays": ("休日", "休暇", "有給"),
    "location": ("勤務地",),
    "remote": ("在宅勤務", "テレワーク", "リモート"),
    "evaluation": ("評価",),
    "total_compensation": ("年収",),
    "duties": ("仕事内容", "職務内容"),
    "assignment": ("配属",),
    "authority": ("権限",),
    # bonus basis, overtime scheme, relocation, side jobs, repayment, income parts
    "guaranteed": ("保証", "保証あり", "確約"),
    "formula": ("算定式",),
    "past_record": ("過去実績", "実績"),
    "discretionary": ("裁量労働制", "会社裁量"),
    "manager_exempt": ("管理監督者", "管理職"),
    "actual_hours": ("実労働時間", "全額支給"),
    "deemed": ("みなし労働時間制", "事業場外みなし"),
    "within_commute": ("通勤圏内",),
    "possible": ("転勤あり", "転勤の可能性"),
    "nationwide": ("全国", "全国転勤"),
    "overseas": ("海外", "海外転勤"),
    "allowed": ("可能", "OK", "容認"),
    "with_permission": ("届出制", "申請制"),
    "prohibited": ("不可", "NG"),
    "relocation": ("引越し費用", "引っ越し費用", "転居"),
    "signing_bonus": ("サインオンボーナス", "一時金"),
    "overtime_estimate": ("見込み残業代", "残業代見込み"),
    # answers
    "yes": ("はい", "有", "有り", "あり"),
    "no": ("いいえ", "無", "無し", "なし"),
    "unknown": ("わからない", "分からない", "わかりません", "?", "不明"),
}
"""Words people use for a code, beyond its catalogue labels (any vocabulary holding the code accepts them)."""

YES = ("はい", "あり", "有", "有り", "済", "済み", "確認済み", "〇", "○", "yes", "true", "y", "on")
NO = ("いいえ", "なし", "無", "無し", "未", "未確認", "×", "✕", "no", "false", "n", "off")
UNKNOWN = ("不明", "わからない", "分からない", "わかりません", "?", "unknown")
NOT_RECEIVED = ("未受領", "まだ", "受け取っていない", "未", "なし", "いいえ")
ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926, "r": 2019, "h": 1989, "s": 1926}
"""First year of each era: 令和1年 (元年) is 2019."""


def key(value: str) -> str:
    """A word as compared: NFKC (full-width to plain), lower case, no spaces, hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", value).strip().lower()).strip("_")


def _plain(value: str) -> str:
    """NFKC without spaces, commas (as thousands separators) and case: ``４２万 円`` -> ``42万円``."""
    return re.sub(r"[\s,、]", "", unicodedata.normalize("NFKC", value)).lower()


# --- closed vocabularies ------------------------------------------------------------------------------

def vocabulary(literal: Any) -> Callable[[Any], Any]:
    """The converter for a ``Literal`` vocabulary: a known word becomes its code; anything else passes."""
    codes = frozenset(get_args(literal))

    def convert(value: Any) -> Any:
        if not isinstance(value, str) or value in codes:
            return value
        return words_of(literal).get(key(value), value)
    return convert


@cache
def words_of(literal: Any) -> dict[str, str]:
    """Accepted word (as compared) -> code, for one vocabulary; ambiguous words left out."""
    from riskcheck.i18n import languages
    from riskcheck.vocabulary import label

    found: dict[str, set[str]] = {}
    for code in get_args(literal):
        names = [code, *SYNONYMS.get(code, ())]
        for lang in languages():
            shown = label(code, lang)
            names.append(shown)
            names.extend(re.split(r"[・、/／()（）]", shown))
        for name in names:
            if key(name):
                found.setdefault(key(name), set()).add(code)
    return {word: next(iter(codes)) for word, codes in found.items() if len(codes) == 1}


def display_words(literal: Any) -> list[str]:
    """The words a vocabulary accepts besides its codes, as people write them (for the JSON Schema)."""
    from riskcheck.i18n import languages
    from riskcheck.vocabulary import label

    accepted = words_of(literal)
    shown: list[str] = []
    for code in get_args(literal):
        for name in [*(label(code, lang) for lang in languages() if lang != "en"), *SYNONYMS.get(code, ())]:
            for word in [name, *re.split(r"[・、/／()（）]", name)]:
                word = word.strip()
                if word and word != code and accepted.get(key(word)) == code and word not in shown:
                    shown.append(word)
    return shown


# --- answers ------------------------------------------------------------------------------------------

@cache
def _answers() -> dict[str, str]:
    """Word (as compared) -> ``yes`` / ``no`` / ``unknown``."""
    return {key(word): answer for answer, words in (("yes", YES), ("no", NO), ("unknown", UNKNOWN)) for word in words}


def yes_no(value: Any) -> Any:
    """``yes`` / ``no`` / ``unknown`` from はい・いいえ・不明 and YAML 1.1's booleans (``yes`` reads as true)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value not in ("yes", "no", "unknown"):
        return _answers().get(key(value), value)
    return value


def flag(value: Any) -> Any:
    """True / false from はい・いいえ; 不明 is false, where false means "not checked" or "not in writing"."""
    answer = yes_no(value) if isinstance(value, str) else value
    return {"yes": True, "no": False, "unknown": False}.get(answer, value) if isinstance(answer, str) else value


def maybe_flag(value: Any) -> Any:
    """True / false / none (unknown) from はい・いいえ・不明."""
    answer = yes_no(value) if isinstance(value, str) else value
    return {"yes": True, "no": False, "unknown": None}.get(answer, value) if isinstance(answer, str) else value


# --- amounts and numbers --------------------------------------------------------------------------------

_AMOUNT = r"^(?:¥|\\|jpy)?(?:(\d+(?:\.\d+)?)億)?(?:(\d+(?:\.\d+)?)万)?(?:(\d+(?:\.\d+)?)千)?(\d+)?(?:円|jpy)?$"
"""Patterns are kept as text: ``re`` compiles (and caches) them on first use, not at start-up."""


def amount(value: Any) -> Any:
    """Yen from ``42万円``, ``680万``, ``1,300円``, ``¥300,000``, ``1億2000万円``, ``１２０万``."""
    if not isinstance(value, str):
        return value
    match = re.match(_AMOUNT, _plain(value))
    if not match or not any(match.groups()):
        return value
    oku, man, sen, rest = (float(part) if part else 0 for part in match.groups())
    yen = oku * 100_000_000 + man * 10_000 + sen * 1_000 + rest
    return int(yen) if yen == int(yen) else value


_NUMBER = (r"^(\d+(?:\.\d+)?)(?:か月|ヶ月|カ月|ケ月|ヵ月|箇月|ヶ月間|か月間|ヵ月分|か月分|ヶ月分|ヵ月|月分|月|"
                     r"時間|h|hours?|歳|才|年|years?|months?)?$")


def number(value: Any) -> Any:
    """A number from ``3か月``, ``45時間``, ``35歳``, ``2年``, full-width ``３``; else unchanged."""
    if not isinstance(value, str):
        return value
    match = re.match(_NUMBER, _plain(value))
    if not match:
        return value
    found = float(match.group(1))
    return int(found) if found == int(found) and "." not in match.group(1) else found


# --- dates ------------------------------------------------------------------------------------------------

_DATE = r"^(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$"
_ERA = r"^(令和|平成|昭和|r|h|s)(\d{1,2}|元)[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$"


def date(value: Any) -> Any:
    """``2027-02-01`` from ``2027/02/01``, ``2027.2.1``, ``2027年2月1日``, ``令和9年2月1日``, ``R9.2.1``
    (the model then checks it is a real day)."""
    if not isinstance(value, str) or _is_iso(value):
        return value
    plain = _plain(value)
    match = re.match(_DATE, plain)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = re.match(_ERA, plain)
        if not match:
            return value
        era, year_text, month_text, day_text = match.groups()
        year = ERAS[era] + (1 if year_text == "元" else int(year_text)) - 1
        month, day = int(month_text), int(day_text)
    return f"{year:04d}-{month:02d}-{day:02d}"


@cache
def _not_received() -> frozenset[str]:
    return frozenset(map(key, NOT_RECEIVED))


def received(value: Any) -> Any:
    """A document's ``received``: a date, or false (未受領, まだ) for not yet."""
    if isinstance(value, str) and not _is_iso(value) and key(value) in _not_received():
        return False
    return date(value)


def _is_iso(value: str) -> bool:
    """``2027-02-01`` as written in the format: nothing to convert (the common case, checked first)."""
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit()


class Accepts:
    """JSON Schema of a field that also takes Japanese: the model's own schema, or one of ``alternative``."""

    def __init__(self, alternative: Callable[[], dict[str, Any]]):
        self.alternative = alternative

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [handler(core_schema), self.alternative()]}


def words_schema(literal: Any) -> Accepts:
    return Accepts(lambda: {"enum": display_words(literal),
                            "description": "The same values in Japanese (or in any language of the catalogue)."})


AMOUNT_SCHEMA = Accepts(lambda: {"type": "string", "pattern": r"^[¥￥]?[0-9０-９,，.億万千]+円?$",
                                 "examples": ["42万円", "680万", "1,300円"]})
NUMBER_SCHEMA = Accepts(lambda: {"type": "string", "examples": ["3か月", "45時間", "３"]})
DATE_SCHEMA = Accepts(lambda: {"type": "string", "examples": ["2027/02/01", "2027年2月1日", "令和9年2月1日"]})
ANSWER_SCHEMA = Accepts(lambda: {"enum": [word for word in (*YES, *NO, *UNKNOWN) if not word.isascii()]})
