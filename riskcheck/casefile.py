"""The case file writer: a case as commented YAML, written atomically, proven to read back the same.

One writer for ``riskcheck init`` and the page's "download the case" button. The comments (a
header, one note per section, the choices of an unknown value, the label of a known one) come
from the message catalogue (``question.file.*``) in the chosen language; keys keep the order of
the case format. Files are written through ``riskcheck.output.open_output``, the one atomic writer
(a complete file or none; the permissions a shell redirect would give).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import textwrap
from datetime import date
from typing import Any

import yaml
from pydantic import BaseModel

from riskcheck.case import Case, load_case
from riskcheck.errors import RiskcheckError
from riskcheck.i18n import messages, text
from riskcheck.loading import load, parse
from riskcheck.output import open_output
from riskcheck.questions import DOCUMENT_KINDS, GROUPS, name_of
from riskcheck.vocabulary import label

CHOICES: dict[str, tuple[str, ...]] = {
    (f"{g.path}.{q.field}" if g.repeated else q.field): (q.choices or ("yes", "no", "unknown"))
    for g in GROUPS for q in g.questions if q.kind in ("choice", "yesno_word")
}
CHOICES["promises.source"] = DOCUMENT_KINDS
"""The case paths whose values are codes: an unknown one lists them, a known one shows its label."""
SKIP_WHEN_EMPTY = {"terms.contract", "waivers", "expect"}
_UNSAFE = re.compile(r"[:#,\[\]{}&*!|>'\"%@`\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]|^[-?\s]|\s$")
_ESCAPE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def scalar(value: Any) -> str:
    """A value as a YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, date)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    raw = str(value)
    if raw and not _UNSAFE.search(raw):
        try:
            if yaml.safe_load(raw) == raw:
                return raw
        except yaml.YAMLError:
            pass
    quoted = json.dumps(raw, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _comment(path: str, value: Any, lang: str) -> str:
    """The trailing comment of a key: the value's label, its choices when unknown, or a note."""
    if path in CHOICES:
        if value is None or value == "unknown":
            return "  # " + " | ".join(CHOICES[path])
        shown = name_of(str(value), lang)
        return f"  # {shown}" if shown != value else ""
    key = f"question.file.note.{path}"
    return f"  # {text(key, lang)}" if key in messages("en") else ""


def _section(name: str, lang: str) -> str | None:
    key = f"question.file.section.{name}"
    return text(key, lang) if key in messages("en") else None


def _emit(model: BaseModel, path: str, first: str, pad: str, lines: list[str], lang: str) -> None:
    """The fields of ``model``; the first line starts with ``first`` (``- `` for a list item)."""
    in_list = first != pad
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        key_name = info.alias or name
        key = f"{path}.{key_name}" if path else key_name
        lead, first = first, pad
        if not path and name not in ("riskcheck", "id"):
            if (value is None or value == [] or value == info.default) and key in SKIP_WHEN_EMPTY:
                first = lead
                continue
            lines.append("")
            section = _section(name, lang)
            if section:
                lines.extend(f"# {line}" for line in _wrap(section, lang))
        if isinstance(value, BaseModel):
            if key in SKIP_WHEN_EMPTY and value == type(value)():
                first = lead
                continue
            lines.append(f"{lead}{key_name}:")
            start = len(lines)
            _emit(value, key, pad + "  ", pad + "  ", lines, lang)
            if all(line.lstrip().startswith("#") for line in lines[start:]):
                lines[start - 1] += " {}  # " + text("question.file.empty", lang, braces="{}")
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            lines.append(f"{lead}{key_name}:")
            for item in value:
                _emit(item, key, pad + "  - ", pad + "    ", lines, lang)
        elif value is None or value == []:
            if in_list:
                first = lead
            elif value is None:
                lines.append(f"{lead}# {key_name}:{_comment(key, None, lang) or '  # ' + label('unknown', lang)}")
            else:
                lines.append(f"{lead}{key_name}: []")
        else:
            lines.append(f"{lead}{key_name}: {scalar(value)}{_comment(key, value, lang)}")


def _wrap(line: str, lang: str) -> list[str]:
    """Comment lines of a readable width (Japanese characters count double)."""
    if lang != "ja":
        return textwrap.wrap(line, 96)
    lines = [""]
    for piece in re.findall(r"[^、。]+[、。]?", line):
        if lines[-1] and len(lines[-1]) + len(piece) > 46:
            lines.append("")
        lines[-1] += piece
    return lines


def dump_case(case: Case, lang: str) -> str:
    """The case as commented YAML, keys in the order of the case format."""
    lines = [f"# {line}" for line in text("question.file.header", lang).splitlines()]
    _emit(case, "", "", "", lines, lang)
    return "\n".join(lines) + "\n"


def checked_dump(case: Case, lang: str, source: str) -> str:
    """``dump_case``, after proving the text reads back as the same case."""
    dumped = dump_case(case, lang)
    if load_case(parse(dumped, source), case.id or "") != case:
        raise RiskcheckError(text("question.file.roundtrip", lang, path=source))
    return dumped


def read_case(path: str) -> Case:
    """A case file read and validated the normal way (id defaults to the file name)."""
    return load_case(load(path), os.path.splitext(os.path.basename(path))[0])


def write_case(path: str, case: Case, lang: str) -> Case:
    """Write ``case`` to ``path`` atomically (``open_output``), after proving it reads back as the same case."""
    dumped = checked_dump(case, lang, path)
    with open_output(path) as handle:
        handle.write(dumped)
    return case


def check_writable(path: str, lang: str) -> str | None:
    """Why ``path`` cannot be written (a reason for the user), or None when it can: checked by creating
    and removing a temporary file beside it, as the atomic writer will."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return text("question.init.is_directory", lang, path=path)
    if not os.path.isdir(directory):
        return text("question.init.no_directory", lang, path=path, directory=directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".riskcheck-", suffix=".tmp", dir=directory)
    except OSError as exc:
        return text("question.init.cannot_write", lang, path=path, directory=directory,
                    reason=exc.strerror or exc)
    os.close(fd)
    os.unlink(tmp)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return text("question.init.read_only", lang, path=path)
    return None


def save_recovery(dumped: str, path: str) -> str | None:
    """Keep answers that could not be saved at ``path``: a file in the home or temporary directory.
    Returns where it went (None if nowhere could take it)."""
    name = f"riskcheck-recovered-{os.path.splitext(os.path.basename(path))[0] or 'case'}-{os.getpid()}.yaml"
    for directory in (os.path.expanduser("~"), tempfile.gettempdir()):
        target = os.path.join(directory, name)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(dumped)
        except OSError:
            continue
        return target
    return None
