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
from riskcheck.i18n import text
from riskcheck.validation import close_match
from riskcheck.vocabulary import TOPICS

MARKER = "_go"
"""A compiled rule with ``unless`` patterns (or no pattern at all) starts with a pattern on the marker
fact, asserted last: durable_rules only re-checks ``$not`` patterns correctly when the rule is
triggered after all other facts. A rule of plain ``when`` patterns needs no marker (joins of facts
match whatever order they arrive in) and goes without: one pattern less for the engine to set up."""

CASE_COPY = "_case"
"""The kind an ``unless`` pattern on the case tests in a rule whose ``when`` matches the case: a copy of the
case fact, sent only for packs with such a rule (``engine.Payload``). durable_rules never lets one rule bind
a fact twice, so there an ``unless`` on the case fact itself could not see the case, and never blocked."""

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


@dataclass(frozen=True)
class Msg:
    """A message of the catalogue, written in a language only when shown: ``key`` and its fields
    (a field may itself be a Msg, e.g. a type's name)."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return text(self.key, lang, **{name: value.render(lang) if isinstance(value, Msg) else value
                                       for name, value in self.fields.items()})


def msg(key: str, **fields: Any) -> Msg:
    return Msg(key, fields)


class ConditionError(Exception):
    """A problem in a rule, located by its path inside the rule (``('when', 0, 'where', 'topic')``);
    ``str()`` is English, ``message(lang)`` any language of the catalogue."""

    def __init__(self, loc: tuple[Any, ...], message: Msg):
        super().__init__(message.render("en"))
        self.loc = loc
        self.msg = message

    def message(self, lang: str) -> str:
        return self.msg.render(lang)

    def at(self, loc: tuple[Any, ...]) -> ConditionError:
        return ConditionError(loc, self.msg)


SCALARS = ("enum", "bool", "number", "text", "date")


@dataclass(frozen=True)
class FieldType:
    """What a fact field holds: ``enum`` (with values), ``set`` (of values), ``bool``, ``number``,
    ``text``, ``date``, ``list`` (of ``item``) or ``model``."""

    kind: str
    values: tuple[Any, ...] = ()
    model: type[BaseModel] | None = None
    item: str | None = None

    @property
    def scalar(self) -> bool:
        """One value, or a list of numbers, dates or values: what a text may show (never a group of
        fields, whose dump would bypass redaction)."""
        return self.kind in SCALARS or (self.kind == "list" and self.item in SCALARS and self.item != "text")

    def name(self) -> Msg:
        return msg(f"pack.kind.{self.kind}")


@dataclass
class Compiled:
    """A rule's durable_rules JSON plus what rendering its texts needs."""

    ruleset_rule: dict[str, Any]
    aliases: dict[str, str]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``alias.path`` -> the items of its ``lacks_any`` test, for the ``|missing`` filter."""


def field_type(kind: str, path: str) -> FieldType:
    """The type of ``path`` in fact kind ``kind``; raises ConditionError (located nowhere yet) if none."""
    current = FieldType("model", model=FACT_MODELS[kind])
    walked = []
    for part in path.split("."):
        if current.kind != "model" or current.model is None:
            raise ConditionError((), msg("pack.field.no_fields", path=".".join(walked), kind=current.name()))
        fields = current.model.model_fields
        if part not in fields:
            hint = close_match(part, list(fields), n=1)
            where = msg("pack.field.in_path", path=".".join(walked)) if walked else msg("pack.field.in_fact", kind=kind)
            raise ConditionError((), msg("pack.field.unknown_hint", where=where, name=part, hint=hint[0]) if hint else
                                 msg("pack.field.unknown", where=where, name=part, fields=", ".join(fields)))
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
        return FieldType("list", item.values, item=item.kind)
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
        expected = (msg("pack.value.one_of", values=", ".join(map(str, ftype.values))) if kind == "enum" else
                    FieldType(kind).name())
        raise ConditionError(loc, msg("pack.value.invalid", value=repr(value), expected=expected))


class _RuleCompiler:
    """Compiles one rule's patterns; knows the aliases bound so far (for joins and templates)."""

    def __init__(self, unreadable: frozenset[str] = frozenset()) -> None:
        self.aliases: dict[str, str] = {}
        self.missing: dict[str, tuple[str, ...]] = {}
        self.unreadable = unreadable
        """Aliases of patterns that could not be read: refs to them are not checked."""

    def pattern(self, spec: dict[str, Any], loc: tuple[Any, ...], alias: str | None,
                tested_kind: str | None = None) -> dict[str, Any]:
        """The engine's expression for one pattern; ``tested_kind``, when given, is the fact kind it tests
        in place of the spec's own (whose fields it has)."""
        kind = spec["fact"]
        tests: list[dict[str, Any]] = [{"t": tested_kind or kind}]
        for name, value in (spec.get("where") or {}).items():
            tests.extend(self.where_item(kind, alias, name, value, loc + ("where", name)))
        expression = {"$and": tests}
        _check_complexity(expression, loc + ("where",))
        return expression

    def where_item(self, kind: str, alias: str | None, name: str, value: Any,
                   loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        if name == "any_of":
            if not isinstance(value, list) or not value or not all(isinstance(g, dict) and g for g in value):
                raise ConditionError(loc, msg("pack.any_of"))
            return [{"$or": [{"$and": [t for n, v in group.items()
                                       for t in self.where_item(kind, alias, n, v, loc + (i, n))]}
                             for i, group in enumerate(value)]}]
        try:
            ftype = field_type(kind, name)
        except ConditionError as exc:
            raise exc.at(loc) from None
        if ftype.kind == "model":
            raise ConditionError(loc, msg("pack.group", name=name))
        ops = value if isinstance(value, dict) and "ref" not in value else {"eq": value}
        if not ops:
            raise ConditionError(loc, msg("pack.empty_test"))
        return [t for op, arg in ops.items() for t in self.op(kind, alias, name, ftype, op, arg, loc + (op,))]

    def op(self, kind: str, alias: str | None, path: str, ftype: FieldType, op: str, arg: Any,
           loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        if ftype.kind == "set":
            return self.set_op(alias, path, ftype, op, arg, loc)
        if op == "exists":
            if not isinstance(arg, bool):
                raise ConditionError(loc, msg("pack.exists"))
            return [{"$ex" if arg else "$nex": {path: 1}}]
        if op in ("in", "not_in"):
            if not isinstance(arg, list) or not arg:
                raise ConditionError(loc, msg("pack.needs_list", op=op))
            for i, item in enumerate(arg):
                _check_value(ftype, item, loc + (i,))
            if op == "in":
                return [{"$or": [{path: item} for item in arg]}] if len(arg) > 1 else [{path: arg[0]}]
            return [t for item in arg for t in self.op(kind, alias, path, ftype, "ne", item, loc)]
        durable_op = {"eq": None, "ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
        if op not in durable_op:
            allowed = ", ".join([*durable_op, "in", "not_in", "exists"])
            raise ConditionError(loc, msg("pack.unknown_operator", op=op, allowed=allowed))
        if op in ("lt", "lte", "gt", "gte") and ftype.kind not in ("number", "date"):
            raise ConditionError(loc, msg("pack.compare", op=op, path=path, kind=ftype.name()))
        operand = self.operand(ftype, arg, loc)
        test = {path: operand} if durable_op[op] is None else {durable_op[op]: {path: operand}}
        return [{"$or": [test, {"$nex": {path: 1}}]}] if op == "ne" else [test]

    def set_op(self, alias: str | None, path: str, ftype: FieldType, op: str, arg: Any,
               loc: tuple[Any, ...]) -> list[dict[str, Any]]:
        many = op in ("lacks_any", "contains_all")
        items = arg if many else [arg]
        if op not in ("contains", "contains_all", "lacks", "lacks_any"):
            raise ConditionError(loc, msg("pack.set_operator", path=path))
        if not isinstance(items, list) or not items:
            raise ConditionError(loc, msg("pack.needs_list", op=op))
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
        if alias in self.unreadable:
            return {alias: path}
        if alias not in self.aliases or not path:
            raise ConditionError(loc + ("ref",), msg("pack.ref", ref=ref, bound=_bound(self.aliases)))
        try:
            target = field_type(self.aliases[alias], path)
        except ConditionError as exc:
            raise exc.at(loc + ("ref",)) from None
        if {target.kind, ftype.kind} - {"enum", "text"} and target.kind != ftype.kind:
            raise ConditionError(loc + ("ref",), msg("pack.ref_types", kind=ftype.name(), other=target.name(), ref=ref))
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
        raise ConditionError(loc, msg("pack.too_complex", terms=terms, limit=MAX_TERMS))
    if alternatives > MAX_ALTERNATIVES:
        raise ConditionError(loc, msg("pack.too_many_alternatives", alternatives=alternatives, limit=MAX_ALTERNATIVES))


def compile_rule(when: list[dict[str, Any] | None], unless: list[dict[str, Any] | None],
                 unreadable: frozenset[str] = frozenset()) -> Compiled:
    """Compile a rule's patterns; raises ConditionError at the first problem. A pattern given as
    ``None`` could not be read and is left out; ``unreadable`` are the aliases such patterns bind."""
    if len(when) + len(unless) + 1 > MAX_PATTERNS:
        raise ConditionError(("when",), msg("pack.too_many_patterns", most=MAX_PATTERNS - 1, limit=MAX_PATTERNS))
    compiler = _RuleCompiler(unreadable)
    patterns: list[dict[str, Any]] = []
    for i, spec in enumerate(when):
        if spec is None:
            continue
        alias = spec.get("as") or spec["fact"]
        if alias in compiler.aliases:
            raise ConditionError(("when", i, "as"), msg("pack.alias_twice", alias=alias))
        if not ALIAS.match(alias):
            raise ConditionError(("when", i, "as"), msg("pack.alias_name", alias=alias))
        patterns.append({alias: compiler.pattern(spec, ("when", i), alias)})
        compiler.aliases[alias] = spec["fact"]
    case_matched = "case" in compiler.aliases.values()  # an unless on the case then tests its copy
    negated = [{f"unless{i}$not": compiler.pattern(spec, ("unless", i), None,
                                                  CASE_COPY if spec["fact"] == "case" and case_matched else None)}
               for i, spec in enumerate(unless) if spec is not None]
    if negated or not patterns:
        patterns = [{MARKER: {"t": MARKER}}, *patterns, *negated]
    return Compiled({"all": patterns}, compiler.aliases, compiler.missing)


def template_problems(template: str, compiled: Compiled, loc: tuple[Any, ...],
                      unreadable: frozenset[str] = frozenset()) -> list[ConditionError]:
    """A problem for each ``{alias.field|filter}`` placeholder of a text that does not name a bound,
    single-valued field (placeholders on the aliases in ``unreadable`` are not checked)."""
    problems = []
    for placeholder in PLACEHOLDER.findall(template):
        problem = _placeholder_problem(placeholder, compiled, unreadable)
        if problem is not None:
            problems.append(ConditionError(loc, problem))
    return problems


def _placeholder_problem(placeholder: str, compiled: Compiled, unreadable: frozenset[str]) -> Msg | None:
    ref, _, filter_name = placeholder.partition("|")
    alias, _, path = ref.partition(".")
    if alias in unreadable:
        return None
    kind = compiled.aliases.get(alias, "case" if alias == "case" else None)
    shown = "{" + placeholder + "}"
    if kind is None or not path:
        return msg("pack.placeholder.alias", placeholder=shown, bound=_bound(compiled.aliases))
    try:
        ftype = field_type(kind, path)
    except ConditionError as exc:
        return msg("pack.placeholder.field", placeholder=shown, problem=exc.msg)
    if filter_name and filter_name not in FILTERS:
        return msg("pack.placeholder.filter", placeholder=shown, filter=filter_name, filters=", ".join(FILTERS))
    if filter_name and FILTERS[filter_name] != ftype.kind:
        return msg("pack.placeholder.filter_kind", placeholder=shown, filter=filter_name,
                   needs=FieldType(FILTERS[filter_name]).name(), path=path, kind=ftype.name())
    if filter_name == "missing" and ref not in compiled.missing:
        return msg("pack.placeholder.missing", placeholder=shown, ref=ref)
    if not filter_name and not ftype.scalar:
        return msg("pack.placeholder.not_scalar", placeholder=shown, path=path, kind=ftype.name())
    return None


def topic_problems(topic: str, compiled: Compiled, loc: tuple[Any, ...],
                   unreadable: frozenset[str] = frozenset()) -> list[ConditionError]:
    """A rule's topic is a topic name or a placeholder for a topic field of a bound fact."""
    if topic in TOPICS:
        return []
    if not PLACEHOLDER.fullmatch(topic):
        hint = close_match(topic, TOPICS, n=1)
        return [ConditionError(loc, msg("pack.topic_hint", topic=topic, hint=hint[0]) if hint else
                                    msg("pack.topic", topic=topic))]
    return template_problems(topic, compiled, loc, unreadable)


def _bound(aliases: dict[str, str]) -> Msg | str:
    return ", ".join(aliases) if aliases else msg("pack.none")
