"""Reading YAML and JSON documents safely, remembering the line of every field.

Only plain data is built: YAML tags that would construct Python objects are refused,
duplicate keys are errors (a repeated key must never silently drop a promise), and
size, nesting and alias expansion are bounded so a hostile file fails fast.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from riskcheck.errors import InputError


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader (libyaml when present) that leaves dates as text for the models to check."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64
SAFE_NESTING = 500
"""libyaml's composer recurses in C and crashes the process on deep enough nesting (tens of thousands
of levels; about 1,000 in a thread with a small stack). Every level needs one of ``[ { - ? :``, so
text with fewer of them than this is composed directly; more, and the depth is first checked on
the parser's events (which costs about as much as parsing again)."""
MAX_NUMBER_CHARS = 100
"""Longer integer literals are refused before conversion: a base-60 integer (``1:2:3``) takes
quadratic time to build, and a huge integer cannot even be printed in an error message."""


def _construct_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> Any:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value):,} characters is too long (at most {MAX_NUMBER_CHARS}); "
                        "quote it if it is text", node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

Path = tuple[Any, ...]


@dataclass
class Document:
    """Parsed data plus the 1-based line of each key path (YAML only)."""

    data: Any
    source: str
    lines: dict[Path, int] = field(default_factory=dict)
    start_line: int | None = None

    def line_of(self, loc: Path) -> int | None:
        """The line of the longest known prefix of ``loc`` (counted in the containing file)."""
        offset = self.start_line - 1 if self.start_line else 0
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line + offset
        return self.start_line

    def error(self, loc: Path, message: str) -> InputError:
        return InputError(self.source, message, self.line_of(loc), format_loc(loc) or None)


def format_loc(loc: Path) -> str:
    """``('promises', 0, 'by')`` -> ``promises[0].by``; a key with line breaks or control characters is
    quoted and escaped, so an error stays on one line."""
    out = ""
    for part in loc:
        name = str(part) if str(part).isprintable() else ascii(str(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
    return out


def read_text(path: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file of bounded size, refusing binary and non-UTF-8 content."""
    try:
        if os.path.isdir(path):
            raise InputError(path, "is a directory, not a case file")
        # Non-blocking open: a named pipe with no writer would otherwise hang here for ever
        # (then it reads as empty); an anonymous pipe such as <(cmd) still reads normally.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        os.set_blocking(fd, True)
        with open(fd, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    if len(raw) > max_bytes:
        raise InputError(path, f"file is larger than the limit of {max_bytes:,} bytes")
    return decode(raw, path)


def decode(raw: bytes, source: str) -> str:
    """Decode UTF-8 (a BOM is allowed); binary or other encodings are errors with a line."""
    if b"\x00" in raw:
        raise InputError(source, "binary file (contains NUL bytes), expected UTF-8 text",
                         raw.count(b"\n", 0, raw.index(b"\x00")) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(source, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                         line) from None
    return text.removeprefix("\ufeff")


def parse(text: str, source: str, fmt: str | None = None, start_line: int | None = None) -> Document:
    """Parse ``text`` as JSON (``fmt='json'`` or a ``.json`` source) or else YAML."""
    if fmt == "json" or (fmt is None and source.lower().endswith(".json")):
        return _parse_json(text, source, start_line)
    return _parse_yaml(text, source, start_line)


def load(path: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one file."""
    return parse(read_text(path, max_bytes), path)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        keys = [key for key, _ in pairs]
        duplicate = next(key for i, key in enumerate(keys) if key in keys[:i])
        raise ValueError(f"duplicate key '{duplicate}'")
    return out


def _parse_json(text: str, source: str, start_line: int | None) -> Document:
    offset = start_line - 1 if start_line else 0
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno + offset) from None
    except RecursionError:
        raise InputError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise InputError(source, f"invalid JSON: {exc}", start_line) from None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # else it cannot nest that deep
        _check_depth(data, source)
    if _SURROGATE_ESCAPE.search(text):  # json accepts "\udc80" alone; no output could encode it
        _check_surrogates(data, source, start_line)
    return Document(data, source, {}, start_line)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(data: Any, source: str, line: int | None) -> None:
    """Refuse a lone surrogate (half of a UTF-16 pair, not a character) in any key or value."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            code = ord(_SURROGATE.search(value).group())  # type: ignore[union-attr]
            raise InputError(source, f"invalid JSON: \\u{code:04x} is half of a character pair (a lone "
                                     "surrogate), not a character", line)


def _check_depth(data: Any, source: str) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _parse_yaml(text: str, source: str, start_line: int | None) -> Document:
    offset = start_line - 1 if start_line else 0
    loader = _Loader(text)
    try:
        if sum(map(text.count, "[{-?:")) > SAFE_NESTING:
            _check_event_depth(text, source, offset)
        node = loader.get_single_node()
        if node is None:
            raise InputError(source, "the file is empty")
        lines = _index_lines(node, source, offset)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else start_line
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            tag = problem.rsplit("tag ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
            problem = f"the YAML tag {tag} is not allowed (plain data only)"
        raise InputError(source, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"invalid YAML: {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(source, f"invalid YAML value: {exc}", start_line) from None
    except RecursionError:
        raise InputError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return Document(data, source, lines, start_line)


def _check_event_depth(text: str, source: str, offset: int) -> None:
    """Refuse deep nesting from the parser's events, before anything is composed: libyaml's composer
    recurses in C and crashes the process on a few hundred thousand nested ``[`` or ``- ``."""
    parser = _Loader(text)
    try:
        depth = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(source, f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1 + offset)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def _index_lines(root: yaml.Node, source: str, offset: int) -> dict[Path, int]:
    """Map every key path to its line, rejecting duplicate keys, deep nesting and alias bombs."""
    lines: dict[Path, int] = {}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    visited = 0
    while stack:
        node, path = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise InputError(source, f"more than {MAX_NODES:,} values (YAML alias expansion?)")
        if len(path) > MAX_DEPTH:
            raise InputError(source, f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1 + offset)
        lines.setdefault(path, node.start_mark.line)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
                if key in seen and key != "<<":
                    raise InputError(source, f"duplicate key '{key}'", key_node.start_mark.line + 1 + offset)
                seen.add(key)
                stack.append((value_node, path + (key,)))
                lines.setdefault(path + (key,), key_node.start_mark.line)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return {path: line + 1 for path, line in lines.items()}
