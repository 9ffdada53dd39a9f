"""Write a case history: open a case, reassess it, override its risk level.

Every function checks its input completely before it writes (the case
scores, the policy decides, the plan drafts), then writes all its records in
one atomic block of the store, re-checking inside the block what another
writer could have changed (the case exists or not, the dates are in order,
the case is still open). A refused operation raises
:class:`~rnr.errors.HistoryError` with its code and writes nothing. A write
already stored with the same content, or repeated under the same
idempotency key, writes nothing and returns what is stored
(:mod:`rnr.history.idempotency`).

A reassessment also records the change policy's answer to it (keep, step
up or step down the intensity, :mod:`rnr.history.steps`) with its decision,
and drafts the plan version from the decision the answer leaves in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, overload

from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.cases.parse import Case, score_case
from rnr.definitions.instrument import Reliability
from rnr.definitions.policy import Policy
from rnr.errors import HistoryError
from rnr.history._state import State, records_in, replayed
from rnr.history.definitions import Definitions
from rnr.history.derived import derived_of
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Request, Written, same
from rnr.history.read import read_history, replay
from rnr.history.shapes import (
    assessment_record,
    case_record,
    decision_record,
    draft_record,
    override_record,
)
from rnr.history.steps import figures, reassessment_answer, reassessment_step, stepped
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Store, Transaction
from rnr.store.records import Record, Stored

__all__ = ["add_override", "open_case", "reassess"]


def _score(case: Case, defs: Definitions) -> ScoreResult:
    return score_case(case, defs.library)


def _legal_of(case: Case, fallback: CaseHistory | None) -> LegalContext:
    legal = case.legal if case.legal is not None else (fallback.legal if fallback else None)
    if legal is None:
        msg = 'missing: a case needs its "legal" section (at least "regime") to be decided'
        raise HistoryError(msg, case_id=case.case_id, field="legal", code="decision.legal.missing")
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
    assessed: Record,
    legal: LegalContext,
    policy: Policy,
    defs: Definitions,
    plan_version: int,
    plan: PlanDraft,
    result: ScoreResult,
    step: Mapping[str, Any] | None = None,
) -> None:
    """Append an assessment (its scores kept beside it), its override, its decision and plan."""
    stored = tx.append(assessed)
    tx.derive(derived_of(stored, result, defs.library.get(str(result.instrument))))
    override = None
    if case.override is not None:
        override = tx.append(override_record(case.case_id, stored.id, case.override)).id
    _decision_and_plan(
        tx,
        case_id=case.case_id,
        day=case.assessed_on,
        assessment=stored.id,
        override=override,
        legal=legal,
        policy=policy,
        defs=defs,
        plan_version=plan_version,
        plan=plan,
        step=step,
    )


def _asked(assessed: Record, assessor: str | None) -> dict[str, Any]:
    """What a request asks of an assessment: its content, the assessor only when given."""
    content = assessed.content()
    content["data"] = {k: v for k, v in content["data"].items() if k != "assessor"}
    return {**content, "assessor": assessor}


def _written_alike(
    rows: Sequence[Stored],
    assessed: Record,
    override: Override | None,
    decided: Callable[[int, int | None], Record],
    *,
    by_default: bool,
    kept_legal: bool = False,
) -> int | None:
    """The index in ``rows`` of an assessment stored as these records would be, if any.

    An assessment (first written, not a correction) with the content of
    ``assessed``, followed in the same block by the same override (or none)
    and by the decision ``decided(assessment id, override id)`` would make
    (its recorded ``step`` aside: the change policy's answer, not the request).
    With ``by_default`` (no assessor given: the writer), the assessor is
    not compared, so a repeat by another writer is the same request; with
    ``kept_legal`` (a reassessment file without a legal section) neither is
    the decision's legal context, which the stored one gave.
    """
    ignore = ("assessor",) if by_default else ()
    undecided = ("step", "legal") if kept_legal else ("step",)
    for at, row in enumerate(rows):
        if row.kind != "assessment" or row.record.corrects is not None:
            continue
        if not same(row.record, assessed, ignore=ignore):
            continue
        after = iter(rows[at + 1 :])
        following = next(after, None)
        written = (
            following is not None
            and following.kind == "override"
            and following.data.get("assessment") == row.id
        )
        override_id = None
        if override is not None:
            expected = override_record(row.case_id, row.id, override)
            if following is None or not written or not same(following.record, expected):
                continue
            override_id, following = following.id, next(after, None)
        elif written:
            continue
        if (
            following is not None
            and following.kind == "decision"
            and same(following.record, decided(row.id, override_id), ignore=undecided)
        ):
            return at
    return None


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


@overload
def open_case(
    store: Store,
    case: Case,
    *,
    by: str,
    policy: str | None = None,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    unit: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def open_case(
    store: Store,
    case: Case,
    *,
    by: str,
    policy: str | None = None,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    unit: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def open_case(
    store: Store,
    case: Case,
    *,
    by: str,
    policy: str | None = None,
    assessor: str | None = None,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    unit: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Score, decide and draft a new case, and store it.

    Opening a case already stored with the same content (the same case
    record, first assessment, override and decision; the assessor is
    compared only when given: :mod:`rnr.history.idempotency`) writes
    nothing and returns its history.

    Args:
        store: where the case is written.
        case: the first assessment; it needs a ``legal`` section.
        by: who writes (kept in the audit log).
        policy: the policy id (or ``id@version``) that decides the case
            (default: the shipped policy of its regime that reads its
            instrument); the version in force on each assessment date applies.
        assessor: who assessed (default: ``by``).
        defs: the definitions (default: the shipped ones).
        idempotency_key: the writer's key for this request: recorded with
            the case; a repeat of the same request under it writes nothing.
        unit: the unit (office) that supervises the case, kept on its
            opening record; the service's tokens of another unit cannot see it.
        written: return a :class:`~rnr.history.idempotency.Written` (the
            history, and whether it was already stored).

    Returns:
        The case's history as read back.

    Raises:
        HistoryError: ``history.case.exists``, the case is stored with other
            content; ``history.idempotency.conflict``, the key was used for
            another request; ``decision.legal.missing``, no legal section.
        RnrError: the case does not score, decide or draft.
    """
    defs = defs or Definitions.shipped()
    legal = _legal_of(case, None)
    result = _score(case, defs)
    chosen = defs.policy_for(legal.regime, result.instrument.id, policy, on=case.assessed_on)
    policy_id = policy.split("@", 1)[0] if policy else chosen.id
    instrument = defs.library.get(str(result.instrument))
    opening = case_record(case, legal, policy_id, unit)
    assessed = assessment_record(case, instrument, assessor=assessor or by)
    request = Request.of(
        "open_case",
        idempotency_key,
        {
            "case": opening.content(),
            "assessment": _asked(assessed, assessor),
            "override": case.override.to_dict() if case.override is not None else None,
            "policy": policy,
        },
    )

    def decided(assessment: int, override: int | None) -> Record:
        return decision_record(
            case.case_id,
            case.assessed_on,
            assessment=assessment,
            override=override,
            policy=chosen,
            legal=legal,
        )

    plan, _ = _derive(
        case, result=result, legal=legal, policy=chosen, defs=defs, override=case.override
    )
    with store.write(by=by) as tx:
        rows = list(tx.records(case_id=case.case_id))
        if rows:
            if request.first(rows, case.case_id) is not None or (
                rows[0].kind == "case"
                and same(rows[0].record, opening)
                and _written_alike(
                    rows, assessed, case.override, decided, by_default=assessor is None
                )
                == 1
            ):
                out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
                return out if written else out.value
            msg = (
                f"already in {store.name} with other content; expected a new case id"
                " (use rnr case reassess)"
            )
            raise HistoryError(
                msg,
                case_id=case.case_id,
                field="case_id",
                value=case.case_id,
                code="history.case.exists",
            )
        tx.append(request.stamp(opening))
        _assessment_records(
            tx,
            case=case,
            assessed=assessed,
            legal=legal,
            policy=chosen,
            defs=defs,
            plan_version=1,
            plan=plan,
            result=result,
        )
        out = Written(replayed(tx, case.case_id, defs, store))
    return out if written else out.value


@overload
def reassess(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def reassess(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def reassess(
    store: Store,
    case_id: str,
    case: Case,
    *,
    by: str,
    assessor: str | None = None,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Store a reassessment of an open case: a new score, decision and plan version.

    The case file's ``legal`` section, when given, replaces the stored one
    (same regime); without it the stored legal context is kept. The change
    policy's answer to the change since the previous assessment (and the
    events since it) is recorded with the decision and sets its intensity
    (:mod:`rnr.history.steps`); ``reliability`` gives the agency's figures
    for the reliable change index it reads (recorded with the answer).

    A reassessment already stored with the same content (the same assessment,
    override, and legal context when the file gives one) writes nothing and
    returns the history; so does
    a repeat under the same ``idempotency_key`` (``written=True``: see
    :func:`open_case`).

    Raises:
        HistoryError: ``history.case.unknown``; ``history.case.closed``;
            ``history.date.order``, a date not after the last assessment;
            ``history.case.changed``, the case changed while it was being
            reassessed; ``history.idempotency.conflict``; ``history.refused``,
            another case id in the file or another regime.
    """
    defs = defs or Definitions.shipped()
    if case.case_id != case_id:
        msg = f"case_id: the file holds case {case.case_id!r}, expected {case_id!r}"
        raise HistoryError(msg, case_id=case_id, field="case_id", value=case.case_id)
    memo = defs.memo()  # the replay before the write, for the one inside it
    before = read_history(store, case_id, defs=defs, memo=memo)
    legal = _legal_of(case, before)
    result = _score(case, defs)
    chosen = defs.policy_for(
        before.regime, result.instrument.id, before.policy, on=case.assessed_on
    )
    instrument = defs.library.get(str(result.instrument))
    assessed = assessment_record(case, instrument, assessor=assessor or by)
    request = Request.of(
        "reassess",
        idempotency_key,
        {
            "assessment": _asked(assessed, assessor),
            "legal": case.legal.to_dict() if case.legal is not None else None,
            "override": case.override.to_dict() if case.override is not None else None,
            "reliability": figures(reliability),
        },
    )

    def decided(assessment: int, override: int | None) -> Record:
        return decision_record(
            case_id,
            case.assessed_on,
            assessment=assessment,
            override=override,
            policy=chosen,
            legal=legal,
        )

    def repeated(rows: Sequence[Stored]) -> bool:
        return (
            request.first(rows, case_id) is not None
            or _written_alike(
                rows,
                assessed,
                case.override,
                decided,
                by_default=assessor is None,
                kept_legal=case.legal is None,
            )
            is not None
        )

    if repeated(before.records):
        return Written(before, already_stored=True) if written else before
    known = State.of_history(before)
    known.require_open(case_id, case.assessed_on)
    known.require_after(case_id, case.assessed_on, what="assessed_on")
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
        rows = records_in(tx, before)
        if rows is not before.records and repeated(rows):
            out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
            return out if written else out.value
        state = State.of_rows(rows)
        state.require(case_id, store.name)
        state.require_unchanged(case_id, before)
        state.require_open(case_id, case.assessed_on)
        state.require_after(case_id, case.assessed_on, what="assessed_on")
        _assessment_records(
            tx,
            case=case,
            assessed=request.stamp(assessed),
            legal=legal,
            policy=chosen,
            defs=defs,
            plan_version=state.next_plan_version,
            plan=plan,
            result=result,
            step=step,
        )
        out = Written(replayed(tx, case_id, defs, store, memo, last=state.last))
    return out if written else out.value


@overload
def add_override(
    store: Store,
    case_id: str,
    override: Override,
    *,
    by: str,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[False] = False,
) -> CaseHistory: ...


@overload
def add_override(
    store: Store,
    case_id: str,
    override: Override,
    *,
    by: str,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: Literal[True],
) -> Written[CaseHistory]: ...


def add_override(
    store: Store,
    case_id: str,
    override: Override,
    *,
    by: str,
    defs: Definitions | None = None,
    idempotency_key: str | None = None,
    written: bool = False,
) -> CaseHistory | Written[CaseHistory]:
    """Override the risk level of the case's latest assessment: a new decision and plan version.

    The same override already stored (the same level, direction, reason,
    approver and date, whichever assessment it was made of) writes nothing
    and returns the history; so does a repeat under the same
    ``idempotency_key`` (``written=True``: see :func:`open_case`).

    Raises:
        HistoryError: ``history.case.unknown``; ``history.case.closed``;
            ``history.case.changed``, the case was reassessed meanwhile;
            ``history.idempotency.conflict``; ``history.refused``, a case
            without assessment.
        DecisionInputError: the policy refuses the override.
    """
    defs = defs or Definitions.shipped()
    memo = defs.memo()  # the replay before the write, for the one inside it
    before = read_history(store, case_id, defs=defs, memo=memo)
    if not before.assessments or before.legal is None:
        msg = "no assessment to override"
        raise HistoryError(msg, case_id=case_id, field="override")
    latest = before.assessments[-1]
    record = override_record(case_id, latest.id, override)
    request = Request.of(
        "add_override", idempotency_key, {"case_id": case_id, "override": override.to_dict()}
    )

    def repeated(rows: Sequence[Stored]) -> bool:
        return request.first(rows, case_id) is not None or any(
            row.kind == "override"
            and row.record.corrects is None
            and same(row.record, record, ignore=("assessment",))
            for row in rows
        )

    if repeated(before.records):
        return Written(before, already_stored=True) if written else before
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
        rows = records_in(tx, before)
        if rows is not before.records and repeated(rows):
            out = Written(replay(rows, defs=defs, source=store.name), already_stored=True)
            return out if written else out.value
        state = State.of_rows(rows)
        state.require(case_id, store.name)
        state.require_open(case_id, day)
        if state.assessments[-1][1] != latest.on:
            msg = "the case was reassessed meanwhile; read it again"
            raise HistoryError(
                msg, case_id=case_id, field="assessment", code="history.case.changed"
            )
        stored = tx.append(request.stamp(record))
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
        out = Written(replayed(tx, case_id, defs, store, memo, last=state.last))
    return out if written else out.value
