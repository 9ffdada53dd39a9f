"""Write a simulated cohort into a case store, as the case-history service would.

Each person's timeline becomes the records :mod:`rnr.history` writes: the
case, every assessment with its decision and plan draft, the plan reviews
(the simulation's progress per need domain set on the objectives of that
domain) and the events. Many people go into one write block, so a cohort of
100,000 loads in minutes; the records are the same as one
:func:`rnr.history.open_case` / :func:`~rnr.history.reassess` /
:func:`~rnr.history.review_plan` / :func:`~rnr.history.record_event` call each.

>>> from rnr.simulate import simulate
>>> from rnr.store import MemoryStore
>>> store = MemoryStore()
>>> store_cohort(store, simulate(2, 1.0, seed=3))
2
>>> store.verify().ok
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from rnr.cases.legal import LegalContext
from rnr.cases.parse import parse_case, score_case
from rnr.errors import HistoryError, InvalidArgumentError
from rnr.history.access import unit_of
from rnr.history.caseindex import keep_index
from rnr.history.definitions import Definitions
from rnr.history.derived import derived_of
from rnr.history.programme import keep_shares
from rnr.history.shapes import (
    assessment_record,
    case_record,
    decision_record,
    draft_record,
    event_record,
    review_record,
)
from rnr.history.summary import Reading
from rnr.history.timeline import FORMAT, build_timelines
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft, Status, review
from rnr.policy.engine import decide
from rnr.simulate.people import Cohort, Event, Person, Review
from rnr.store.protocol import Store, Transaction
from rnr.store.records import CaseRecords, Derived, Record, Stored

__all__ = ["store_cohort"]

#: Who writes a simulated cohort (kept in the audit log).
WRITER = "rnr simulate"
#: Simulated delegados who assess the cases, in rotation by case number.
ASSESSORS = 24
OPEN: tuple[Status, ...] = ("pending", "in_progress")
#: The simulation's progress words as objective statuses.
STATUS: dict[str, Status] = {
    "in_progress": "in_progress",
    "achieved": "achieved",
    "not_achieved": "not_achieved",
}


def store_cohort(
    store: Store,
    cohort: Cohort | Iterable[Person],
    *,
    by: str = WRITER,
    defs: Definitions | None = None,
    people_per_block: int = 250,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every person of ``cohort`` into ``store``.

    Args:
        store: the store (the cases must not be in it yet).
        cohort: a :class:`~rnr.simulate.Cohort` or its people.
        by: the writer kept in the audit log.
        defs: the definitions (default: the shipped ones).
        people_per_block: people written per atomic block.
        progress: called with the number of people of each block once it is
            committed (a command line draws a bar with it).

    Returns:
        The number of people written.

    Raises:
        InvalidArgumentError: ``people_per_block`` is not a positive integer.
        HistoryError: a case id of the cohort is already in the store (the
            blocks written before it stay written).
        RnrError: a person's history does not score, decide or draft (a bug
            in the simulation); the block being written is rolled back.
    """
    if isinstance(people_per_block, bool) or not isinstance(people_per_block, int):
        raise InvalidArgumentError("people_per_block", people_per_block, "a positive integer")
    if people_per_block < 1:
        raise InvalidArgumentError("people_per_block", people_per_block, "a positive integer")
    defs = defs or Definitions.shipped()
    people = cohort.people if isinstance(cohort, Cohort) else tuple(cohort)
    reading = Reading(defs)
    for start in range(0, len(people), people_per_block):
        with store.write(by=by) as tx:
            written = []
            for person in people[start : start + people_per_block]:
                if next(tx.records(case_id=person.case_id), None) is not None:
                    msg = f"already in {store.name}; simulate into a new store"
                    raise HistoryError(
                        msg, case_id=person.case_id, field="case_id", code="history.case.exists"
                    )
                writer = _Writer(tx, person, defs)
                writer.write()
                if writer.rows:
                    written.append(writer.records())
            # each case's timeline, its steps' reliable change in one array per version
            built = build_timelines(written, defs=defs, source=store.name)
            for group, timeline in zip(written, built, strict=True):
                tx.derive_case(timeline.case_id, Derived(timeline.last, FORMAT, timeline.doc))
                counts = keep_shares(tx, timeline, reading=reading)
                unit = unit_of(group.records)
                keep_index(tx, timeline, unit=unit, reading=reading, counts=counts)
        if progress is not None:
            progress(len(people[start : start + people_per_block]))
    return len(people)


class _Writer:
    """Writes one person's timeline, keeping the current plan to map progress onto it."""

    def __init__(self, tx: Transaction, person: Person, defs: Definitions) -> None:
        self.tx = tx
        self.person = person
        self.defs = defs
        self.case_id = person.case_id
        self.plan: PlanDraft | None = None
        number = person.case_id.rsplit("-", 1)[-1]
        turn = int(number) if number.isdigit() else len(person.case_id)
        self.assessor = f"delegado-{turn % ASSESSORS + 1:02d}"
        self.version = 0
        self.policy: str | None = None
        self.rows: list[Stored] = []
        self.kept: dict[int, Derived] = {}

    def append(self, record: Record) -> Stored:
        stored = self.tx.append(record)
        self.rows.append(stored)
        return stored

    def derive(self, derived: Derived) -> None:
        self.tx.derive(derived)
        self.kept[derived.record_id] = derived

    def records(self) -> CaseRecords:
        """What was written, for the case's timeline."""
        return CaseRecords(self.case_id, tuple(self.rows), self.kept)

    def write(self) -> None:
        for _, kind, payload in self._timeline():
            if kind == "assessment":
                self.assessment(payload)
            elif kind == "review":
                self.review(payload)
            else:
                self.event(payload)

    def _timeline(self) -> Iterator[tuple[object, str, object]]:
        yield from self.person.timeline()

    def assessment(self, document: object) -> None:
        assert isinstance(document, dict)
        case = parse_case(document, file=f"<simulation {self.case_id}>")
        legal = case.legal
        assert isinstance(legal, LegalContext)
        result = score_case(case, self.defs.library)
        instrument = self.defs.library.get(str(result.instrument))
        policy = self.defs.policy_for(legal.regime, instrument.id, self.policy, on=case.assessed_on)
        pinned = False
        if (
            legal.sanction is not None
            and policy.sanctions
            and legal.sanction not in policy.sanctions
        ):
            # The version in force does not know the sanction (IRC before the juvenile
            # policy's version that encodes it): the first version that does decides it.
            known = [
                v for v in self.defs.policies.versions(policy.id) if legal.sanction in v.sanctions
            ]
            if known:
                policy, pinned = known[0], True
        if self.policy is None:
            self.policy = policy.ref if pinned else policy.id
            self.append(case_record(case, legal, policy.id))
        decision = decide(result, legal, policy, case_id=self.case_id, nearest=False)
        draft = draft_plan(
            result,
            decision,
            responsivity=case.responsivity,
            catalogue=self.defs.catalogue,
            rules=self.defs.rules,
            dated=case.assessed_on,
        )
        if self.plan is not None:  # statuses of objectives kept from the previous version
            kept = {o.id: o.history for o in self.plan.objectives}
            objectives = tuple(
                attrs.evolve(o, history=kept.get(o.id, ())) for o in draft.objectives
            )
            draft = attrs.evolve(draft, objectives=objectives)
        assessed = self.append(assessment_record(case, instrument, assessor=self.assessor))
        self.derive(derived_of(assessed, result, instrument))
        decided = self.append(
            decision_record(
                self.case_id,
                case.assessed_on,
                assessment=assessed.id,
                override=None,
                policy=policy,
                legal=legal,
            )
        )
        self.version += 1
        self.append(
            draft_record(
                self.case_id,
                case.assessed_on,
                version=self.version,
                decision=decided.id,
                basis=self.defs.plan_basis,
                plan=draft,
            )
        )
        self.plan = draft

    def review(self, payload: object) -> None:
        assert isinstance(payload, Review)
        plan = self.plan
        if plan is None or plan.kind == "closing":
            return
        changes: dict[str, tuple[Status, str]] = {}
        for objective in plan.objectives:
            status = STATUS.get(payload.progress.get(objective.domain or "", ""))
            if status is None and payload.closing and objective.status in OPEN:
                status = "not_achieved"
            if status is not None and status != objective.status:
                changes[objective.id] = (status, "")
        if not changes and not payload.closing:
            return
        self.plan = review(plan, payload.on, changes, closing=payload.closing)
        self.version += 1
        self.append(
            review_record(
                self.case_id,
                payload.on,
                version=self.version,
                changes=changes,
                closing=payload.closing,
            )
        )

    def event(self, payload: object) -> None:
        assert isinstance(payload, Event)
        self.append(event_record(self.case_id, payload.kind, payload.on, data=payload.data))
