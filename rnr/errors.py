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
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "CaseFileError",
    "ChangeError",
    "DecisionInputError",
    "DefinitionError",
    "HistoryError",
    "InstrumentDefinitionError",
    "InvalidArgumentError",
    "OmissionError",
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


class RnrError(Exception):
    """Base class of every error rnr raises on purpose."""

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
    ) -> None:
        self.value = value
        self.expected = expected
        self.case_id = case_id
        super().__init__(message)

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

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        lines = [f"{file}: {p}" for p in self.problems]
        super().__init__("\n".join(lines) if lines else f"{file}: invalid definition")


class InstrumentDefinitionError(DefinitionError):
    """An instrument file breaks the ``rnr.instrument/1`` format."""


class PolicyDefinitionError(DefinitionError):
    """A policy file breaks the ``rnr.policy/1`` format or its tables fail a check."""


class UnknownDefinitionError(RnrError, LookupError):
    """No definition (instrument or policy) matches the requested id, version or date.

    Attributes:
        ref: what was asked for (``id``, ``id@version``).
        known: what could have been asked for.
    """

    def __init__(self, message: str, *, ref: str, known: Iterable[str] = ()) -> None:
        self.ref = ref
        self.known = tuple(known)
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownInstrumentError(UnknownDefinitionError):
    """No instrument matches the requested id, version or date."""


class ScoringInputError(_CaseError, ValueError):
    """A response, date or norm group cannot be scored.

    Attributes:
        item: the item id (or field name) at fault, if any.
        value: the offending value.
        expected: what would have been accepted.
        case_id: the case being scored, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        item: str | None = None,
        value: object = None,
        expected: str | None = None,
        case_id: str | None = None,
    ) -> None:
        self.item = item
        super().__init__(message, value=value, expected=expected, case_id=case_id)


class OmissionError(ScoringInputError):
    """More items are omitted than a scale or domain allows.

    Attributes:
        missing: every omitted item id, in instrument order.
        limit: the maximum the scale or domain allows.
        scope: ``"scale fta"`` or ``"domain family"``.
    """

    def __init__(
        self,
        message: str,
        *,
        missing: Sequence[str],
        limit: int,
        scope: str,
        case_id: str | None = None,
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
        )


class CaseFileError(RnrError, ValueError):
    """A case file (JSON or JSON Lines) is malformed.

    Attributes:
        file: the file name (``<stdin>`` for standard input).
        line: the 1-based line number, when known.
        field: the dotted field at fault, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        where = f"{file}:{line}" if line is not None else file
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {message}")


class ValidityInputError(RnrError, ValueError):
    """A validation data file (CSV of scores, outcomes and groups) is malformed.

    Attributes:
        file: the file name.
        line: the 1-based line number, when known.
        column: the column at fault, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        where = f"{file}:{line}" if line is not None else file
        if column is not None:
            where += f": column {column!r}"
        super().__init__(f"{where}: {message}")


class UnknownPolicyError(UnknownDefinitionError):
    """No policy matches the requested id, version or date."""


class DecisionInputError(_CaseError, ValueError):
    """A legal section, an override or a policy input cannot be used.

    Attributes:
        field: the dotted field at fault (``legal.sentence_days``, ``override.reason``).
        value: the offending value.
        expected: what would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        value: object = None,
        expected: str | None = None,
        case_id: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, value=value, expected=expected, case_id=case_id)


class RenderError(RnrError):
    """A plan template could not be rendered.

    Attributes:
        template: the template's name or path.
        line: the line in the template, when known.
    """

    def __init__(self, message: str, *, template: str, line: int | None = None) -> None:
        self.template = template
        self.line = line
        where = f"{template}:{line}" if line is not None else template
        super().__init__(f"{where}: {message}")


class HistoryError(_CaseError, ValueError):
    """A case-history operation is refused; nothing was written.

    Attributes:
        case_id: the case, when known.
        field: what is at fault (``assessed_on``, ``event.kind``, ``case_id``).
        value: the offending value.
        expected: what would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        case_id: str | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, value=value, expected=expected, case_id=case_id)


class ChangeError(RnrError, ValueError):
    """Two assessments cannot be compared (another instrument, nothing shared).

    Attributes:
        previous: the earlier assessment's instrument (``id@version``).
        current: the later assessment's instrument.
    """

    def __init__(self, message: str, *, previous: str, current: str) -> None:
        self.previous = previous
        self.current = current
        super().__init__(message)


class StoreError(RnrError):
    """The store cannot be opened, read or written.

    Attributes:
        path: the database file (or the store's name), when known.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class StoreIntegrityError(StoreError):
    """A stored record no longer matches what was written.

    Raised on read when a record's derived result cannot be recomputed
    exactly: its instrument, policy or catalogue changed since it was stored
    (the content hash differs), or the record's own hash does not match.

    Attributes:
        record: the record id at fault, when known.
    """

    def __init__(self, message: str, *, path: str | None = None, record: int | None = None) -> None:
        self.record = record
        super().__init__(message, path=path)


class InvalidArgumentError(RnrError, ValueError):
    """A library function got an argument it cannot use.

    Attributes:
        argument: the argument's name.
        value: the value given.
        expected: what would have been accepted.
    """

    def __init__(self, argument: str, value: object, expected: str) -> None:
        self.argument = argument
        self.value = value
        self.expected = expected
        super().__init__(f"{argument}: got {value!r}, expected {expected}")
