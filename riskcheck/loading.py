"""Reading YAML and JSON documents safely, remembering the line of every field.

Only plain data is built: YAML tags that would construct Python objects are refused, and a core
tag whose text does not fit it (``!!bool x``) is an error on its line, never a traceback;
duplicate keys are errors (a repeated key must never silently drop a promise), and size, nesting
and alias expansion are bounded so a hostile file fails fast. A JSON string holding half of a
UTF-16 pair (``"\\udc80"``) is refused, since no output could hold it.

Errors are catalogue messages (``load.*``), and the YAML parser's wording is turned into what to
do: a tab in the indentation, an unquoted value holding ``: ``, a full-width colon. Text after
`` #`` in an unquoted value is a comment to YAML; the document keeps a warning for it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson
import yaml

from riskcheck.errors import InputError
from riskcheck.i18n import Message


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


class _Refused(yaml.MarkedYAMLError):
    """A node the loader will not build, with the catalogue message saying why."""

    def __init__(self, message: Message, mark: Any):
        super().__init__(problem=str(message), problem_mark=mark)
        self.message = message


def _construct_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> Any:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise _Refused(Message("load.number_too_long", count=len(node.value), limit=MAX_NUMBER_CHARS),
                       node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]


def _guarded(construct: Callable[..., Any]) -> Callable[..., Any]:
    """A core tag's constructor that turns a value not fitting the tag (``!!bool x``, ``!!timestamp x``,
    ``!!float x``) into an error on the node's line: PyYAML itself raises KeyError, AttributeError..."""

    def guarded(loader: yaml.BaseLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except yaml.MarkedYAMLError:
            raise
        except Exception:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(Message("load.yaml_bad_value", ("value",), tag=tag, value=_short(node.value)),
                           node.start_mark) from None
    return guarded


NOT_PLAIN = ("set", "omap", "pairs", "binary")
"""Core tags that build something other than JSON's data (a set, bytes): refused like any other tag."""
_Loader.yaml_constructors = {
    tag: (_guarded(construct) if tag is not None else construct)
    for tag, construct in {**yaml.SafeLoader.yaml_constructors, "tag:yaml.org,2002:int": _construct_int}.items()
    if tag not in {f"tag:yaml.org,2002:{name}" for name in NOT_PLAIN}
}

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

    warnings: list[InputError] = field(default_factory=list)
    """Problems that did not stop the reading (text after `` #`` dropped as a comment)."""

    def error(self, loc: Path, message: str | Message, private_key: bool = False) -> InputError:
        """An error about the value at ``loc``; with ``private_key``, the last part of ``loc`` is a key the user
        typed (not one of the format's), which ``--redact`` leaves out."""
        return InputError(self.source, message, self.line_of(loc), format_loc(loc) or None,
                          format_loc(loc[:-1]) if private_key else None)


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
            raise InputError(path, Message("load.is_directory"))
        # Non-blocking open: a named pipe with no writer would otherwise hang here for ever
        # (then it reads as empty); an anonymous pipe such as <(cmd) still reads normally.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        os.set_blocking(fd, True)
        with open(fd, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, os_message(exc)) from None
    if len(raw) > max_bytes:
        raise InputError(path, Message("load.too_large", limit=max_bytes))
    return decode(raw, path)


def os_message(exc: OSError) -> Message:
    """An operating-system error in catalogue words where the catalogue has them (not found, no permission)."""
    import errno

    known = {errno.ENOENT: "load.not_found", errno.EACCES: "load.no_permission", errno.EPERM: "load.no_permission"}
    key = known.get(exc.errno or 0)
    return Message(key) if key else Message("load.os_error", reason=exc.strerror or str(exc))


def decode(raw: bytes, source: str) -> str:
    """Decode UTF-8 (a BOM is allowed); binary or other encodings are errors with a line."""
    if b"\x00" in raw:
        raise InputError(source, Message("load.binary"), raw.count(b"\n", 0, raw.index(b"\x00")) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(source, Message("load.not_utf8", byte=f"0x{raw[exc.start]:02x}"), line) from None
    return text.removeprefix("\ufeff")


def parse(text: str, source: str, fmt: str | None = None, start_line: int | None = None) -> Document:
    """Parse ``text`` as JSON (``fmt='json'`` or a ``.json`` source) or else YAML."""
    if fmt == "json" or (fmt is None and source.lower().endswith(".json")):
        return _parse_json(text, source, start_line)
    return _parse_yaml(text, source, start_line)


def load(path: str, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one file."""
    return parse(read_text(path, max_bytes), path)


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        keys = [key for key, _ in pairs]
        raise _DuplicateKey(next(key for i, key in enumerate(keys) if key in keys[:i]))
    return out


_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"


def _fast_json(text: str) -> Any:
    """The data of a plain, well-formed JSON text, parsed by orjson; ``None`` when the standard
    library must parse it instead (then every error message, and the refusal of duplicate keys,
    comes from the one careful path below).

    orjson keeps the last of duplicate keys silently, so the keys are counted: outside strings every
    ``:`` in JSON follows a key, so the text has as many colons as the data, written out again, has
    keys plus colons inside strings, unless a key was dropped. A colon written as an escape
    (``\\u003a``) would upset that count, so such texts go the careful way. So do texts with a number
    orjson writes with an exponent (``1e+20``): orjson reads an integer beyond 64 bits as a float,
    where the standard library keeps it exact."""
    if "\\u003" in text:
        return None
    try:
        data = orjson.loads(text)
        written = orjson.dumps(data)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # also nesting beyond orjson's limits
        return None
    return data if written.count(b":") == text.count(":") and b"e+" not in written else None


def _parse_json(text: str, source: str, start_line: int | None) -> Document:
    offset = start_line - 1 if start_line else 0
    try:
        data = _fast_json(text)
        if data is None:
            data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(source, Message("load.json_invalid", problem=exc.msg, column=exc.colno),
                         exc.lineno + offset) from None
    except RecursionError:
        raise InputError(source, Message("load.too_deep", limit=MAX_DEPTH)) from None
    except _DuplicateKey as exc:
        raise InputError(source, Message("load.json_duplicate_key", ("key",), key=_short(exc.key)), start_line) from None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # else it cannot nest that deep
        _check_depth(data, source)
    escape = re.search(_SURROGATE_ESCAPE, text) if "\\u" in text else None
    if escape and not _encodable(data):  # half a UTF-16 pair: no UTF-8 output can hold it
        raise InputError(source, Message("load.surrogate"), text.count("\n", 0, escape.start()) + 1 + offset)
    return Document(data, source, {}, start_line)


def _encodable(data: Any) -> bool:
    """Whether every string (and key) in ``data`` can be written as UTF-8."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _short(value: Any, limit: int = 80) -> str:
    """Input text quoted in an error message, on one line and cut short."""
    shown = " ".join(str(value).split())
    shown = shown if shown.isprintable() else ascii(shown)
    return shown if len(shown) <= limit else shown[:limit - 3] + "..."


def _check_depth(data: Any, source: str) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, Message("load.too_deep", limit=MAX_DEPTH))
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _parse_yaml(text: str, source: str, start_line: int | None) -> Document:
    offset = start_line - 1 if start_line else 0
    loader = _Loader(text)
    warnings: list[InputError] = []
    try:
        if sum(map(text.count, "[{-?:")) > SAFE_NESTING:
            _check_event_depth(text, source, offset)
        node = loader.get_single_node()
        if node is None:
            raise InputError(source, Message("load.empty"))
        lines = _index_lines(node, source, offset, text.splitlines() if " #" in text else None, warnings)
        data = loader.construct_document(node)
    except _Refused as exc:
        raise InputError(source, exc.message, exc.problem_mark.line + 1 + offset) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, text, source, offset, start_line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, Message("load.yaml_invalid", ("problem",), problem=_short(exc))) from None
    except (ValueError, TypeError, OverflowError, LookupError, AttributeError) as exc:
        raise InputError(source, Message("load.yaml_value", ("problem",), problem=_short(exc)), start_line) from None
    except RecursionError:
        raise InputError(source, Message("load.too_deep", limit=MAX_DEPTH)) from None
    finally:
        loader.dispose()
    return Document(data, source, lines, start_line, warnings)


_FULLWIDTH_KEY = r"^\s*(?:-\s+)?[^\s\"'#:：{\[][^\"'#:：]*："
"""A key written with a full-width colon (``said：…``), which YAML reads as text, not as a key."""


def _yaml_error(exc: yaml.MarkedYAMLError, text: str, source: str, offset: int, start_line: int | None) -> InputError:
    """The parser's complaint as what to do about it, on the line to change."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or exc.context or ""
    lines = text.splitlines()

    def at(number: int | None) -> int | None:
        return number + offset if number is not None else start_line

    if "maximum nesting depth" in problem:  # libyaml's own limit (PyYAML 6.0.4 on): the same refusal as ours
        return InputError(source, Message("load.too_deep", limit=MAX_DEPTH), at(line))
    if "could not determine a constructor" in problem:
        tag = problem.rsplit("tag ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return InputError(source, Message("load.yaml_tag", ("tag",), tag=_short(tag)), at(line))
    if line is not None:
        first = min(exc.context_mark.line + 1, line) if exc.context_mark else line - 2
        nearby = [(n, lines[n - 1]) for n in range(line, max(first, line - 2, 1) - 1, -1) if n <= len(lines)]
        for number, content in nearby:  # the line of the error, or just above it
            if "\t" in content[:len(content) - len(content.lstrip())]:
                return InputError(source, Message("load.yaml_tab"), at(number))
        for number, content in nearby:
            if re.match(_FULLWIDTH_KEY, content):
                return InputError(source, Message("load.yaml_fullwidth_colon"), at(number))
        if "mapping values are not allowed" in problem:
            return InputError(source, Message("load.yaml_colon"), at(line))
    quoted = "'" in problem or '"' in problem  # the parser quotes the input (an alias name, a character)
    return InputError(source, Message("load.yaml_invalid", ("problem",) if quoted else (), problem=problem or "?"),
                      at(line))


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
                    raise InputError(source, Message("load.too_deep", limit=MAX_DEPTH), event.start_mark.line + 1 + offset)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def _index_lines(root: yaml.Node, source: str, offset: int, text_lines: list[str] | None,
                 warnings: list[InputError]) -> dict[Path, int]:
    """Map every key path to its line, rejecting duplicate keys, deep nesting and alias bombs; with
    ``text_lines``, warn of each unquoted value followed by `` #`` (one space: the rest is a comment)."""
    lines: dict[Path, int] = {}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    visited = 0
    while stack:
        node, path = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise InputError(source, Message("load.too_many_values", limit=MAX_NODES))
        if len(path) > MAX_DEPTH:
            raise InputError(source, Message("load.too_deep", limit=MAX_DEPTH), node.start_mark.line + 1 + offset)
        lines.setdefault(path, node.start_mark.line)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
                if key in seen and key != "<<":
                    raise InputError(source, Message("load.duplicate_key", ("key",), key=_short(key)),
                                     key_node.start_mark.line + 1 + offset)
                seen.add(key)
                stack.append((value_node, path + (key,)))
                lines.setdefault(path + (key,), key_node.start_mark.line)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
        elif text_lines is not None and path and not node.style and _comment_follows(node, text_lines):
            warnings.append(InputError(source, Message("load.comment_dropped"), node.end_mark.line + 1 + offset,
                                       format_loc(path) or None))
    return {path: line + 1 for path, line in lines.items()}


def _comment_follows(node: yaml.Node, text_lines: list[str]) -> bool:
    """Whether an unquoted value is followed by exactly one space and ``#`` on its line: YAML drops the rest
    as a comment, though it reads like part of the value (a deliberate comment is set off by two spaces,
    as riskcheck init and yamllint write them)."""
    end = node.end_mark
    rest = text_lines[end.line][end.column:] if end.line < len(text_lines) else ""
    return rest.startswith(" #")
