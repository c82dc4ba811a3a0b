"""The notice patterns: data in a rule pack (``<pack>/notice/patterns.yaml``) saying, per item, the
headings that introduce it, the regular expressions that find its value and the parser that reads it.

A subdirectory, because the pack loader reads every top-level ``*.yaml`` of a pack as rules. Patterns
are regular expressions and constants, never code; ``riskcheck validate`` checks them with
``pattern_problems``: the schema, that every expression compiles, that every field is a case path or a
notice item, that constants are values the case accepts, and that required items have texts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import Field, ValidationError

from riskcheck.case import Model, Terms
from riskcheck.errors import InputError
from riskcheck.i18n import messages
from riskcheck.loading import Document, load
from riskcheck.read.compiled import LIST_FIELDS, PATTERNS_FILE
from riskcheck.validation import validate_all
from riskcheck.vocabulary import DocumentKind, RepaymentFor, Topic

ParserName = Literal["yen", "hours", "minutes", "time", "date", "days", "months", "years", "day_of_month",
                     "yes_no", "text", "allowance", "repayment"]
Regex = Annotated[str, Field(min_length=1, max_length=400)]
Constant = Union[bool, int, float, str]
NOTICE_ITEMS = frozenset({
    "contract.fixed_term", "contract.start", "contract.renewal", "hours.start", "hours.end", "hours.break",
    "hours.deemed", "overtime.exists", "holidays", "holidays.annual_days", "leave.annual_days", "leave.annual",
    "pay.closing_day", "pay.payment_day", "raise", "bonus", "retirement.age", "retirement.continued_until",
    "retirement.procedure", "dismissal"})
"""Items a notice states that are not terms of the case; they are kept as the document's statements."""


class Pattern(Model):
    match: Regex
    """Searched in each line (normalised: ASCII digits and letters); the value is the group ``v``
    (``name`` and ``v`` for allowances), or the whole match."""
    value: Constant | None = None
    """The value when the expression matches, instead of parsing the text (``全国`` -> nationwide)."""
    unless: Regex | None = None
    """The line must not match this (an allowance line that is the fixed overtime pay, say)."""


class Item(Model):
    field: Annotated[str, Field(min_length=1, max_length=80)]
    topic: Topic
    parser: ParserName
    headings: list[Regex] = Field(default_factory=list)
    """When given, the patterns are searched only from a line matching a heading to ``within`` lines on."""
    within: Annotated[int, Field(ge=0, le=40)] = 0
    patterns: list[Pattern] = Field(min_length=1)


class Required(Model):
    """An item the law requires the notice to state (労働基準法施行規則5条1項)."""

    item: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    any_of: list[str] = Field(min_length=1)
    """Stated when the document states any of these fields."""
    only_if: dict[str, Constant] = Field(default_factory=dict)
    """Required only when the document states these values (renewal: only for a fixed term)."""
    not_if: dict[str, Constant] = Field(default_factory=dict)
    """Not required when the document states one of these values (no cap on a contract never renewed)."""


class PatternFile(Model):
    version: Literal[1]
    kinds: dict[DocumentKind, list[Regex]] = Field(default_factory=dict)
    """Title expressions, searched in the first lines, that tell the kind of document."""
    items: list[Item] = Field(default_factory=list)
    required: list[Required] = Field(default_factory=list)


def terms_field(path: str) -> bool:
    """Whether ``path`` (``terms.overtime.fixed_hours``) names a field of the case's terms."""
    model: Any = Terms
    parts = path.split(".")
    if parts[0] != "terms" or len(parts) < 2:
        return False
    for part in parts[1:]:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        model = _inner(fields[part].annotation)
    return True


def _inner(annotation: Any) -> Any:
    """The model class inside ``X | None`` or ``list[X]``, else the annotation."""
    for arg in getattr(annotation, "__args__", ()):
        if hasattr(arg, "model_fields"):
            return arg
    return annotation


def known_field(path: str) -> bool:
    return path in NOTICE_ITEMS or path in LIST_FIELDS or terms_field(path)


def trial_terms(path: str, value: Any) -> Terms:
    """The terms with only ``path`` set to ``value`` (raises ValidationError when the case refuses it)."""
    data: dict[str, Any] = {}
    node = data
    parts = path.split(".")[1:]
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return Terms.model_validate(data)


def _item_problems(doc: Document, i: int, item: Item) -> list[InputError]:
    problems: list[InputError] = []
    loc = ("items", i)
    if not known_field(item.field):
        problems.append(doc.error(loc + ("field",), f"'{item.field}' is neither a case field (terms.*) nor a notice "
                                                    f"item ({', '.join(sorted(NOTICE_ITEMS))})"))
    if item.field in LIST_FIELDS and item.parser != LIST_FIELDS[item.field]:
        problems.append(doc.error(loc + ("parser",), f"{item.field} takes parser '{LIST_FIELDS[item.field]}'"))
    if item.parser in LIST_FIELDS.values() and item.field not in LIST_FIELDS:
        problems.append(doc.error(loc + ("parser",), f"parser '{item.parser}' is for "
                                                     f"{', '.join(k for k, v in LIST_FIELDS.items() if v == item.parser)}"))
    if item.within and not item.headings:
        problems.append(doc.error(loc + ("within",), "within counts lines after a heading; give headings too"))
    regexes = [(("headings", j), h) for j, h in enumerate(item.headings)]
    for j, pattern in enumerate(item.patterns):
        regexes.append((("patterns", j, "match"), pattern.match))
        if pattern.unless:
            regexes.append((("patterns", j, "unless"), pattern.unless))
        if item.parser == "repayment" and pattern.value is not None and pattern.value not in get_args(RepaymentFor):
            problems.append(doc.error(loc + ("patterns", j, "value"), f"{pattern.value!r} is not what is repaid "
                                      f"(one of: {', '.join(get_args(RepaymentFor))})"))
        elif pattern.value is not None and terms_field(item.field) and item.field not in LIST_FIELDS:
            try:
                trial_terms(item.field, pattern.value)
            except ValidationError as exc:
                problems.append(doc.error(loc + ("patterns", j, "value"), f"{pattern.value!r} is not a value "
                                          f"{item.field} accepts: {exc.errors()[0]['msg']}"))
        if item.parser == "allowance" and pattern.value is None and "(?P<name>" not in pattern.match:
            problems.append(doc.error(loc + ("patterns", j, "match"), "an allowance pattern needs the groups "
                                      "(?P<name>...) and (?P<v>...)"))
        if item.parser == "repayment" and pattern.value is None:
            problems.append(doc.error(loc + ("patterns", j), "a repayment pattern needs value: what is repaid "
                                      "(relocation, signing_bonus, training, other)"))
    for where, regex in regexes:
        try:
            re.compile(regex)
        except re.error as exc:
            problems.append(doc.error(loc + where, f"not a regular expression: {exc}"))
    return problems


def pattern_problems(path: str) -> list[InputError]:
    """Every problem of one patterns file, each located by line and field."""
    try:
        doc = load(path)
    except InputError as exc:
        return [exc]
    spec, problems = validate_all(PatternFile, doc)
    if spec is None:
        return problems
    for kind, regexes in spec.kinds.items():
        for j, regex in enumerate(regexes):
            try:
                re.compile(regex)
            except re.error as exc:
                problems.append(doc.error(("kinds", kind, j), f"not a regular expression: {exc}"))
    for i, item in enumerate(spec.items):
        problems.extend(_item_problems(doc, i, item))
    fields = {item.field for item in spec.items}
    for i, required in enumerate(spec.required):
        for j, name in enumerate([*required.any_of, *required.only_if, *required.not_if]):
            if name not in fields:
                where = ("any_of", j) if j < len(required.any_of) else (
                    "only_if" if name in required.only_if else "not_if", name)
                problems.append(doc.error(("required", i, *where), f"'{name}' is not the field of any item here"))
        for lang in ("ja", "en"):
            if f"read.item.{required.item}" not in messages(lang):
                problems.append(doc.error(("required", i, "item"), f"no '{lang}' text: add read.item.{required.item} "
                                                                   f"to riskcheck/i18n/{lang}.py"))
    return problems


def pack_problems(pack_sources: list[str]) -> list[InputError]:
    """Problems of the patterns files of the packs at ``pack_sources`` (the hook ``riskcheck validate`` calls)."""
    return [problem for source in pack_sources if (Path(source) / PATTERNS_FILE).is_file()
            for problem in pattern_problems(str(Path(source) / PATTERNS_FILE))]
