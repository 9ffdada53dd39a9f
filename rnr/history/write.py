"""Write a case history: open a case, reassess, record events, reviews, overrides, corrections.

Every function checks its input completely before it writes (the case
scores, the policy decides, the plan drafts), then writes all its records in
one atomic block of the store, re-checking inside the block what another
writer could have changed (the case exists or not, the dates are in order,
the case is still open). A refused operation raises
:class:`~rnr.errors.HistoryError` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rnr.cases import Case, score_case
from rnr.errors import HistoryError, StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.history.model import CaseHistory
from rnr.history.read import Corrections, read_history, replay
from rnr.history.shapes import (
    assessment_record,
    case_record,
    decision_record,
    draft_record,
    event_record,
    override_record,
    review_record,
)
from rnr.legal import LegalContext
from rnr.overrides import Override
from rnr.plan import PlanDraft, draft_plan, review
from rnr.plan.model import Status
from rnr.policy import Policy, decide
from rnr.result import ScoreResult
from rnr.store.protocol import Store, Transaction
from rnr.store.records import CLOSING_EVENTS, Record, Stored

__all__ = [
    "add_override",
    "correct_assessment",
    "open_case",
    "reassess",
    "record_event",
    "review_plan",
]


@attrs.frozen
class _State:
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

    @classmethod
    def read(cls, tx: Transaction, case_id: str) -> _State:
        rows = list(tx.records(case_id=case_id))
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
        return cls(
            True,
            cases[0][1].on if cases else rows[0].on,
            tuple(assessments),
            closings[0] if closings else None,
            tuple((first, row.on) for first, row in fixes.in_force("plan")),
            fixes,
        )

    @classmethod
    def of_history(cls, history: CaseHistory) -> _State:
        closed = history.closed_on()
        kind = next((e.kind for e in history.events if e.on == closed), "") if closed else ""
        return cls(
            True,
            history.opened_on,
            tuple((a.record, a.on) for a in history.assessments),
            (closed, kind) if closed else None,
            tuple((p.id, p.plan.dated) for p in history.plans),
        )

    def require(self, case_id: str, store: str) -> None:
        if not self.exists:
            msg = f"unknown case, expected a case id held in {store}"
            raise HistoryError(msg, case_id=case_id, field="case_id", value=case_id)

    def require_open(self, case_id: str, on: dt.date) -> None:
        if self.closing is not None and self.closing[0] <= on:
            closed, kind = self.closing
            msg = f"the case was closed on {closed} ({kind}); expected an open case on {on}"
            raise HistoryError(msg, case_id=case_id, field="case", value=str(closed))

    def require_after(self, case_id: str, on: dt.date, *, what: str) -> None:
        latest = self.assessments[-1][1] if self.assessments else None
        if latest is not None and on <= latest:
            msg = f"{what}: got {on}, expected a date after the last assessment ({latest})"
            raise HistoryError(msg, case_id=case_id, field="assessed_on", value=str(on))
        plan_day = self.plans[-1][1] if self.plans else None
        if plan_day is not None and on < plan_day:
            msg = f"{what}: got {on}, expected {plan_day} or later (the last plan version)"
            raise HistoryError(msg, case_id=case_id, field="assessed_on", value=str(on))

    @property
    def next_plan_version(self) -> int:
        return len(self.plans) + 1


def _replayed(tx: Transaction, case_id: str, defs: Definitions, store: Store) -> CaseHistory:
    """The case read back inside the block: a write that would not replay is rolled back."""
    try:
        return replay(list(tx.records(case_id=case_id)), defs=defs, source=store.name)
    except StoreIntegrityError as exc:
        msg = f"refused, the history would no longer replay: {exc}"
        raise HistoryError(msg, case_id=case_id, field="record") from exc


def _score(case: Case, defs: Definitions) -> ScoreResult:
    return score_case(case, defs.library)


def _legal_of(case: Case, fallback: CaseHistory | None) -> LegalContext:
    legal = case.legal if case.legal is not None else (fallback.legal if fallback else None)
    if legal is None:
        msg = 'missing: a case needs its "legal" section (at least "regime") to be decided'
        raise HistoryError(msg, case_id=case.case_id, field="legal")
    if fallback is not None and legal.regime != fallback.regime:
        msg = (
            f"legal.regime: got {legal.regime!r}, expected {fallback.regime!r} (the case's regime)"
        )
        raise HistoryError(msg, case_id=case.case_id, field="legal.regime", value=legal.regime)
    return legal


def _derive(
    case: Case,
    *,
    result: ScoreResult,
    legal: LegalContext,
    policy: Policy,
    defs: Definitions,
    override: Override | None,
) -> PlanDraft:
    """Decide and draft once before writing, so a failure writes nothing."""
    decision = decide(result, legal, policy, override=override, case_id=case.case_id, nearest=False)
    return draft_plan(
        result,
        decision,
        responsivity=case.responsivity,
        catalogue=defs.catalogue,
        rules=defs.rules,
    )


def _assessment_records(
    tx: Transaction,
    *,
    case: Case,
    result: ScoreResult,
    legal: LegalContext,
    policy: Policy,
    defs: Definitions,
    assessor: str,
    plan_version: int,
    plan: PlanDraft,
) -> None:
    """Append an assessment, its override, its decision and its plan draft."""
    instrument = defs.library.get(str(result.instrument))
    assessed = tx.append(assessment_record(case, instrument, assessor=assessor))
    override = None
    if case.override is not None:
        override = tx.append(override_record(case.case_id, assessed.id, case.override)).id
    _decision_and_plan(
        tx,
        case_id=case.case_id,
        day=case.assessed_on,
        assessment=assessed.id,
        override=override,
        legal=legal,
        policy=policy,
        defs=defs,
        plan_version=plan_version,
        plan=plan,
    )


def _decision_and_plan(
    tx: Transaction,
    *,
    case_id: str,
    day: dt.date,
    assessment: int,
    override: int | None,
    legal: LegalContext,
    policy: Policy,
    defs: Definitions,
    plan_version: int,
    plan: PlanDraft,
) -> None:
    decided = tx.append(
        decision_record(
            case_id, day, assessment=assessment, override=override, policy=policy, legal=legal
        )
    )
    tx.append(
        draft_record(
            case_id,
            day,
            version=plan_version,
            decision=decided.id,
            basis=defs.plan_basis,
            plan=plan,
        )
    )


def open_case(
    store: Store,
    case: Case,
    *,
    by: str,
    policy: str | None = None,
    assessor: str | None = None,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Score, decide and draft a new case, and store it.

    Args:
        store: where the case is written.
        case: the first assessment; it needs a ``legal`` section.
        by: who writes (kept in the audit log).
        policy: the policy id (or ``id@version``) that decides the case
            (default: the shipped policy of its regime that reads its
            instrument); the version in force on each assessment date applies.
        assessor: who assessed (default: ``by``).
        defs: the definitions (default: the shipped ones).

    Returns:
        The case's history as read back.

    Raises:
        HistoryError: the case already exists or has no legal section.
        RnrError: the case does not score, decide or draft.
    """
    defs = defs or Definitions.shipped()
    legal = _legal_of(case, None)
    result = _score(case, defs)
    chosen = defs.policy_for(legal.regime, result.instrument.id, policy, on=case.assessed_on)
    plan = _derive(
        case, result=result, legal=legal, policy=chosen, defs=defs, override=case.override
    )
    with store.write(by=by) as tx:
        if _State.read(tx, case.case_id).exists:
            msg = f"already in {store.name}; expected a new case id (use rnr case reassess)"
            raise HistoryError(msg, case_id=case.case_id, field="case_id", value=case.case_id)
        policy_id = policy.split("@", 1)[0] if policy else chosen.id
        tx.append(case_record(case, legal, policy_id))
        _assessment_records(
            tx,
            case=case,
            result=result,
            legal=legal,
            policy=chosen,
            defs=defs,
            assessor=assessor or by,
            plan_version=1,
            plan=plan,
        )
        return _replayed(tx, case.case_id, defs, store)


def reassess(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Store a reassessment of an open case: a new score, decision and plan version.

    The case file's ``legal`` section, when given, replaces the stored one
    (same regime); without it the stored legal context is kept.

    Raises:
        HistoryError: an unknown or closed case, another case id in the file,
            or a date not after the last assessment.
    """
    defs = defs or Definitions.shipped()
    if case.case_id != case_id:
        msg = f"case_id: the file holds case {case.case_id!r}, expected {case_id!r}"
        raise HistoryError(msg, case_id=case_id, field="case_id", value=case.case_id)
    before = read_history(store, case_id, defs=defs)
    legal = _legal_of(case, before)
    known = _State.of_history(before)
    known.require_open(case_id, case.assessed_on)
    known.require_after(case_id, case.assessed_on, what="assessed_on")
    result = _score(case, defs)
    chosen = defs.policy_for(
        before.regime, result.instrument.id, before.policy, on=case.assessed_on
    )
    plan = _derive(
        case, result=result, legal=legal, policy=chosen, defs=defs, override=case.override
    )
    with store.write(by=by) as tx:
        state = _State.read(tx, case_id)
        state.require(case_id, store.name)
        state.require_open(case_id, case.assessed_on)
        state.require_after(case_id, case.assessed_on, what="assessed_on")
        _assessment_records(
            tx,
            case=case,
            result=result,
            legal=legal,
            policy=chosen,
            defs=defs,
            assessor=assessor or by,
            plan_version=state.next_plan_version,
            plan=plan,
        )
        return _replayed(tx, case_id, defs, store)


def add_override(
    store: Store,
    case_id: str,
    override: Override,
    *,
    by: str,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Override the risk level of the case's latest assessment: a new decision and plan version.

    Raises:
        HistoryError: an unknown or closed case, or one without assessment.
        DecisionInputError: the policy refuses the override.
    """
    defs = defs or Definitions.shipped()
    before = read_history(store, case_id, defs=defs)
    if not before.assessments or before.legal is None:
        msg = "no assessment to override"
        raise HistoryError(msg, case_id=case_id, field="override")
    latest = before.assessments[-1]
    chosen = defs.policy_for(
        before.regime, latest.result.instrument.id, before.policy, on=latest.on
    )
    decision = decide(
        latest.result, before.legal, chosen, override=override, case_id=case_id, nearest=False
    )
    plan = draft_plan(
        latest.result,
        decision,
        responsivity=latest.responsivity,
        catalogue=defs.catalogue,
        rules=defs.rules,
    )
    day = max(override.approved_on, latest.on, before.plans[-1].plan.dated)
    with store.write(by=by) as tx:
        state = _State.read(tx, case_id)
        state.require(case_id, store.name)
        state.require_open(case_id, day)
        if state.assessments[-1][1] != latest.on:
            msg = "the case was reassessed meanwhile; read it again"
            raise HistoryError(msg, case_id=case_id, field="assessment")
        stored = tx.append(override_record(case_id, latest.id, override))
        _decision_and_plan(
            tx,
            case_id=case_id,
            day=day,
            assessment=latest.id,
            override=stored.id,
            legal=before.legal,
            policy=chosen,
            defs=defs,
            plan_version=state.next_plan_version,
            plan=plan,
        )
        return _replayed(tx, case_id, defs, store)


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
) -> Stored:
    """Store an event of the case (or the correction of one).

    Args:
        store: the store.
        case_id: the case.
        kind: one of :data:`rnr.store.EVENT_KINDS`.
        on: when it happened (not before the case opened).
        by: who writes.
        note: free text.
        data: the kind's own fields (attendance: ``component``, ``scheduled``,
            ``attended``; see :data:`rnr.history.shapes.EVENT_FIELDS`).
        corrects: the id of the event this record corrects.

    Raises:
        HistoryError: an unknown case, kind or field, a date before the case
            opened, or a correction of a record that is not an event in force.
    """
    record = event_record(case_id, kind, on, note=note, data=data, corrects=corrects)
    with store.write(by=by) as tx:
        state = _State.read(tx, case_id)
        state.require(case_id, store.name)
        assert state.opened_on is not None
        if on < state.opened_on:
            msg = f"event date: got {on}, expected {state.opened_on} or later (the case opened)"
            raise HistoryError(msg, case_id=case_id, field="event.on", value=str(on))
        if corrects is not None:
            _require_in_force(state, corrects, "event", case_id)
        return tx.append(record)


def review_plan(
    store: Store,
    case_id: str,
    on: dt.date,
    changes: Mapping[str, tuple[Status, str]],
    *,
    by: str,
    closing: bool = False,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Store a review of the case's current plan: objective statuses with notes.

    Raises:
        HistoryError: an unknown case or one without plan, or the plan
            changed meanwhile.
        DecisionInputError: an unknown objective or status, a date before the
            current version, a closed plan, or a closing with open objectives.
    """
    defs = defs or Definitions.shipped()
    before = read_history(store, case_id, defs=defs)
    if not before.plans:
        raise HistoryError("no plan to review", case_id=case_id, field="plan")
    review(before.plans[-1].plan, on, changes, closing=closing)  # refuses what replay would
    with store.write(by=by) as tx:
        state = _State.read(tx, case_id)
        if not state.plans or state.plans[-1][0] != before.plans[-1].id:
            msg = "the plan changed meanwhile; read it again"
            raise HistoryError(msg, case_id=case_id, field="plan")
        version = state.next_plan_version
        tx.append(review_record(case_id, on, version=version, changes=changes, closing=closing))
        return _replayed(tx, case_id, defs, store)


def correct_assessment(
    store: Store,
    record_id: int,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
) -> CaseHistory:
    """Correct a stored assessment: a new record that replaces it everywhere it is used.

    The decision and plan drafted from the assessment are recomputed from the
    corrected answers when the history is read (a plan draft whose objectives
    change is corrected too); the original stays in the store and in the
    audit log.

    Raises:
        HistoryError: the record is not an assessment in force of the case,
            or the corrected date leaves the assessments out of order.
    """
    defs = defs or Definitions.shipped()
    result = _score(case, defs)
    instrument = defs.library.get(str(result.instrument))
    with store.write(by=by) as tx:
        state = _State.read(tx, case.case_id)
        _require_in_force(state, record_id, "assessment", case.case_id)
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
            raise HistoryError(msg, case_id=case.case_id, field="assessed_on")
        assessor = assessor or by
        tx.append(assessment_record(case, instrument, assessor=assessor, corrects=record_id))
        _redraft(tx, case.case_id, defs, store)
        return _replayed(tx, case.case_id, defs, store)


def _redraft(tx: Transaction, case_id: str, defs: Definitions, store: Store) -> None:
    """Correct the plan drafts whose objectives change with a corrected assessment."""
    rows = list(tx.records(case_id=case_id))
    try:
        history = replay(rows, defs=defs, source=store.name, drafted=False)
    except StoreIntegrityError as exc:
        msg = f"refused, the history would no longer replay: {exc}"
        raise HistoryError(msg, case_id=case_id, field="record") from exc
    fixes = Corrections.of(rows, source=store.name)
    for entry in history.plans:
        row = fixes.latest[entry.id]
        drafted = [[o.id, o.domain] for o in entry.plan.objectives]
        if "decision" in row.data and row.data.get("objectives") != drafted:
            data = {**row.data, "objectives": drafted}
            tx.append(Record("plan", case_id, row.on, data, corrects=row.id))


def _require_in_force(state: _State, record_id: int, kind: str, case_id: str) -> None:
    """``record_id`` must be a record of ``kind`` of the case, not already corrected."""
    fixes = state.fixes
    in_force: Iterable[Stored] = (
        (row for _, row in fixes.in_force(kind)) if fixes is not None else ()
    )
    if not any(row.id == record_id for row in in_force):
        msg = (
            f"record {record_id}: expected a {kind} of this case that is in force"
            " (correct the latest correction)"
        )
        raise HistoryError(msg, case_id=case_id, field="corrects", value=record_id)
