"""The one exception tree of rnr.

Every error names *where* (file, dotted path, item or line), *what* (the value)
and *what was expected*, so the CLI can print it as one line and an integrator
can act on the structured attributes.

.. code-block:: text

    RnrError
    ├── DefinitionError          a data file (instrument, labels, cases) is malformed
    │   ├── InstrumentDefinitionError
    │   └── PolicyDefinitionError  a policy file (decision tables) is malformed
    ├── UnknownDefinitionError
    │   ├── UnknownInstrumentError   no instrument with that id, version or date
    │   └── UnknownPolicyError       no policy with that id, version or date
    ├── ScoringInputError        a response, date or norm group is wrong
    │   └── OmissionError        more items omitted than the instrument allows
    ├── CaseFileError            a case file (JSON / JSON Lines) is malformed
    ├── ValidityInputError       a validation data file (CSV) is malformed (names the
    │                            file, line and column)
    ├── DecisionInputError       a legal, override or responsivity section is wrong
    ├── RenderError              a plan template fails (names the template and line)
    ├── HistoryError             a case-history operation is refused (unknown case,
    │                            dates out of order, closed case); nothing is written
    ├── ChangeError              two assessments cannot be compared (other instrument,
    │                            no shared items, no crosswalk)
    ├── StoreError               the store cannot be opened, read or written
    │   └── StoreIntegrityError  a stored record no longer matches what was written
    │                            (edited row, changed instrument or catalogue)
    └── InvalidArgumentError     a library function got an argument it cannot use

Every error carries a stable :attr:`RnrError.code` (``case.item.unknown``,
``history.case.exists``), one of :data:`CODES`; each code belongs to an
:class:`Outcome`, which gives the command line's exit status (and the HTTP
service's status). :meth:`RnrError.to_dict` is the error as a JSON object
(``rnr schema show error``). ``docs/errors.md`` lists every code.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

__all__ = [
    "CODES",
    "CaseFileError",
    "ChangeError",
    "DecisionInputError",
    "DefinitionError",
    "HistoryError",
    "InstrumentDefinitionError",
    "InvalidArgumentError",
    "OmissionError",
    "Outcome",
    "PolicyDefinitionError",
    "Problem",
    "RenderError",
    "RnrError",
    "ScoringInputError",
    "StoreError",
    "StoreIntegrityError",
    "UnknownDefinitionError",
    "UnknownInstrumentError",
    "UnknownPolicyError",
    "ValidityInputError",
]


class Outcome(enum.IntEnum):
    """What an error means for the caller; its value is the command line's exit status.

    A command whose check finds problems (``rnr instruments check``, ``rnr
    store verify``) exits with :attr:`CHECK_FAILED` without raising.
    """

    #: a check ran and found problems
    CHECK_FAILED = 1
    #: the input or the usage is wrong: fix it and ask again
    INVALID = 2
    #: what was asked for (an instrument, a policy, a case, a store) does not exist
    NOT_FOUND = 3
    #: the request conflicts with what is stored (the case exists, a date is out of order)
    CONFLICT = 4
    #: the store cannot be used, or a stored record no longer verifies
    STORE = 5


_I, _N, _C, _S = Outcome.INVALID, Outcome.NOT_FOUND, Outcome.CONFLICT, Outcome.STORE

#: Every error code, with its outcome. Codes are stable: one is never renamed
#: or given another meaning; a new one may be added. ``docs/errors.md`` says
#: what each means (a test keeps the two equal).
CODES: Mapping[str, Outcome] = {
    # the command line
    "usage.invalid": _I,
    "usage.file.missing": _N,
    "usage.extra.missing": _I,
    "argument.invalid": _I,
    "schema.unknown": _N,
    # definition files: instruments, policies, labels, worked cases, catalogues
    "definition.invalid": _I,
    "definition.unknown": _N,
    "instrument.invalid": _I,
    "instrument.unknown": _N,
    "policy.invalid": _I,
    "policy.unknown": _N,
    "policy.not_applicable": _I,
    # unit costs of the programmes and the price index (plans/costs)
    "costs.invalid": _I,
    "costs.unknown": _N,
    "costs.prices.unknown": _N,
    # case files and what they hold
    "case.file.invalid": _I,
    "case.file.empty": _I,
    "case.field.missing": _I,
    "case.field.unknown": _I,
    "case.field.type": _I,
    "case.id.invalid": _I,
    "case.date.invalid": _I,
    "case.item.unknown": _I,
    "case.item.missing": _I,
    "case.value.type": _I,
    "case.value.range": _I,
    "case.value.invalid": _I,
    "case.omissions": _I,
    "case.population": _I,
    # decisions: legal context, overrides, responsivity
    "decision.input.invalid": _I,
    "decision.legal.missing": _I,
    "decision.override.invalid": _I,
    # plan edits
    "plan.edit.objective": _I,
    "plan.edit.hours": _I,
    # the court's approval of a plan version
    "plan.approval.version": _C,
    "plan.approval.date": _I,
    "plan.approval.repeat": _C,
    # plan and document templates
    "render.failed": _I,
    "render.template.unsafe": _I,
    # case histories
    "history.refused": _I,
    "history.case.unknown": _N,
    "history.record.unknown": _N,
    "history.case.exists": _C,
    "history.case.closed": _C,
    "history.case.changed": _C,
    "history.date.order": _C,
    "history.idempotency.conflict": _C,
    "change.incomparable": _I,
    # validity data
    "validity.file.invalid": _I,
    # the store
    "store.missing": _N,
    "store.not_empty": _C,
    "store.import.invalid": _I,
    "store.unavailable": _S,
    "store.integrity": _S,
    # identities of the HTTP service (rnr tokens)
    "token.exists": _C,
    "token.unknown": _N,
    # people who sign in to the browser workspace (rnr users)
    "user.exists": _C,
    "user.unknown": _N,
    # requests to the HTTP service (rnr serve)
    "request.too_large": _I,
    "request.media_type": _I,
    "request.unknown": _N,
    "request.unauthenticated": _I,
    "request.forbidden": _I,
    "request.throttled": _I,
    "request.precondition.required": _I,
    "request.precondition.failed": _C,
}


#: The largest integer every JSON reader holds exactly (RFC 8259, section 6); past it, text.
_EXACT = 2**53


def _plain(value: object) -> object:
    """``value`` as JSON can hold it: text, a finite number, true/false, null; long text cut."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and -_EXACT <= value <= _EXACT:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value if isinstance(value, str) else _repr(value)
    return text if len(text) <= 200 else f"{text[:200]}…"


def _repr(value: object) -> str:
    """``repr(value)``, or its type when Python refuses to write it (5,000 digits)."""
    try:
        return repr(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return f"<{type(value).__name__} too large to show>"


class RnrError(Exception):
    """Base class of every error rnr raises on purpose.

    Attributes:
        code: the error's stable code, one of :data:`CODES` (by default the
            class's :attr:`default_code`; a raise site may name a finer one).
    """

    #: the code of this kind of error when the raise site names none
    default_code: ClassVar[str] = "usage.invalid"
    #: attribute names read by :meth:`to_dict`, per field of the error object
    _WHERE: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "file": ("file", "path", "template"),
        "line": ("line",),
        "field": ("field", "item", "column", "argument"),
        "value": ("value",),
        "expected": ("expected",),
        "case_id": ("case_id",),
    }

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args)
        self.code = code or type(self).default_code

    @property
    def outcome(self) -> Outcome:
        """What the error means for the caller (its exit status is ``int(outcome)``)."""
        return CODES.get(self.code, Outcome.INVALID)

    def to_dict(self) -> dict[str, Any]:
        """The error as the JSON object a program reads (``rnr schema show error``).

        ``code`` and ``message`` always; ``file``, ``line``, ``field``,
        ``value``, ``expected`` and ``case_id`` when they apply, and the
        extra lists some errors carry (``problems``, ``known``).

        >>> from rnr.errors import InvalidArgumentError
        >>> InvalidArgumentError("limit", -1, "a count of at least 1").to_dict()
        {'error': {'code': 'argument.invalid', 'message': 'limit: got -1, expected a count of at \
least 1', 'field': 'limit', 'value': -1, 'expected': 'a count of at least 1'}}
        """
        body: dict[str, Any] = {"code": self.code, "message": str(self) or type(self).__name__}
        for key, names in self._WHERE.items():
            for name in names:
                found = getattr(self, name, None)
                if found is not None and found != "":
                    body[key] = found if key == "line" else _plain(found)
                    break
        body.update(self._extra())
        return {"error": body}

    def _extra(self) -> dict[str, Any]:
        """Further members of the error object (a subclass's lists)."""
        return {}

    def lines(self, limit: int = 3) -> list[str]:
        r"""The message as at most ``limit`` lines that print as they read.

        A value quoted in a message may hold a line separator (U+2028,
        U+0085), a control character or a bidirectional override: each is
        written as its escape, so one message is never split, hidden or
        reordered on a terminal or in a log. Lines past ``limit`` are counted
        on the last one.

        >>> RnrError("case_id: got 'a\u2028b'\nsecond\nthird\nfourth").lines()
        ["case_id: got 'a\\u2028b'", 'second', '... and 2 more lines']
        """
        parts = [_printable(part) for part in (str(self) or type(self).__name__).split("\n")]
        if len(parts) > limit:
            parts = [*parts[: limit - 1], f"... and {len(parts) - limit + 1} more lines"]
        return parts


#: Unicode categories a terminal does not show as a visible character of their own.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _printable(text: str) -> str:
    """``text`` with every control, format and separator character escaped (``\\u2028``)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN else c for c in text)


class _CaseError(RnrError):
    """An error about one case; its message starts ``case <id>: `` when the case is known.

    Attributes:
        value: the offending value.
        expected: what would have been accepted.
        case_id: the case, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        value: object = None,
        expected: str | None = None,
        case_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.value = value
        self.expected = expected
        self.case_id = case_id
        super().__init__(message, code=code)

    def __str__(self) -> str:
        prefix = f"case {self.case_id}: " if self.case_id else ""
        return f"{prefix}{self.args[0]}"


@attrs.frozen
class Problem:
    """One problem found in a definition file.

    Args:
        path: dotted path inside the file, e.g. ``items[3].points.fta``.
        message: what is wrong and what was expected.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(RnrError, ValueError):
    """A definition file (instrument, labels, worked cases) is malformed.

    All problems found in the file are collected in :attr:`problems`; the
    message lists them, one per line, after the file name.
    """

    default_code = "definition.invalid"

    def __init__(self, file: str, problems: Sequence[Problem], *, code: str | None = None) -> None:
        self.file = file
        self.problems = tuple(problems)
        lines = [f"{file}: {p}" for p in self.problems]
        message = "\n".join(lines) if lines else f"{file}: invalid definition"
        super().__init__(message, code=code)

    def _extra(self) -> dict[str, Any]:
        return {"problems": [{"path": p.path, "message": p.message} for p in self.problems]}


class InstrumentDefinitionError(DefinitionError):
    """An instrument file breaks the ``rnr.instrument/1`` format."""

    default_code = "instrument.invalid"


class PolicyDefinitionError(DefinitionError):
    """A policy file breaks the ``rnr.policy/1`` format or its tables fail a check."""

    default_code = "policy.invalid"


class UnknownDefinitionError(RnrError, LookupError):
    """No definition (instrument or policy) matches the requested id, version or date.

    Attributes:
        ref: what was asked for (``id``, ``id@version``).
        known: what could have been asked for.
    """

    default_code = "definition.unknown"

    def __init__(
        self, message: str, *, ref: str, known: Iterable[str] = (), code: str | None = None
    ) -> None:
        self.ref = ref
        self.known = tuple(known)
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return str(self.args[0])

    def _extra(self) -> dict[str, Any]:
        return {"value": _plain(self.ref), "known": list(self.known[:50])}


class UnknownInstrumentError(UnknownDefinitionError):
    """No instrument matches the requested id, version or date."""

    default_code = "instrument.unknown"


class ScoringInputError(_CaseError, ValueError):
    """A response, date or norm group cannot be scored.

    Attributes:
        item: the item id (or field name) at fault, if any.
        value: the offending value.
        expected: what would have been accepted.
        case_id: the case being scored, when known.
    """

    default_code = "case.value.invalid"

    def __init__(
        self,
        message: str,
        *,
        item: str | None = None,
        value: object = None,
        expected: str | None = None,
        case_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.item = item
        super().__init__(message, value=value, expected=expected, case_id=case_id, code=code)


class OmissionError(ScoringInputError):
    """More items are omitted than a scale or domain allows.

    Attributes:
        missing: every omitted item id, in instrument order.
        limit: the maximum the scale or domain allows.
        scope: ``"scale fta"`` or ``"domain family"``.
    """

    default_code = "case.omissions"

    def __init__(
        self,
        message: str,
        *,
        missing: Sequence[str],
        limit: int,
        scope: str,
        case_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.missing = tuple(missing)
        self.limit = limit
        self.scope = scope
        super().__init__(
            message,
            item=", ".join(self.missing),
            value=len(self.missing),
            expected=f"at most {limit} omitted",
            case_id=case_id,
            code=code,
        )


class CaseFileError(RnrError, ValueError):
    """A case file (JSON or JSON Lines) is malformed.

    Attributes:
        file: the file name (``<stdin>`` for standard input).
        line: the 1-based line number, when known.
        field: the dotted field at fault, when known.
    """

    default_code = "case.file.invalid"

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        where = f"{file}:{line}" if line is not None else file
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {message}", code=code)


class ValidityInputError(RnrError, ValueError):
    """A validation data file (CSV of scores, outcomes and groups) is malformed.

    Attributes:
        file: the file name.
        line: the 1-based line number, when known.
        column: the column at fault, when known.
    """

    default_code = "validity.file.invalid"

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | None = None,
        code: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        where = f"{file}:{line}" if line is not None else file
        if column is not None:
            where += f": column {column!r}"
        super().__init__(f"{where}: {message}", code=code)


class UnknownPolicyError(UnknownDefinitionError):
    """No policy matches the requested id, version or date."""

    default_code = "policy.unknown"


class DecisionInputError(_CaseError, ValueError):
    """A legal section, an override or a policy input cannot be used.

    Attributes:
        field: the dotted field at fault (``legal.sentence_days``, ``override.reason``).
        value: the offending value.
        expected: what would have been accepted.
    """

    default_code = "decision.input.invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str,
        value: object = None,
        expected: str | None = None,
        case_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, value=value, expected=expected, case_id=case_id, code=code)


class RenderError(RnrError):
    """A plan template could not be rendered.

    Attributes:
        template: the template's name or path.
        line: the line in the template, when known.
    """

    default_code = "render.failed"

    def __init__(
        self, message: str, *, template: str, line: int | None = None, code: str | None = None
    ) -> None:
        self.template = template
        self.line = line
        where = f"{template}:{line}" if line is not None else template
        super().__init__(f"{where}: {message}", code=code)


class HistoryError(_CaseError, ValueError):
    """A case-history operation is refused; nothing was written.

    Attributes:
        case_id: the case, when known.
        field: what is at fault (``assessed_on``, ``event.kind``, ``case_id``).
        value: the offending value.
        expected: what would have been accepted.
    """

    default_code = "history.refused"

    def __init__(
        self,
        message: str,
        *,
        case_id: str | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
        code: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, value=value, expected=expected, case_id=case_id, code=code)


class ChangeError(RnrError, ValueError):
    """Two assessments cannot be compared (another instrument, nothing shared).

    Attributes:
        previous: the earlier assessment's instrument (``id@version``).
        current: the later assessment's instrument.
    """

    default_code = "change.incomparable"

    def __init__(
        self, message: str, *, previous: str, current: str, code: str | None = None
    ) -> None:
        self.previous = previous
        self.current = current
        super().__init__(message, code=code)


class StoreError(RnrError):
    """The store cannot be opened, read or written.

    Attributes:
        path: the database file (or the store's name), when known.
    """

    default_code = "store.unavailable"

    def __init__(self, message: str, *, path: str | None = None, code: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message, code=code)


class StoreIntegrityError(StoreError):
    """A stored record no longer matches what was written.

    Raised on read when a record's derived result cannot be recomputed
    exactly: its instrument, policy or catalogue changed since it was stored
    (the content hash differs), or the record's own hash does not match.

    Attributes:
        record: the record id at fault, when known.
    """

    default_code = "store.integrity"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        record: int | None = None,
        code: str | None = None,
    ) -> None:
        self.record = record
        super().__init__(message, path=path, code=code)

    def _extra(self) -> dict[str, Any]:
        return {"record": self.record} if self.record is not None else {}


class InvalidArgumentError(RnrError, ValueError):
    """A library function got an argument it cannot use.

    Attributes:
        argument: the argument's name.
        value: the value given.
        expected: what would have been accepted.
    """

    default_code = "argument.invalid"

    def __init__(
        self, argument: str, value: object, expected: str, *, code: str | None = None
    ) -> None:
        self.argument = argument
        self.value = value
        self.expected = expected
        super().__init__(f"{argument}: got {_repr(value)}, expected {expected}", code=code)
