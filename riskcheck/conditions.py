"""The rule condition language: type-checked against the fact models, compiled to durable_rules JSON.

A rule matches when every ``when`` pattern matches a fact and no ``unless`` pattern does::

    when:
      - fact: promise              # the fact kind; bound as "promise", or as the name given by `as`
        as: p
        where:
          topic: {in: [role, training]}
          by_confirms_work: false
    unless:
      - fact: confirmation         # absence: no such fact exists
        where: {promise: {ref: p.index}, confirms_work: true}

A ``where`` maps a field path (``terms.bonus.basis``) to a value (equality) or to operators:
``eq ne lt lte gt gte in not_in exists contains contains_all lacks lacks_any``; any value may be
``{ref: alias.field}`` to join on an earlier pattern.  ``any_of: [{...}, {...}]`` is an "or"
of field groups.  A missing field is unknown: it equals nothing, and ``ne`` and ``not_in`` hold for it.
"""

from __future__ import annotations

import datetime
import re
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from riskcheck.facts import FACT_MODELS, SET_FIELDS
from riskcheck.validation import close_match
from riskcheck.vocabulary import TOPICS

MARKER = "_go"
"""Every compiled rule starts with a pattern on the marker fact, asserted last: durable_rules
only re-checks ``$not`` patterns correctly when the rule is triggered after all other facts."""

MAX_PATTERNS = 16
MAX_TERMS = 31
"""durable_rules keeps at most 31 and/or/join terms per pattern (each ``$and``/``$or`` counts 2,
each ``ref`` 1); more is error 113 when the ruleset is created."""
MAX_ALTERNATIVES = 64
"""Branches of ``in``/``any_of``/``lacks_any`` in one pattern: 512 equal-tests under one ``$or`` crash the
process, and about 100 comparisons that one fact matches at once overflow the engine's stack (error 303)."""
ALIAS = re.compile(r"[a-z][a-z0-9_]*\Z")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FILTERS = {"yen": "number", "label": "enum", "missing": "set", "months": "number"}


class ConditionError(Exception):
    """A problem in a rule, located by its path inside the rule (``('when', 0, 'where', 'topic')``)."""

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc = loc


@dataclass(frozen=True)
class FieldType:
    """What a fact field holds: ``enum`` (with values), ``set`` (of values), ``bool``, ``number``,
    ``text``, ``date``, ``list`` or ``model``."""

    kind: str
    values: tuple[Any, ...] = ()
    model: type[BaseModel] | None = None


@dataclass
class Compiled:
    """A rule's durable_rules JSON plus what rendering its texts needs."""

    ruleset_rule: dict[str, Any]
    aliases: dict[str, str]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``alias.path`` -> the items of its ``lacks_any`` test, for the ``|missing`` filter."""


def field_type(kind: str, path: str) -> FieldType:
    """The type of ``path`` in fact kind ``kind``; raises KeyError with a helpful message."""
    current = FieldType("model", model=FACT_MODELS[kind])
    walked = []
    for part in path.split("."):
        if current.kind != "model" or current.model is None:
            raise KeyError(f"'{'.'.join(walked)}' has no fields (it is {current.kind})")
        fields = current.model.model_fields
        if part not in fields:
            hint = close_match(part, list(fields), n=1)
            where = f"'{'.'.join(walked)}'" if walked else f"fact '{kind}'"
            raise KeyError(f"{where} has no field '{part}'" + (f"; did you mean '{hint[0]}'?" if hint else
                                                                 f" (fields: {', '.join(fields)})"))
        walked.append(part)
        current = _resolve(fields[part].annotation)
    if (kind, path) in SET_FIELDS:
        current = FieldType("set", current.values)
    return current


def _resolve(annotation: Any) -> FieldType:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _resolve(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _resolve(options[0])
        return FieldType("date") if datetime.date in options else FieldType("text")
    if origin is Literal:
        return FieldType("enum", get_args(annotation))
    if origin in (list, tuple):
        item = _resolve(get_args(annotation)[0])
        return FieldType("list", item.values)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return FieldType("model", model=annotation)
    if annotation is bool:
        return FieldType("bool")
    if annotation in (int, float):
        return FieldType("number")
    if annotation is datetime.date:
        return FieldType("date")
    return FieldType("text")


def _check_value(ftype: FieldType, value: Any, loc: tuple[Any, ...]) -> None:
    """Refuse a literal the field can never hold (a typo would otherwise never match)."""
    kind = "enum" if ftype.kind in ("set", "list") and ftype.values else ftype.kind
    ok = {
        "enum": lambda v: v in ftype.values,
        "bool": lambda v: isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "text": lambda v: isinstance(v, str),
        "date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
    }.get(kind, lambda v: False)(value)
    if not ok:
        expected = (f"one of: {', '.join(map(str, ftype.values))}" if kind == "enum" else
                    "YYYY-MM-DD" if kind == "date" else f"a {kind}")
        raise ConditionError(loc, f"{value!r} is not a valid value here; expected {expected}")


class _RuleCompiler:
    """Compiles one rule's patterns; knows the aliases bound so far (for joins and templates)."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.missing: dict[str, tuple[str, ...]] = {}

    def pattern(self, spec: dict[str, Any], loc: tuple[Any, ...], alias: str | None) -> dict[str, Any]:
        kind = spec["fact"]
        tests: list[dict[str, Any]] = [{"t": kind}]
        for name, value in (spec.get("where") or {}).items():
            tests.extend(self.where_item(kind, alias, name, value, loc + ("where", name)))
        expression = {"$and": tests}
        _check_complexity(expression, loc + ("where",))
        return expression

    def where_item(self, kind: str, alias: str | None, name: str, value: Any,
                   loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        if name == "any_of":
            if not isinstance(value, list) or not value or not all(isinstance(g, dict) and g for g in value):
                raise ConditionError(loc, "any_of takes a list of field groups, e.g. [{a: 1}, {b: 2}]")
            return [{"$or": [{"$and": [t for n, v in group.items()
                                       for t in self.where_item(kind, alias, n, v, loc + (i, n))]}
                             for i, group in enumerate(value)]}]
        try:
            ftype = field_type(kind, name)
        except KeyError as exc:
            raise ConditionError(loc, exc.args[0]) from None
        if ftype.kind == "model":
            raise ConditionError(loc, f"'{name}' is a group of fields; test one of them, e.g. '{name}.<field>'")
        ops = value if isinstance(value, dict) and "ref" not in value else {"eq": value}
        if not ops:
            raise ConditionError(loc, "empty test")
        return [t for op, arg in ops.items() for t in self.op(kind, alias, name, ftype, op, arg, loc + (op,))]

    def op(self, kind: str, alias: str | None, path: str, ftype: FieldType, op: str, arg: Any,
           loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        if ftype.kind == "set":
            return self.set_op(alias, path, ftype, op, arg, loc)
        if op == "exists":
            if not isinstance(arg, bool):
                raise ConditionError(loc, "exists takes true or false")
            return [{"$ex" if arg else "$nex": {path: 1}}]
        if op in ("in", "not_in"):
            if not isinstance(arg, list) or not arg:
                raise ConditionError(loc, f"{op} takes a non-empty list")
            for i, item in enumerate(arg):
                _check_value(ftype, item, loc + (i,))
            if op == "in":
                return [{"$or": [{path: item} for item in arg]}] if len(arg) > 1 else [{path: arg[0]}]
            return [t for item in arg for t in self.op(kind, alias, path, ftype, "ne", item, loc)]
        durable_op = {"eq": None, "ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
        if op not in durable_op:
            allowed = ", ".join([*durable_op, "in", "not_in", "exists"])
            raise ConditionError(loc, f"unknown operator '{op}' (operators: {allowed})")
        if op in ("lt", "lte", "gt", "gte") and ftype.kind not in ("number", "date"):
            raise ConditionError(loc, f"'{op}' compares numbers or dates; '{path}' is {ftype.kind}")
        operand = self.operand(ftype, arg, loc)
        test = {path: operand} if durable_op[op] is None else {durable_op[op]: {path: operand}}
        return [{"$or": [test, {"$nex": {path: 1}}]}] if op == "ne" else [test]

    def set_op(self, alias: str | None, path: str, ftype: FieldType, op: str, arg: Any,
               loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        many = op in ("lacks_any", "contains_all")
        items = arg if many else [arg]
        if op not in ("contains", "contains_all", "lacks", "lacks_any"):
            raise ConditionError(loc, f"'{path}' is a list; use contains, contains_all, lacks or lacks_any")
        if not isinstance(items, list) or not items:
            raise ConditionError(loc, f"{op} takes a non-empty list")
        for i, item in enumerate(items):
            _check_value(ftype, item, loc + ((i,) if many else ()))
        if op in ("contains", "contains_all"):
            return [{f"{path}.{item}": True} for item in items]
        if op == "lacks_any":
            self.missing[f"{alias}.{path}"] = tuple(items)
        absent = [{"$nex": {f"{path}.{item}": 1}} for item in items]
        return [{"$or": absent}] if len(absent) > 1 else absent

    def operand(self, ftype: FieldType, arg: Any, loc: tuple[Any, ...]) -> Any:
        if not (isinstance(arg, dict) and set(arg) == {"ref"}):
            _check_value(ftype, arg, loc)
            return arg
        ref = arg["ref"]
        alias, _, path = str(ref).partition(".")
        if alias not in self.aliases or not path:
            raise ConditionError(loc + ("ref",), f"ref '{ref}' must name an earlier `when` pattern and a field "
                                                  f"(bound so far: {', '.join(self.aliases) or 'none'})")
        try:
            target = field_type(self.aliases[alias], path)
        except KeyError as exc:
            raise ConditionError(loc + ("ref",), exc.args[0]) from None
        if {target.kind, ftype.kind} - {"enum", "text"} and target.kind != ftype.kind:
            raise ConditionError(loc + ("ref",), f"cannot compare {ftype.kind} with {target.kind} '{ref}'")
        return {alias: path}


def _check_complexity(expression: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """Refuse a pattern durable_rules cannot hold (see MAX_TERMS, MAX_ALTERNATIVES) with a clear message."""
    terms = alternatives = 0
    stack: list[Any] = [expression]
    while stack:
        for key, value in stack.pop().items():
            if key in ("$and", "$or"):
                terms += 2
                alternatives += len(value) if key == "$or" else 0
                stack.extend(value)
            elif key.startswith("$"):
                stack.append(value)
            elif isinstance(value, dict):  # {path: {alias: path}}: a join
                terms += 1
    if terms > MAX_TERMS:
        raise ConditionError(loc, f"this pattern is too complex for durable_rules ({terms} and/or/ref terms, "
                                  f"at most {MAX_TERMS}: each any_of, in, not_in, ne and lacks_any adds 2, each "
                                  "ref 1); split it or the rule")
    if alternatives > MAX_ALTERNATIVES:
        raise ConditionError(loc, f"this pattern has {alternatives} alternatives (in, any_of, lacks_any); "
                                  f"durable_rules handles at most {MAX_ALTERNATIVES} per pattern")


def compile_rule(when: list[dict[str, Any]], unless: list[dict[str, Any]]) -> Compiled:
    """Compile a rule's patterns; raises ConditionError at the first problem."""
    if len(when) + len(unless) + 1 > MAX_PATTERNS:
        raise ConditionError(("when",), f"at most {MAX_PATTERNS - 1} patterns in when and unless together "
                                        f"(durable_rules' limit is {MAX_PATTERNS} per rule)")
    compiler = _RuleCompiler()
    patterns: list[dict[str, Any]] = [{MARKER: {"t": MARKER}}]
    for i, spec in enumerate(when):
        alias = spec.get("as") or spec["fact"]
        if alias in compiler.aliases:
            raise ConditionError(("when", i, "as"), f"'{alias}' is bound twice; give each pattern its own `as`")
        if not ALIAS.match(alias):
            raise ConditionError(("when", i, "as"), f"'{alias}' must be lowercase letters, digits and _")
        patterns.append({alias: compiler.pattern(spec, ("when", i), alias)})
        compiler.aliases[alias] = spec["fact"]
    for i, spec in enumerate(unless):
        patterns.append({f"unless{i}$not": compiler.pattern(spec, ("unless", i), None)})
    return Compiled({"all": patterns}, compiler.aliases, compiler.missing)


def check_template(template: str, compiled: Compiled, loc: tuple[Any, ...]) -> None:
    """Check every ``{alias.field|filter}`` placeholder in a text names a bound field."""
    for placeholder in PLACEHOLDER.findall(template):
        ref, _, filter_name = placeholder.partition("|")
        alias, _, path = ref.partition(".")
        kind = compiled.aliases.get(alias, "case" if alias == "case" else None)
        if kind is None or not path:
            raise ConditionError(loc, f"placeholder {{{placeholder}}} must be {{alias.field}} with an alias "
                                      f"of `when` or 'case' (bound: {', '.join(compiled.aliases) or 'none'})")
        try:
            ftype = field_type(kind, path)
        except KeyError as exc:
            raise ConditionError(loc, f"placeholder {{{placeholder}}}: {exc.args[0]}") from None
        if filter_name and filter_name not in FILTERS:
            raise ConditionError(loc, f"placeholder {{{placeholder}}}: unknown filter '{filter_name}' "
                                      f"(filters: {', '.join(FILTERS)})")
        if filter_name and FILTERS[filter_name] != ftype.kind:
            raise ConditionError(loc, f"placeholder {{{placeholder}}}: '{filter_name}' needs a "
                                      f"{FILTERS[filter_name]} field, '{path}' is {ftype.kind}")
        if filter_name == "missing" and ref not in compiled.missing:
            raise ConditionError(loc, f"placeholder {{{placeholder}}}: '|missing' needs a lacks_any test on {ref}")


def check_topic(topic: str, compiled: Compiled, loc: tuple[Any, ...]) -> None:
    """A rule's topic is a topic name or a placeholder for a topic field of a bound fact."""
    if topic in TOPICS:
        return
    match = PLACEHOLDER.fullmatch(topic)
    if not match:
        hint = close_match(topic, TOPICS, n=1)
        raise ConditionError(loc, f"unknown topic '{topic}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    check_template(topic, compiled, loc)
