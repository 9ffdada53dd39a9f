"""The ``legal``, ``override`` and ``responsivity`` sections of a case file.

They are checked with the case-file conventions (a field left out or given as
``null`` is not given; a date is ``YYYY-MM-DD`` and nothing else) and then
built with :func:`rnr.cases.legal.parse_legal` and
:func:`rnr.cases.overrides.parse_override` (and
:func:`rnr.plan.parse_responsivity`). Every problem is a
:class:`~rnr.errors.CaseFileError` naming the file, the line and the field
(``legal.sentence_days``, ``override.reason``); its code says what is wrong:
``case.field.type``, ``case.field.unknown``, ``case.field.missing`` or
``case.date.invalid`` for the shape of a section, ``decision.input.invalid``
for a value the section's rules refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rnr.cases._formats import not_blank
from rnr.cases.legal import FIELDS as LEGAL_FIELDS
from rnr.cases.legal import LegalContext, parse_legal
from rnr.cases.overrides import FIELDS as OVERRIDE_FIELDS
from rnr.cases.overrides import Override, parse_override
from rnr.dates import DATE_RANGE, parse_date
from rnr.definitions.responsivity import CHOICES as RESPONSIVITY_FIELDS
from rnr.definitions.responsivity import Responsivity, parse_responsivity
from rnr.errors import CaseFileError, DecisionInputError

__all__ = [
    "LEGAL_FIELDS",
    "OVERRIDE_FIELDS",
    "legal_section",
    "override_section",
    "responsivity_section",
]

LEGAL_DATES = ("sentence_date", "entry_date")
OVERRIDE_REQUIRED = ("to_level", "direction", "reason", "approved_by", "approved_on")
OVERRIDE_TEXTS = ("to_level", "direction", "reason", "approved_by", "text")
OVERRIDE_DATES = ("approved_on", "expires_on")

T = TypeVar("T")


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(message: str, file: str, line: int | None, field: str, *, code: str) -> CaseFileError:
    return CaseFileError(message, file=file, line=line, field=field, code=code)


def _check(
    value: object, section: str, allowed: tuple[str, ...], file: str, line: int | None
) -> dict[str, Any] | None:
    """The section's given fields (nulls dropped), or ``None`` when it is absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        msg = f"got {_show(value)}, expected a JSON object"
        raise _fail(msg, file, line, section, code="case.field.type")
    for key in value:
        if key not in allowed:
            msg = f"unknown field; expected one of {', '.join(allowed)}"
            raise _fail(msg, file, line, f"{section}.{key}", code="case.field.unknown")
    return {k: v for k, v in value.items() if v is not None}


def _is_date(value: object) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return isinstance(value, str)


def _dates(
    given: dict[str, Any], names: tuple[str, ...], section: str, file: str, line: int | None
) -> None:
    for name in names:
        value = given.get(name)
        if value is not None and not _is_date(value):
            msg = f"got {_show(value)}, expected {DATE_RANGE}"
            raise _fail(msg, file, line, f"{section}.{name}", code="case.date.invalid")


def _build(build: Callable[[], T], file: str, line: int | None) -> T:
    """Run ``build``; a ``DecisionInputError`` becomes a ``CaseFileError`` on its field.

    The error keeps its code (``decision.input.invalid``, or a finer one).
    """
    try:
        return build()
    except DecisionInputError as exc:
        message = str(exc.args[0])
        prefix = f"{exc.field}: "
        if message.startswith(prefix):
            message = message[len(prefix) :]
        raise _fail(message, file, line, exc.field, code=exc.code) from exc


def legal_section(value: object, *, file: str, line: int | None = None) -> LegalContext | None:
    """Check a case's ``legal`` section and build its :class:`~rnr.cases.legal.LegalContext`.

    Raises:
        CaseFileError: an unknown field, a wrong type or value, a bad date.
    """
    given = _check(value, "legal", LEGAL_FIELDS, file, line)
    if given is None:
        return None
    _dates(given, LEGAL_DATES, "legal", file, line)
    return _build(lambda: parse_legal(given, where="legal"), file, line)


def override_section(value: object, *, file: str, line: int | None = None) -> Override | None:
    """Check a case's ``override`` section and build its :class:`~rnr.cases.overrides.Override`.

    Raises:
        CaseFileError: an unknown or missing field, a wrong type or value, a bad date.
    """
    given = _check(value, "override", OVERRIDE_FIELDS, file, line)
    if given is None:
        return None
    for name in OVERRIDE_REQUIRED:
        if name not in given:
            msg = "missing required field"
            raise _fail(msg, file, line, f"override.{name}", code="case.field.missing")
    for name in OVERRIDE_TEXTS:
        text = given.get(name)
        if text is None or (isinstance(text, str) and (not_blank(text) or name == "text")):
            continue
        code = "decision.input.invalid" if isinstance(text, str) else "case.field.type"
        msg = f"got {_show(text)}, expected a non-empty string"
        raise _fail(msg, file, line, f"override.{name}", code=code)
    _dates(given, OVERRIDE_DATES, "override", file, line)
    return _build(lambda: parse_override(given, where="override"), file, line)


def responsivity_section(value: object, *, file: str, line: int | None = None) -> Responsivity:
    """Check a case's ``responsivity`` section (absent: nothing recorded).

    Raises:
        CaseFileError: an unknown field or a value outside its choices.
    """
    given = _check(value, "responsivity", tuple(RESPONSIVITY_FIELDS), file, line)
    if given is None:
        return Responsivity()
    return _build(lambda: parse_responsivity(given, where="responsivity"), file, line)
