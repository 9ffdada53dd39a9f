"""What a write must know of a case, and the replay that guards every write."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

import attrs

from rnr.errors import HistoryError, RnrError, StoreIntegrityError
from rnr.events import CLOSING_EVENTS
from rnr.history.access import unit_of
from rnr.history.caseindex import keep_index
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.memo import Memo
from rnr.history.programme import keep_shares
from rnr.history.read import Corrections, replay
from rnr.history.shapes import is_approval
from rnr.history.summary import Reading
from rnr.history.timeline import Earlier, Timeline, keep_timeline
from rnr.store.protocol import Store, Transaction
from rnr.store.records import Stored

__all__ = ["State", "kept", "records_in", "replayed", "require_in_force"]


@attrs.frozen
class State:
    """What a write must know of a case: read inside its block, or from a history."""

    exists: bool
    opened_on: dt.date | None = None
    #: ``(record id in force, date)`` of every assessment, in date order.
    assessments: tuple[tuple[int, dt.date], ...] = ()
    #: ``(date, kind)`` of the first closing event.
    closing: tuple[dt.date, str] | None = None
    #: ``(first record id, date)`` of every plan version.
    plans: tuple[tuple[int, dt.date], ...] = ()
    fixes: Corrections | None = None
    #: The id of the case's last record.
    last: int = 0
    #: The date of the latest decision.
    decided: dt.date | None = None

    @classmethod
    def read(cls, tx: Transaction, case_id: str) -> State:
        return cls.of_rows(list(tx.records(case_id=case_id)))

    @classmethod
    def of_rows(cls, rows: Sequence[Stored]) -> State:
        """What ``rows`` (every record of one case, in id order) say of the case."""
        if not rows:
            return cls(False)
        fixes = Corrections.of(rows, source="<store>")
        assessments = sorted(
            ((row.id, row.on) for _, row in fixes.in_force("assessment")),
            key=lambda a: (a[1], a[0]),
        )
        closings = sorted(
            (row.on, str(row.data.get("kind")))
            for _, row in fixes.in_force("event")
            if row.data.get("kind") in CLOSING_EVENTS
        )
        cases = fixes.in_force("case")
        decided = [row.on for _, row in fixes.in_force("decision")]
        return cls(
            True,
            cases[0][1].on if cases else rows[0].on,
            tuple(assessments),
            closings[0] if closings else None,
            tuple((first, row.on) for first, row in fixes.in_force("plan") if not is_approval(row)),
            fixes,
            rows[-1].id,
            max(decided, default=None),
        )

    @classmethod
    def of_history(cls, history: CaseHistory) -> State:
        closed = history.closed_on()
        kind = next((e.kind for e in history.events if e.on == closed), "") if closed else ""
        return cls(
            True,
            history.opened_on,
            tuple((a.record, a.on) for a in history.assessments),
            (closed, kind) if closed else None,
            tuple((p.id, p.plan.dated) for p in history.plans),
            last=history.records[-1].id if history.records else 0,
            decided=max((d.on for d in history.decisions), default=None),
        )

    def require(self, case_id: str, store: str) -> None:
        if not self.exists:
            msg = f"unknown case, expected a case id held in {store}"
            raise HistoryError(
                msg,
                case_id=case_id,
                field="case_id",
                value=case_id,
                code="history.case.unknown",
            )

    def require_unchanged(self, case_id: str, before: CaseHistory) -> None:
        """No record of the case was written since ``before`` was read."""
        if before.records and self.last != before.records[-1].id:
            msg = "the case changed meanwhile; read it again"
            raise HistoryError(
                msg, case_id=case_id, field="record", value=self.last, code="history.case.changed"
            )

    def require_open(self, case_id: str, on: dt.date) -> None:
        if self.closing is not None and self.closing[0] <= on:
            closed, kind = self.closing
            msg = f"the case was closed on {closed} ({kind}); expected an open case on {on}"
            raise HistoryError(
                msg, case_id=case_id, field="case", value=str(closed), code="history.case.closed"
            )

    def require_after(self, case_id: str, on: dt.date, *, what: str) -> None:
        latest = self.assessments[-1][1] if self.assessments else None
        if latest is not None and on <= latest:
            msg = f"{what}: got {on}, expected a date after the last assessment ({latest})"
            raise HistoryError(
                msg, case_id=case_id, field="assessed_on", value=str(on), code="history.date.order"
            )
        plan_day = self.plans[-1][1] if self.plans else None
        if plan_day is not None and on < plan_day:
            msg = f"{what}: got {on}, expected {plan_day} or later (the last plan version)"
            raise HistoryError(
                msg, case_id=case_id, field="assessed_on", value=str(on), code="history.date.order"
            )
        if self.decided is not None and on < self.decided:
            msg = f"{what}: got {on}, expected {self.decided} or later (the last decision)"
            raise HistoryError(
                msg, case_id=case_id, field="assessed_on", value=str(on), code="history.date.order"
            )

    @property
    def next_plan_version(self) -> int:
        return len(self.plans) + 1


def records_in(tx: Transaction, before: CaseHistory) -> Sequence[Stored]:
    """The case's records inside a write block, ``before`` being the case read just before it.

    ``before.records`` itself while they are still all of the case's
    (:meth:`~rnr.store.protocol.Transaction.unchanged`: what was checked of
    them before the block holds), else the records read again.
    """
    if tx.unchanged(before.records):
        return before.records
    return tuple(tx.records(case_id=before.case_id))


def replayed(
    tx: Transaction,
    case_id: str,
    defs: Definitions,
    store: Store,
    memo: Memo | None = None,
    *,
    last: int = 0,
) -> CaseHistory:
    """The case read back inside the block: a write that would not replay is rolled back.

    The case's new timeline is kept on its last record
    (:func:`~rnr.history.timeline.keep_timeline`), with what reads take from
    it (:func:`keep_derived`). ``memo``: what the replay
    before the write computed (see :class:`~rnr.history.read.Memo`).
    ``last``: the case's last record before the block's appends (0: none);
    what was kept on it is taken where they leave it as it was (:class:`Earlier`).
    """
    with refused_unless_replayed(case_id):
        rows = tuple(tx.records(case_id=case_id))
        history = replay(rows, defs=defs, source=store.name, memo=memo)
        earlier = Earlier(tx, rows, last)
        timeline = keep_timeline(
            tx, case_id, defs=defs, source=store.name, rows=rows, earlier=earlier
        )
        keep_derived(tx, timeline, unit=unit_of(rows), reading=Reading(defs), earlier=earlier)
    return history


def kept(tx: Transaction, case_id: str, defs: Definitions, store: Store, *, last: int) -> None:
    """Keep the case's timeline, index row and report shares, without a replay.

    An event that steps nothing is written so. ``last``: as :func:`replayed` reads it.

    A case whose timeline cannot be built (a definition changed since) keeps
    none: reads build it from the records, and report the change.
    """
    rows = tuple(tx.records(case_id=case_id))
    earlier = Earlier(tx, rows, last)
    try:
        timeline = keep_timeline(
            tx, case_id, defs=defs, source=store.name, rows=rows, earlier=earlier
        )
    except RnrError:
        return
    keep_derived(tx, timeline, unit=unit_of(rows), reading=Reading(defs), earlier=earlier)


def keep_derived(
    tx: Transaction,
    timeline: Timeline,
    *,
    unit: str | None,
    reading: Reading,
    earlier: Earlier | None = None,
) -> None:
    """Keep what reads of the case take from its timeline: its index row, its report shares.

    ``earlier``: what was kept for the case before the block (:class:`Earlier`).
    """
    counts = keep_shares(tx, timeline, reading=reading, earlier=earlier)
    keep_index(tx, timeline, unit=unit, reading=reading, counts=counts)


@contextlib.contextmanager
def refused_unless_replayed(case_id: str) -> Iterator[None]:
    """Refuse a write (:class:`HistoryError`) whose records would no longer replay."""
    try:
        yield
    except StoreIntegrityError as exc:
        msg = f"refused, the history would no longer replay: {exc}"
        raise HistoryError(msg, case_id=case_id, field="record") from exc


def require_in_force(state: State, record_id: int, kind: str, case_id: str) -> None:
    """``record_id`` must be a record of ``kind`` of the case, not already corrected.

    Raises:
        HistoryError: ``history.record.unknown``, no such record of the case;
            ``history.case.changed``, the record was corrected since (correct
            the latest correction); ``history.refused``, a record of another kind.
    """
    fixes = state.fixes
    in_force: Iterable[Stored] = (
        (row for _, row in fixes.in_force(kind)) if fixes is not None else ()
    )
    if any(row.id == record_id for row in in_force):
        return
    code = "history.refused"
    if fixes is None or record_id not in fixes.root:
        code = "history.record.unknown"
    elif record_id in fixes.superseded:
        code = "history.case.changed"
    msg = (
        f"record {record_id}: expected a {kind} of this case that is in force"
        " (correct the latest correction)"
    )
    raise HistoryError(msg, case_id=case_id, field="corrects", value=record_id, code=code)
