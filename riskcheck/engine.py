"""Driving durable_rules: compiled rules in, facts in, matches out, every known trap contained.

The C engine is used directly as a matcher (see ``shared/durable-rules.md``), never through
``durable.engine.Host``:

* no Host, so no background timer threads racing the matcher, and no Python actions
  (an action with two parameters would silently turn async);
* facts of one case go in one ``assert_facts`` call, the marker fact last, so every ``$not``
  is evaluated with all facts present; unmatched facts (result code 1) are normal;
* ``$or`` branches fire once each: matches are de-duplicated by (rule, bound facts);
* a rule never binds one fact twice, not even in an ``unless`` (``$not``) pattern: an ``unless`` on
  the case in a rule whose ``when`` matched the case tests a copy of the case fact (``CASE_COPY``);
* joins never use the engine's own ``id`` attribute (it can read freed memory);
* cases run one at a time in one session, which is emptied after each case: its facts are
  retracted, the marker first, so no rule is re-evaluated on the way out. Creating a session
  costs more than the case's whole match (durable_rules sets up about 10 KB for every pattern of
  every rule), so the session is kept; it is deleted only when a case ends otherwise (an error, a
  signal), something is left in it, or it held an outsized case (``KEPT_SESSION_FACTS``), and the
  next case then starts a fresh one. That keeps the 1024-session limit out of reach.
  ``delete_state`` frees a state slot's action context, which is
  uninitialised until an action has run in that slot: one warm-up case that fires initialises the
  slot, and since the pool's free list is last-in first-out, every later session reuses it;
* rules and facts are serialised by one encoder (``encode``: UTF-8 JSON): a non-ASCII literal
  encoded differently on each side silently never matches;
* numbers are written so the engine can read them: its JSON parser (``getNumber`` in
  ``src/rules/json.c``) accepts an exponent only after a decimal point, so ``1e-05`` or
  ``1e+16`` end at the ``1``, the rest of the fact is misread and the process segfaults when
  the session's actions start; ``encode`` writes such numbers as ``1.0e-05``;
* a ruleset's alpha node links to at most 256 patterns (``BETA_LIST_LENGTH``; every rule with
  ``unless`` starts on the marker, many rules test the same kind), so rules are spread over as
  many rulesets as they need, each case runs through all of them in order, and the matches are
  merged in that order.

Only what the rules read goes to the engine (``Payload``): facts of kinds no rule names are left
out and the others keep only the fields some rule tests, so the engine parses, hashes and echoes
back far less; the matches it returns name their facts by id, and the bound facts handed to
findings are the caller's own, complete dicts. A match of a rule that binds only facts alone of
their kind in the case (the case fact, a case's one person) is known from the rule's name, the
first thing in the engine's message: most messages are never parsed.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import sys
from typing import Any, Callable

import orjson

from riskcheck.conditions import CASE_COPY, MARKER
from riskcheck.errors import RiskcheckError, signals_held


def _import_engine() -> Any:
    """Import the C extension with lazy symbol binding.

    On Python 3.13 a plain build of durable-rules 2.0.28 references ``PyEval_CallObject``,
    which 3.13 removed; it is only called from the store/queue callbacks this driver never
    registers, so binding symbols lazily lets the module load and work unchanged.
    """
    flags = sys.getdlopenflags()
    sys.setdlopenflags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
    try:
        import durable_rules_engine
    finally:
        sys.setdlopenflags(flags)
    return durable_rules_engine


dre = _import_engine()

MAX_PROPERTIES = 250
"""durable_rules kills the process (no error code) on a fact of more than 254 properties, counting
nested fields. Facts built from a case stay under this bound by construction: the fact models are
fixed, and ``tests/test_engine_traps.py`` checks their largest possible size against it."""
MAX_RULES_PER_RULESET: int | None = None
"""How many rules one set of packs may hold: no limit (``None``). durable_rules' own limit per
ruleset (see ``PATTERNS_PER_RULESET``) is lifted by spreading the rules over several rulesets."""
PATTERNS_PER_RULESET = 255
"""Patterns (marker included) put in one durable_rules ruleset. A ruleset's alpha node links to at
most 256 beta nodes (``BETA_LIST_LENGTH`` in ``src/rules/rules.h``; error 108 past it, and the bound
check reads one entry past the list); a node's links never outnumber the ruleset's patterns."""
WARM_RULE = {"all": [{"m": {"t": "_warm"}}]}
SESSION = "0"
"""Cases run one at a time, each in a fresh session deleted right after it, so every case can use
the same session id. Each fact carries it: durable_rules rewrites a fact that lacks one."""
MARKER_FACT = {"id": MARKER, "t": MARKER, "sid": SESSION}
"""Asserted last in every case: every rule with ``unless`` starts with a pattern on it."""
MARKER_GONE = {"id": MARKER, "sid": SESSION}
"""Retracted first at the end of every case: a fact is retracted by its id."""
CASE_COPY_ID = "case:copy"
"""The id of the case fact's copy (``conditions.CASE_COPY``)."""
KEPT_SESSION_FACTS = 256
"""A session that held more facts than this is deleted after its case rather than kept: its pools grow
with the largest case they held, and a server should not keep one outsized case's memory for months."""
_names = itertools.count()

_ID = operator.itemgetter("id")
_KIND = operator.itemgetter("t")
Match = tuple[str, dict[str, dict[str, Any]]]
"""A rule id and its bound facts by alias (``unless`` patterns bind nothing)."""


class EngineError(RiskcheckError):
    """durable_rules refused a ruleset or a case."""


LIMITS = {
    107: "too many rules test that the same field is absent (durable_rules keeps 128 such tests per condition)",
    108: "too many rules share one condition in a durable_rules ruleset (256 at most)",
    113: "a rule pattern is too complex (durable_rules keeps 31 and/or/ref terms per pattern)",
    302: "a fact has too many properties",
    303: "a fact matches more rule conditions at once than durable_rules can track (64); "
         "use fewer rule packs together",
    304: "a rule has more than 16 patterns",
}
"""durable_rules' error codes for its fixed limits, explained (src/rules/rules.h)."""
RULESET_LIMITS = (106, 107, 108)
"""Limits of a whole ruleset, not of one rule: fewer rules per ruleset lift them."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


def encode(value: Any) -> str:
    """JSON for the engine, rules and facts alike: UTF-8 (not ``\\u`` escapes), and every number with
    an exponent written with a decimal point (``1.0e-05``), the only form durable_rules parses."""
    text = orjson.dumps(value).decode()
    if "e+" in text or "e-" in text:  # orjson signs every exponent (tests/test_engine_traps.py checks it)
        text = _TOKEN.sub(_readable_number, text)
    return text


def _readable_number(token: re.Match[str]) -> str:
    text = token.group()
    if text[0] == '"' or "." in text or not ("e" in text or "E" in text):
        return text
    mantissa, e, exponent = text.replace("E", "e").partition("e")
    return f"{mantissa}.0{e}{exponent}"


def _explained(exc: Exception) -> str:
    reason = LIMITS.get(_code(exc) or 0)
    return f"{exc} ({reason})" if reason else str(exc)


def _code(exc: Exception) -> int | None:
    found = re.search(r"error code: (\d+)", str(exc))
    return int(found.group(1)) if found else None


Shape = dict[str, "Shape | None"]
"""The fields of a fact the rules read: ``None`` keeps a field whole, a shape keeps some of its fields."""


class Payload:
    """What of a case's facts the engine needs, from the compiled rules: the fact kinds some pattern
    names (``{"t": kind}``) and, per kind, every field path a pattern on that kind tests or another
    pattern joins on (``{"by": {"p": "key"}}`` keeps ``key`` of the fact bound to ``p``). A pattern
    without a plain ``t`` test turns the pruning off."""

    def __init__(self, rules: dict[str, dict[str, Any]]):
        self.shapes: dict[str, Shape] = {}
        self.copy_case = any(CASE_COPY == _kind(expression) for rule in rules.values()
                             for pattern in rule.get("all", []) + rule.get("any", []) for expression in pattern.values())
        self.prune = True
        for rule in rules.values():
            patterns = [(alias, expression) for pattern in rule.get("all", []) + rule.get("any", [])
                        for alias, expression in pattern.items()]
            kinds = {alias: _kind(expression) for alias, expression in patterns}
            if None in kinds.values():
                self.prune = False
                return
            for alias, expression in patterns:
                self._paths(expression, kinds[alias], kinds)  # type: ignore[arg-type]
        if any(_depth(shape) > MAX_SHAPE_DEPTH for shape in self.shapes.values()):
            self.prune = False  # only a hand-made rule reads that deep (the fact models nest 3 levels)
            return
        self.projectors = {kind: _projector(shape) for kind, shape in self.shapes.items()}

    def _paths(self, value: Any, kind: str, kinds: dict[str, str | None]) -> None:
        """Add the field paths ``value`` (part of a pattern on ``kind``) reads, and those it joins on."""
        if isinstance(value, list):
            for item in value:
                self._paths(item, kind, kinds)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not key.startswith("$"):
                    _add(self.shapes.setdefault(kind, {}), key.split("."))
                if isinstance(item, str) and kinds.get(key):  # a reference to another pattern's field
                    _add(self.shapes.setdefault(kinds[key], {}), item.split("."))  # type: ignore[arg-type]
                self._paths(item, kind, kinds)

    def facts(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The facts as the engine gets them: pruned, each with the session id; and a copy of the case
        fact when some rule has an ``unless`` on the case (``conditions.CASE_COPY``)."""
        if self.prune:
            projectors = self.projectors
            sent = [{"id": fact["id"], "t": kind, "sid": SESSION, **projectors[kind](fact)}
                    for fact in facts if (kind := fact["t"]) in projectors]
        else:
            sent = [{**fact, "sid": SESSION} for fact in facts]
        if self.copy_case:
            project = self.projectors[CASE_COPY] if self.prune else dict
            sent += [{**project(fact), "id": CASE_COPY_ID, "t": CASE_COPY, "sid": SESSION}
                     for fact in facts if fact["t"] == "case"]
        return sent


MAX_SHAPE_DEPTH = 8
"""Fields nested deeper than this turn pruning off: a projector is Python code, one block per level,
and Python allows 20 nested blocks."""


def _depth(shape: Shape) -> int:
    return 1 + max((_depth(inner) for inner in shape.values() if inner is not None), default=0)


def _kind(expression: Any) -> str | None:
    terms = expression.get("$and", [expression]) if isinstance(expression, dict) else []
    for term in terms:
        if isinstance(term, dict) and len(term) == 1 and isinstance(term.get("t"), str):
            return term["t"]
    return None


def _add(shape: Shape, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head in ("id", "t", "sid"):
        return
    if not rest:
        shape[head] = None
    elif head not in shape:
        shape[head] = {}
    if rest and shape[head] is not None:
        _add(shape[head], rest)  # type: ignore[arg-type]


def _projector(shape: Shape) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function keeping of a dict the fields ``shape`` names (nested dicts left empty are dropped).

    It is written out as straight-line Python, one ``if`` per field (field names as ``repr`` literals),
    and compiled once: every fact of every case goes through it, and walking the shape for each took
    half again as long (``benchmarks/stages.py``)."""
    source = "\n".join(["def project(v0):", *_projection(shape, 0), "    return o0"])
    namespace: dict[str, Any] = {}
    exec(compile(source, "<riskcheck.engine projector>", "exec"), namespace)
    return namespace["project"]  # type: ignore[no-any-return]


def _projection(shape: Shape, depth: int) -> list[str]:
    """The lines that copy into ``o{depth}`` the fields of ``v{depth}`` that ``shape`` keeps."""
    pad, value, out, item, kept = "    " * (depth + 1), f"v{depth}", f"o{depth}", f"v{depth + 1}", f"o{depth + 1}"
    lines = [f"{pad}{out} = {{}}"]
    for key, inner in shape.items():
        name = repr(key)
        if inner is None:
            lines.append(f"{pad}if {name} in {value}: {out}[{name}] = {value}[{name}]")
            continue
        lines += [f"{pad}{item} = {value}.get({name})",
                  f"{pad}if isinstance({item}, dict):",
                  *_projection(inner, depth + 1),
                  f"{pad}    if {kept}: {out}[{name}] = {kept}",
                  f"{pad}elif {name} in {value}: {out}[{name}] = {item}"]
    return lines


def _rulesets(rules: dict[str, dict[str, Any]]) -> list[dict[str, dict[str, Any]]]:
    """The rules in order, cut into rulesets of at most ``PATTERNS_PER_RULESET`` patterns each."""
    out: list[dict[str, dict[str, Any]]] = [{}]
    patterns = 0
    for rule_id, rule in rules.items():
        size = len(rule.get("all", [])) + len(rule.get("any", []))
        if out[-1] and patterns + size > PATTERNS_PER_RULESET:
            out.append({})
            patterns = 0
        out[-1][rule_id] = rule
        patterns += size
    return out


def _binds(rule_id: str, rule: dict[str, Any]) -> dict[str, str] | None:
    """The aliases a rule's matches bind, with their fact kinds (the marker and ``$not`` patterns bind
    nothing); ``None`` when that is not fixed (``any`` alternatives, a pattern without a plain kind
    test) or the rule's name is not written as it is in a match message (JSON escapes)."""
    plain = rule_id.isascii() and rule_id.isprintable() and '"' not in rule_id and "\\" not in rule_id
    if not plain or set(rule) - {"all"}:
        return None
    aliases = {alias: _kind(expression) for pattern in rule["all"] for alias, expression in pattern.items()
               if alias != MARKER and not alias.endswith("$not")}
    return None if None in aliases.values() else aliases  # type: ignore[return-value]


def _only_of_kind(facts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The facts that are the only one of their kind, by kind."""
    only: dict[str, dict[str, Any]] = {}
    repeated = set()
    for fact in facts:
        if (kind := fact["t"]) in only:
            repeated.add(kind)
        only[kind] = fact
    for kind in repeated:
        del only[kind]
    return only


class Matcher:
    """The rules in one or more durable_rules rulesets; ``match`` runs one case's facts through them."""

    def __init__(self, rules: dict[str, dict[str, Any]]):
        self.handles: list[int] = []
        pending = _rulesets(rules)
        while pending:
            chunk = pending.pop(0)
            try:
                self.handles.append(dre.create_ruleset(f"riskcheck{next(_names)}",
                                                       encode({**chunk, "_warm": WARM_RULE})))
            except Exception as exc:  # the C extension raises plain Exception with an error code
                if _code(exc) in RULESET_LIMITS and len(chunk) > 1:
                    half = list(chunk.items())
                    pending[:0] = [dict(half[:len(half) // 2]), dict(half[len(half) // 2:])]
                    continue
                raise EngineError(f"durable_rules rejected the rules: {_explained(exc)}") from None
        self.payload = Payload(rules)
        self.binds = {rule_id: (tuple(aliases.items()), frozenset(aliases.values())) for rule_id, rule in rules.items()
                      if (aliases := _binds(rule_id, rule)) is not None}
        """For each rule whose frame has a fixed shape, the kind of fact each alias binds, and those kinds."""
        self.kinds: frozenset[str] | None = (frozenset(self.payload.projectors) - {MARKER, CASE_COPY}
                                             if self.payload.prune else None)
        """The fact kinds some rule names (``None``: all may matter); facts of other kinds never match."""
        warm = encode([{"id": "w", "t": "_warm", "sid": SESSION}])
        with signals_held():  # cut between its assert and its action, the warm-up's delete_state crashes
            for handle in self.handles:
                self._fire(handle, warm, None)


    def match(self, facts: list[dict[str, Any]]) -> list[Match]:
        """All distinct rule matches for one case's facts, their bound facts the ones given.

        A match message names its rule first (``{"RULE":{...}}``) and echoes the bound facts. When
        each fact a rule binds is the only one of its kind in the case (the case fact always is), the
        rule's name says which facts matched and the message is not parsed."""
        sent = self.payload.facts(facts)
        payload = encode([*sent, MARKER_FACT])
        retraction = encode([MARKER_GONE, *({"id": fact["id"], "sid": SESSION} for fact in sent)]) \
            if len(sent) <= KEPT_SESSION_FACTS else None
        only = _only_of_kind(facts)
        by_id: dict[str, dict[str, Any]] = {}
        seen: dict[Any, Match] = {}  # by rule name for a match read off its name (its facts are fixed), else
        for handle in self.handles:  # by (rule, bound fact ids)
            for message in self._fire(handle, payload, retraction):
                rule = message[2:message.find('"', 2)]
                binds = self.binds.get(rule)
                if binds is not None and binds[1] <= only.keys():
                    if rule not in seen:
                        seen[rule] = (rule, {alias: only[kind] for alias, kind in binds[0]})
                    continue
                by_id = by_id or {fact["id"]: fact for fact in facts}
                for rule, frame in orjson.loads(message).items():
                    frame.pop(MARKER, None)
                    key = (rule, *map(_ID, frame.values()))
                    if key not in seen:
                        seen[key] = (rule, {alias: by_id[fact["id"]] for alias, fact in frame.items()})
        return list(seen.values())

    @staticmethod
    def _fire(handle: int, payload: str, retraction: str | None) -> list[str]:
        """The engine's match messages for one case's facts. The session is then emptied by
        ``retraction`` (the marker first, then every fact asserted) and kept for the next case, unless
        the case ended otherwise or anything is left to fire: then, or without a retraction, it is deleted."""
        messages = []
        emptied = False
        try:
            code, state = dre.assert_facts(handle, payload)
            if code == 2:
                raise EngineError("durable_rules saw a duplicate fact")
            started = dre.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                messages.append(message)
                message = dre.complete_and_start_action(handle, state)
            if retraction is not None:
                code, _ = dre.retract_facts(handle, retraction)
                emptied = code == 0 and dre.start_action_for_state(handle, state) is None
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable_rules failed on this case: {_explained(exc)}") from None
        finally:
            if not emptied:
                dre.delete_state(handle, SESSION)
        return messages
