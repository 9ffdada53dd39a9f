"""Overrides proposed by a delegado, pending until a supervisor of the unit approves them.

An override is approved by whoever records it (:func:`rnr.history.write.add_override`,
the API's ``POST /v1/cases/{id}/overrides``, needs a role that approves). A
delegado who judges the level wrong proposes one instead: an ``override``
record marked ``proposed`` (:func:`rnr.history.shapes.proposal_record`), which
no decision reads. It is pending while it is of the case's latest assessment
and no override of that assessment has been recorded since; a supervisor
approves it by recording it, with :func:`add_override`, as their own
(:meth:`Proposal.approved`). A reassessment leaves it behind, as it would an
override.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from rnr.cases.overrides import Override
from rnr.errors import HistoryError
from rnr.history._state import State, records_in, replayed
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import same
from rnr.history.read import read_history
from rnr.history.shapes import is_proposal, proposal_record
from rnr.policy.engine import decide
from rnr.store.protocol import Store

__all__ = ["Proposal", "pending_overrides", "propose_override"]


@attrs.frozen
class Proposal:
    """An override proposed and not yet approved."""

    id: int
    assessment: int
    on: dt.date
    to_level: str
    direction: Literal["up", "down"]
    reason: str
    text: str
    proposed_by: str

    def approved(self, by: str, on: dt.date) -> Override:
        """The override this proposal becomes once ``by`` approves it on ``on``."""
        return Override(
            to_level=self.to_level,
            direction=self.direction,
            reason=self.reason,
            approved_by=by,
            approved_on=on,
            text=self.text,
        )


def pending_overrides(history: CaseHistory) -> tuple[Proposal, ...]:
    """The proposals of the latest assessment with no override recorded since, oldest first."""
    if not history.assessments:
        return ()
    latest = history.assessments[-1].id
    rows = [
        r
        for r in history.records
        if r.kind == "override" and r.id not in history.superseded and r.record.corrects is None
    ]
    out = []
    for row in rows:
        if not is_proposal(row) or row.data.get("assessment") != latest:
            continue
        if any(
            not is_proposal(r) and r.id > row.id and r.data.get("assessment") == latest
            for r in rows
        ):
            continue
        out.append(
            Proposal(
                id=row.id,
                assessment=latest,
                on=row.on,
                to_level=str(row.data["to_level"]),
                direction="up" if row.data.get("direction") == "up" else "down",
                reason=str(row.data["reason"]),
                text=str(row.data.get("text", "")),
                proposed_by=str(row.data.get("proposed_by", "")),
            )
        )
    return tuple(out)


def propose_override(
    store: Store,
    case_id: str,
    *,
    to_level: str,
    direction: Literal["up", "down"],
    reason: str,
    text: str = "",
    on: dt.date,
    by: str,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Store an override of the latest assessment proposed by ``by``, pending approval.

    The proposal is checked as the override would be (the reason, the
    policy's levels and direction), so an approval cannot fail for its
    content. The same proposal still pending writes nothing.

    Raises:
        HistoryError: ``history.case.unknown``; ``history.case.closed``;
            ``history.case.changed``, the case was reassessed meanwhile;
            ``history.refused``, a case without assessment.
        DecisionInputError: the override itself is refused.
    """
    defs = defs or Definitions.shipped()
    memo = defs.memo()
    before = read_history(store, case_id, defs=defs, memo=memo)
    if not before.assessments or before.legal is None:
        msg = "no assessment to override"
        raise HistoryError(msg, case_id=case_id, field="override")
    latest = before.assessments[-1]
    day = max(on, latest.on)
    override = Override(
        to_level=to_level,
        direction=direction,
        reason=reason,
        approved_by=by,
        approved_on=day,
        text=text,
    )
    chosen = defs.policy_for(
        before.regime, latest.result.instrument.id, before.policy, on=latest.on
    )
    decide(latest.result, before.legal, chosen, override=override, case_id=case_id, nearest=False)
    record = proposal_record(
        case_id,
        latest.id,
        day,
        to_level=to_level,
        direction=direction,
        reason=reason,
        text=text,
        by=by,
    )
    pending = {p.id for p in pending_overrides(before)}
    if any(r.id in pending and same(r.record, record) for r in before.records):
        return before
    with store.write(by=by) as tx:
        rows = records_in(tx, before)
        state = State.of_rows(rows)
        state.require(case_id, store.name)
        state.require_open(case_id, day)
        if state.assessments[-1][1] != latest.on:
            msg = "the case was reassessed meanwhile; read it again"
            raise HistoryError(
                msg, case_id=case_id, field="assessment", code="history.case.changed"
            )
        tx.append(record)
        return replayed(tx, case_id, defs, store, memo, last=state.last)
