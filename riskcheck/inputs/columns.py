"""The columns of a table input (CSV, xlsx): the one catalogue the readers, the template and the docs use.

Each column has a key (its English header, the case field it fills: ``offer.stage``,
``promise{n}.topic`` for a numbered group), a kind (how a cell becomes a value), the closed choices
of its vocabulary (from ``riskcheck/vocabulary.py``), and per language a header and a help text in
the message catalogue (``column.<key>.header`` and ``column.<key>.help``, ``{n}`` the group
number). A header in any catalogue language names the column; a new case field is one line here
plus its two catalogue entries per language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from riskcheck.i18n import languages, text
from riskcheck.vocabulary import (BonusBasis, Channel, DocumentKind, EmploymentType, IncomePart, OvertimeScheme,
                                  Relocation, Role, SideJobs, Stage, Topic, YesNoUnknown)

TEXT, INTEGER, YEN, NUMBER, DATE, BOOL, CHOICE, LIST, MONTHS_RANGE, DATE_OR_FALSE = (
    "text", "integer", "yen", "number", "date", "bool", "choice", "list", "months_range", "date_or_false")
LIST_SEPARATORS = re.compile(r"[;；]")
"""List cells (``salary;bonus``) are split on a semicolon, half- or full-width."""
GROUPS = {"person": "people", "promise": "promises", "document": "documents"}
"""Numbered column groups (``person1.role``) and the case list each fills."""
NOTE_PREFIXES = ("#", "メモ")
"""A column whose header starts with one of these holds notes: never read, never an error."""


@dataclass(frozen=True)
class Column:
    key: str
    """The English header and case path; ``{n}`` stands for a group's number."""
    kind: str
    choices: tuple[str, ...] = ()

    @property
    def group(self) -> str | None:
        head = self.key.split(".", 1)[0]
        return head.removesuffix("{n}") if head.endswith("{n}") else None

    def name(self, n: int | None = None) -> str:
        """The key of one concrete column: ``promise{n}.topic`` -> ``promise2.topic``."""
        return self.key.replace("{n}", str(n)) if self.group else self.key

    def header(self, lang: str, n: int | str | None = None) -> str:
        """The column's header in ``lang`` (``n`` fills a group's number; ``'{n}'`` keeps the placeholder)."""
        return text(f"column.{self.key.replace('{n}', '')}.header", lang, n=n if n is not None else 1)

    def help(self, lang: str) -> str:
        return text(f"column.{self.key.replace('{n}', '')}.help", lang, n="{n}")  # the group number stays a placeholder


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


COLUMNS: tuple[Column, ...] = (
    Column("id", TEXT),
    Column("riskcheck", INTEGER),
    Column("offer.company", TEXT),
    Column("offer.position", TEXT),
    Column("offer.employment_type", CHOICE, _choices(EmploymentType)),
    Column("offer.stage", CHOICE, _choices(Stage)),
    Column("offer.acceptance_deadline", DATE),
    Column("offer.start_date", DATE),
    Column("offer.asked_to_decline_others", BOOL),
    Column("candidate.current_annual_income", YEN),
    Column("candidate.age", INTEGER),
    Column("candidate.reads", LIST),
    Column("candidate.earliest_start", DATE),
    Column("person{n}.id", TEXT),
    Column("person{n}.role", CHOICE, _choices(Role)),
    Column("person{n}.name", TEXT),
    Column("person{n}.assigns_work", BOOL),
    Column("person{n}.decides_pay", BOOL),
    Column("promise{n}.topic", CHOICE, _choices(Topic)),
    Column("promise{n}.said", TEXT),
    Column("promise{n}.by", TEXT),
    Column("promise{n}.source", CHOICE, _choices(DocumentKind)),
    Column("promise{n}.stage", CHOICE, _choices(Stage)),
    Column("promise{n}.channel", CHOICE, _choices(Channel)),
    Column("promise{n}.in_writing", BOOL),
    Column("promise{n}.confirmed_by", LIST),
    Column("document{n}.kind", CHOICE, _choices(DocumentKind)),
    Column("document{n}.received", DATE_OR_FALSE),
    Column("document{n}.covers", LIST, _choices(Topic)),
    Column("document{n}.language", TEXT),
    Column("terms.monthly_salary", YEN),
    Column("terms.hourly_wage", YEN),
    Column("terms.bonus.basis", CHOICE, _choices(BonusBasis)),
    Column("terms.bonus.guaranteed_months", NUMBER),
    Column("terms.bonus.stated_months", MONTHS_RANGE),
    Column("terms.bonus.in_writing", BOOL),
    Column("terms.overtime.scheme", CHOICE, _choices(OvertimeScheme)),
    Column("terms.overtime.fixed_hours", NUMBER),
    Column("terms.overtime.fixed_amount", YEN),
    Column("terms.overtime.excess_paid", CHOICE, _choices(YesNoUnknown)),
    Column("terms.overtime.clause_checked", BOOL),
    Column("terms.overtime.typical_hours", NUMBER),
    Column("terms.probation.months", NUMBER),
    Column("terms.probation.conditions_differ", CHOICE, _choices(YesNoUnknown)),
    Column("terms.location.initial", TEXT),
    Column("terms.location.change_scope", TEXT),
    Column("terms.location.relocation", CHOICE, _choices(Relocation)),
    Column("terms.duties.initial", TEXT),
    Column("terms.duties.change_scope", TEXT),
    Column("terms.contract.ends", DATE),
    Column("terms.contract.renewal_criteria", TEXT),
    Column("terms.contract.renewal_cap", TEXT),
    Column("terms.remote.policy", TEXT),
    Column("terms.quoted_annual_income.amount", YEN),
    Column("terms.quoted_annual_income.includes", LIST, _choices(IncomePart)),
    Column("terms.side_jobs", CHOICE, _choices(SideJobs)),
    Column("terms.retirement_allowance.exists", CHOICE, _choices(YesNoUnknown)),
    Column("terms.retirement_allowance.min_years", NUMBER),
)
"""Every column, in the template's order (groups are repeated there ``TEMPLATE_GROUPS`` times)."""

TEMPLATE_GROUPS = {"person": 2, "promise": 3, "document": 2}
"""How many numbered groups the template offers (more may be added: ``promise4.topic`` ...)."""


def normalize(header: str) -> str:
    """A header as compared: NFKC (full-width letters and digits are plain), spaces gone, case folded."""
    return "".join(unicodedata.normalize("NFKC", header).split()).casefold()


def is_note(header: str) -> bool:
    return unicodedata.normalize("NFKC", header).strip().startswith(NOTE_PREFIXES)


@cache
def _patterns() -> tuple[dict[str, tuple[Column, None]], list[tuple[re.Pattern[str], Column]]]:
    """Headers of every catalogue language: plain columns by their normalized header, numbered
    groups as patterns (the number may have leading zeros: ``promise01.said`` is ``promise1.said``)."""
    plain: dict[str, tuple[Column, None]] = {}
    numbered: list[tuple[re.Pattern[str], Column]] = []
    for column in COLUMNS:
        for lang in languages():
            if column.group:
                marker = "\x00"
                header = normalize(text(f"column.{column.key.replace('{n}', '')}.header", lang, n=marker))
                numbered.append((re.compile(re.escape(header).replace(marker, r"(\d+)") + r"\Z"), column))
            else:
                plain[normalize(column.header(lang))] = (column, None)
    return plain, numbered


def resolve(header: str) -> tuple[Column, int | None] | None:
    """The column a header names in any language, with its group number; None when unknown."""
    name = normalize(header)
    plain, numbered = _patterns()
    if name in plain:
        return plain[name]
    for pattern, column in numbered:
        match = pattern.match(name)
        if match:
            return column, int(match.group(1))
    return None


def by_key(key: str) -> Column:
    return _by_key()[key]


@cache
def _by_key() -> dict[str, Column]:
    return {column.key: column for column in COLUMNS}


def template_columns() -> list[tuple[Column, int | None]]:
    """The template's columns in order: each group's fields together, ``TEMPLATE_GROUPS`` times."""
    out: list[tuple[Column, int | None]] = []
    for column in COLUMNS:
        group = column.group
        if group is None:
            out.append((column, None))
        elif column.key == next(c.key for c in COLUMNS if c.group == group):  # the group's first field
            fields = [c for c in COLUMNS if c.group == group]
            out += [(c, n) for n in range(1, TEMPLATE_GROUPS[group] + 1) for c in fields]
    return out


def excel_letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``: the column's letter in a spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
