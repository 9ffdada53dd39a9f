"""Write a case history: open a case, reassess it, override its risk level.

Every function checks its input completely before it writes (the case
scores, the policy decides, the plan drafts), then writes all its records in
one atomic block of the store, re-checking inside the block what another
writer could have changed (the case exists or not, the dates are in order,
the case is still open). A refused operation raises
:class:`~rnr.errors.HistoryError` and writes nothing.

A reassessment also records the change policy's answer to it (keep, step
up or step down the intensity, :mod:`rnr.history.steps`) with its decision,
and drafts the plan version from the decision the answer leaves in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.cases.parse import Case, score_case
from rnr.definitions.instrument import Reliability
from rnr.definitions.policy import Policy
from rnr.errors import HistoryError
from rnr.history._state import State, replayed
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.read import read_history
from rnr.history.shapes import (
    assessment_record,
    case_record,
    decision_record,
    draft_record,
    override_record,
)
from rnr.history.steps import reassessment_answer, reassessment_step, stepped
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Store, Transaction

__all__ = ["add_override", "open_case", "reassess"]


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
    before: CaseHistory | None = None,
    reliability: Mapping[str, Reliability] | None = None,
) -> tuple[PlanDraft, dict[str, Any] | None]:
    """Decide, answer and draft once before writing, so a failure writes nothing.

    With the case's history ``before`` a reassessment, the change policy's
    answer to it acts on the decision (the ``step`` its record keeps).
    """
    decision = decide(result, legal, policy, override=override, case_id=case.case_id, nearest=False)
    step = None
    if before is not None and before.assessments:
        decision, step = _answered(
            case,
            result,
            decision,
            legal=legal,
            policy=policy,
            defs=defs,
            before=before,
            reliability=reliability,
        )
    plan = draft_plan(
        result,
        decision,
        responsivity=case.responsivity,
        catalogue=defs.catalogue,
        rules=defs.rules,
    )
    return plan, step


def _answered(
    case: Case,
    result: ScoreResult,
    decision: Decision,
    *,
    legal: LegalContext,
    policy: Policy,
    defs: Definitions,
    before: CaseHistory,
    reliability: Mapping[str, Reliability] | None,
) -> tuple[Decision, dict[str, Any] | None]:
    """The decision after the change policy's answer to a reassessment, and the step to record."""
    previous = before.assessments[-1]
    since = [e for e in before.events if previous.on < e.on <= case.assessed_on]
    answer = reassessment_answer(
        previous.result,
        result,
        events=[e.kind for e in since],
        policy=policy,
        library=defs.library,
        reliability=reliability,
    )
    if answer is None:
        return decision, None
    _, decision = stepped(
        "reassessment",
        answer,
        decision=decision,
        previous=before.decisions,
        policy=policy,
        legal=legal,
        assessed_on=case.assessed_on,
    )
    step = reassessment_step(
        answer, previous=previous.id, events=[e.id for e in since], reliability=reliability
    )
    return decision, step


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
    step: Mapping[str, Any] | None = None,
) -> None:
    """Append an assessment, its override, its decision (with its step) and its plan draft."""
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
        step=step,
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
    step: Mapping[str, Any] | None = None,
) -> None:
    decided = tx.append(
        decision_record(
            case_id,
            day,
            assessment=assessment,
            override=override,
            policy=policy,
            legal=legal,
            step=step,
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
    plan, _ = _derive(
        case, result=result, legal=legal, policy=chosen, defs=defs, override=case.override
    )
    with store.write(by=by) as tx:
        if State.read(tx, case.case_id).exists:
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
        return replayed(tx, case.case_id, defs, store)


def reassess(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
) -> CaseHistory:
    """Store a reassessment of an open case: a new score, decision and plan version.

    The case file's ``legal`` section, when given, replaces the stored one
    (same regime); without it the stored legal context is kept. The change
    policy's answer to the change since the previous assessment (and the
    events since it) is recorded with the decision and sets its intensity
    (:mod:`rnr.history.steps`); ``reliability`` gives the agency's figures
    for the reliable change index it reads (recorded with the answer).

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
    known = State.of_history(before)
    known.require_open(case_id, case.assessed_on)
    known.require_after(case_id, case.assessed_on, what="assessed_on")
    result = _score(case, defs)
    chosen = defs.policy_for(
        before.regime, result.instrument.id, before.policy, on=case.assessed_on
    )
    plan, step = _derive(
        case,
        result=result,
        legal=legal,
        policy=chosen,
        defs=defs,
        override=case.override,
        before=before,
        reliability=reliability,
    )
    with store.write(by=by) as tx:
        state = State.read(tx, case_id)
        state.require(case_id, store.name)
        state.require_unchanged(case_id, before)
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
            step=step,
        )
        return replayed(tx, case_id, defs, store)


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
    day = max(override.approved_on, latest.on, before.plans[-1].plan.dated, before.decisions[-1].on)
    with store.write(by=by) as tx:
        state = State.read(tx, case_id)
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
        return replayed(tx, case_id, defs, store)
