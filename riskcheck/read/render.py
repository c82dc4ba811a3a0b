"""A reading as output: JSON (``{"document", "terms", "evidence", "missing", "conflicts"}``) or a commented
YAML case fragment whose values carry the document's line as a comment. Deterministic: same file, same bytes."""

from __future__ import annotations

import io
import json
from typing import Any

from riskcheck.i18n import text
from riskcheck.read.reader import Conflict, Reading, split_field


def as_dict(reading: Reading, conflicts: list[Conflict]) -> dict[str, Any]:
    return {"document": reading.document(), "terms": reading.terms(),
            "evidence": [e.to_dict() for e in reading.evidence], "missing": reading.missing,
            "conflicts": [c.to_dict() for c in conflicts]}


def as_json(reading: Reading, conflicts: list[Conflict]) -> str:
    return json.dumps(as_dict(reading, conflicts), ensure_ascii=False, indent=2) + "\n"


def as_yaml(reading: Reading, conflicts: list[Conflict], lang: str, name: str) -> str:
    """The reading as a case fragment: ``documents`` and ``terms``, each term commented with its line."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from riskcheck.read.merge import _set, _statements

    terms = CommentedMap()
    for item in reading.evidence:
        if item.field.startswith("terms."):
            _set(terms, item.field, item.value)
    for item in reading.evidence:
        if not item.field.startswith("terms."):
            continue
        base, key, attribute = split_field(item.field)
        parts = base.split(".")[1:]
        node: Any = terms
        for part in parts[:-1]:
            node = node[part]
        note = text("read.yaml.evidence", lang, line=item.line, text=item.text)
        if key is not None:
            entry = next(e for e in node[parts[-1]] if str(next(iter(e.values()))) == key)
            entry.yaml_add_eol_comment(note, attribute)
        else:
            node.yaml_add_eol_comment(note, parts[-1])
    document = CommentedMap([("kind", reading.kind), ("language", reading.language),
                             ("covers", CommentedSeq(reading.covers)), ("states", _statements(reading))])
    document["covers"].fa.set_flow_style()
    data = CommentedMap([("documents", CommentedSeq([document])), ("terms", terms)])
    header = [text("read.yaml.header", lang, path=name, kind=reading.kind)]
    items = [text(f"read.item.{item}", lang) for item in reading.missing]
    header.append(text("read.yaml.missing", lang, items=", ".join(items)) if items else
                  text("read.yaml.none_missing", lang))
    for conflict in conflicts:
        header.append(text("read.into.conflict", lang, field=conflict.field, case=conflict.case,
                           value=conflict.document, line=conflict.line, text=conflict.text))
    data.yaml_set_start_comment("\n".join(header))
    yaml = YAML()
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
