"""The plan draft and its lifecycle: versions, objective status, attainment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.definitions.ref import Ref
from rnr.definitions.responsivity import Responsivity
from rnr.errors import DecisionInputError
from rnr.policy.decision import Deadline, DecisionWarning
from rnr.text import Message, Text, words_to_dict

__all__ = [
    "STATUSES",
    "Adaptation",
    "Attainment",
    "ClosingSummary",
    "HoursFloor",
    "PlanDraft",
    "PlanObjective",
    "Reason",
    "StatusNote",
    "attainment",
    "closing_summary",
    "review",
]

Status = Literal["pending", "in_progress", "achieved", "not_achieved", "removed"]
STATUSES: tuple[Status, ...] = ("pending", "in_progress", "achieved", "not_achieved", "removed")
VersionKind = Literal["initial", "review", "closing"]


@attrs.frozen
class Reason:
    """Why an objective is in the plan: a domain score and the items that scored."""

    domain: str
    total: int
    max: int
    need: str | None
    items: tuple[str, ...]


@attrs.frozen
class StatusNote:
    """A change of an objective's status, dated, with the clinician's note."""

    status: Status
    on: dt.date
    note: str = ""


@attrs.frozen
class PlanObjective:
    """One objective of the plan, with its hours, reasons and status history."""

    id: str
    kind: Literal["criminogenic", "support", "offence"]
    domain: str | None
    title: Text
    indicator: Text
    components: tuple[str, ...]
    sessions: int
    hours: int
    reason: Reason | None
    strengths: tuple[str, ...] = ()
    source: str = ""
    history: tuple[StatusNote, ...] = ()
    #: For an offence objective: the offence categories of the case that selected it.
    offences: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        """The latest status (``pending`` before any change)."""
        return self.history[-1].status if self.history else "pending"


@attrs.frozen
class Adaptation:
    """A responsivity rule that was applied, and the answers that triggered it."""

    rule: str
    text: Text
    triggered_by: Mapping[str, Any] = attrs.field(converter=frozen_map)
    source: str = ""


@attrs.frozen
class HoursFloor:
    """The decision's treatment hours raised to the minimum the law requires of the sanction.

    ``decided`` is what the decision gave (the risk principle may give 0);
    ``hours`` the catalogue's minimum for ``sanction``, cited by ``source``.
    """

    sanction: str
    decided: int
    hours: int
    source: str


@attrs.frozen
class Attainment:
    """Share of objectives achieved against the policy's threshold."""

    achieved: int
    counted: int
    percent: float
    threshold: int | None

    @property
    def met(self) -> bool | None:
        """Whether the threshold is reached (``None`` without a threshold)."""
        return None if self.threshold is None else self.percent >= self.threshold


@attrs.frozen
class PlanDraft:
    """A PII draft: a value a clinician edits; every version is a new value."""

    case_id: str | None
    version: int
    kind: VersionKind
    dated: dt.date
    assessed_on: dt.date
    instrument: Ref
    policy: Ref
    regime: str
    sanction: str | None
    risk_level: str
    computed_risk_level: str
    contacts_per_month: int
    treatment_hours: int
    objectives: tuple[PlanObjective, ...]
    supports: tuple[PlanObjective, ...]
    adaptations: tuple[Adaptation, ...]
    strengths: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    reviews: tuple[dt.date, ...]
    attainment_threshold: int | None
    responsivity: Responsivity
    cap: int
    override_changed: bool = False
    #: The date of the first version (kept by every review).
    opened_on: dt.date = attrs.field(
        default=attrs.Factory(lambda self: self.dated, takes_self=True)
    )
    #: The offence categories of the legal context (``vif``, ``sexual``…), sorted.
    offences: tuple[str, ...] = ()
    #: The decision's warnings (e.g. intensive intervention at low risk), shown in the plan.
    warnings: tuple[DecisionWarning, ...] = ()
    telematic_monitoring: bool = False
    monitoring_reason: Text = Text("")
    #: The intervention period in days (LV/LVI: equal to the substituted sentence).
    period_days: tuple[int, int] | None = None
    #: The period in months: one figure, or the legal range (lowest, highest).
    period_months: tuple[int, ...] | None = None
    #: Set when the decision's hours were raised to the legal minimum of the sanction.
    hours_floor: HoursFloor | None = None
    #: The date of the court's resolution approving this version (``None``: a draft).
    approved_on: dt.date | None = None
    #: The resolution's reference (RIT, RUC or a short text), when recorded.
    approved_reference: str | None = None

    def objective(self, objective_id: str) -> PlanObjective:
        """The objective (or support) with that id."""
        for o in (*self.objectives, *self.supports):
            if o.id == objective_id:
                return o
        raise KeyError(objective_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates ISO); the approval only when the version is approved."""
        out: dict[str, Any] = _plain(self)
        if self.approved_on is None:
            del out["approved_on"], out["approved_reference"]
        return out

    def approved(self, on: dt.date, reference: str | None = None) -> PlanDraft:
        """This version as approved by the court on ``on`` (its resolution's ``reference``)."""
        return attrs.evolve(self, approved_on=on, approved_reference=reference or None)

    @property
    def is_draft(self) -> bool:
        """Whether the court has not approved this version (the document says BORRADOR)."""
        return self.approved_on is None


#: Values :func:`_plain` returns as they are (most of a draft's leaves: tested first).
_LEAVES = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    if isinstance(value, _LEAVES):
        return value
    if isinstance(value, Message | Text):
        return words_to_dict(value)
    if attrs.has(type(value)):
        return _plain(attrs.asdict(value, recurse=False))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def attainment(plan: PlanDraft) -> Attainment:
    """Criminogenic objectives achieved over those not removed, against the threshold."""
    counted = [o for o in plan.objectives if o.status != "removed"]
    achieved = sum(1 for o in counted if o.status == "achieved")
    percent = round(100.0 * achieved / len(counted), 1) if counted else 0.0
    return Attainment(achieved, len(counted), percent, plan.attainment_threshold)


@attrs.frozen
class ClosingSummary:
    """What a closed plan achieved: objectives by final status and the attainment."""

    closed_on: dt.date
    opened_on: dt.date
    versions: int
    attainment: Attainment
    achieved: tuple[str, ...]
    not_achieved: tuple[str, ...]
    removed: tuple[str, ...]
    supports_achieved: tuple[str, ...]

    @property
    def days(self) -> int:
        """Days from the first version to the closing."""
        return (self.closed_on - self.opened_on).days


def closing_summary(plan: PlanDraft) -> ClosingSummary:
    """The summary of a closed plan (objective ids by final status, attainment).

    Raises:
        DecisionInputError: the plan is not a closing version.
    """
    if plan.kind != "closing":
        msg = f"plan version {plan.version}: got kind {plan.kind!r}, expected 'closing'"
        raise DecisionInputError(msg, field="plan.kind", value=plan.kind, expected="closing")

    def ids(objectives: tuple[PlanObjective, ...], status: Status) -> tuple[str, ...]:
        return tuple(o.id for o in objectives if o.status == status)

    return ClosingSummary(
        closed_on=plan.dated,
        opened_on=plan.opened_on,
        versions=plan.version,
        attainment=attainment(plan),
        achieved=ids(plan.objectives, "achieved"),
        not_achieved=ids(plan.objectives, "not_achieved"),
        removed=ids(plan.objectives, "removed"),
        supports_achieved=ids(plan.supports, "achieved"),
    )


def review(
    plan: PlanDraft,
    on: dt.date,
    changes: Mapping[str, tuple[Status, str]],
    *,
    closing: bool = False,
) -> PlanDraft:
    """A new version of the plan with objective statuses changed.

    Args:
        plan: the current version.
        on: the date of the review (not before the current version).
        changes: objective id → (status, note).
        closing: make this the closing version (no objective left pending or
            in progress).

    Raises:
        DecisionInputError: an unknown objective or status, a date before the
            current version, or a closing with objectives still open.
    """
    if plan.kind == "closing":
        msg = f"plan version {plan.version}: got a review of a closed plan, expected an open plan"
        raise DecisionInputError(
            msg, field="plan.kind", value=plan.kind, expected="initial or review"
        )
    if on < plan.dated:
        msg = f"review date: got {on}, expected {plan.dated} or later (the current version's date)"
        raise DecisionInputError(msg, field="review.on", value=on, expected=f">= {plan.dated}")
    known = {o.id for o in (*plan.objectives, *plan.supports)}
    for ident, (status, _) in changes.items():
        if ident not in known:
            msg = f"objective {ident!r}: unknown, expected one of {', '.join(sorted(known))}"
            raise DecisionInputError(
                msg, field="objective", value=ident, expected="an objective of the plan"
            )
        if status not in STATUSES:
            msg = f"objective {ident}: status got {status!r}, expected one of {', '.join(STATUSES)}"
            raise DecisionInputError(
                msg, field="status", value=status, expected=", ".join(STATUSES)
            )

    def apply(o: PlanObjective) -> PlanObjective:
        if o.id not in changes:
            return o
        status, note = changes[o.id]
        return attrs.evolve(o, history=(*o.history, StatusNote(status, on, note)))

    objectives = tuple(apply(o) for o in plan.objectives)
    supports = tuple(apply(o) for o in plan.supports)
    if closing:
        still_open = [o.id for o in objectives if o.status in ("pending", "in_progress")]
        if still_open:
            msg = (
                f"closing: objectives still open: {', '.join(still_open)};"
                " expected each achieved, not achieved or removed"
            )
            raise DecisionInputError(
                msg, field="closing", value=still_open, expected="no open objective"
            )
    return attrs.evolve(
        plan,
        version=plan.version + 1,
        kind="closing" if closing else "review",
        dated=on,
        objectives=objectives,
        supports=supports,
        approved_on=None,  # a new version is a draft until the court approves it
        approved_reference=None,
    )
