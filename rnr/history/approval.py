"""Record the court's approval of a PII version: the plan is then no longer a draft.

The delegado proposes the individual plan and the court approves it (Ley
18.216 art. 16; Ley 20.084 for the plans of LAS and LAE). The delegado or a
supervisor records the approval with the date of the court's resolution
and, optionally, its reference (RIT, RUC or a short text). The record is a
``plan`` record of kind ``approval`` (:func:`rnr.history.shapes.approval_record`)
that names the version it approves; it is not a version itself: the kept
timeline and the case index skip it, as no summary reads it. The replay marks that version approved
(:attr:`rnr.plan.PlanDraft.approved_on`); a later version (a review, an edit,
a new draft) is a draft again until the court approves it.

Like :func:`rnr.history.amend.review_plan`, the approval is checked first,
then written in one atomic block that re-checks that the version approved is
still the plan in force; the case is replayed before the block commits. The
same approval already stored, or a repeat under the same idempotency key,
writes nothing and returns the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, overload

from rnr.errors import HistoryError
from rnr.history._state import State, records_in, replayed
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Request, Written
from rnr.history.read import read_history, replay
from rnr.history.shapes import approval_record, is_approval
from rnr.store.protocol import Store
from rnr.store.records import Stored

__all__ = ["MOST_REFERENCE", "approve_plan"]

#: The longest reference of a resolution, in characters.
MOST_REFERENCE = 100

VERSION_CODE = "plan.approval.version"
DATE_CODE = "plan.approval.date"
REPEAT_CODE = "plan.approval.repeat"


@overload
def approve_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    *,
    version: int,
    by: str,
    reference: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def approve_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    *,
    version: int,
    by: str,
    reference: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def approve_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    *,
    version: int,
    by: str,
    reference: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Store the court's approval of plan version ``version`` of the case, resolved on ``on``.

    Args:
        store: the store.
        case_id: the case.
        on: the date of the court's resolution (not before the version's date).
        version: the plan version approved: the one in force.
        by: who records it (a delegado or supervisor).
        reference: the resolution's RIT, RUC or a short text (at most
            :data:`MOST_REFERENCE` characters, one line); blank is none.
        defs: the definitions (default: the shipped ones).
        idempotency_key: the writer's key for this request.
        written: return a :class:`~rnr.history.idempotency.Written`.

    Raises:
        HistoryError: ``history.case.unknown``; ``history.refused``, a case
            without plan or a reference too long or on several lines;
            ``plan.approval.version``, a version that is not the plan in
            force (unknown, or superseded by a later one);
            ``plan.approval.date``, a resolution dated before the version;
            ``plan.approval.repeat``, a version already approved with
            another date or reference; ``history.case.changed``, the plan
            changed meanwhile; ``history.idempotency.conflict``.
    """
    defs = defs or Definitions.shipped()
    reference = _reference(reference, case_id)
    memo = defs.memo()  # the replay before the write, for the one inside it
    before = read_history(store, case_id, defs=defs, memo=memo)
    if not before.plans:
        raise HistoryError("no plan to approve", case_id=case_id, field="plan")
    record = approval_record(case_id, on, version=version, reference=reference)
    request = Request.of(
        "approve_plan", idempotency_key, {"case_id": case_id, "on": on.isoformat(), **record.data}
    )

    def repeated(rows: Sequence[Stored]) -> bool:
        return request.first(rows, case_id) is not None or any(
            row.kind == "plan"
            and is_approval(row)
            and row.on == on
            and row.data.get("approves") == version
            and row.data.get("reference") == reference
            for row in rows
        )

    if repeated(before.records):
        return Written(before, already_stored=True) if written else before
    _check(before, on, version, case_id)
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
        if any(is_approval(r) and r.data.get("approves") == version for r in rows):
            msg = f"plan version {version}: approved meanwhile with another date or reference"
            raise HistoryError(
                msg, case_id=case_id, field="version", value=version, code=REPEAT_CODE
            )
        tx.append(request.stamp(record))
        out = Written(replayed(tx, case_id, defs, store, memo, last=state.last))
    return out if written else out.value


def _reference(reference: str | None, case_id: str) -> str | None:
    """The reference, stripped (``None`` when blank); refused when too long or not one line."""
    if reference is None or not reference.strip():
        return None
    reference = reference.strip()
    if len(reference) > MOST_REFERENCE or any(c < " " for c in reference):
        msg = (
            f"reference: got {len(reference)} characters, expected one line of at most"
            f" {MOST_REFERENCE} (the resolution's RIT, RUC or a short text)"
        )
        expected = f"one line of at most {MOST_REFERENCE} characters"
        raise HistoryError(
            msg, case_id=case_id, field="reference", value=len(reference), expected=expected
        )
    return reference


def _check(history: CaseHistory, on: dt.date, version: int, case_id: str) -> None:
    """Refuse an approval of a version not in force, dated before it, or approved already."""
    in_force = history.plans[-1].plan
    if version != in_force.version:
        known = {p.plan.version for p in history.plans}
        what = "superseded by a later version" if version in known else "not a version of the case"
        msg = (
            f"plan version: got {version} ({what}), expected {in_force.version} (the plan in force)"
        )
        raise HistoryError(
            msg,
            case_id=case_id,
            field="version",
            value=version,
            expected=str(in_force.version),
            code=VERSION_CODE,
        )
    if on < in_force.dated:
        msg = (
            f"approval date: got {on}, expected {in_force.dated} or later"
            f" (the date of plan version {version})"
        )
        raise HistoryError(
            msg,
            case_id=case_id,
            field="on",
            value=on.isoformat(),
            expected=f">= {in_force.dated}",
            code=DATE_CODE,
        )
    if in_force.approved_on is not None:
        msg = (
            f"plan version {version}: already approved by the court on {in_force.approved_on};"
            " expected a version not yet approved"
        )
        raise HistoryError(
            msg,
            case_id=case_id,
            field="version",
            value=version,
            expected="a version not yet approved",
            code=REPEAT_CODE,
        )
