"""Notice patterns ready to run: plain objects with compiled expressions, built from a patterns file's
data. No pydantic here, so ``riskcheck read`` starts without the case model; the schema and every check
live in ``patterns`` (run by ``riskcheck validate``, and for any patterns file given with ``--patterns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PATTERNS_FILE = Path("notice") / "patterns.yaml"
LIST_FIELDS = {"terms.allowances": "allowance", "terms.repayment": "repayment"}
"""List fields of the case and the one parser each takes (entries built from named groups)."""
LIMITS: dict[str, float] = {"yen": 10**12, "months": 120, "hours": 744, "minutes": 1440, "days": 366, "years": 150,
                            "terms.retirement_allowance.min_years": 60}
"""The largest value a parser may give (per field where the case is stricter): the case model's bounds, so
a value read is one the case accepts (tests/test_read.py holds these to riskcheck/case.py)."""


@dataclass(frozen=True)
class Pattern:
    match: re.Pattern[str]
    value: Any = None
    unless: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Item:
    field: str
    topic: str
    parser: str
    headings: list[re.Pattern[str]]
    within: int
    patterns: list[Pattern]


@dataclass(frozen=True)
class Required:
    item: str
    any_of: tuple[str, ...]
    only_if: tuple[tuple[str, Any], ...]
    not_if: tuple[tuple[str, Any], ...] = ()


@dataclass
class Compiled:
    kinds: list[tuple[str, list[re.Pattern[str]]]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    required: list[Required] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Compiled:
        """From a patterns file's data (already checked, or the shipped file)."""
        return cls(
            [(kind, [re.compile(r) for r in regexes]) for kind, regexes in (data.get("kinds") or {}).items()],
            [Item(i["field"], i["topic"], i["parser"], [re.compile(h) for h in i.get("headings") or []],
                  i.get("within") or 0,
                  [Pattern(re.compile(p["match"]), p.get("value"), re.compile(p["unless"]) if p.get("unless") else None)
                   for p in i["patterns"]]) for i in data.get("items") or []],
            [Required(r["item"], tuple(r["any_of"]), tuple((r.get("only_if") or {}).items()),
                      tuple((r.get("not_if") or {}).items()))
             for r in data.get("required") or []])


def shipped_patterns_path() -> Path:
    """The shipped pack's patterns: inside the installed package, or ``rules/`` of a source checkout."""
    from importlib import resources

    installed = Path(str(resources.files("riskcheck"))) / "rules"
    packs = installed if installed.is_dir() else Path(__file__).resolve().parent.parent.parent / "rules"
    return packs / "jp-offer" / PATTERNS_FILE


@cache
def load_patterns(path: str, checked: bool = True) -> Compiled:
    """A patterns file, compiled. ``checked``: first every check ``riskcheck validate`` makes (an invalid file
    is an InputError naming its first problem). The shipped file, checked by ``validate`` and the tests, is
    read as it is, which keeps ``riskcheck read`` from loading pydantic and the case model at all."""
    import yaml

    if checked:
        from riskcheck.read.patterns import pattern_problems

        problems = pattern_problems(path)
        if problems:
            raise problems[0]
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Compiled.from_data(data)
