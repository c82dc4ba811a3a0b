"""The column list ``audit --help`` shows, built from the column catalogue (help text may stay English)."""

from __future__ import annotations

import textwrap

from riskcheck.inputs.columns import COLUMNS, TEMPLATE_GROUPS


def _table_help() -> str:
    groups: dict[str, list[str]] = {}
    plain = []
    for column in COLUMNS:
        if column.group:
            groups.setdefault(column.group, []).append(column.key.split(".", 1)[1])
        else:
            plain.append(column.key)
    lines = ["One row per case; the first row names the columns (English or Japanese headers, any order);",
             "an empty cell means unknown; '#...' and 'メモ...' columns are notes. `riskcheck template` writes",
             "a CSV or xlsx template with every column (xlsx: drop-down lists, an explanation sheet).",
             *textwrap.wrap(", ".join(plain), 96, initial_indent="  ", subsequent_indent="  ")]
    lines += [f"  {group}<N>.{{{', '.join(fields)}}}" for group, fields in groups.items()]
    lines += [f"N counts from 1 (the template has {', '.join(f'{n} {g}' for g, n in TEMPLATE_GROUPS.items())}).",
              "List cells (confirmed_by, covers, stated_months) are separated by ';'. Booleans: true/false.",
              "CSV: UTF-8 (with or without BOM) or Shift_JIS (cp932). Blank rows are skipped and counted."]
    return "\n".join(lines)


TABLE_HELP = _table_help()


def columns_markdown() -> str:
    """The column table of ``docs/inputs.md`` (kept in step by ``tests/test_template.py``)."""
    from riskcheck.i18n import text

    lines = ["| English header | Japanese header | kind | values |", "| --- | --- | --- | --- |"]
    for column in COLUMNS:
        values = ", ".join(f"`{choice}`" for choice in column.choices) or text(f"template.kind.{column.kind}", "en")
        lines.append(f"| `{column.key}` | {column.header('ja', '{n}')} | {column.kind} | {values} |")
    return "\n".join(lines)
