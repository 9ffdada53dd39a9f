"""Amend a case history: events, plan reviews, corrections of assessments.

Like :mod:`rnr.history.write`, each function checks its input first, writes
in one atomic block, re-checks inside it what another writer could have
changed and replays the case before committing; a refused operation raises
:class:`~rnr.errors.HistoryError` with its code and writes nothing. A write
already stored with the same content, or repeated under the same
idempotency key, writes nothing (:mod:`rnr.history.idempotency`).

An event that the change policy answers alone (a new offence, a breach:
step up the intensity) records, in the same block, a decision at the new
intensity with its plan version, or the refused step with its reason
(:mod:`rnr.history.steps`). A correction answers again every recorded
answer that reads the corrected record, and corrects those that change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

from rnr.cases.parse import Case, score_case
from rnr.errors import HistoryError
from rnr.history._state import (
    State,
    kept,
    records_in,
    refused_unless_replayed,
    replayed,
    require_in_force,
)
from rnr.history.definitions import Definitions
from rnr.history.derived import derived_of
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Request, Written, same
from rnr.history.read import Corrections, read_history, replay
from rnr.history.shapes import assessment_record, draft_record, event_record, review_record
from rnr.history.steps import event_step, stepped
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import Status, review
from rnr.policy.answer import answer_event
from rnr.policy.engine import decide
from rnr.store.protocol import Store, Transaction
from rnr.store.records import Record, Stored

__all__ = ["correct_assessment", "record_event", "review_plan"]


@overload
def record_event(
    store: Store,
    case_id: str,
    kind: str,
    on: dt.date,
    *,
    by: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    corrects: int | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> Stored: ...


@overload
def record_event(
    store: Store,
    case_id: str,
    kind: str,
    on: dt.date,
    *,
    by: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    corrects: int | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[Stored]: ...


def record_event(
    store: Store,
    case_id: str,
    kind: str,
    on: dt.date,
    *,
    by: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    corrects: int | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> Stored | Written[Stored]:
    """Store an event of the case (or the correction of one), and the policy's answer to it.

    When the policy's ``change`` table answers the event alone with a step
    (a new offence or a breach: step up), a decision is recorded in the same
    block, dated on the event or, if later, the decision and plan in force:
    at the new intensity with a plan version drafted from it, or with the
    step refused and its reason. A closed case is not answered. A
    correction answers again the steps that read the event.

    An event already stored with the same kind, date, note, fields and
    correction writes nothing and returns the stored record; so does a
    repeat under the same ``idempotency_key`` (the record that recorded
    the key). Two events of one kind on one day are told apart by their
    note.

    Args:
        store: the store.
        case_id: the case.
        kind: one of :data:`rnr.events.EVENT_KINDS`.
        on: when it happened (not before the case opened).
        by: who writes.
        note: free text.
        data: the kind's own fields (attendance: ``component``, ``scheduled``,
            ``attended``; see :data:`rnr.history.shapes.EVENT_FIELDS`).
        corrects: the id of the event this record corrects.
        defs: the definitions, for the policy's answer (default: the shipped ones).
        idempotency_key: the writer's key for this request (recorded with the event).
        written: return a :class:`~rnr.history.idempotency.Written` (the
            record, and whether it was already stored).

    Returns:
        The stored event (the decision it led to is in the case's history).

    Raises:
        HistoryError: ``history.refused``, an unknown kind or field;
            ``history.case.unknown``; ``history.date.order``, a date before the
            case opened; ``history.record.unknown`` or ``history.case.changed``,
            a correction of a record that is not an event in force;
            ``history.idempotency.conflict``.
    """
    record = event_record(case_id, kind, on, note=note, data=data, corrects=corrects)
    request = Request.of("record_event", idempotency_key, record.content())
    with store.write(by=by) as tx:
        rows = list(tx.records(case_id=case_id))
        first = request.first(rows, case_id) or next(
            (
                row
                for row in rows
                if row.kind == "event"
                and row.record.corrects == corrects
                and same(row.record, record)
            ),
            None,
        )
        if first is not None:
            return Written(first, already_stored=True) if written else first
        state = State.of_rows(rows)
        state.require(case_id, store.name)
        assert state.opened_on is not None
        if on < state.opened_on:
            msg = f"event date: got {on}, expected {state.opened_on} or later (the case opened)"
            raise HistoryError(
                msg, case_id=case_id, field="event.on", value=str(on), code="history.date.order"
            )
        if corrects is not None:
            require_in_force(state, corrects, "event", case_id)
        stored = tx.append(request.stamp(record))
        defs = defs or Definitions.shipped()
        if corrects is None:
            if _answer_event(tx, case_id, stored.id, defs, store):
                replayed(tx, case_id, defs, store, last=state.last)
            else:
                kept(tx, case_id, defs, store, last=state.last)
        else:
            assert state.fixes is not None
            root = state.fixes.root[corrects]
            answered = _reanswer(tx, case_id, defs, store)
            if root not in answered:
                _answer_event(tx, case_id, root, defs, store)
            _redraft(tx, case_id, defs, store)
            replayed(tx, case_id, defs, store, last=state.last)
    return Written(stored) if written else stored


def _answer_event(
    tx: Transaction, case_id: str, event: int, defs: Definitions, store: Store
) -> bool:
    """Record the policy's answer to the event whose first record is ``event``, if it steps.

    Returns whether a decision was recorded.
    """
    rows = list(tx.records(case_id=case_id))
    fixes = Corrections.of(rows, source=store.name)
    decisions = fixes.in_force("decision")
    if not decisions:
        return False
    latest = decisions[-1][1]
    policy = defs.policies.get(str(latest.data["policy"]))
    answer = answer_event(policy, str(fixes.latest[event].data["kind"]))
    if answer is None or answer.action == "keep":
        return False
    history = _replay(rows, defs, store)
    in_force = history.decisions[-1]
    plans = history.plans
    day = max(fixes.latest[event].on, in_force.on, plans[-1].plan.dated if plans else in_force.on)
    if not history.is_open(day) or in_force.legal is None:
        return False
    assessment = next(a for a in history.assessments if a.id == in_force.assessment)
    override_id = latest.data.get("override")
    override = next((o.override for o in history.overrides if o.id == override_id), None)
    plain = decide(
        assessment.result,
        in_force.legal,
        policy,
        override=override,
        case_id=case_id,
        nearest=False,
    )
    step, decision = stepped(
        "event",
        answer,
        decision=plain,
        previous=history.decisions,
        policy=policy,
        legal=in_force.legal,
        assessed_on=assessment.on,
    )
    data = {**latest.data, "step": event_step(answer, event=event)}
    decided = tx.append(Record("decision", case_id, day, data))
    if step.status == "applied":
        plan = draft_plan(
            assessment.result,
            decision,
            responsivity=assessment.responsivity,
            catalogue=defs.catalogue,
            rules=defs.rules,
            dated=day,
        )
        version = len(plans) + 1
        tx.append(
            draft_record(
                case_id, day, version=version, decision=decided.id, basis=defs.plan_basis, plan=plan
            )
        )
    return True


def _replay(
    rows: list[Stored],
    defs: Definitions,
    store: Store,
    *,
    drafted: bool = True,
    answered: bool = True,
) -> CaseHistory:
    with refused_unless_replayed(rows[0].case_id):
        return replay(rows, defs=defs, source=store.name, drafted=drafted, answered=answered)


def _reanswer(tx: Transaction, case_id: str, defs: Definitions, store: Store) -> set[int]:
    """Correct every recorded answer that a corrected record changes.

    Returns the first record ids of the events an answer is recorded for.
    """
    rows = list(tx.records(case_id=case_id))
    history = _replay(rows, defs, store, drafted=False, answered=False)
    fixes = Corrections.of(rows, source=store.name)
    events = set()
    for entry in history.decisions:
        if entry.step is None:
            continue
        row = fixes.latest[entry.id]
        stored = dict(row.data["step"])
        if stored.get("cause") == "event":
            events.add(int(stored["event"]))
        again = {"action": entry.step.action, "rule": entry.step.rule}
        if again != {"action": stored.get("action"), "rule": stored.get("rule")}:
            data = {**row.data, "step": {**stored, **again}}
            tx.append(Record("decision", case_id, row.on, data, corrects=row.id))
    return events


@overload
def review_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    changes: Mapping[str, tuple[Status, str]],
    *,
    by: str,
    closing: bool = False,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def review_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    changes: Mapping[str, tuple[Status, str]],
    *,
    by: str,
    closing: bool = False,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def review_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    changes: Mapping[str, tuple[Status, str]],
    *,
    by: str,
    closing: bool = False,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Store a review of the case's current plan: objective statuses with notes.

    A review already stored with the same date, changes and closing (its
    plan version number aside) writes nothing and returns the history; so
    does a repeat under the same ``idempotency_key``.

    Raises:
        HistoryError: ``history.case.unknown``; ``history.refused``, a case
            without plan; ``history.case.changed``, the plan changed
            meanwhile; ``history.idempotency.conflict``.
        DecisionInputError: an unknown objective or status, a date before the
            current version, a closed plan, or a closing with open objectives.
    """
    defs = defs or Definitions.shipped()
    memo = defs.memo()  # the replay before the write, for the one inside it
    before = read_history(store, case_id, defs=defs, memo=memo)
    if not before.plans:
        raise HistoryError("no plan to review", case_id=case_id, field="plan")
    record = review_record(case_id, on, version=0, changes=changes, closing=closing)
    request = Request.of(
        "review_plan",
        idempotency_key,
        {
            "case_id": case_id,
            "on": on.isoformat(),
            "changes": record.data["changes"],
            "closing": closing,
        },
    )

    def repeated(rows: Sequence[Stored]) -> bool:
        return request.first(rows, case_id) is not None or any(
            row.kind == "plan"
            and row.record.corrects is None
            and "changes" in row.data
            and same(row.record, record, ignore=("version",))
            for row in rows
        )

    if repeated(before.records):
        return Written(before, already_stored=True) if written else before
    review(before.plans[-1].plan, on, changes, closing=closing)  # refuses what replay would
    with store.write(by=by) as tx:
        rows = records_in(tx, before)
        if rows is not before.records and repeated(rows):
            out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
            return out if written else out.value
        state = State.of_rows(rows)
        if not state.plans or state.plans[-1][0] != before.plans[-1].id:
            msg = "the plan changed meanwhile; read it again"
            raise HistoryError(msg, case_id=case_id, field="plan", code="history.case.changed")
        version = state.next_plan_version
        tx.append(
            request.stamp(
                review_record(case_id, on, version=version, changes=changes, closing=closing)
            )
        )
        out = Written(replayed(tx, case_id, defs, store, memo, last=state.last))
    return out if written else out.value


@overload
def correct_assessment(
    store: Store,
    record_id: int,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def correct_assessment(
    store: Store,
    record_id: int,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def correct_assessment(
    store: Store,
    record_id: int,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Correct a stored assessment: a new record that replaces it everywhere it is used.

    The decision and plan drafted from the assessment are recomputed from the
    corrected answers when the history is read (a plan draft whose objectives
    change is corrected too); the original stays in the store and in the
    audit log.

    The same correction of the same record already stored writes nothing and
    returns the history (the assessor is compared only when given); so does
    a repeat under the same ``idempotency_key``.

    Raises:
        HistoryError: ``history.record.unknown``, no such record of the case;
            ``history.case.changed``, the record was corrected since;
            ``history.refused``, a record that is not an assessment;
            ``history.date.order``, the corrected date leaves the assessments
            out of order; ``history.idempotency.conflict``.
    """
    defs = defs or Definitions.shipped()
    result = score_case(case, defs.library)
    instrument = defs.library.get(str(result.instrument))
    record = assessment_record(case, instrument, assessor=assessor or by, corrects=record_id)
    asked = {k: v for k, v in record.content().items() if k != "data"}
    asked["document"], asked["assessor"] = record.data["document"], assessor
    request = Request.of("correct_assessment", idempotency_key, asked)
    ignore = ("assessor",) if assessor is None else ()
    with store.write(by=by) as tx:
        rows = list(tx.records(case_id=case.case_id))
        if request.first(rows, case.case_id) is not None or any(
            row.kind == "assessment"
            and row.record.corrects == record_id
            and same(row.record, record, ignore=ignore)
            for row in rows
        ):
            out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
            return out if written else out.value
        state = State.of_rows(rows)
        require_in_force(state, record_id, "assessment", case.case_id)
        order = [ident for ident, _ in state.assessments]
        at = order.index(record_id)
        low = state.assessments[at - 1][1] if at > 0 else None
        high = state.assessments[at + 1][1] if at + 1 < len(order) else None
        if (low is not None and case.assessed_on <= low) or (
            high is not None and case.assessed_on >= high
        ):
            span = f"after {low}" if low else ""
            span += (" and " if low and high else "") + (f"before {high}" if high else "")
            msg = f"assessed_on: got {case.assessed_on}, expected a date {span} (its neighbours)"
            raise HistoryError(
                msg, case_id=case.case_id, field="assessed_on", code="history.date.order"
            )
        stored = tx.append(request.stamp(record))
        tx.derive(derived_of(stored, result, instrument))
        _reanswer(tx, case.case_id, defs, store)
        _redraft(tx, case.case_id, defs, store)
        out = Written(replayed(tx, case.case_id, defs, store, last=state.last))
    return out if written else out.value


def _redraft(tx: Transaction, case_id: str, defs: Definitions, store: Store) -> None:
    """Correct the plan drafts whose objectives change with a corrected assessment.

    An edit of a draft that changed is corrected too when it no longer fits
    it (:func:`rnr.plan.edit.refit`: the objectives still called for, the
    hours shared again).
    """
    rows = list(tx.records(case_id=case_id))
    history = _replay(rows, defs, store, drafted=False)
    fixes = Corrections.of(rows, source=store.name)
    for entry in history.plans:
        row = fixes.latest[entry.id]
        drafted = [[o.id, o.domain] for o in entry.plan.objectives]
        if "decision" in row.data and row.data.get("objectives") != drafted:
            data = {**row.data, "objectives": drafted}
            tx.append(Record("plan", case_id, row.on, data, corrects=row.id))
        edited = [[o.id, o.domain, o.hours] for o in entry.plan.objectives]
        stored = [list(o) for o in row.data.get("objectives") or ()]
        if row.data.get("kind") == "edit" and stored != edited:
            data = {**row.data, "objectives": edited}
            tx.append(Record("plan", case_id, row.on, data, corrects=row.id))
