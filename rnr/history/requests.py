"""What the command line and the HTTP service ask of a case store, defined once.

Each face (``rnr case``, ``rnr due``, ``rnr validate --db``; ``rnr serve``)
parses its own syntax and calls these functions, so the same store and
request give the same answer on both:

* :func:`reassess_case`: a reassessment, or the correction of a stored one,
  and :func:`written_document` what a write answers;
* :func:`case_rows`: the rows of ``rnr case list``, and :func:`case_page` a
  page of them (``GET /v1/cases``);
* :func:`due_entries`: the due list, all of it or the overdue cases only
  (``rnr due``), :func:`due_page` a page of it (``GET /v1/due``) and
  :func:`due_counts` how many of each (``GET /v1/due/counts``);
* :func:`store_study`: a validity study of the store's baseline assessments
  (``rnr validate --db``, ``GET /v1/validity``);
* :func:`page`: one page of a list and the opaque cursor of the next.

>>> rows = [{"id": n} for n in range(5)]
>>> first = page(rows, key=lambda r: str(r["id"]), limit=2, cursor=None, list_name="x")
>>> [r["id"] for r in first.items]
[0, 1]
>>> [r["id"] for r in page(rows, key=lambda r: str(r["id"]), limit=2, cursor=first.next,
...                         list_name="x").items]
[2, 3]
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from rnr.cases.parse import Case
from rnr.definitions.instrument import Reliability
from rnr.errors import HistoryError, InvalidArgumentError
from rnr.events import CLOSING_EVENTS
from rnr.history.access import check_units, unit_cases
from rnr.history.amend import correct_assessment
from rnr.history.bulk import timelines
from rnr.history.caseindex import indexed_due_counts, indexed_due_page
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Written
from rnr.history.summary import Reading
from rnr.history.timeline import Row, Timeline, unreadable_as_integrity
from rnr.history.write import reassess
from rnr.indicators.caseload import Due
from rnr.store.protocol import CaseIndex, Store
from rnr.store.records import canonical

if TYPE_CHECKING:
    from rnr.validity.request import Spell, StudyRequest
    from rnr.validity.study import Study

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "PERIODS",
    "DueCounts",
    "Page",
    "case_page",
    "case_row",
    "case_rows",
    "check_limit",
    "check_period",
    "due_counts",
    "due_entries",
    "due_page",
    "due_totals",
    "page",
    "reassess_case",
    "store_study",
    "timeline_row",
    "written_document",
]

T = TypeVar("T")

#: The items of a page when the request names no limit.
DEFAULT_LIMIT = 100
#: The most items of one page.
MAX_LIMIT = 1000
#: The years indicators are computed for.
PERIODS = range(2000, 2101)
#: The longest cursor read (one is a few dozen characters).
_MAX_CURSOR = 1000


def reassess_case(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    corrects: int | None = None,
    assessor: str | None = None,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    idempotency_key: str | None = None,
) -> Written[CaseHistory]:
    """Store a reassessment of ``case_id``, or, with ``corrects``, correct that stored assessment.

    ``reliability`` is read by a reassessment's change policy only (a
    correction answers again with the figures each answer recorded).

    Raises:
        HistoryError: ``history.refused``, ``case`` is of another case; and
            what :func:`~rnr.history.reassess` and
            :func:`~rnr.history.correct_assessment` raise.
    """
    if corrects is None:
        return reassess(
            store,
            case_id,
            case,
            by=by,
            assessor=assessor,
            defs=defs,
            reliability=reliability,
            idempotency_key=idempotency_key,
            written=True,
        )
    if case.case_id != case_id:
        msg = f"case_id: the file holds case {case.case_id!r}, expected {case_id!r}"
        raise HistoryError(msg, case_id=case_id, field="case_id", value=case.case_id)
    return correct_assessment(
        store,
        corrects,
        case,
        by=by,
        assessor=assessor,
        defs=defs,
        idempotency_key=idempotency_key,
        written=True,
    )


def written_document(done: Written[Any]) -> dict[str, Any]:
    """What a write answers: what it stored (or read) as data, and ``already_stored``.

    A history (``rnr schema show case-write``) or a stored event record
    (``event-write``): ``done.value`` is either, and has ``to_dict()``.
    """
    return {**done.value.to_dict(), "already_stored": done.already_stored}


def check_period(period: object) -> int:
    """A year of indicators, checked: a whole number from :data:`PERIODS`'s first to last.

    Raises:
        InvalidArgumentError: another value.
    """
    if isinstance(period, bool) or not isinstance(period, int) or period not in PERIODS:
        expected = f"a year from {PERIODS[0]} to {PERIODS[-1]}, such as 2025"
        raise InvalidArgumentError("period", period, expected)
    return period


def case_row(history: CaseHistory) -> dict[str, Any]:
    """One row of the case list (dates as dates: JSON writes them ISO, a render its way)."""
    latest = history.assessments[-1] if history.assessments else None
    decision = history.decision
    return {
        "case_id": history.case_id,
        "regime": history.regime,
        "opened_on": history.opened_on,
        "closed_on": history.closed_on(),
        "assessments": len(history.assessments),
        "latest": latest.on if latest else None,
        "risk_level": decision.risk_level if decision else None,
        "instrument": str(decision.instrument) if decision and decision.instrument else None,
    }


def timeline_row(timeline: Timeline) -> dict[str, Any]:
    """:func:`case_row` of the case's history, read from its timeline (every record of it)."""
    doc = timeline.doc
    assessments, decisions = doc["assessments"], doc["decisions"]
    risk = instrument = None
    if decisions:  # the last written, as the history's; of the assessment it names
        _, _, _, _, decided, risk, _ = decisions[-1]
        named = (a[Row.INSTRUMENT] for a in assessments if a[Row.FIRST] == decided)
        instrument = next(named, None)
    closings = [on for on, kind, _ in doc["events"] if kind in CLOSING_EVENTS]
    return {
        "case_id": timeline.case_id,
        "regime": doc["regime"],
        "opened_on": dt.date.fromisoformat(doc["opened_on"]),
        "closed_on": dt.date.fromisoformat(min(closings)) if closings else None,
        "assessments": len(assessments),
        "latest": dt.date.fromisoformat(assessments[-1][Row.ON]) if assessments else None,
        "risk_level": risk,
        "instrument": instrument,
    }


def case_rows(
    store: Store,
    *,
    defs: Definitions | None = None,
    case_ids: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``case_ids`` (default: every stored case, in the store's order).

    Each is :func:`case_row` of the case's history, read from its timeline:
    the one kept on its last record while it holds, else built from its
    records (:func:`rnr.history.bulk.timelines`; ``progress`` is called with
    the number of cases read). An unknown id has no row.

    Raises:
        StoreIntegrityError: a case read from its records has an
            assessment's instrument or a decision's policy changed since; a
            kept timeline has not its format's shape.
    """
    defs = defs or Definitions.shipped()
    ids = store.case_ids() if case_ids is None else case_ids
    rows = {}
    for timeline in timelines(store, defs=defs, only=case_ids, progress=progress):
        with unreadable_as_integrity(timeline, store.name):
            rows[timeline.case_id] = timeline_row(timeline)
    return [rows[case_id] for case_id in ids if case_id in rows]


def case_page(
    store: Store,
    *,
    defs: Definitions | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    """A page of the case list (``rnr schema show case-page``), in the order cases were opened.

    ``unit`` keeps the cases of that unit (``None``: every case): those the
    case index lists under it (:func:`rnr.history.access.unit_cases`), each
    of the page confirmed from its records (:func:`rnr.history.access.check_units`).
    Only the page's cases are read.

    Raises:
        InvalidArgumentError: ``limit`` out of range, or a cursor this list did not give.
        StoreIntegrityError: the index lists a case under ``unit`` that is not of it.
    """
    mine = None if unit is None else unit_cases(store, unit)
    ids = [i for i in store.case_ids() if mine is None or i in mine]
    found = page(ids, key=str, limit=limit, cursor=cursor, list_name="cases")
    check_units(store, found.items, unit)
    rows = case_rows(store, defs=defs, case_ids=found.items)
    return {"items": [_iso(row) for row in rows], "next": found.next}


def _iso(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def due_entries(
    store: Store,
    as_of: dt.date,
    *,
    overdue: bool = False,
    unit: str | None = None,
    defs: Definitions | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Due]:
    """The next reassessment of every case open on ``as_of``, earliest first.

    ``overdue`` keeps the cases already overdue on ``as_of`` (due before it);
    ``unit`` the cases of that unit (``None``: every case): those the case
    index lists under it, each confirmed from its records
    (:func:`rnr.history.access.check_units`), even when only counted.

    Raises:
        StoreIntegrityError: the index lists a case under ``unit`` that is not of it.
    """
    found = due_list(store, as_of, defs=defs, progress=progress, unit=unit)
    check_units(store, [d.case_id for d in found], unit)
    return [d for d in found if not overdue or d.due_on < as_of]


def due_page(
    store: Store,
    as_of: dt.date,
    *,
    overdue: bool = False,
    unit: str | None = None,
    defs: Definitions | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page of the due list on ``as_of`` (``rnr schema show due-page``), earliest first.

    ``unit`` keeps the cases of that unit, each of the page confirmed from
    its records (:func:`rnr.history.access.check_units`).

    Raises:
        InvalidArgumentError: ``limit`` out of range, or a cursor this list did not give.
        StoreIntegrityError: the index lists a case under ``unit`` that is not of it.
    """
    if isinstance(store, CaseIndex):  # the page alone, along the index of the due order
        limit = check_limit(limit)
        after = None if cursor is None else _due_after(cursor)
        shown, more = indexed_due_page(
            store,
            as_of=as_of,
            reading=Reading(defs or Definitions.shipped()),
            limit=limit,
            unit=unit,
            overdue=overdue,
            after=after,
        )
        found = Page(tuple(shown), _cursor("due", _due_key(shown[-1])) if more and shown else None)
    else:
        every = due_list(store, as_of, defs=defs, unit=unit)
        found = page(
            [d for d in every if not overdue or d.due_on < as_of],
            key=_due_key,
            limit=limit,
            cursor=cursor,
            list_name="due",
            ordered=True,
        )
    check_units(store, [d.case_id for d in found.items], unit)
    return {
        "as_of": as_of.isoformat(),
        "items": [d.to_dict(as_of) for d in found.items],
        "next": found.next,
    }


def _due_key(due: Due) -> str:
    """A due list's key of ``due``: sorts as (due date, case id)."""
    return f"{due.due_on.isoformat()} {due.case_id}"


def _due_after(cursor: str) -> tuple[dt.date, str]:
    """The due date and case id a cursor of the due list stands after.

    Raises:
        InvalidArgumentError: not a cursor this list gave.
    """
    key = _after("due", cursor)
    try:
        if key[10:11] != " ":
            raise ValueError(key)
        return dt.date.fromisoformat(key[:10]), key[11:]
    except ValueError:
        raise _refused("due", cursor) from None


@attrs.frozen
class DueCounts:
    """How many open cases have a reassessment due, and how many are overdue, on a day.

    Attributes:
        as_of: the day.
        due: open cases with a next reassessment (every line of ``rnr due``).
        overdue: those due before ``as_of`` (every line of ``rnr due --overdue``).
    """

    as_of: dt.date
    due: int
    overdue: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``rnr schema show due-counts``)."""
        return {"as_of": self.as_of.isoformat(), "due": self.due, "overdue": self.overdue}


def due_counts(entries: Sequence[Due], as_of: dt.date) -> DueCounts:
    """The counts of a due list made on ``as_of`` (:func:`due_entries` without ``overdue``)."""
    return DueCounts(as_of, len(entries), sum(1 for d in entries if d.due_on < as_of))


def due_totals(
    store: Store, as_of: dt.date, *, unit: str | None = None, defs: Definitions | None = None
) -> DueCounts:
    """How many open cases (of ``unit``) are due and overdue on ``as_of``: ``GET /v1/due/counts``.

    The counts of :func:`due_entries`. A store whose case index holds on
    ``as_of`` for every case counts them in the database, without a line
    made; otherwise (an earlier day, a changed definition), and for a unit,
    whose cases are confirmed from their records, the list is made and
    counted.

    Raises:
        StoreIntegrityError: the index lists a case under ``unit`` that is not of it.
    """
    if unit is None and isinstance(store, CaseIndex):
        reading = Reading(defs or Definitions.shipped())
        counted = indexed_due_counts(store, as_of=as_of, reading=reading)
        if counted is not None:
            return DueCounts(as_of, *counted)
    return due_counts(due_entries(store, as_of, unit=unit, defs=defs), as_of)


def store_study(
    store: Store,
    request: StudyRequest,
    *,
    instrument: str | None = None,
    event: str = "new_offence",
    window: int = 12,
    spell: Spell | None = None,
    defs: Definitions | None = None,
    progress: Callable[[int], None] | None = None,
) -> Study:
    """A validity study of the store's baseline assessments (``rnr.history.validity.store_table``).

    The request defaults to the store's columns: the score ``score``, the
    outcome the ``event`` within ``window`` months, the level ``level``.
    ``spell`` writes a parameter's name in a refusal (default: as named).

    Raises:
        StudyRequestError: the request does not go together, ``window`` is
            below one month, or it names a column the store does not give.
        ValidityInputError: no case to study (see ``store_table``).
    """
    # only a study loads the statistics (rnr case and rnr due never do)
    from rnr.history.validity import store_table  # noqa: PLC0415
    from rnr.validity.request import StudyRequestError, as_named, run_study  # noqa: PLC0415

    spell = spell or as_named
    request = request.for_store(event)
    request.check(spell=spell)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        msg = f"{spell('window')} {window}: expected a whole number of months >= 1"
        raise StudyRequestError(msg, argument=spell("window"))
    data = store_table(
        store,
        instrument=instrument,
        event=event,
        window_months=window,
        defs=defs,
        progress=progress,
    )
    for parameter, column in request.columns():
        if column not in data.header:
            known = ", ".join(data.header)
            msg = f"{spell(parameter)}: the store gives the columns {known}; got {column!r}"
            raise StudyRequestError(msg, argument=spell(parameter))
    return run_study(data, request, spell=spell)


def check_limit(limit: object) -> int:
    """A page's size, checked: a whole number from 1 to :data:`MAX_LIMIT`.

    Raises:
        InvalidArgumentError: another value.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgumentError("limit", limit, f"a whole number from 1 to {MAX_LIMIT}")
    return limit


@attrs.frozen
class Page(Generic[T]):
    """One page of a list, and the cursor of the page after it.

    Attributes:
        items: the page's items, in the list's order.
        next: the opaque cursor of the next page, ``None`` on the last one.
    """

    items: tuple[T, ...]
    next: str | None


def _cursor(list_name: str, key: str) -> str:
    text = canonical({"after": key, "list": list_name})
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _refused(list_name: str, cursor: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        "cursor", str(cursor)[:100], f"the next cursor of a page of {list_name}, as it was given"
    )


def _after(list_name: str, cursor: str) -> str:
    """The key a cursor of ``list_name`` stands after.

    Raises:
        InvalidArgumentError: not a cursor this list gave.
    """
    refused = _refused(list_name, cursor)
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR:
        raise refused
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise refused from None
    if (
        not isinstance(found, dict)
        or found.get("list") != list_name
        or not isinstance(found.get("after"), str)
        or _cursor(list_name, found["after"]) != cursor
    ):
        raise refused
    return str(found["after"])


def page(
    items: Sequence[T],
    *,
    key: Callable[[T], str],
    limit: int,
    cursor: str | None,
    list_name: str,
    ordered: bool = False,
) -> Page[T]:
    """The page of ``items`` after ``cursor`` (from the start without one), of ``limit`` items.

    A cursor names the key of the last item of the page before. In a list
    that only grows at its end (``ordered=False``: the stored cases) the next
    page starts after that item; in a list sorted by ``key`` (``ordered=True``:
    the due list, whose cases come and go) it starts at the first key past
    it. Walking a list page by page gives each item once.

    Raises:
        InvalidArgumentError: ``limit`` out of range; a cursor this list did
            not give (or, in a list that only grows, naming no item of it).
    """
    limit = check_limit(limit)
    start = 0
    if cursor is not None:
        after = _after(list_name, cursor)
        keys = [key(item) for item in items]
        if ordered:
            start = next((n for n, k in enumerate(keys) if k > after), len(keys))
        elif after in keys:
            start = keys.index(after) + 1
        else:
            raise _refused(list_name, cursor)
    chosen = tuple(items[start : start + limit])
    more = start + limit < len(items)
    return Page(chosen, _cursor(list_name, key(chosen[-1])) if more and chosen else None)
