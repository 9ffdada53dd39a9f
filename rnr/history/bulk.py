"""A summary of every case in a store, computed in bulk.

Reading a history replays every decision and plan one case at a time
(milliseconds per case). For a whole caseload, :func:`summarize` reads the
store once, one case at a time, and builds the
:class:`~rnr.history.summary.CaseSummary` of every case, 2,000 cases at a
time: it takes each assessment's totals, levels, domain totals and needs
from the scores the store keeps beside it (:mod:`rnr.history.derived`;
those without are scored with :func:`rnr.score_batch`, per instrument
version), measures the last change of each case with the vectorized
reliable change index, works
out the next reassessment from each case's latest decision record, and
follows each plan from the objectives its draft records list and the
statuses its reviews set. What it cannot do in bulk (an instrument with age
items, a provisional pair, a change across versions, a policy whose
reassessment table reads more than the risk level and the legal context) it
does case by case with the same functions. :func:`rnr.history.summary.summarize_case`
gives the same summary from one replayed history; the two agree exactly (a
property test says so).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from rnr.cases.legal import LegalContext, parse_legal
from rnr.cases.parse import Case, parse_case, score_case
from rnr.change.between import compare
from rnr.change.delta import level_transition
from rnr.change.rci import CATEGORIES, reliable_change
from rnr.definitions.instrument import Reliability
from rnr.definitions.policy import Policy
from rnr.errors import StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.history.derived import score_values
from rnr.history.idempotency import IDEMPOTENCY
from rnr.history.read import Corrections, replay
from rnr.history.schedule import interval_months, next_due
from rnr.indicators.caseload import (
    CaseSummary,
    Due,
    EventSummary,
    PlanSummary,
    StepSummary,
    closing_of,
)
from rnr.plan.draft import Status
from rnr.policy.answer import Trigger, reassessment_trigger
from rnr.policy.deadlines import attainment_threshold, next_reassessment
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Store
from rnr.store.records import CaseRecords, Derived, Stored

__all__ = ["case_groups", "iter_summaries", "summarize"]

#: Marks a next reassessment the bulk path leaves to a replay of the case.
_ALONE = Due("", dt.date.min, "interval", "", "", dt.date.min, "")


@attrs.frozen
class _Assessed:
    """An assessment in force, with what it scores to (kept in the store, or scored now)."""

    first: int
    row: Stored
    values: Mapping[str, Any]
    result: ScoreResult | None = None

    @property
    def total(self) -> int:
        return int(self.values["total"])

    @property
    def level(self) -> str | None:
        level = self.values["level"]
        return None if level is None else str(level)

    @property
    def provisional(self) -> bool:
        return bool(self.values["provisional"])

    @property
    def ref(self) -> str:
        """The instrument version (kept with the scores, or read from the record)."""
        return str(self.values.get("instrument") or self.row.data["instrument"])

    def case(self, source: str) -> Case:
        """The assessment's case, parsed from its record (only when needed)."""
        return parse_case(dict(self.row.data["document"]), file=f"{source}#{self.row.id}")


#: Cases summarized together (their assessments without kept scores are scored in one batch).
_CHUNK = 2000


def summarize(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    rows: Iterable[Stored] | None = None,
    progress: Callable[[int], None] | None = None,
    visit: Callable[[CaseRecords], None] | None = None,
) -> tuple[CaseSummary, ...]:
    """Summarize every case of ``store`` on ``as_of``, in bulk.

    Equal, case by case, to :func:`summarize_case` of each replayed history,
    in the order of each case's first record: :func:`iter_summaries`, sorted.

    Args:
        store: the case store.
        as_of: the day of the summaries.
        defs: the definitions (default: the shipped ones).
        reliability: reliable change figures per scale (default: the instrument's).
        rows: the store's records, when the caller has read them already.
        progress: called with the number of records read, as they are read.
        visit: called with each case's records as they are read, so that
            another report can be made from the same reading.

    Raises:
        StoreIntegrityError: an assessment's instrument or a decision's
            policy changed since it was written.
    """
    found = iter_summaries(
        store,
        as_of=as_of,
        defs=defs,
        reliability=reliability,
        rows=rows,
        progress=progress,
        visit=visit,
    )
    return tuple(summary for _, summary in sorted(found, key=lambda item: item[0]))


def iter_summaries(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    rows: Iterable[Stored] | None = None,
    progress: Callable[[int], None] | None = None,
    visit: Callable[[CaseRecords], None] | None = None,
) -> Iterator[tuple[int, CaseSummary]]:
    """Each case's first record id and summary, as they are made, in case id order.

    The summaries of :func:`summarize` (which sorts them by those ids). The
    store is read one case at a time (:meth:`Store.cases`) and summarized
    :data:`_CHUNK` cases at a time, the reliable change of a chunk's last
    steps in one array each: a caller that keeps only part of each summary
    (a schedule keeps the next reassessment) holds what it keeps, not the
    store.
    """
    defs = defs or Definitions.shipped()
    triggers: dict[tuple[str, str], Trigger | None] = {}
    chunk: list[CaseRecords] = []

    def flush() -> Iterator[tuple[int, CaseSummary]]:
        made = list(
            _summarize_chunk(
                chunk,
                as_of=as_of,
                defs=defs,
                reliability=reliability,
                triggers=triggers,
                source=store.name,
            )
        )
        if progress is not None:
            progress(sum(len(group.records) for group in chunk))
        chunk.clear()
        summaries = _with_reliable_change(made, defs, reliability)
        return zip((first for first, _, _ in made), summaries, strict=True)

    for group in case_groups(store, rows):
        if visit is not None:
            visit(group)
        chunk.append(group)
        if len(chunk) == _CHUNK:
            yield from flush()
    yield from flush()


def case_groups(store: Store, rows: Iterable[Stored] | None = None) -> Iterator[CaseRecords]:
    """Each case's records and kept values: streamed from the store, or grouped from ``rows``."""
    if rows is None:
        yield from store.cases()
        return
    cases: dict[str, list[Stored]] = defaultdict(list)
    for row in rows:
        cases[row.case_id].append(row)
    kept = {d.record_id: d for d in store.derived()}
    for case_id, mine in cases.items():
        yield CaseRecords(case_id, tuple(mine), {r.id: kept[r.id] for r in mine if r.id in kept})


def _summarize_chunk(
    chunk: Sequence[CaseRecords],
    *,
    as_of: dt.date,
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    triggers: dict[tuple[str, str], Trigger | None],
    source: str,
) -> Iterator[tuple[int, CaseSummary, str | None]]:
    """``(first record id, summary, instrument version)`` of each assessed case of ``chunk``.

    The instrument version is given when the last change's reliable change
    index is left to one array operation over every case
    (:func:`_with_reliable_change`); a change across versions or between
    provisional results is measured here, from the two results.
    """
    per_case = {g.case_id: Corrections.of(g.records, source=source) for g in chunk}
    kept = {record_id: d for g in chunk for record_id, d in g.derived.items()}
    assessed = _score_all(per_case, as_of, defs, source, kept)
    for group in chunk:
        mine = assessed.get(group.case_id, [])
        if not mine:
            continue
        summary = _summary(
            group.case_id,
            per_case[group.case_id],
            mine,
            as_of=as_of,
            defs=defs,
            triggers=triggers,
            source=source,
        )
        if summary.next_due is _ALONE:
            history = replay(list(group.records), defs=defs, source=source)
            summary = attrs.evolve(summary, next_due=next_due(history, defs=defs, as_of=as_of))
        ref = None
        if summary.last_change is not None:
            before, after = mine[-2], mine[-1]
            ref = after.ref
            if before.ref != ref or before.provisional or after.provisional:
                step = _single_change(before, after, defs, reliability, source)
                summary, ref = attrs.evolve(summary, last_change=step), None
        yield group.records[0].id, summary, ref


def _score_all(
    per_case: Mapping[str, Corrections],
    as_of: dt.date,
    defs: Definitions,
    source: str,
    kept: Mapping[int, Derived],
) -> dict[str, list[_Assessed]]:
    """Every assessment in force on or before ``as_of``, with its scores, in date order."""
    by_ref: dict[str, list[tuple[int, Stored]]] = defaultdict(list)
    for fixes in per_case.values():
        for first, row in fixes.in_force("assessment"):
            if row.on <= as_of:
                derived = kept.get(row.id)
                ref = derived.values.get("instrument") if derived is not None else None
                by_ref[str(ref or row.data["instrument"])].append((first, row))
    out: dict[str, list[_Assessed]] = defaultdict(list)
    for ref, items in by_ref.items():
        instrument = defs.library.get(ref)
        fresh = []
        for first, row in items:
            derived = kept.get(row.id)
            if derived is not None and derived.basis == instrument.sha256:
                # the answers stay undecoded: verify holds the kept values to the record
                out[row.case_id].append(_Assessed(first, row, derived.values))
                continue
            if row.data.get("instrument_sha256") != instrument.sha256:
                msg = f"record {row.id}: instrument {ref} has changed since it was written"
                raise StoreIntegrityError(msg, path=source, record=row.id)
            fresh.append((first, row))
        cases = [parse_case(dict(r.data["document"]), file=f"{source}#{r.id}") for _, r in fresh]
        for (first, row), (values, result) in zip(
            fresh, score_values(instrument, cases, defs), strict=True
        ):
            out[row.case_id].append(_Assessed(first, row, values, result))
    for mine in out.values():
        mine.sort(key=lambda a: (a.row.on, a.row.id))
    return out


def _summary(
    case_id: str,
    fixes: Corrections,
    mine: list[_Assessed],
    *,
    as_of: dt.date,
    defs: Definitions,
    triggers: dict[tuple[str, str], Trigger | None],
    source: str,
) -> CaseSummary:
    case_row = fixes.in_force("case")[0][1]
    events = _event_order(fixes, as_of)
    closing = closing_of(events)
    decisions = [(f, r) for f, r in fixes.in_force("decision") if r.on <= as_of]
    latest = decisions[-1][1] if decisions else None
    policy = defs.policies.get(str(latest.data["policy"])) if latest is not None else None
    if (
        policy is not None
        and latest is not None
        and latest.data.get("policy_sha256") != policy.sha256
    ):
        msg = f"record {latest.id}: policy {policy.ref} has changed since it was written"
        raise StoreIntegrityError(msg, path=source, record=latest.id)
    legal = parse_legal(latest.data["legal"]) if latest is not None else None
    by_first = {a.first: a for a in mine}
    risk = None
    due = None
    if latest is not None and policy is not None and legal is not None:
        decided = by_first[int(latest.data["assessment"])]
        override = latest.data.get("override")
        risk = decided.level
        if override is not None:
            risk = str(fixes.latest[int(override)].data["to_level"])
        if closing is None or closing[0] > as_of:
            due = _due(
                case_id,
                policy,
                legal,
                decided=decided,
                risk=risk,
                last=mine[-1].row.on,
                events=events,
                triggers=triggers,
            )
    return CaseSummary(
        case_id=case_id,
        regime=str(case_row.data["regime"]),
        sanction=legal.sanction if legal else None,
        entry_date=legal.entry_date if legal else None,
        opened_on=case_row.on,
        closed_on=closing[0] if closing else None,
        closed_by=closing[1] if closing else None,
        instrument=mine[-1].ref,
        assessed_on=tuple(a.row.on for a in mine),
        totals=tuple(a.total for a in mine),
        levels=tuple(a.level for a in mine),
        dynamic=tuple(int(a.values["dynamic"]) for a in mine),
        risk_level=risk,
        needs={sys.intern(k): _interned(v) for k, v in mine[-1].values["needs"].items()},
        criminogenic=_need_set(tuple(mine[-1].values["criminogenic"])),
        last_change=_step(mine),
        next_due=due,
        plan=_plan(fixes, as_of, defs),
        events=events,
        criminogenic_at=tuple(_need_set(tuple(a.values["criminogenic"])) for a in mine),
        responsivity=mine[-1].case(source).responsivity,
    )


@functools.lru_cache(maxsize=4096)
def _need_set(ids: tuple[str, ...]) -> frozenset[str]:
    """One set per combination of criminogenic needs (a caseload repeats a few hundred)."""
    return frozenset(sys.intern(i) for i in ids)


def _interned(value: Any) -> Any:
    """``value``, a text interned: the words a caseload repeats in every summary, held once."""
    return sys.intern(value) if isinstance(value, str) else value


def _event_order(fixes: Corrections, as_of: dt.date) -> tuple[EventSummary, ...]:
    """Events on or before ``as_of`` in the order a history lists them (date, then record)."""
    rows = sorted(
        ((r.on, first, r) for first, r in fixes.in_force("event") if r.on <= as_of),
        key=lambda x: (x[0], x[1]),
    )
    return tuple(
        EventSummary(
            sys.intern(str(r.data["kind"])),
            on,
            {
                sys.intern(k): _interned(v)
                for k, v in r.data.items()
                if k not in ("kind", "note", IDEMPOTENCY)
            },
        )
        for on, _, r in rows
    )


def _plan(fixes: Corrections, as_of: dt.date, defs: Definitions) -> PlanSummary | None:
    """The plan version in force on ``as_of``, from draft objectives and review statuses."""
    state: dict[str, tuple[str | None, Status]] = {}
    version, kind, dated = 0, "initial", dt.date.min
    drafted: dt.date | None = None
    threshold: int | None = None
    reviewed: list[dt.date] = []
    for _, row in fixes.in_force("plan"):
        if row.on > as_of:
            break
        version, dated = int(row.data["version"]), row.on
        drafted = drafted or row.on
        if "decision" in row.data:
            kind = "review" if row.data.get("kind") == "review" else "initial"
            objectives = [
                (sys.intern(str(o[0])), _interned(o[1])) for o in row.data.get("objectives") or ()
            ]
            state = {i: (d, state[i][1] if i in state else "pending") for i, d in objectives}
            decision = fixes.latest[int(row.data["decision"])]
            policy = defs.policies.get(str(decision.data["policy"]))
            threshold = attainment_threshold(policy, decision.data["legal"].get("sanction"))
        else:
            kind = "closing" if row.data.get("kind") == "closing" else "review"
            reviewed.append(row.on)
            for ident, (status, _) in dict(row.data.get("changes") or {}).items():
                if ident in state:
                    state[ident] = (state[ident][0], _interned(status))
    if version == 0:
        return None
    counted = [s for _, s in state.values() if s != "removed"]
    achieved = sum(1 for s in counted if s == "achieved")
    return PlanSummary(
        version=version,
        kind=kind,
        dated=dated,
        objectives=tuple((i, d, s) for i, (d, s) in state.items()),
        reviewed_on=tuple(reviewed),
        achieved=achieved,
        counted=len(counted),
        percent=round(100.0 * achieved / len(counted), 1) if counted else 0.0,
        threshold=threshold,
        drafted_on=drafted,
    )


def _due(
    case_id: str,
    policy: Policy,
    legal: LegalContext,
    *,
    decided: _Assessed,
    risk: str | None,
    last: dt.date,
    events: Sequence[EventSummary],
    triggers: dict[tuple[str, str], Trigger | None],
) -> Due | None:
    table = policy.tables["reassessment"]
    values: dict[str, Any] = {}
    for name in table.inputs:
        source = policy.inputs[name].source
        if source in ("risk_level", "computed_risk_level"):
            values[name] = risk if source == "risk_level" else decided.level
        elif source.startswith("legal."):
            values[name] = getattr(legal, source.removeprefix("legal."))
        else:  # a fact the bulk path does not hold: this case is replayed alone
            return _ALONE
    deadline, _ = next_reassessment(policy, values, legal, assessed_on=decided.row.on)
    found: list[Due] = []
    instrument = decided.ref
    if deadline is not None:
        found.append(
            Due(
                case_id,
                deadline.date,
                "interval",
                deadline.rule,
                deadline.source,
                last,
                risk or "",
                instrument=instrument,
                months=interval_months(policy, deadline.rule),
            )
        )
    for event in events:
        kind, on = event.kind, event.on
        if on <= last:
            continue
        key = (policy.ref, kind)
        if key not in triggers:
            triggers[key] = reassessment_trigger(policy, kind)
        trigger = triggers[key]
        if trigger is not None:
            found.append(
                Due(
                    case_id,
                    on + dt.timedelta(days=trigger.days),
                    "event",
                    trigger.rule,
                    trigger.source,
                    last,
                    risk or "",
                    kind,
                    on,
                    instrument=instrument,
                )
            )
    return min(found, key=lambda d: (d.due_on, d.basis)) if found else None


def _step(mine: list[_Assessed]) -> StepSummary | None:
    """The last step's totals and levels (its reliable change is filled in bulk)."""
    if len(mine) < 2:
        return None
    before, after = mine[-2], mine[-1]
    return StepSummary(
        before.row.on,
        after.row.on,
        before.total,
        after.total,
        after.total - before.total,
        before.level,
        after.level,
        None,
        None,
        "not_computable",
    )


def _with_reliable_change(
    done: Sequence[tuple[int, CaseSummary, str | None]],
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
) -> tuple[CaseSummary, ...]:
    """Fill the last steps left to bulk: transitions and the index, one array per version."""
    out = [summary for _, summary, _ in done]
    bulk: dict[str, list[int]] = defaultdict(list)
    for n, (_, _, ref) in enumerate(done):
        if ref is not None:
            bulk[ref].append(n)
    for ref, rows in bulk.items():
        scale = defs.library.get(ref).scales[defs.library.get(ref).primary_scale]
        figures = (reliability or {}).get(scale.id) or scale.reliability
        steps = [out[n].last_change for n in rows]
        known = [s for s in steps if s is not None]
        rci: list[float | None] = [None] * len(rows)
        codes = [CATEGORIES.index("not_computable")] * len(rows)
        if figures is not None:
            values, found = reliable_change(
                np.array([s.previous for s in known]), np.array([s.current for s in known]), figures
            )
            rci, codes = [float(v) for v in values], [int(c) for c in found]
        for k, (n, step) in enumerate(zip(rows, known, strict=True)):
            out[n] = attrs.evolve(
                out[n],
                last_change=attrs.evolve(
                    step,
                    transition=level_transition(
                        scale.levels, step.previous_level, step.current_level
                    ),
                    rci=rci[k],
                    reliable=CATEGORIES[codes[k]],
                ),
            )
    return tuple(out)


def _single_change(
    before: _Assessed,
    after: _Assessed,
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    source: str,
) -> StepSummary:
    results = [a.result or score_case(a.case(source), defs.library, a.ref) for a in (before, after)]
    change = compare(results[0], results[1], library=defs.library, reliability=reliability)
    return StepSummary.of(change)
