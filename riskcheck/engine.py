"""Driving durable_rules: compiled rules in, facts in, matches out, every known trap contained.

The C engine is used directly as a matcher (see ``shared/durable-rules.md``), never through
``durable.engine.Host``:

* no Host, so no background timer threads racing the matcher, and no Python actions
  (an action with two parameters would silently turn async);
* facts of one case go in one ``assert_facts`` call, the marker fact last, so every ``$not``
  is evaluated with all facts present; unmatched facts (result code 1) are normal;
* ``$or`` branches fire once each: matches are de-duplicated by (rule, bound facts);
* joins never use the engine's own ``id`` attribute (it can read freed memory);
* each case's state is deleted right after it, so the 1024-session limit is never reached;
  ``delete_state`` frees a state slot's action context, which is uninitialised until an action
  has run in that slot: one warm-up case that fires initialises the slot, and since sessions
  run one at a time and the pool's free list is last-in first-out, every case reuses it;
* rules and facts are serialised the same way (ASCII JSON): a non-ASCII literal encoded
  differently on each side silently never matches.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from typing import Any

from riskcheck.conditions import MARKER
from riskcheck.errors import RiskcheckError


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
WARM_RULE = {"all": [{"m": {"t": "_warm"}}]}
SESSION = "0"
"""Cases run one at a time, each in a fresh session deleted right after it, so every case can use
the same session id. Each fact carries it: durable_rules rewrites a fact that lacks one."""
_names = itertools.count()

Match = tuple[str, dict[str, dict[str, Any]]]
"""A rule id and its bound facts by alias (``unless`` patterns bind nothing)."""


class EngineError(RiskcheckError):
    """durable_rules refused a ruleset or a case."""


LIMITS = {
    107: "too many rules test that the same field is absent (durable_rules keeps 128 such tests per condition)",
    108: "too many rules for one durable_rules ruleset (every rule shares the marker pattern: at most 257 rules)",
    113: "a rule pattern is too complex (durable_rules keeps 31 and/or/ref terms per pattern)",
    302: "a fact has too many properties",
    303: "a fact matches more rule conditions at once than durable_rules can track (64); "
         "use fewer rule packs together",
    304: "a rule has more than 16 patterns",
}
"""durable_rules' error codes for its fixed limits, explained (src/rules/rules.h)."""


def _explained(exc: Exception) -> str:
    code = re.search(r"error code: (\d+)", str(exc))
    reason = LIMITS.get(int(code.group(1))) if code else None
    return f"{exc} ({reason})" if reason else str(exc)


class Matcher:
    """One durable_rules ruleset; ``match`` runs one case's facts through it."""

    def __init__(self, rules: dict[str, dict[str, Any]]):
        ruleset = {**rules, "_warm": WARM_RULE}
        try:
            self._handle = dre.create_ruleset(f"riskcheck{next(_names)}", json.dumps(ruleset))
        except Exception as exc:  # the C extension raises plain Exception with an error code
            raise EngineError(f"durable_rules rejected the rules: {_explained(exc)}") from None
        self._run([{"id": "w", "t": "_warm"}])

    def match(self, facts: list[dict[str, Any]]) -> list[Match]:
        """All distinct rule matches for one case's facts (each fact gets the session id)."""
        seen: dict[tuple[str, tuple[str, ...]], Match] = {}
        for rule, frame in self._run([*facts, {"id": MARKER, "t": MARKER}]):
            bound = {alias: fact for alias, fact in frame.items() if alias != MARKER}
            seen.setdefault((rule, tuple(f["id"] for f in bound.values())), (rule, bound))
        return list(seen.values())

    def _run(self, facts: list[dict[str, Any]]) -> list[Match]:
        for fact in facts:
            fact["sid"] = SESSION
        payload = json.dumps(facts)
        out: list[Match] = []
        try:
            code, state = dre.assert_facts(self._handle, payload)
            if code == 2:
                raise EngineError("durable_rules saw a duplicate fact")
            started = dre.start_action_for_state(self._handle, state)
            message = started[1] if started else None
            while message:
                out.extend(json.loads(message).items())
                message = dre.complete_and_start_action(self._handle, state)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable_rules failed on this case: {_explained(exc)}") from None
        finally:
            dre.delete_state(self._handle, SESSION)
        return out

