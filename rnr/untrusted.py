"""Reading what comes from outside: JSON no deeper than a person writes, text that is Unicode.

A case file, a JSON Lines import or a definition file may be hostile or
broken. Python's own readers fail on some of them in ways no caller expects:
a value nested 100,000 deep raises ``RecursionError``, a 5,000-digit number
``ValueError`` when it is turned into an ``int``, and a lone surrogate
(``"\\ud800"``) decodes into a ``str`` that cannot be printed, stored or
hashed. :func:`loads` and :func:`check_value` refuse each of them with a
:class:`UntrustedInputError` (a ``ValueError``) whose message says what was
expected, for the caller to wrap in its own ``rnr.errors`` error naming the
file and line.

>>> loads('{"case_id": "a-1", "n": [1, 2.5]}')
{'case_id': 'a-1', 'n': [1, 2.5]}
>>> loads("[" * 100 + "]" * 100)
Traceback (most recent call last):
    ...
rnr.untrusted.UntrustedInputError: nested more than 32 levels deep
>>> loads('"\\ud800"')
Traceback (most recent call last):
    ...
rnr.untrusted.UntrustedInputError: text that is not valid Unicode (a lone surrogate)
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "UntrustedInputError", "check_value", "loads", "plain"]

#: How deep a value may nest (a case is 3 levels deep; a definition about 6).
MAX_DEPTH = 32
#: How many digits an integer may have (a count of days has 5).
MAX_DIGITS = 18


class UntrustedInputError(ValueError):
    """Input that no reader of rnr accepts; the message says why."""


def loads(text: str, *, max_digits: int | None = MAX_DIGITS) -> Any:
    """Decode JSON text that names each key of an object once, then :func:`check_value` it.

    ``NaN`` and ``Infinity`` (not JSON) and integers of more than
    ``max_digits`` digits (``None``: as many as Python reads) are refused.

    Raises:
        json.JSONDecodeError: text that is not JSON (with its line and column).
        UntrustedInputError: a duplicate key, deep nesting, a huge number, bad text.
    """
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_int=None if max_digits is None else functools.partial(_integer, max_digits),
            parse_constant=_constant,
            parse_float=_finite,
        )
    except RecursionError:
        raise UntrustedInputError(f"nested more than {MAX_DEPTH} levels deep") from None
    if not plain(text):
        check_value(value, max_digits=max_digits)
    return value


#: A JSON escape of a surrogate code point (``\ud800`` to ``\udfff``).
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
#: Every byte but the quotes and brackets of JSON (deleted to read a text's nesting).
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
#: A pair of brackets with nothing left inside.
_INNERMOST = re.compile(rb"\[\]|\{\}")


def _depth(text: str) -> int:
    """How deep the arrays and objects of a valid JSON text nest (brackets in strings left out).

    The escapes that could hide a quote (``\\\\``, then ``\\"``) and every
    byte but quotes and brackets are deleted, then what lies between quotes
    (the strings): the brackets left are taken off a level at a time, the
    innermost pairs of each round together, and the rounds counted.
    """
    kept = text.replace("\\\\", "").replace('\\"', "").encode("utf-8", "surrogatepass")
    brackets = b"".join(kept.translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    depth = 0
    while brackets:
        inner = _INNERMOST.sub(b"", brackets)
        if inner == brackets:  # not JSON: no pair to take off
            break
        brackets, depth = inner, depth + 1
    return depth


def plain(text: str) -> bool:
    """Whether the value decoded from ``text`` needs no walk to be known harmless.

    The decoder's hooks already refused what is not a finite number and
    every integer too long; what remains is depth (read from the text's
    brackets, those inside strings left out) and text that is not Unicode
    (a surrogate in the text, or written as an escape). A text that might
    hold either is walked; the test errs only towards walking.
    """
    if text.count("[") + text.count("{") >= MAX_DEPTH and _depth(text) >= MAX_DEPTH - 1:
        return False  # an item sits one level below its brackets
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _ESCAPED_SURROGATE.search(text) is None


def check_value(value: object, *, max_digits: int | None = MAX_DIGITS) -> None:
    """Refuse a decoded value (JSON or TOML) nested too deep or holding text that is not Unicode.

    Args:
        value: the decoded value.
        max_digits: the most digits an integer may have (``None``: any).

    Raises:
        UntrustedInputError: what is wrong.
    """
    for depth, item in _walk(value):
        if depth > MAX_DEPTH:
            raise UntrustedInputError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise UntrustedInputError(f"got {item}, expected a finite number")
        elif isinstance(item, int) and max_digits is not None and _too_long(item, max_digits):
            raise UntrustedInputError(f"expected an integer of at most {max_digits} digits")


def check_text(text: str) -> None:
    """Refuse a ``str`` that cannot be written as UTF-8 (a lone surrogate).

    Raises:
        UntrustedInputError: the text holds a surrogate code point.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UntrustedInputError("text that is not valid Unicode (a lone surrogate)") from None


def _walk(value: object) -> Iterator[tuple[int, object]]:
    """Every value inside ``value`` (keys too) with its depth, without recursion."""
    stack: list[tuple[int, object]] = [(1, value)]
    while stack:
        depth, item = stack.pop()
        yield depth, item
        if depth > MAX_DEPTH:
            return
        if isinstance(item, dict):
            stack.extend((depth + 1, k) for k in item)
            stack.extend((depth + 1, v) for v in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((depth + 1, v) for v in item)


def _too_long(number: int, digits: int) -> bool:
    return bool(abs(number) >= pow(10, digits))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise UntrustedInputError(f"field {key!r} given twice, expected each field once")
        out[key] = value
    return out


def _integer(digits: int, text: str) -> int:
    if len(text.lstrip("-")) > digits:
        raise UntrustedInputError(f"expected an integer of at most {digits} digits")
    return int(text)


def _constant(text: str) -> float:
    raise UntrustedInputError(f"got {text}, expected a finite number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999
        raise UntrustedInputError(f"got {number}, expected a finite number")
    return number
