"""Read a case back: corrections applied, every derived result recomputed.

Reading never trusts a stored level. Each assessment is scored again from
its raw answers with the instrument version it names, after checking that
the instrument's content hash is the one it was stored with; decisions are
made again from their assessment, legal context, override and policy
(hash-checked), and the change policy's answer recorded with a decision is
answered again and acted on (:mod:`rnr.history.steps`); plans are drafted
again from their decision with the catalogue they were built with
(hash-checked) and the stored reviews are replayed on them. A changed
definition raises :class:`~rnr.errors.StoreIntegrityError` instead of giving
another answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import attrs

from rnr.cases.legal import LegalContext, parse_legal
from rnr.cases.overrides import parse_override
from rnr.cases.parse import Case, parse_case, score_case
from rnr.definitions.instrument import Reliability
from rnr.definitions.policy import Policy
from rnr.errors import HistoryError, RnrError, StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.history.entries import (
    AssessmentEntry,
    CaseHistory,
    DecisionEntry,
    EventEntry,
    OverrideEntry,
    PlanEntry,
)
from rnr.history.idempotency import IDEMPOTENCY
from rnr.history.memo import Memo
from rnr.history.shapes import is_approval, is_proposal
from rnr.history.steps import reassessment_answer, stepped
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft, PlanObjective, Status, review
from rnr.plan.edit import Choice, edit_plan, refit
from rnr.policy.answer import ChangeAnswer, answer_event
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Store
from rnr.store.records import Stored

__all__ = ["Corrections", "read_history", "replay"]

T = TypeVar("T")


@attrs.frozen
class Corrections:
    """Which record is in force for each chain of corrections.

    Attributes:
        root: record id → the id of the first record of its chain.
        latest: first record id → the record in force.
        superseded: ids replaced by a later correction.
        kinds: kind → ``(first id, record in force)`` of its chains, in order first written.
    """

    root: Mapping[int, int]
    latest: Mapping[int, Stored]
    superseded: frozenset[int]
    kinds: Mapping[str, Sequence[tuple[int, Stored]]]

    @classmethod
    def of(cls, rows: Iterable[Stored], *, source: str) -> Corrections:
        """Follow every ``corrects`` link of ``rows`` (in id order)."""
        root: dict[int, int] = {}
        latest: dict[int, Stored] = {}
        superseded: set[int] = set()
        for row in rows:
            target = row.record.corrects
            if target is None:
                root[row.id] = row.id
                latest[row.id] = row
                continue
            if target not in root:
                msg = f"record {row.id} corrects record {target}, which is not of this case"
                raise StoreIntegrityError(msg, path=source, record=row.id)
            first = root[target]
            root[row.id] = first
            latest[first] = row
            superseded.add(target)
        kinds: dict[str, list[tuple[int, Stored]]] = {}
        for first, row in latest.items():
            kinds.setdefault(row.kind, []).append((first, row))
        return cls(root, latest, frozenset(superseded), kinds)

    def in_force(self, kind: str) -> list[tuple[int, Stored]]:
        """``(first id, record in force)`` of every chain of ``kind``, in order first written."""
        return list(self.kinds.get(kind, ()))


def read_history(
    store: Store, case_id: str, *, defs: Definitions | None = None, memo: Memo | None = None
) -> CaseHistory:
    """The history of ``case_id`` in ``store``, every derived result recomputed.

    ``memo`` keeps what was computed for a later replay of the same case
    (default: the memo the definitions share, if any; see
    :class:`~rnr.history.memo.Memo`).

    Raises:
        HistoryError: ``history.case.unknown``, the store holds no such case.
        StoreIntegrityError: a record cannot be replayed exactly (a changed
            instrument, policy or catalogue, or a broken correction).
    """
    rows = tuple(store.records(case_id=case_id))
    if not rows:
        msg = f"unknown case, expected a case id held in {store.name}"
        raise HistoryError(
            msg, case_id=case_id, field="case_id", value=case_id, code="history.case.unknown"
        )
    return replay(rows, defs=defs or Definitions.shipped(), source=store.name, memo=memo)


def replay(
    rows: Sequence[Stored],
    *,
    defs: Definitions,
    source: str,
    drafted: bool = True,
    answered: bool = True,
    memo: Memo | None = None,
) -> CaseHistory:
    """Rebuild a case history from its records (all of one case, in id order).

    ``drafted=False`` skips the check that each plan drafts again with the
    objectives its record lists, and ``answered=False`` the check that each
    recorded answer of the change policy is answered again with the action
    and rule it was stored with (both used while correcting a record, to
    find the drafts and answers that must be corrected too). ``memo`` keeps
    what a replay computed for the next replay of the same case (default:
    the memo the definitions share, if any; see :class:`~rnr.history.memo.Memo`),
    and the history itself: the same records replay to it again without a step
    (a write that follows a read of its case, a read that follows a write).
    """
    kept = memo if memo is not None else defs.replays

    def history() -> CaseHistory:
        fixes = Corrections.of(rows, source=source)
        return _Replay(fixes, defs, source, drafted, answered, kept).history(rows)

    if kept is None:
        return history()
    # the records by id and hash, as every value's key, and when and by whom they were written
    # (the history holds the rows themselves: another store's have other stamps)
    key = (
        "history",
        drafted,
        answered,
        *((r.id, r.sha256, r.recorded_at, r.recorded_by) for r in rows),
    )
    return kept.get(key, history)


def _legal_of(row: Stored) -> LegalContext:
    """The legal context a decision (or the case) record holds."""
    return parse_legal(row.data["legal"])


def _without(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


@attrs.frozen
class _Replay:
    """Replays one case's records with ``defs``; errors name ``source`` and the record."""

    fixes: Corrections
    defs: Definitions
    source: str
    drafted: bool = True
    answered: bool = True
    memo: Memo | None = None

    def remember(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """``build()``, or what the memo kept under ``key`` (when there is a memo)."""
        return build() if self.memo is None else self.memo.get(key, build)

    def history(self, rows: Sequence[Stored]) -> CaseHistory:
        cases = self.fixes.in_force("case")
        if not cases:
            msg = f"case {rows[0].case_id}: no case record"
            raise StoreIntegrityError(msg, path=self.source, record=rows[0].id)
        case_row = cases[0][1]
        assessments = self.assessments()
        by_id = {a.id: a for a in assessments}
        overrides = {
            first: OverrideEntry(
                first,
                int(row.data["assessment"]),
                self.guard(
                    row,
                    lambda r: parse_override(_without(r.data, "assessment", IDEMPOTENCY)),
                ),
            )
            for first, row in self.fixes.in_force("override")
            if not is_proposal(row)  # a proposal awaiting approval: no decision reads it
        }
        events = self.events()
        by_event = {e.id: e for e in events}
        chains = self.fixes.in_force("decision")
        decisions: list[DecisionEntry] = []
        for n, (first, row) in enumerate(chains):
            last = n == len(chains) - 1
            entry = self.decision(first, row, by_id, overrides, decisions, nearest=last)
            if entry.step is not None and entry.step.cause == "event":
                entry = attrs.evolve(entry, event=by_event.get(int(row.data["step"]["event"])))
            decisions.append(entry)
        plans = self.plans(by_id, {d.id: d for d in decisions})
        legal_row = self.fixes.latest[decisions[-1].id] if decisions else case_row
        legal = self.remember(
            ("legal", legal_row.id, legal_row.sha256), lambda: self.guard(legal_row, _legal_of)
        )
        return CaseHistory(
            case_id=case_row.case_id,
            regime=str(case_row.data["regime"]),
            policy=case_row.data.get("policy"),
            opened_on=case_row.on,
            person=dict(case_row.data.get("person") or {}),
            legal=legal,
            unit=None if case_row.data.get("unit") is None else str(case_row.data["unit"]),
            assessments=tuple(assessments),
            overrides=tuple(overrides.values()),
            decisions=tuple(decisions),
            plans=tuple(plans),
            events=events,
            records=tuple(rows),
            superseded=self.fixes.superseded,
        )

    def guard(self, row: Stored, build: Callable[[Stored], T]) -> T:
        """``build(row)``; any rnr error becomes an integrity error naming the record."""
        try:
            return build(row)
        except StoreIntegrityError:
            raise
        except (RnrError, KeyError, TypeError, ValueError) as exc:
            msg = f"record {row.id} ({row.kind} of case {row.case_id}) cannot be replayed: {exc}"
            raise StoreIntegrityError(msg, path=self.source, record=row.id) from exc

    def known(self, first: int) -> tuple[int, str]:
        """The id and SHA-256 of the record in force of the chain that ``first`` starts."""
        row = self.fixes.latest[first]
        return row.id, row.sha256

    def check_hash(self, row: Stored, what: str, stored: object, current: str) -> None:
        """The definition ``what`` must still have the hash the record was written with."""
        if stored != current:
            msg = (
                f"record {row.id}: {what} has changed since the record was written"
                f" (sha256 {str(stored)[:12]}… then, {current[:12]}… now); its result cannot"
                " be recomputed exactly: load the original definition"
            )
            raise StoreIntegrityError(msg, path=self.source, record=row.id)

    def assessments(self) -> list[AssessmentEntry]:
        out = []
        for first, row in self.fixes.in_force("assessment"):
            ref = str(row.data["instrument"])
            instrument = self.guard(row, lambda _r: self.defs.library.get(ref))  # noqa: B023
            digest = row.data.get("instrument_sha256")
            self.check_hash(row, f"instrument {ref}", digest, instrument.sha256)
            case, result = self.remember(
                ("assessment", row.id, row.sha256),
                lambda: self.scored(row, ref),  # noqa: B023
            )
            chain = tuple(
                sorted(i for i, f in self.fixes.root.items() if f == first and i != row.id)
            )
            assessor = str(row.data.get("assessor", ""))
            out.append(
                AssessmentEntry(first, row.id, row.on, assessor, result, case.responsivity, chain)
            )
        return sorted(out, key=lambda a: (a.on, a.id))

    def scored(self, row: Stored, ref: str) -> tuple[Case, ScoreResult]:
        """An assessment record's case, and what it scores to."""
        case = self.guard(
            row, lambda r: parse_case(dict(r.data["document"]), file=f"{self.source}#{r.id}")
        )
        return case, self.guard(row, lambda _r: score_case(case, self.defs.library, ref))

    def decision(
        self,
        first: int,
        row: Stored,
        assessments: Mapping[int, AssessmentEntry],
        overrides: Mapping[int, OverrideEntry],
        previous: Sequence[DecisionEntry],
        *,
        nearest: bool,
    ) -> DecisionEntry:
        assessment = assessments.get(int(row.data["assessment"]))
        if assessment is None:
            msg = f"record {row.id}: decision names assessment {row.data['assessment']}, not stored"
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        ref = str(row.data["policy"])
        policy = self.guard(row, lambda _r: self.defs.policies.get(ref))
        self.check_hash(row, f"policy {ref}", row.data.get("policy_sha256"), policy.sha256)
        override_id = row.data.get("override")
        override = overrides[int(override_id)].override if override_id is not None else None
        legal = self.remember(("legal", row.id, row.sha256), lambda: self.guard(row, _legal_of))
        # its inputs: its record, its assessment's and its override's, each by id and hash
        inputs = (
            row.id,
            row.sha256,
            *self.known(assessment.id),
            *(self.known(int(override_id)) if override_id is not None else (None, None)),
        )
        # the decision that was the latest before a write: the same, without its nearest change
        known = None if nearest or self.memo is None else self.memo.peek(("decision", *inputs))
        decision = (
            attrs.evolve(known, nearest=())
            if known is not None
            else self.remember(
                ("decision", *inputs) if nearest else ("decision", *inputs, False),
                lambda: self.guard(
                    row,
                    lambda r: decide(
                        assessment.result,
                        legal,
                        policy,
                        override=override,
                        case_id=r.case_id,
                        nearest=nearest,
                    ),
                ),
            )
        )
        data = row.data.get("step")
        if data is None:
            return DecisionEntry(first, assessment.id, row.on, decision, legal, decision.risk_level)
        answer = self.answer(row, dict(data), assessment, assessments, policy)
        step, decision = self.guard(
            row,
            lambda _r: stepped(
                str(data["cause"]),
                answer,
                decision=decision,
                previous=previous,
                policy=policy,
                legal=legal,
                assessed_on=assessment.on,
            ),
        )
        return DecisionEntry(first, assessment.id, row.on, decision, legal, step.band, step)

    def answer(
        self,
        row: Stored,
        data: Mapping[str, Any],
        assessment: AssessmentEntry,
        assessments: Mapping[int, AssessmentEntry],
        policy: Policy,
    ) -> ChangeAnswer | None:
        """The change policy's answer a decision's ``step`` records, answered again."""
        cause = data.get("cause")
        if cause == "event":
            event = self.event_row(row, data.get("event"))
            kind = str(event.data["kind"])
            answer = self.guard(row, lambda _r: answer_event(policy, kind))
        elif cause == "reassessment":
            before = assessments.get(int(data["previous"]))
            if before is None:
                msg = f"record {row.id}: step names assessment {data['previous']}, not stored"
                raise StoreIntegrityError(msg, path=self.source, record=row.id)
            since = [self.event_row(row, e) for e in data.get("events") or ()]
            kinds = [str(e.data["kind"]) for e in since]
            figures = {
                scale: Reliability(**dict(f))
                for scale, f in dict(data.get("reliability") or {}).items()
            }
            # the step's decision, its two assessments and its events, each by record and SHA-256
            key = tuple(
                (r.id, r.sha256)
                for r in (
                    row,
                    self.fixes.latest[before.id],
                    self.fixes.latest[assessment.id],
                    *since,
                )
            )
            answer = self.remember(
                ("answer", *key),
                lambda: self.guard(
                    row,
                    lambda _r: reassessment_answer(
                        before.result,
                        assessment.result,
                        events=kinds,
                        policy=policy,
                        library=self.defs.library,
                        reliability=figures or None,
                    ),
                ),
            )
        else:
            msg = f"record {row.id}: step cause {cause!r}, expected event or reassessment"
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        got = (answer.action, answer.rule) if answer is not None else ("keep", None)
        if self.answered and got != (data.get("action"), data.get("rule")):
            msg = (
                f"record {row.id}: the change policy answers {got[0]} (rule {got[1]}) again,"
                f" but the decision was stored with {data.get('action')} (rule {data.get('rule')})"
            )
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        return answer

    def event_row(self, row: Stored, event: object) -> Stored:
        """The event in force that a step names by its first record id."""
        found = self.fixes.latest.get(event) if isinstance(event, int) else None
        if found is None or found.kind != "event":
            msg = f"record {row.id}: step names event {event!r}, not an event of this case"
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        return found

    def plans(
        self,
        assessments: Mapping[int, AssessmentEntry],
        decisions: Mapping[int, DecisionEntry],
    ) -> list[PlanEntry]:
        out: list[PlanEntry] = []
        basis: AssessmentEntry | None = None  # the assessment of the draft in force
        approvals: dict[int, Stored] = {}  # version → the court's approval of it
        for first, row in self.fixes.in_force("plan"):
            if is_approval(row):
                approvals[int(row.data["approves"])] = row
                continue
            previous = out[-1].plan if out else None
            if "decision" in row.data:
                decided = decisions[int(row.data["decision"])]
                basis = assessments[decided.assessment]
                entry = self.draft(row, previous, basis, decided)
            elif previous is None or basis is None:
                msg = f"record {row.id}: a plan review with no plan before it"
                raise StoreIntegrityError(msg, path=self.source, record=row.id)
            elif row.data.get("kind") == "edit":
                entry = self.edit(row, previous, basis)
            else:
                entry = self.review(row, previous)
            out.append(entry if entry.id == first else attrs.evolve(entry, id=first))
        return self.approved(out, approvals)

    def approved(self, plans: list[PlanEntry], approvals: Mapping[int, Stored]) -> list[PlanEntry]:
        """Each version as the court approved it, or a draft (a version is one until approved)."""
        versions = {p.plan.version for p in plans}
        for version, row in approvals.items():
            if version not in versions:
                msg = f"record {row.id}: approves plan version {version}, not a version of the case"
                raise StoreIntegrityError(msg, path=self.source, record=row.id)
        out = []
        for entry in plans:
            found = approvals.get(entry.plan.version)
            ref = None if found is None else found.data.get("reference")
            on = None if found is None else found.on
            reference = None if ref is None else str(ref)
            if (entry.plan.approved_on, entry.plan.approved_reference) == (on, reference):
                out.append(entry)
                continue
            plan = attrs.evolve(entry.plan, approved_on=on, approved_reference=reference)
            out.append(attrs.evolve(entry, plan=plan))
        return out

    def draft(
        self,
        row: Stored,
        previous: PlanDraft | None,
        assessment: AssessmentEntry,
        decided: DecisionEntry,
    ) -> PlanEntry:
        basis = row.data.get("basis_sha256")
        self.check_hash(row, "the objective catalogue", basis, self.defs.plan_basis)

        def draft_once() -> tuple[Decision, PlanDraft]:
            return decided.decision, self.guard(
                row,
                lambda _r: draft_plan(
                    assessment.result,
                    decided.decision,
                    responsivity=assessment.responsivity,
                    catalogue=self.defs.catalogue,
                    rules=self.defs.rules,
                    dated=row.on,
                ),
            )

        key = ("draft", row.id, row.sha256, *self.known(assessment.id))
        kept_decision, plan = self.remember(key, draft_once)
        # the same record drafts for another decision (a plan never reads the nearest change)
        if kept_decision is not decided.decision and (
            attrs.evolve(kept_decision, nearest=decided.decision.nearest) != decided.decision
        ):
            kept_decision, plan = draft_once()
        stored = row.data.get("objectives")
        drafted = [[o.id, o.domain] for o in plan.objectives]
        if self.drafted and stored is not None and [list(o) for o in stored] != drafted:
            msg = (
                f"record {row.id}: the plan drafts again with objectives"
                f" {[o[0] for o in drafted]}, but was stored with {[o[0] for o in stored]}"
            )
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        kind: Literal["initial", "review"] = (
            "review" if row.data.get("kind") == "review" else "initial"
        )
        changes: dict[str, Any] = {"version": int(row.data["version"]), "kind": kind}
        if previous is not None:
            kept = {o.id: o.history for o in (*previous.objectives, *previous.supports)}

            def carried(o: PlanObjective) -> PlanObjective:
                history = kept.get(o.id, ())
                return o if o.history == history else attrs.evolve(o, history=history)

            changes["objectives"] = tuple(map(carried, plan.objectives))
            changes["supports"] = tuple(map(carried, plan.supports))
            changes["opened_on"] = previous.opened_on
        return PlanEntry(row.id, attrs.evolve(plan, **changes), drafted=True)

    def edit(self, row: Stored, previous: PlanDraft, basis: AssessmentEntry) -> PlanEntry:
        """A version a person edited: the objectives it names, in order, with their hours."""
        stored = [list(o) for o in row.data.get("objectives") or ()]
        choices = [Choice(str(o[0]), int(o[2])) for o in stored]
        if not self.drafted:  # a correction is being written: the edit is fitted to its draft
            choices = refit(previous, choices, score=basis.result, catalogue=self.defs.catalogue)
        plan = self.guard(
            row,
            lambda r: edit_plan(
                previous,
                r.on,
                choices,
                score=basis.result,
                catalogue=self.defs.catalogue,
                rules=self.defs.rules,
            ),
        )
        replayed = [[o.id, o.domain, o.hours] for o in plan.objectives]
        if self.drafted and replayed != stored:
            msg = (
                f"record {row.id}: the edited plan replays with objectives {replayed},"
                f" but was stored with {stored}"
            )
            raise StoreIntegrityError(msg, path=self.source, record=row.id)
        plan = attrs.evolve(plan, version=int(row.data["version"]))
        return PlanEntry(row.id, plan, edited=True, notes=str(row.data.get("notes", "")))

    def review(self, row: Stored, previous: PlanDraft) -> PlanEntry:
        known = {o.id for o in (*previous.objectives, *previous.supports)}
        changes: dict[str, tuple[Status, str]] = {}
        unmatched = []
        for ident, (status, note) in dict(row.data.get("changes") or {}).items():
            if ident in known:
                changes[ident] = (status, note)
            else:
                unmatched.append(ident)
        closing = row.data.get("kind") == "closing"
        plan = self.guard(row, lambda r: review(previous, r.on, changes, closing=closing))
        return PlanEntry(row.id, plan, tuple(unmatched))

    def events(self) -> tuple[EventEntry, ...]:
        found = self.fixes.in_force("event")

        def entries() -> tuple[EventEntry, ...]:
            made = (
                EventEntry(
                    first,
                    row.id,
                    str(row.data["kind"]),
                    row.on,
                    str(row.data.get("note", "")),
                    _without(row.data, "kind", "note", IDEMPOTENCY),
                )
                for first, row in found
            )
            return tuple(sorted(made, key=lambda e: (e.on, e.id)))

        return self.remember(("events", *((row.id, row.sha256) for _, row in found)), entries)
