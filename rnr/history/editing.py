"""Edit the PII in force: a new plan version with the objectives, order, hours and notes given.

Like :func:`rnr.history.amend.review_plan`, the edit is checked first
(:func:`rnr.plan.edit.edit_plan`: objectives the case's needs call for, hours
within the decided intensity), then written in one atomic block that
re-checks that the plan in force is still the one edited; the case is
replayed before the block commits. The record is a ``plan`` record of kind
``edit`` (:func:`rnr.history.shapes.edit_record`), replayed on every read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, overload

from rnr.errors import HistoryError
from rnr.history._state import State, records_in, replayed
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Request, Written, same
from rnr.history.read import read_history, replay
from rnr.history.shapes import edit_record, is_approval
from rnr.plan.edit import Choice, edit_plan
from rnr.store.protocol import Store
from rnr.store.records import Stored

__all__ = ["edit_plan_version"]

#: The longest notes an edit keeps, in characters.
MOST_NOTES = 4000


@overload
def edit_plan_version(
    store: Store,
    case_id: str,
    on: dt.date,
    choices: Sequence[Choice],
    *,
    by: str,
    notes: str = "",
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def edit_plan_version(
    store: Store,
    case_id: str,
    on: dt.date,
    choices: Sequence[Choice],
    *,
    by: str,
    notes: str = "",
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def edit_plan_version(
    store: Store,
    case_id: str,
    on: dt.date,
    choices: Sequence[Choice],
    *,
    by: str,
    notes: str = "",
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Store an edit of the case's plan in force: a new version with ``choices`` in their order.

    An edit already stored with the same date, objectives, hours and notes
    (its version number aside) writes nothing and returns the history; so
    does a repeat under the same ``idempotency_key``.

    Args:
        store: the store.
        case_id: the case.
        on: the day of the edit.
        choices: each objective's catalogue id and hours, in the plan's new order.
        by: who writes.
        notes: the person's notes on this version (at most :data:`MOST_NOTES` characters).
        defs: the definitions (default: the shipped ones).
        idempotency_key: the writer's key for this request.
        written: return a :class:`~rnr.history.idempotency.Written`.

    Raises:
        HistoryError: ``history.case.unknown``; ``history.refused``, a case
            without plan or notes too long; ``history.case.changed``, the plan
            changed meanwhile; ``history.case.closed``;
            ``history.idempotency.conflict``.
        DecisionInputError: ``plan.edit.objective`` or ``plan.edit.hours``
            (:func:`rnr.plan.edit.edit_plan`), a closed plan or an earlier day.
    """
    defs = defs or Definitions.shipped()
    if len(notes) > MOST_NOTES:
        msg = f"notes: got {len(notes)} characters, expected at most {MOST_NOTES}"
        raise HistoryError(msg, case_id=case_id, field="notes", value=len(notes))
    memo = defs.memo()  # the replay before the write, for the one inside it
    before = read_history(store, case_id, defs=defs, memo=memo)
    if not before.plans or not before.assessments:
        raise HistoryError("no plan to edit", case_id=case_id, field="plan")
    in_force = before.plans[-1].plan
    basis = next(a for a in reversed(before.assessments) if a.on == in_force.assessed_on)
    plan = edit_plan(
        in_force,
        on,
        choices,
        score=basis.result,
        catalogue=defs.catalogue,
        rules=defs.rules,
    )
    record = edit_record(case_id, on, version=0, plan=plan, notes=notes)
    request = Request.of(
        "edit_plan",
        idempotency_key,
        {"case_id": case_id, "on": on.isoformat(), **record.data, "version": None},
    )

    def repeated(rows: Sequence[Stored]) -> bool:
        """The same request, or the plan in force is this very edit (a form sent twice)."""
        last = next((r for r in reversed(rows) if r.kind == "plan" and not is_approval(r)), None)
        return request.first(rows, case_id) is not None or (
            last is not None
            and last.data.get("kind") == "edit"
            and same(last.record, record, ignore=("version",))
        )

    if repeated(before.records):
        return Written(before, already_stored=True) if written else before
    with store.write(by=by) as tx:
        rows = records_in(tx, before)
        if rows is not before.records and repeated(rows):
            out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
            return out if written else out.value
        state = State.of_rows(rows)
        state.require(case_id, store.name)
        if not state.plans or state.plans[-1][0] != before.plans[-1].id:
            msg = "the plan changed meanwhile; read it again"
            raise HistoryError(msg, case_id=case_id, field="plan", code="history.case.changed")
        state.require_open(case_id, on)
        version = state.next_plan_version
        tx.append(request.stamp(edit_record(case_id, on, version=version, plan=plan, notes=notes)))
        out = Written(replayed(tx, case_id, defs, store, memo, last=state.last))
    return out if written else out.value
