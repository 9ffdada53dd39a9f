"""What a request to the case store says: its query parameters and the bodies of its writes.

:class:`Query` reads each parameter an endpoint takes once, checked, and
refuses a parameter it does not take (a misspelt one is never ignored) or a
repeated one that is not repeatable. :func:`event_body` and
:func:`review_body` read the JSON bodies of an event and a plan review
(``rnr schema show event-request``, ``review-request``): their shape here,
their meaning (an event's kind and fields, an objective's status) where
``rnr case event`` and ``rnr case review`` have it checked, in the library.
:func:`study_request` reads ``GET /v1/validity``'s parameters, those of
``rnr validate --db``.

Every refusal is an :class:`~rnr.errors.InvalidArgumentError` naming the
parameter or member (``argument.invalid``, 422).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from rnr.dates import DATE_RANGE, parse_date
from rnr.errors import InvalidArgumentError
from rnr.events import EVENT_KINDS
from rnr.history.requests import DEFAULT_LIMIT, MAX_LIMIT
from rnr.plan.draft import STATUSES
from rnr.render.messages import LOCALES

if TYPE_CHECKING:
    from rnr.validity.request import StudyRequest

__all__ = [
    "STUDY",
    "STUDY_REPEATED",
    "Query",
    "approval_body",
    "event_body",
    "review_body",
    "study_request",
]

#: The study parameters that may be repeated (``?group=sex&group=age_group``).
STUDY_REPEATED = ("group", "reference", "raters")
#: The parameters of ``GET /v1/validity``: ``rnr validate --db``'s options, without dashes.
STUDY = (
    "instrument",
    "event",
    "window",
    "score",
    "outcome",
    *STUDY_REPEATED,
    "level",
    "cut",
    "bootstrap",
    "seed",
    "expected",
    "expected_by",
    "expected_source",
    "norms",
    "recalibrate",
)
#: The most digits of a whole number read from a query.
_DIGITS = 18


class Query:
    """A request's query parameters: those ``allowed`` (and ``lang``), each read and checked.

    Raises:
        InvalidArgumentError: a parameter the endpoint does not take, one
            given twice that is not ``repeated``, or (when read) a value it
            cannot use.
    """

    def __init__(
        self, request: Request, allowed: Sequence[str], repeated: Sequence[str] = ()
    ) -> None:
        self.params = request.query_params
        known = (*allowed, "lang")
        for name in self.params:
            if name not in known:
                expected = "no such parameter; it takes " + ", ".join(known)
                raise InvalidArgumentError(name, self.params[name], expected)
            if name not in repeated and len(self.params.getlist(name)) > 1:
                expected = "one value (it is not repeatable)"
                raise InvalidArgumentError(name, self.params.getlist(name), expected)
        #: The language asked for (problem titles, documents).
        self.lang = self.choice("lang", LOCALES, LOCALES[0])

    def text(self, name: str) -> str | None:
        """The parameter as given, or ``None``."""
        return self.params.get(name)

    def texts(self, name: str) -> tuple[str, ...]:
        """Every value of a repeatable parameter."""
        return tuple(self.params.getlist(name))

    def choice(self, name: str, allowed: Sequence[str], default: str) -> str:
        """The parameter, one of ``allowed`` (``default`` when not given)."""
        given = self.params.get(name, default)
        if given not in allowed:
            raise InvalidArgumentError(name, given, "one of " + ", ".join(allowed))
        return given

    def date(self, name: str) -> dt.date | None:
        """The parameter as a date, or ``None``."""
        given = self.params.get(name)
        if given is None:
            return None
        try:
            return parse_date(given)
        except ValueError:
            raise InvalidArgumentError(name, given, DATE_RANGE) from None

    def whole(self, name: str, expected: str = "a whole number") -> int | None:
        """The parameter as a whole number, or ``None``; ``expected`` says what it is."""
        given = self.params.get(name)
        if given is None:
            return None
        digits = given.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > _DIGITS:
            raise InvalidArgumentError(name, given, expected)
        return int(given)

    def number(self, name: str) -> float | None:
        """The parameter as a finite number, or ``None``."""
        given = self.params.get(name)
        if given is None:
            return None
        try:
            value = float(given)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InvalidArgumentError(name, given, "a number")
        return value

    def flag(self, name: str) -> bool:
        """The parameter as ``true`` or ``false`` (default ``false``)."""
        return self.choice(name, ("true", "false"), "false") == "true"

    def page(self) -> tuple[int, str | None]:
        """``limit`` (default :data:`~rnr.history.requests.DEFAULT_LIMIT`) and ``cursor``."""
        limit = self.whole("limit", f"a whole number from 1 to {MAX_LIMIT}")
        return (DEFAULT_LIMIT if limit is None else limit), self.text("cursor")


def _object(body: object, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidArgumentError("body", type(body).__name__, f"a JSON object: {what}")
    return body


def _date(body: Mapping[str, Any], name: str) -> dt.date:
    try:
        return parse_date(body.get(name))
    except ValueError:
        raise InvalidArgumentError(name, body.get(name), DATE_RANGE) from None


def event_body(body: object) -> tuple[str, dt.date, str, int | None, dict[str, Any]]:
    """An event's body: its ``kind``, ``on``, ``note``, ``corrects`` and the kind's own fields.

    >>> event_body({"kind": "attendance", "on": "2025-03-02", "component": "apoyo",
    ...             "scheduled": 4, "attended": 3})[3:]
    (None, {'component': 'apoyo', 'scheduled': 4, 'attended': 3})
    """
    found = _object(body, "kind, on, note, corrects and the kind's fields")
    kind = found.get("kind")
    if not isinstance(kind, str):
        raise InvalidArgumentError("kind", kind, "one of " + ", ".join(EVENT_KINDS))
    on = _date(found, "on")
    note = found.get("note", "")
    if not isinstance(note, str):
        raise InvalidArgumentError("note", note, "a text")
    corrects = found.get("corrects")
    if corrects is not None and (isinstance(corrects, bool) or not isinstance(corrects, int)):
        raise InvalidArgumentError("corrects", corrects, "a record id (a whole number) or null")
    data = {k: v for k, v in found.items() if k not in ("kind", "on", "note", "corrects")}
    return kind, on, note, corrects, data


def review_body(body: object) -> tuple[dt.date, dict[str, tuple[Any, str]], bool]:
    """A review's body: ``on``, ``changes`` (objective → status and note) and ``closing``.

    >>> review_body({"on": "2025-09-01", "changes": {"o-1": {"status": "achieved"}}})
    (datetime.date(2025, 9, 1), {'o-1': ('achieved', '')}, False)
    """
    found = _object(body, "on, changes and closing")
    for key in found:
        if key not in ("on", "changes", "closing"):
            raise InvalidArgumentError(key, found[key], "no such member: on, changes, closing")
    on = _date(found, "on")
    closing = found.get("closing", False)
    if not isinstance(closing, bool):
        raise InvalidArgumentError("closing", closing, "true or false")
    given = found.get("changes")
    expected = 'at least one objective: {"ID": {"status": STATUS, "note": TEXT}}'
    if not isinstance(given, dict) or not given:
        raise InvalidArgumentError("changes", given, expected)
    changes: dict[str, tuple[Any, str]] = {}
    for ident, change in given.items():
        where = f"changes.{ident}"
        if not isinstance(change, dict) or set(change) - {"status", "note"}:
            raise InvalidArgumentError(where, change, '{"status": STATUS, "note": TEXT}')
        status, note = change.get("status"), change.get("note", "")
        if not isinstance(status, str):
            raise InvalidArgumentError(f"{where}.status", status, "one of " + ", ".join(STATUSES))
        if not isinstance(note, str):
            raise InvalidArgumentError(f"{where}.note", note, "a text")
        changes[ident] = (status, note)
    return on, changes, closing


def approval_body(body: object) -> tuple[dt.date, int, str | None]:
    """A court approval's body: ``on`` (the resolution's date), ``version`` and ``reference``.

    >>> approval_body({"on": "2025-09-01", "version": 1, "reference": "RIT O-12-2025"})
    (datetime.date(2025, 9, 1), 1, 'RIT O-12-2025')
    """
    found = _object(body, "on, version and reference")
    for key in found:
        if key not in ("on", "version", "reference"):
            raise InvalidArgumentError(key, found[key], "no such member: on, version, reference")
    on = _date(found, "on")
    version = found.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidArgumentError("version", version, "the plan version approved (a whole number)")
    reference = found.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise InvalidArgumentError("reference", reference, "a text or null")
    return on, version, reference


def study_request(q: Query) -> tuple[StudyRequest, dict[str, Any]]:
    """``rnr validate --db``'s study request and its store options, read from the query.

    Returns:
        The request, and ``instrument``, ``event`` and ``window`` for
        :func:`rnr.history.requests.store_study`.
    """
    from rnr.validity.request import StudyRequest  # noqa: PLC0415 - only a study loads it

    raters = q.texts("raters")
    if raters and len(raters) != 2:
        raise InvalidArgumentError("raters", list(raters), "two columns (raters=A&raters=B)")
    expected_by = q.text("expected_by")
    if expected_by is not None:
        q.choice("expected_by", ("level", "score"), expected_by)
    request = StudyRequest(
        score=q.text("score"),
        outcome=q.text("outcome"),
        group=q.texts("group"),
        level=q.text("level"),
        cut=q.number("cut"),
        reference=q.texts("reference"),
        bootstrap=q.whole("bootstrap") or 0,
        seed=q.whole("seed") or 0,
        expected=q.text("expected"),
        expected_by="level" if expected_by == "level" else "score" if expected_by else None,
        expected_source=q.text("expected_source"),
        raters=(raters[0], raters[1]) if raters else None,
        norms=q.flag("norms"),
        recalibrate=q.text("recalibrate"),
    )
    window = q.whole("window", "a whole number of months >= 1")
    store = {
        "instrument": q.text("instrument"),
        "event": q.choice("event", tuple(EVENT_KINDS), "new_offence"),
        "window": 12 if window is None else window,
    }
    return request, store
