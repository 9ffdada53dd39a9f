"""The path of one case: score it, decide it under a policy, draft its plan; and a cohort's.

Every face (the command line, the HTTP service) takes a case through the same
steps with these functions, so the same case gives the same answer on every
path; :func:`compare_cases` decides a cohort under two policy versions
(``rnr whatif``, ``POST /v1/whatif``). Each error met on the way is a
:class:`CaseError` naming where the case was read (a file and line, or
``<request>``) and keeping the code of the error it wraps.

Scoring a case loads neither the policy engine nor the plan: each step
imports what it runs (``rnr score`` starts fast).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from rnr.cases.errors import CaseError
from rnr.cases.parse import Case, score_case
from rnr.errors import (
    CaseFileError,
    DecisionInputError,
    InvalidArgumentError,
    RnrError,
    UnknownPolicyError,
)

if TYPE_CHECKING:
    from rnr.cases.legal import LegalContext
    from rnr.definitions.library import Library, PolicyLibrary
    from rnr.definitions.policy import Policy
    from rnr.plan.draft import PlanDraft
    from rnr.policy.decision import Decision
    from rnr.policy.many import CohortCase, WhatIf
    from rnr.scoring.result import ScoreResult

__all__ = [
    "CaseError",
    "Decided",
    "cohort_case",
    "compare_cases",
    "decide_case",
    "legal_of",
    "plan_for",
    "score_one",
]

#: How a command line names the instrument of a case that names none.
INSTRUMENT_OPTION = "--instrument ID[@VERSION]"


@attrs.frozen
class Decided:
    """A case, its score, the policy version chosen and the decision."""

    case: Case
    result: ScoreResult
    policy: Policy
    decision: Decision


def score_one(
    case: Case, library: Library, ref: str | None, *, option: str = INSTRUMENT_OPTION
) -> ScoreResult:
    """Score ``case`` with ``ref`` or its own instrument; errors name where it was read.

    Args:
        case: the case.
        library: the instruments.
        ref: the instrument asked for (``ID`` or ``ID@VERSION``), or ``None``.
        option: how the caller names an instrument (said when none is named).

    Raises:
        CaseFileError: no instrument is named, or the case is malformed.
        CaseError: the case does not score.
    """
    try:
        if ref is None and case.instrument is None:
            msg = f'missing: name the instrument with {option} or an "instrument" field in the case'
            where, code = case.file or "<case>", "case.field.missing"
            raise CaseFileError(msg, file=where, line=case.line, field="instrument", code=code)
        return score_case(case, library, ref)
    except CaseFileError:
        raise
    except RnrError as exc:
        raise CaseError(case, exc) from exc


def legal_of(case: Case) -> LegalContext:
    """The case's legal section.

    Raises:
        CaseFileError: the case has none.
    """
    if case.legal is None:
        msg = (
            'missing: a decision needs the case\'s "legal" section '
            '(at least "regime", and the fields the policy reads)'
        )
        where = case.file or "<case>"
        code = "decision.legal.missing"
        raise CaseFileError(msg, file=where, line=case.line, field="legal", code=code)
    return case.legal


def decide_case(
    case: Case,
    library: Library,
    policies: PolicyLibrary,
    ref: str | None,
    *,
    instrument_ref: str | None = None,
    as_of: dt.date | None = None,
    pinned: Policy | None = None,
    option: str = INSTRUMENT_OPTION,
) -> Decided:
    """Score ``case`` and decide it under the policy ``ref`` names.

    Args:
        case: the case (it needs a legal section).
        library: the instruments.
        policies: the policies.
        ref: ``ID`` or ``ID@VERSION``; ``None`` takes the policy of the
            case's regime that reads its instrument.
        instrument_ref: the instrument, when the case does not name it.
        as_of: the date a bare ``ID`` is resolved on (default: the case's
            sentence date, else its assessment date).
        pinned: the policy already resolved from ``ref`` (a pinned version,
            or a policy file the caller loaded).
        option: how the caller names an instrument (see :func:`score_one`).

    Raises:
        RnrError: the case cannot be scored or decided; the message names where
            the case was read and the field at fault.
    """
    from rnr.policy.engine import decide  # noqa: PLC0415 - scoring alone never loads it

    legal = legal_of(case)
    result = score_one(case, library, instrument_ref, option=option)
    on = as_of or legal.sentence_date or case.assessed_on
    try:
        policy = pinned
        if policy is None:
            chosen = ref if ref is not None else policies.id_for(legal.regime, result.instrument.id)
            policy = policies.get(chosen, on=on)
        decision = decide(result, legal, policy, override=case.override, case_id=case.case_id)
    except (DecisionInputError, UnknownPolicyError) as exc:
        raise CaseError(case, exc) from exc
    return Decided(case, result, policy, decision)


def plan_for(done: Decided) -> PlanDraft:
    """The PII draft of a decided case.

    Raises:
        CaseError: the plan cannot be drafted (e.g. no objective for a need).
    """
    from rnr.plan.assemble import draft_plan  # noqa: PLC0415 - scoring alone never loads it

    try:
        return draft_plan(done.result, done.decision, responsivity=done.case.responsivity)
    except DecisionInputError as exc:
        raise CaseError(done.case, exc) from exc


def cohort_case(
    case: Case,
    library: Library,
    policies: Iterable[Policy],
    instrument_ref: str | None,
    *,
    option: str = INSTRUMENT_OPTION,
) -> CohortCase:
    """Score ``case`` and make its entry of a cohort decided under each of ``policies``.

    Its facts are the score's (:func:`rnr.policy.engine.facts`), with the
    override's level when the case has one, and its legal section.

    Raises:
        RnrError: the case cannot be scored, has no legal section, or does not
            fit a policy (``policy.not_applicable``: its regime, its
            instrument); the message names where the case was read.
    """
    from rnr.policy.engine import facts  # noqa: PLC0415 - scoring alone never loads it
    from rnr.policy.many import CohortCase  # noqa: PLC0415

    legal = legal_of(case)
    result = score_one(case, library, instrument_ref, option=option)
    for policy in policies:
        problem: DecisionInputError | None = None
        if legal.regime != policy.regime:
            msg = f"legal.regime: got {legal.regime!r}, expected {policy.regime!r} ({policy.ref})"
            problem = DecisionInputError(
                msg,
                field="legal.regime",
                value=legal.regime,
                expected=policy.regime,
                case_id=case.case_id,
                code="policy.not_applicable",
            )
        elif policy.instruments and result.instrument.id not in policy.instruments:
            expected = ", ".join(policy.instruments)
            msg = (
                f"instrument {result.instrument.id!r} is not one policy {policy.ref} reads;"
                f" expected {expected}"
            )
            problem = DecisionInputError(
                msg,
                field="instrument",
                value=result.instrument.id,
                expected=expected,
                case_id=case.case_id,
                code="policy.not_applicable",
            )
        if problem is not None:
            raise CaseError(case, problem)
    level = case.override.to_level if case.override is not None else None
    return CohortCase(case.case_id, facts(result, risk_level=level), legal, case.assessed_on)


def compare_cases(
    cases: Iterable[Case],
    instruments: Callable[[str | None], Library],
    a: Policy,
    b: Policy,
    *,
    instrument_ref: str | None = None,
    option: str = INSTRUMENT_OPTION,
) -> WhatIf:
    """Decide the cohort ``cases`` under policies ``a`` and ``b``, and say who changes.

    Args:
        cases: the cohort, read as it is iterated (a case is scored as it comes).
        instruments: the library that holds an instrument reference's versions
            (called with ``instrument_ref``, else each case's own instrument).
        a: the current policy.
        b: the policy compared with it; of the same regime.
        instrument_ref: the instrument of every case, when given.
        option: how the caller names an instrument (see :func:`score_one`).

    Raises:
        InvalidArgumentError: ``b`` is of another regime than ``a`` (``against``).
        RnrError: a case cannot be scored or decided under either policy; the
            message names where the case was read.
    """
    from rnr.policy.many import compare_policies  # noqa: PLC0415 - scoring alone never loads it

    if a.regime != b.regime:
        expected = f"a policy of the {a.regime} regime, as {a.ref} is (not the {b.regime})"
        raise InvalidArgumentError("against", b.ref, expected)
    cohort: list[CohortCase] = []
    read: dict[str, Case] = {}
    for case in cases:
        library = instruments(instrument_ref or case.instrument)
        cohort.append(cohort_case(case, library, (a, b), instrument_ref, option=option))
        read.setdefault(case.case_id, case)
    try:
        return compare_policies(a, b, cohort)
    except DecisionInputError as exc:
        if exc.case_id in read:
            raise CaseError(read[exc.case_id], exc) from exc
        raise
