"""The reader of untrusted JSON: its fast path refuses and accepts exactly what a full walk does."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr.errors import HistoryError
from rnr.store.records import Record
from rnr.untrusted import MAX_DEPTH, UntrustedInputError, _depth, check_value, loads, plain

#: Texts, numbers and surrogates, nested up to beyond the depth allowed.
values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec=None), max_size=6),
    lambda children: (
        st.lists(children, max_size=2) | st.dictionaries(st.text(max_size=3), children, max_size=2)
    ),
    max_leaves=40,
)


def _nested(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


def reference(text: str) -> Any:
    """The slow reading: decode with the same hooks, then always walk the whole value."""
    value = json.loads(text, parse_constant=lambda _: math.nan, parse_float=float)
    check_value(value)
    return value


@given(
    value=values,
    depth=st.integers(0, MAX_DEPTH + 2),
    ascii_only=st.booleans(),
)
def test_fast_reading_equals_the_full_walk(value: Any, depth: int, ascii_only: bool) -> None:
    """Same value, or the same refusal, with and without the shortcut."""
    text = json.dumps(_nested(value, depth), ensure_ascii=ascii_only)
    try:
        expected = reference(text)
    except ValueError:  # UntrustedInputError is one
        with pytest.raises(UntrustedInputError):
            loads(text)
        return
    assert expected == loads(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('["\\ud800"]', "lone surrogate"),
        ('{"a": "x\\uDFFF"}', "lone surrogate"),
        ("[1e999]", "got inf, expected a finite number"),
        ("[-1e999]", "got -inf, expected a finite number"),
        ("[NaN]", "got NaN, expected a finite number"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than"),
    ],
)
def test_each_refusal_is_named(text: str, message: str) -> None:
    """Each thing the shortcut must not miss is still refused, with its reason."""
    with pytest.raises(UntrustedInputError, match=message):
        loads(text)


def test_an_escaped_backslash_before_u_is_read_as_text() -> None:
    """A backslash then ``ud800`` is text, not a surrogate: walked to be sure, and kept."""
    assert {"a": "\\ud800"} == loads('{"a": "\\\\ud800"}')


@pytest.mark.parametrize("depth", range(MAX_DEPTH - 3, MAX_DEPTH + 2))
def test_record_data_is_refused_exactly_when_the_walk_refuses_it(depth: int) -> None:
    """A record's data takes the same shortcut: refused at the same depth as the full walk."""
    data = {"a": _nested(None, depth)}
    try:
        check_value(data, max_digits=None)
    except UntrustedInputError:
        with pytest.raises(HistoryError, match="nested more than"):
            Record("event", "c-1", dt.date(2025, 3, 1), data)
    else:
        assert data == dict(Record("event", "c-1", dt.date(2025, 3, 1), data).data)


def _walked_depth(value: Any) -> int:
    """How deep arrays and objects nest, read from the value itself."""
    if isinstance(value, list):
        return 1 + max(map(_walked_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_walked_depth, value.values()), default=0)
    return 0


#: Texts made of what JSON escapes and brackets, to hide brackets and quotes in strings.
_tricky = st.text(st.sampled_from('[]{}"\\\n\u2028ñ'), max_size=6)


@given(
    value=st.recursive(
        st.none() | st.integers() | _tricky,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(_tricky, children, max_size=3)
        ),
        max_leaves=30,
    ),
    ascii_only=st.booleans(),
)
def test_the_depth_read_from_the_text_is_the_depth_of_the_value(
    value: Any, ascii_only: bool
) -> None:
    """Escaped quotes and backslashes, brackets in strings and keys: the value's nesting."""
    assert _depth(json.dumps(value, ensure_ascii=ascii_only)) == _walked_depth(value)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """A shallow text full of brackets in its strings needs no walk; a deep one does."""
    shallow = json.dumps({"a": ["[" * MAX_DEPTH, '{"\\"]' * MAX_DEPTH], "b": [[1], [2]]})
    assert plain(shallow)
    assert plain(json.dumps([[n] for n in range(MAX_DEPTH)]))  # many brackets, two deep
    assert not plain(json.dumps(_nested(1, MAX_DEPTH)))
