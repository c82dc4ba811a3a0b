"""Merging a reading into a case file: the document with its covers and statements, the terms the case
leaves unknown; never overwriting what the candidate stated (a different value is a conflict, and the
case keeps both: its own value in ``terms``, the document's in ``documents[].states`` with the line).

The file is edited as a round trip (ruamel.yaml keeps comments, order and quoting), checked as a case
before anything is written, and written atomically (``riskcheck.output.open_output``).
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml as pyyaml

from riskcheck.case import load_case
from riskcheck.errors import InputError
from riskcheck.loading import load, parse
from riskcheck.output import open_output
from riskcheck.read.compiled import load_patterns, shipped_patterns_path
from riskcheck.read.reader import Conflict, Evidence, Reading, split_field
from riskcheck.read.text import normalise

def _case_id(path: str) -> str:
    """The case id a case file without ``id`` gets (as ``riskcheck.evaluate.case_id_for``; the engine is not loaded)."""
    import os

    return os.path.splitext(os.path.basename(path))[0]


LIST_KEYS = {"terms.allowances": ("name", "monthly"), "terms.repayment": ("for", "condition")}


@dataclass
class Merge:
    filled: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def unknown(value: Any) -> bool:
    return value is None or value == "unknown" or value == []


def same(a: Any, b: Any) -> bool:
    """Equal as case values: numbers by value, yes/no and booleans alike, text after normalisation."""
    words = {True: "yes", False: "no"}
    a, b = words.get(a, a) if isinstance(a, bool) else a, words.get(b, b) if isinstance(b, bool) else b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return normalise(str(a)) == normalise(str(b))


def case_value(terms: dict[str, Any], path: str) -> Any:
    """The case's value for a statement's field (``None`` when absent), in plain or round-trip data."""
    base, key, attribute = split_field(path)
    if key is not None:
        name = LIST_KEYS[base][0]
        entry = next((e for e in terms.get(base.split(".")[1]) or [] if str(e.get(name)) == key), None)
        return None if entry is None else entry.get(attribute)
    node: Any = terms
    for part in path.split(".")[1:]:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _quoted(value: Any) -> Any:
    """Strings a YAML 1.1 reader would take for something else (``yes``, ``09:00``, dates) stay strings."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, str) and pyyaml.safe_load(value) != value:
        return DoubleQuotedScalarString(value)
    return value


def _set(terms: dict[str, Any], path: str, value: Any) -> None:
    from ruamel.yaml.comments import CommentedMap

    base, key, attribute = split_field(path)
    if key is not None:
        name = LIST_KEYS[base][0]
        entries = terms.setdefault(base.split(".")[1], [])
        entry = next((e for e in entries if str(e.get(name)) == key), None)
        if entry is None:
            entries.append(entry := CommentedMap([(name, _quoted(key))]))
        entry[attribute] = _quoted(value)
        return
    node = terms
    parts = path.split(".")[1:]
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = CommentedMap()
        node = node[part]
    node[parts[-1]] = _quoted(value)


def merge_terms(terms: dict[str, Any], evidence: list[Evidence]) -> Merge:
    """Fill ``terms`` (mutated) from the document's statements; record conflicts."""
    result = Merge()
    for item in evidence:
        if not item.field.startswith("terms."):
            continue
        current = case_value(terms, item.field)
        if unknown(current):
            _set(terms, item.field, item.value)
            result.filled.append(item.field)
        elif not same(current, item.value):
            result.conflicts.append(Conflict(item.field, current, item.value, item.line, item.text))
    return result


def _statements(reading: Reading) -> Any:
    from ruamel.yaml.comments import CommentedMap

    states = [CommentedMap([("field", e.field), ("value", _quoted(e.value)), ("line", e.line), ("text", e.text)])
              for e in reading.evidence]
    for state in states:
        state.fa.set_flow_style()
    return states


def _indentation(text: str) -> tuple[int, int]:
    """The file's own indentation: of a nested mapping, and of a list's dash under its key (0 or more)."""
    mapping = offset = None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for parent, child in zip(lines, lines[1:]):
        if not re.fullmatch(r"\s*[^\s#-][^:]*:\s*", parent):
            continue
        depth = len(parent) - len(parent.lstrip())
        inner = len(child) - len(child.lstrip())
        if child.lstrip().startswith("- ") and offset is None:
            offset = max(inner - depth, 0)
        elif inner > depth and mapping is None:
            mapping = inner - depth
    return mapping or 2, 2 if offset is None else offset


WRITTEN_KINDS = ("labor_conditions_notice", "employment_contract", "offer_letter")


def _bonus_in_writing(terms: dict[str, Any], reading: Reading, result: Merge) -> None:
    """A notice that states the bonus, as the case has it, puts it in writing (``terms.bonus.in_writing``)."""
    conflicting = any(c.field.startswith("terms.bonus.") for c in result.conflicts)
    stated = any(e.field in ("terms.bonus.basis", "terms.bonus.guaranteed_months") for e in reading.evidence)
    if reading.kind in WRITTEN_KINDS and stated and not conflicting and case_value(terms, "terms.bonus.in_writing") is not True:
        _set(terms, "terms.bonus.in_writing", True)
        result.filled.append("terms.bonus.in_writing")


def merge_into(case_path: str, reading: Reading, received: date) -> Merge:
    """Merge ``reading`` into the case file at ``case_path`` and write it back atomically."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    load_case(load(case_path), _case_id(case_path))  # a case that is not valid is reported as it is
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    try:
        with open(case_path, encoding="utf-8") as handle:
            original = handle.read()
        data = yaml.load(original)
    except (OSError, YAMLError) as exc:
        raise InputError(case_path, " ".join(str(exc).split())) from None
    mapping, offset = _indentation(original)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    result = merge_data(data, reading, received)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue()
    load_case(parse(text, case_path, "yaml"), _case_id(case_path))
    with open_output(case_path) as out:
        out.write(text)
    return result


def merge_data(data: Any, reading: Reading, received: date) -> Merge:
    """Merge ``reading`` into a case's data (mutated; a plain dict or a round-trip YAML mapping): add or
    update the document with its covers and statements, fill the terms the case leaves unknown, and
    record a conflict for each term the case states differently. The one merge ``read --into``, ``init``
    and ``serve`` all use."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    documents = data.setdefault("documents", [])
    target = next((d for d in documents if d.get("kind") == reading.kind and d.get("states")), None) or next(
        (d for d in documents if d.get("kind") == reading.kind and not d.get("states")), None)
    if target is None:
        documents.append(target := CommentedMap([("kind", reading.kind)]))
    if target.get("received") in (None, False):
        target["received"] = received
    target["language"] = reading.language
    detectable = {item.topic for item in load_patterns(str(shipped_patterns_path()), checked=False).items}
    kept = [topic for topic in target.get("covers") or [] if topic not in detectable]
    target["covers"] = CommentedSeq(sorted(set(reading.covers) | set(kept)))
    target["covers"].fa.set_flow_style()
    target["states"] = _statements(reading)
    terms = data.get("terms")
    if not isinstance(terms, dict):
        data["terms"] = terms = CommentedMap()
    result = merge_terms(terms, reading.evidence)
    _bonus_in_writing(terms, reading, result)
    return result


def preview(data: Any, reading: Reading, received: date) -> Merge:
    """What merging would fill and which terms conflict, leaving ``data`` as it is (shown before merging)."""
    return merge_data(copy.deepcopy(data), reading, received)
