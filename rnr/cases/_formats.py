"""The forms of a case file's values, written once for the parser and the JSON Schema.

Each pattern here is both a Python regular expression the parser uses and
the ``pattern`` of ``rnr/schemas/case.schema.json``, and it reads the same
in Python's ``re`` and in ECMA-262 (the dialect JSON Schema names): no
``\\d``, ``\\s`` or ``\\S`` (Python's match Unicode digits and spaces, ECMA's
do not, or other ones), and no bare ``$`` at the end (Python's also matches
before a final newline). ``tests/test_case_schema.py`` checks that the
schema file holds these very patterns.

>>> bool(re.search(NOT_BLANK, " x ")), bool(re.search(NOT_BLANK, " \\u3000"))
(True, False)
>>> bool(re.match(DATE, "2024-02-29")), bool(re.match(DATE, "2023-02-29"))
(True, False)
>>> integral(2.0), integral(2.5), integral(True)
(2, 2.5, True)
"""

from __future__ import annotations

import re

from rnr.untrusted import MAX_DIGITS

__all__ = ["DATE", "MAX_INTEGER", "NOT_BLANK", "REF", "integral", "is_integer", "not_blank"]

#: Every character Python's ``str.strip`` and ``str.isspace`` count as white space.
_SPACE = (
    "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
#: Something other than white space: a text ``str.strip`` leaves non-empty has it.
NOT_BLANK = f"[^{_SPACE}]"

#: An instrument id (at most 64 characters) with an optional version: ``lscmi@1.0.0``.
#: ``(?!\n)`` keeps Python's ``$`` from matching before a final newline.
REF = (
    "^[a-z][a-z0-9_]{0,63}"
    "(@(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5}))?$(?!\\n)"
)

_YEAR = "(19|20|21)[0-9]{2}"
_LEAP_YEAR = "((19|20|21)([02468][48]|[13579][26]|[2468]0)|2000)"
_DAY = (
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    "|02-(0[1-9]|1[0-9]|2[0-8]))"
)
#: A calendar date ``YYYY-MM-DD`` from 1900-01-01 to 2199-12-31, leap days included: exactly
#: the strings :func:`rnr.dates.parse_date` reads, within :data:`rnr.dates.EARLIEST` and
#: :data:`rnr.dates.LATEST` (a schema's ``maxLength`` of 10 stops the
#: final newline Python's ``$`` lets through).
DATE = f"^({_YEAR}-{_DAY}|{_LEAP_YEAR}-02-29)$"

#: The largest integer a case may give (an integer of :data:`rnr.untrusted.MAX_DIGITS` digits).
MAX_INTEGER = 10**MAX_DIGITS - 1

_NOT_BLANK = re.compile(NOT_BLANK)


def not_blank(value: object) -> bool:
    """Whether ``value`` is a text with something besides white space."""
    return isinstance(value, str) and _NOT_BLANK.search(value) is not None


def integral(value: object) -> object:
    """A JSON number with no fractional part as the integer it is (``2.0`` → ``2``).

    JSON has one number type, and JSON Schema's ``integer`` accepts ``2.0``,
    so wherever a case expects an integer, ``2.0`` is ``2``. A number beyond
    :data:`MAX_INTEGER` stays a float, as does anything else (``True`` is no
    number).
    """
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_INTEGER:
        return int(value)
    return value


def is_integer(value: object) -> bool:
    """Whether ``value`` is an integer (never a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)
