"""JSON is parsed by orjson first and by the standard library when in doubt (``loading._fast_json``): the
data, the refusal of duplicate keys and every error message must be exactly those of the careful path.

The property test writes random JSON texts (nested objects and arrays, keys that repeat, colons and
escapes inside strings, integers beyond 64 bits, floats, non-ASCII) and compares ``loading.parse`` with
the standard library parsing the same text with duplicate keys refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcheck.errors import InputError
from riskcheck.loading import _fast_json, _reject_duplicates, parse

KEYS = st.sampled_from(["a", "b", "a:b", "c", "見", ":", "\\u003a", 'x\\"y', "id"])
STRINGS = st.one_of(st.sampled_from(["", ":", "a:b", "\\u003a", "\\\\u003a", "\\ud800", "\\ud83d\\ude00", "e+5", "\\n",
                                     "説明を受けた", "1e+20"]),
                    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6)
                    .map(lambda text: json.dumps(text)[1:-1]))
NUMBERS = st.one_of(st.integers(-(2 ** 70), 2 ** 70).map(str), st.floats(allow_nan=False).map(repr),
                    st.sampled_from(["1e400", "-0", "0.1", "1E5", "NaN", "Infinity", "01", "1.", "-"]))


def texts() -> st.SearchStrategy[str]:
    """JSON texts, mostly valid, written out by hand so that keys can repeat."""
    scalars = st.one_of(STRINGS.map(lambda s: f'"{s}"'), NUMBERS, st.sampled_from(["true", "false", "null"]))

    def containers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        members = st.lists(st.tuples(KEYS, inner), max_size=4)
        return st.one_of(
            st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            members.map(lambda pairs: "{" + ",".join(f'"{key}": {value}' for key, value in pairs) + "}"))

    return st.recursive(scalars, containers, max_leaves=12)


def careful(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_reject_duplicates)


def outcome(parse_it: Any, text: str) -> tuple[str, str]:
    try:
        return "data", repr(parse_it(text))
    except (InputError, ValueError, RecursionError) as exc:
        return "error", type(exc).__name__


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(text=texts())
def test_the_fast_path_reads_what_the_careful_one_reads(text: str) -> None:
    fast = _fast_json(text)
    expected = outcome(careful, text)
    if fast is not None:  # orjson took it: only when the careful path gives the very same data
        assert expected == ("data", repr(fast)), text
    got = outcome(lambda t: parse(t, "x.json").data, text)
    if expected[0] == "data" and got[0] == "data":
        assert got == expected, text
    elif expected[0] == "data":  # the careful path read it, but riskcheck refuses it (a lone surrogate)
        assert "\\ud" in text.lower(), text
    else:
        assert got[0] == "error", text


@pytest.mark.parametrize("text, message", [
    ('{"a": 1, "a": 2}', "x.json: invalid JSON: duplicate key 'a'"),
    ('{"x": {"b:c": "x:y", "b:c": "z"}}', "x.json: invalid JSON: duplicate key 'b:c'"),
    ('{"a": "x", "a": "y\\u003a"}', "x.json: invalid JSON: duplicate key 'a'"),  # an escaped colon balances the count
    ('{"a": "\\ud800"}', "x.json:1: invalid JSON: a \\u escape here is half of a UTF-16 surrogate pair"),
    ("[" * 70 + "]" * 70, "x.json: nested deeper than 64 levels"),
])
def test_errors_are_those_of_the_careful_path(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text, "x.json")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("text", ['{"a": 123456789012345678901234567890}', '{"a": -9223372036854775809}',
                                  '{"a": 1e400}', '{"a": NaN}'])
def test_numbers_orjson_would_change_are_read_exactly(text: str) -> None:
    assert _fast_json(text) is None
    assert repr(parse(text, "x.json").data) == repr(json.loads(text))


@pytest.mark.parametrize("text", ['{"a": 1,}', '{"a" 1}', '[1, 2', '{"a": tru}', '"\x01"', ""])
def test_syntax_errors_are_worded_by_the_standard_library(text: str) -> None:
    """The words are Python's own (they differ between versions: 3.13 says "Illegal trailing comma")."""
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(text)
    with pytest.raises(InputError) as caught:
        parse(text, "x.json")
    assert str(caught.value) == f"x.json:{stdlib.value.lineno}: invalid JSON: {stdlib.value.msg} (column {stdlib.value.colno})"
