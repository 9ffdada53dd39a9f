"""A case's history as read back: every derived result recomputed from its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.definitions.responsivity import Responsivity
from rnr.events import CLOSING_EVENTS
from rnr.plan.draft import PlanDraft
from rnr.policy.answer import IntensityStep
from rnr.policy.decision import Decision
from rnr.scoring.result import ScoreResult
from rnr.store.records import Stored

__all__ = [
    "AssessmentEntry",
    "CaseHistory",
    "DecisionEntry",
    "EventEntry",
    "OverrideEntry",
    "PlanEntry",
]


@attrs.frozen
class AssessmentEntry:
    """An assessment: its raw record (latest correction) and the score recomputed from it.

    ``id`` is the assessment's first record (what decisions and overrides
    name); ``record`` the one in force (a correction, when corrected).
    """

    id: int
    record: int
    on: dt.date
    assessor: str
    result: ScoreResult
    responsivity: Responsivity = attrs.field(factory=Responsivity)
    corrected: tuple[int, ...] = ()


@attrs.frozen
class OverrideEntry:
    """A professional override of an assessment's risk level."""

    id: int
    assessment: int
    override: Override


@attrs.frozen
class DecisionEntry:
    """A decision recomputed from its assessment, legal context, override and policy.

    ``band`` is the risk level its intensity follows: its own, unless the
    change policy's answer (``step``, recorded with the decision and
    recomputed on read) moved it (:mod:`rnr.history.steps`); ``event`` is
    the event a step answers, when an event made the decision.
    """

    id: int
    assessment: int
    on: dt.date
    decision: Decision
    legal: LegalContext | None = None
    band: str | None = None
    step: IntensityStep | None = None
    #: The event the step answers (a step of an event).
    event: EventEntry | None = None


@attrs.frozen
class PlanEntry:
    """A plan version replayed from its draft and the reviews since.

    ``drafted`` tells a version drafted from a decision (the first, and one
    per reassessment or override) from a review of objective statuses;
    ``unmatched`` lists objectives a stored review named that the replayed
    draft no longer has (after a correction changed the needs).
    """

    id: int
    plan: PlanDraft
    unmatched: tuple[str, ...] = ()
    drafted: bool = False
    #: Whether a person edited this version (its objectives, order and hours).
    edited: bool = False
    #: A person's notes on an edited version (``""``: none).
    notes: str = ""


@attrs.frozen
class EventEntry:
    """An event of the case (latest correction)."""

    id: int
    record: int
    kind: str
    on: dt.date
    note: str = ""
    data: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class CaseHistory:
    """Everything stored about one case, with derived results recomputed.

    Attributes:
        records: every stored record of the case, corrected ones included.
        superseded: ids of records replaced by a correction.
    """

    case_id: str
    regime: str
    policy: str | None
    opened_on: dt.date
    person: Mapping[str, Any] = attrs.field(converter=frozen_map)
    legal: LegalContext | None = None
    unit: str | None = None
    assessments: tuple[AssessmentEntry, ...] = ()
    overrides: tuple[OverrideEntry, ...] = ()
    decisions: tuple[DecisionEntry, ...] = ()
    plans: tuple[PlanEntry, ...] = ()
    events: tuple[EventEntry, ...] = ()
    records: tuple[Stored, ...] = ()
    superseded: frozenset[int] = frozenset()

    @property
    def results(self) -> tuple[ScoreResult, ...]:
        """The scores, oldest first."""
        return tuple(a.result for a in self.assessments)

    @property
    def decision(self) -> Decision | None:
        """The latest decision."""
        return self.decisions[-1].decision if self.decisions else None

    @property
    def plan(self) -> PlanDraft | None:
        """The latest plan version."""
        return self.plans[-1].plan if self.plans else None

    def closed_on(self, as_of: dt.date | None = None) -> dt.date | None:
        """The date of the first closing event (on or before ``as_of``), if any."""
        for event in self.events:
            if event.kind in CLOSING_EVENTS and (as_of is None or event.on <= as_of):
                return event.on
        return None

    def is_open(self, as_of: dt.date | None = None) -> bool:
        """Whether no closing event (discharge, revocation) happened by ``as_of``."""
        return self.closed_on(as_of) is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the records' ids and every recomputed result."""
        closed = self.closed_on()
        return {
            "case_id": self.case_id,
            "regime": self.regime,
            "policy": self.policy,
            "opened_on": self.opened_on.isoformat(),
            "closed_on": closed.isoformat() if closed else None,
            "person": dict(self.person),
            "unit": self.unit,
            "legal": self.legal.to_dict() if self.legal else None,
            "assessments": [
                {
                    "id": a.id,
                    "record": a.record,
                    "on": a.on.isoformat(),
                    "assessor": a.assessor,
                    "corrected": list(a.corrected),
                    "result": a.result.to_dict(),
                }
                for a in self.assessments
            ],
            "overrides": [
                {"id": o.id, "assessment": o.assessment, **o.override.to_dict()}
                for o in self.overrides
            ],
            "decisions": [
                {
                    "id": d.id,
                    "assessment": d.assessment,
                    "on": d.on.isoformat(),
                    "band": d.band,
                    "step": d.step.to_dict() if d.step is not None else None,
                    "event": d.event.id if d.event is not None else None,
                    "decision": d.decision.to_dict(),
                }
                for d in self.decisions
            ],
            "plans": [
                {
                    "id": p.id,
                    "unmatched": list(p.unmatched),
                    "plan": p.plan.to_dict(),
                    **({"notes": p.notes} if p.notes else {}),
                }
                for p in self.plans
            ],
            "events": [
                {
                    "id": e.id,
                    "record": e.record,
                    "kind": e.kind,
                    "on": e.on.isoformat(),
                    "note": e.note,
                    **dict(e.data),
                }
                for e in self.events
            ],
            "records": len(self.records),
            "superseded": sorted(self.superseded),
        }

    def events_between(
        self, after: dt.date, until: dt.date | None = None
    ) -> tuple[EventEntry, ...]:
        """Events dated after ``after`` and on or before ``until``."""
        return tuple(e for e in self.events if e.on > after and (until is None or e.on <= until))
