"""Each case's timeline: what its summary on any day is made of, kept beside its records.

A case's summary on a day (:class:`~rnr.indicators.caseload.CaseSummary`)
depends on the day only through which records are dated on or before it.
A :class:`Timeline` holds, for every assessment, decision, plan version and
event in force, what a summary takes of it, already worked out: scores,
levels, needs and criminogenic needs, the change from the assessment before
(with its reliable change index), the next reassessment the decision's
policy sets by interval, plan objectives and review statuses, event fields,
overrides. :func:`rnr.history.summary.summary_at` makes the summary on any
day from it without reading a record.

Every write block keeps the case's new timeline on its last record
(:func:`keep_timeline`); a whole store's summaries are then one pass over
the kept timelines (:func:`rnr.history.bulk.iter_summaries`). A kept
timeline is used only while it is on the case's last record and every
definition it names still has the content hash it was built with;
``rnr store verify`` builds each one in use again from the records and names
any that differs (:func:`rnr.history.upkeep.check_timelines`).

The kept form is a JSON object (:data:`FORMAT`), rows as arrays to keep it
small (a case of four assessments holds about 2 kB)::

    {"instruments": {ref: sha256}, "policies": {ref: sha256},
     "regime": ..., "opened_on": ..., "latest_on": ..., "person": [sex, birth_date],
     "assessments": [[on, first, instrument, total, level, provisional, dynamic,
                      needs, criminogenic, responsivity, assessor, step]],
     "responsivity": [section, ...],
     "decisions": [[on, policy, sanction, entry_date, assessment, risk, due]],
     "plans": [[on, version, kind, objectives | changes, threshold]],
     "events": [[on, kind, fields]],
     "overrides": [[assessment, reason, direction]]}

Assessments are in date order, events in date then record order, decisions
and plans in the order first written. ``first`` is the id of the first
record of an assessment's chain of corrections; ``needs`` lists the need
level of each domain in the instrument's order and ``criminogenic`` the
positions of the criminogenic ones; ``responsivity`` points into the case's
distinct responsivity sections; ``step`` is the change from the assessment
before (``None`` for the first); ``due`` is the interval's next
reassessment as ``[date, rule]`` (``None``: no interval; ``"replay"``: the
policy's table reads facts only a replay of the case gives). A plan row
holds a draft's ``[objective, domain]`` pairs and its attainment threshold,
or a review's ``{objective: status}``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import attrs
import numpy as np

from rnr.cases.legal import parse_legal
from rnr.cases.parse import parse_case, score_case
from rnr.change.between import compare
from rnr.change.delta import level_transition
from rnr.change.rci import CATEGORIES, reliable_change
from rnr.definitions.instrument import Domain, Reliability
from rnr.definitions.policy import Policy
from rnr.errors import RnrError, StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.history.derived import score_values
from rnr.history.idempotency import IDEMPOTENCY
from rnr.history.read import Corrections
from rnr.history.shapes import is_approval, is_proposal
from rnr.indicators.caseload import (
    StepSummary,
)
from rnr.policy.deadlines import attainment_threshold, next_reassessment
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Transaction
from rnr.store.records import CaseDerived, CaseRecords, Derived, Stored

__all__ = [
    "FORMAT",
    "TAKEN_FROM",
    "Earlier",
    "Row",
    "Timeline",
    "build_timelines",
    "keep_timeline",
    "kept_timeline",
    "unreadable_as_integrity",
    "unreadable_kept",
]

#: The ``basis`` of a kept timeline: its format's name and version.
FORMAT = "rnr.timeline/1"


@attrs.frozen
class Timeline:
    """One case's timeline (see the module docstring): its ids and its JSON document."""

    case_id: str
    first: int
    last: int
    doc: Mapping[str, Any]

    @property
    def latest_on(self) -> dt.date:
        """The date of the case's latest record, of any kind."""
        return dt.date.fromisoformat(self.doc["latest_on"])

    @property
    def person(self) -> dict[str, Any]:
        """The sex and birth date of the person, as the case was opened."""
        sex, birth_date = self.doc["person"]
        return {"sex": sex, "birth_date": birth_date}


def kept_timeline(
    found: CaseDerived,
    defs: Definitions,
    hashes: dict[tuple[str, str], str | None] | None = None,
    *,
    source: str = "<store>",
) -> Timeline | None:
    """The timeline kept on the case's last record, if it holds for ``defs``.

    ``None`` when none is kept there, it is of another format, or one of the
    definitions it was built with is no longer loaded with the same hash.
    ``hashes`` keeps the hashes looked up, by kind and reference, for the next case.

    Raises:
        StoreIntegrityError: the kept timeline has not the shape of its format.
    """
    derived = found.derived
    if derived is None or derived.basis != FORMAT:  # none, or of another format
        return None
    timeline = Timeline(found.case_id, found.first, found.last, derived.values)
    known = {} if hashes is None else hashes
    with unreadable_as_integrity(timeline, source):
        for kind in ("instruments", "policies"):
            for ref, sha in timeline.doc[kind].items():
                if (kind, ref) not in known:
                    known[kind, ref] = _sha(defs, kind, ref)
                if known[kind, ref] != sha:
                    return None
    return timeline


def unreadable_as_integrity(timeline: Timeline, source: str) -> AbstractContextManager[None]:
    """Where a kept timeline is read: one without its format's shape is a store error.

    Raises:
        StoreIntegrityError: naming the case and the record it is kept on
            (``rnr store verify`` names what differs).
    """
    return unreadable_kept(timeline.case_id, timeline.last, "the timeline", source)


def unreadable_kept(
    case_id: str, record: int, what: str, source: str
) -> AbstractContextManager[None]:
    """Where values kept for a case (``what``) are read: without their shape, a store error.

    Raises:
        StoreIntegrityError: naming the case and the record they are kept on
            (``rnr store verify`` names what differs).
    """

    def refused(exc: BaseException) -> StoreIntegrityError:
        msg = (
            f"case {case_id}: {what} kept on record {record} cannot be read"
            f" ({type(exc).__name__}: {exc}); run rnr store verify"
        )
        return StoreIntegrityError(msg, path=source, record=record)

    return _Unreadable(refused)


class _Unreadable(AbstractContextManager[None]):
    """:func:`unreadable_kept`: a plain class, entered once for each case of a whole store."""

    __slots__ = ("refused",)

    def __init__(self, refused: Callable[[BaseException], StoreIntegrityError]) -> None:
        self.refused = refused

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, RnrError) or not isinstance(exc, _OUT_OF_SHAPE):
            return
        raise self.refused(exc) from exc


#: What reading values without their format's shape raises.
_OUT_OF_SHAPE = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _sha(defs: Definitions, kind: str, ref: str) -> str | None:
    try:
        found = defs.library.get(ref) if kind == "instruments" else defs.policies.get(ref)
    except RnrError:
        return None
    return found.sha256


#: The events a case must hold for a write to take values kept before it: for fewer,
#: making them again costs less than reading them (about 0.3 ms).
TAKEN_FROM = 32


class Earlier:
    """What a write block may take of the values kept for its case before it.

    ``last`` is the case's last record before the block's appends: the values
    kept on it hold for all that the appended records leave as it was. When
    one of them corrects a record, nothing (the record in force changes,
    whatever its date); else what a summary of a day before their earliest
    date reads (:attr:`since`) and, when none of them is an event, the
    timeline's events (:meth:`events_rows`). Only a case of
    :data:`TAKEN_FROM` events or more takes any. Values taken are as trusted
    as every kept value: ``rnr store verify`` builds those on the new last
    record from the records.
    """

    __slots__ = ("_case_id", "_last", "_tx", "events", "since")

    def __init__(self, tx: Transaction, rows: Sequence[Stored], last: int) -> None:
        new = [row for row in rows if row.id > last]
        held = (
            0 < len(new) < len(rows)
            and not any(row.record.corrects is not None for row in new)
            and sum(row.kind == "event" for row in rows) >= TAKEN_FROM
        )
        self._tx, self._last = tx, last if held else 0
        self._case_id = rows[-1].case_id if rows else ""
        #: The earliest date of the appended records (when nothing holds, the earliest day).
        self.since = min(row.on for row in new) if held else dt.date.min
        #: Whether the timeline's events hold: the block appended none.
        self.events = held and not any(row.kind == "event" for row in new)

    def values(self, bases: Collection[str]) -> Mapping[str, Derived]:
        """Those of ``bases`` kept on the case's last record before the block, by basis.

        None when nothing holds; none either when they cannot be read
        (verify names them): the write makes its own.
        """
        if not self._last or not bases:
            return {}
        try:
            return self._tx.kept_case(self._case_id, self._last, bases)
        except StoreIntegrityError:
            return {}

    def events_rows(self) -> list[list[Any]] | None:
        """The timeline's events kept before, when they hold (else ``None``)."""
        kept = self.values([FORMAT]).get(FORMAT) if self.events else None
        rows = None if kept is None else kept.values.get("events")
        if not isinstance(rows, list) or not all(map(_an_event_row, rows)):
            return None
        return rows


def _an_event_row(row: Any) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        and isinstance(row[2], dict)
    )


def keep_timeline(
    tx: Transaction,
    case_id: str,
    *,
    defs: Definitions,
    source: str,
    rows: Sequence[Stored] | None = None,
    earlier: Earlier | None = None,
) -> Timeline:
    """Build the timeline of ``case_id`` inside a write block and keep it on its last record.

    ``rows``: the case's records, when the block has just read them;
    ``earlier``: what was kept for the case before the block (its events
    are taken from there when the block appended none).
    """
    rows = tuple(tx.records(case_id=case_id)) if rows is None else tuple(rows)
    events = None if earlier is None else earlier.events_rows()
    timeline = build_timelines(
        [CaseRecords(case_id, rows, tx.derived(case_id))],
        defs=defs,
        source=source,
        events={} if events is None else {case_id: events},
    )[0]
    tx.derive_case(case_id, Derived(timeline.last, FORMAT, timeline.doc))
    return timeline


# -- building ------------------------------------------------------------------


@attrs.frozen
class _Assessment:
    first: int
    row: Stored
    values: Mapping[str, Any]
    result: ScoreResult | None = None

    @property
    def ref(self) -> str:
        return str(self.values.get("instrument") or self.row.data["instrument"])


def build_timelines(
    groups: Sequence[CaseRecords],
    *,
    defs: Definitions,
    source: str,
    reliability: Mapping[str, Reliability] | None = None,
    events: Mapping[str, list[list[Any]]] | None = None,
) -> list[Timeline]:
    """The timeline of each case of ``groups`` (each case's records, in id order).

    Assessments take the scores kept beside them while their instrument's
    hash holds, and are scored in one batch per instrument version
    otherwise; the reliable change of same-version steps is one array
    operation per version. ``reliability`` replaces the instruments' own
    figures (a timeline built with it is not kept). ``events``: the rows of
    events of some cases, by case id, already known (see :class:`Earlier`).

    Raises:
        StoreIntegrityError: an assessment's instrument or a decision's
            policy changed since it was written.
    """
    fixes = [Corrections.of(g.records, source=source) for g in groups]
    kept = {record_id: d for g in groups for record_id, d in g.derived.items()}
    scored = _score_all(fixes, defs, source, kept)
    known = events or {}
    built = [
        _build(
            group, fix, scored.get(group.case_id, []), defs, source, events=known.get(group.case_id)
        )
        for group, fix in zip(groups, fixes, strict=True)
    ]
    _fill_steps(built, scored, groups=groups, defs=defs, reliability=reliability, source=source)
    return [
        Timeline(g.case_id, g.records[0].id, g.records[-1].id, doc)
        for g, doc in zip(groups, built, strict=True)
    ]


def _score_all(
    fixes: Sequence[Corrections], defs: Definitions, source: str, kept: Mapping[int, Derived]
) -> dict[str, list[_Assessment]]:
    """Every assessment in force of each case, with its scores, in date order."""
    by_ref: dict[str, list[tuple[int, Stored]]] = defaultdict(list)
    for fix in fixes:
        for first, row in fix.in_force("assessment"):
            derived = kept.get(row.id)
            ref = derived.values.get("instrument") if derived is not None else None
            by_ref[str(ref or row.data["instrument"])].append((first, row))
    out: dict[str, list[_Assessment]] = defaultdict(list)
    for ref, items in by_ref.items():
        instrument = defs.library.get(ref)
        fresh = []
        for first, row in items:
            derived = kept.get(row.id)
            if derived is not None and derived.basis == instrument.sha256:
                out[row.case_id].append(_Assessment(first, row, derived.values))
                continue
            if row.data.get("instrument_sha256") != instrument.sha256:
                msg = f"record {row.id}: instrument {ref} has changed since it was written"
                raise StoreIntegrityError(msg, path=source, record=row.id)
            fresh.append((first, row))
        if not fresh:
            continue
        cases = [parse_case(dict(r.data["document"]), file=f"{source}#{r.id}") for _, r in fresh]
        for (first, row), (values, result) in zip(
            fresh, score_values(instrument, cases, defs), strict=True
        ):
            out[row.case_id].append(_Assessment(first, row, values, result))
    for mine in out.values():
        mine.sort(key=lambda a: (a.row.on, a.row.id))
    return out


class Row:
    """Positions in an assessment row of a timeline (see the module docstring)."""

    ON, FIRST, INSTRUMENT, TOTAL, LEVEL, PROVISIONAL, DYNAMIC = range(7)
    NEEDS, CRIMINOGENIC, RESPONSIVITY, ASSESSOR, STEP = range(7, 12)


_ON, _REF, _TOTAL, _LEVEL, _PROVISIONAL, _STEP = (
    Row.ON,
    Row.INSTRUMENT,
    Row.TOTAL,
    Row.LEVEL,
    Row.PROVISIONAL,
    Row.STEP,
)


def _build(
    group: CaseRecords,
    fixes: Corrections,
    mine: list[_Assessment],
    defs: Definitions,
    source: str,
    *,
    events: list[list[Any]] | None,
) -> dict[str, Any]:
    """A case's timeline document, without the steps (:func:`_fill_steps` adds them).

    ``events``: its rows of events, when known.
    """
    used = {ref: defs.library.get(ref) for ref in {a.ref for a in mine}}
    policies: dict[str, str] = {}
    opening = next(r for r in group.records if r.kind == "case" and r.record.corrects is None)
    person = opening.data.get("person") or {}
    case_row = fixes.in_force("case")[0][1]
    by_first = {a.first: a for a in mine}
    decisions = [
        _decision(row, fixes, by_first=by_first, defs=defs, policies=policies, source=source)
        for _, row in fixes.in_force("decision")
    ]
    sections: list[Any] = []
    return {
        "instruments": {ref: instrument.sha256 for ref, instrument in used.items()},
        "policies": policies,
        "regime": str(case_row.data["regime"]),
        "opened_on": case_row.on.isoformat(),
        "latest_on": max(r.on for r in group.records).isoformat(),
        "person": [person.get("sex"), person.get("birth_date")],
        "assessments": [_assessment(a, used[a.ref].domains, sections) for a in mine],
        "responsivity": sections,
        "decisions": decisions,
        "plans": _plans(fixes, defs),
        "events": _events(fixes) if events is None else events,
        "overrides": [
            [int(r.data["assessment"]), str(r.data["reason"]), str(r.data["direction"])]
            for _, r in fixes.in_force("override")
            if not is_proposal(r)
        ],
    }


def _assessment(a: _Assessment, domains: Sequence[Domain], sections: list[Any]) -> list[Any]:
    """An assessment's row; its responsivity section is kept once in ``sections``."""
    values = a.values
    section = a.row.data["document"].get("responsivity")
    if section not in sections:
        sections.append(section)
    criminogenic = set(values["criminogenic"])
    return [
        a.row.on.isoformat(),
        a.first,
        a.ref,
        int(values["total"]),
        values["level"],
        bool(values["provisional"]),
        int(values["dynamic"]),
        [values["needs"].get(d.id) for d in domains],
        [n for n, d in enumerate(domains) if d.id in criminogenic],
        sections.index(section),
        values.get("assessor", a.row.data.get("assessor")),
        None,
    ]


def _decision(
    row: Stored,
    fixes: Corrections,
    *,
    by_first: Mapping[int, _Assessment],
    defs: Definitions,
    policies: dict[str, str],
    source: str,
) -> list[Any]:
    """A decision in force: its legal context, effective risk and interval's next reassessment."""
    policy = defs.policies.get(str(row.data["policy"]))
    if row.data.get("policy_sha256") != policy.sha256:
        msg = f"record {row.id}: policy {policy.ref} has changed since it was written"
        raise StoreIntegrityError(msg, path=source, record=row.id)
    policies[policy.ref] = policy.sha256
    legal = parse_legal(row.data["legal"])
    decided = by_first[int(row.data["assessment"])]
    override = row.data.get("override")
    level = decided.values["level"]
    risk = level if override is None else str(fixes.latest[int(override)].data["to_level"])
    return [
        row.on.isoformat(),
        policy.ref,
        legal.sanction,
        legal.entry_date.isoformat() if legal.entry_date else None,
        decided.first,
        risk,
        _interval(policy, legal, risk, level, decided.row.on),
    ]


def _interval(
    policy: Policy, legal: Any, risk: str | None, level: str | None, assessed_on: dt.date
) -> list[Any] | str | None:
    """``[due on, rule]`` of the policy's interval, ``"replay"`` or ``None``."""
    table = policy.tables["reassessment"]
    values: dict[str, Any] = {}
    for name in table.inputs:
        source = policy.inputs[name].source
        if source in ("risk_level", "computed_risk_level"):
            values[name] = risk if source == "risk_level" else level
        elif source.startswith("legal."):
            values[name] = getattr(legal, source.removeprefix("legal."))
        else:  # a fact only a replay of the case gives
            return "replay"
    deadline, _ = next_reassessment(policy, values, legal, assessed_on=assessed_on)
    return None if deadline is None else [deadline.date.isoformat(), deadline.rule]


def _plans(fixes: Corrections, defs: Definitions) -> list[list[Any]]:
    """Each plan record in force: a draft's objectives and threshold, a review's statuses."""
    out: list[list[Any]] = []
    threshold: int | None = None  # the draft in force's, which an edit keeps
    for _, row in fixes.in_force("plan"):
        if is_approval(row):  # the court's approval: no summary reads it
            continue
        on, version = row.on.isoformat(), int(row.data["version"])
        if row.data.get("kind") == "edit":  # read as a draft: its objectives, statuses kept
            objectives = [[str(o[0]), o[1]] for o in row.data.get("objectives") or ()]
            out.append([on, version, "review", objectives, threshold])
        elif "decision" in row.data:
            decision = fixes.latest[int(row.data["decision"])]
            policy = defs.policies.get(str(decision.data["policy"]))
            kind = "review" if row.data.get("kind") == "review" else "initial"
            objectives = [[str(o[0]), o[1]] for o in row.data.get("objectives") or ()]
            threshold = attainment_threshold(policy, decision.data["legal"].get("sanction"))
            out.append([on, version, kind, objectives, threshold])
        else:
            kind = "closing" if row.data.get("kind") == "closing" else "review"
            changes = {
                str(ident): change[0]
                for ident, change in dict(row.data.get("changes") or {}).items()
            }
            out.append([on, version, kind, changes, None])
    return out


def _events(fixes: Corrections) -> list[list[Any]]:
    """Events in force in the order a history lists them (date, then record)."""
    rows = sorted(((r.on, first, r) for first, r in fixes.in_force("event")), key=lambda x: x[:2])
    return [
        [
            on.isoformat(),
            str(r.data["kind"]),
            {k: v for k, v in r.data.items() if k not in ("kind", "note", IDEMPOTENCY)},
        ]
        for on, _, r in rows
    ]


def _fill_steps(
    built: Sequence[dict[str, Any]],
    scored: Mapping[str, list[_Assessment]],
    *,
    groups: Sequence[CaseRecords],
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    source: str,
) -> None:
    """Each assessment's change from the one before: same-version steps in one array per version."""
    bulk: dict[str, list[tuple[list[Any], list[Any]]]] = defaultdict(list)
    for group, doc in zip(groups, built, strict=True):
        mine = scored.get(group.case_id, [])
        rows = doc["assessments"]
        for n in range(1, len(rows)):
            before, after = rows[n - 1], rows[n]
            if before[_REF] == after[_REF] and not (before[_PROVISIONAL] or after[_PROVISIONAL]):
                bulk[after[_REF]].append((before, after))
            else:
                step = _single_change(mine[n - 1], mine[n], defs, reliability, source)
                after[_STEP] = _step_doc(step)
    for ref, pairs in bulk.items():
        instrument = defs.library.get(ref)
        scale = instrument.scales[instrument.primary_scale]
        figures = (reliability or {}).get(scale.id) or scale.reliability
        codes = [CATEGORIES.index("not_computable")] * len(pairs)
        rci: list[float | None] = [None] * len(pairs)
        if figures is not None:
            values, found = reliable_change(
                np.array([b[_TOTAL] for b, _ in pairs]),
                np.array([a[_TOTAL] for _, a in pairs]),
                figures,
            )
            rci, codes = [float(v) for v in values], [int(c) for c in found]
        for k, (before, after) in enumerate(pairs):
            after[_STEP] = [
                before[_ON],
                after[_ON],
                before[_TOTAL],
                after[_TOTAL],
                after[_TOTAL] - before[_TOTAL],
                before[_LEVEL],
                after[_LEVEL],
                level_transition(scale.levels, before[_LEVEL], after[_LEVEL]),
                rci[k],
                CATEGORIES[codes[k]],
            ]


def _single_change(
    before: _Assessment,
    after: _Assessment,
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    source: str,
) -> StepSummary:
    """A change across versions or between provisional results, from the two full results."""
    results = []
    for a in (before, after):
        case = parse_case(dict(a.row.data["document"]), file=f"{source}#{a.row.id}")
        results.append(a.result or score_case(case, defs.library, a.ref))
    change = compare(results[0], results[1], library=defs.library, reliability=reliability)
    return StepSummary.of(change)


def _step_doc(step: StepSummary) -> list[Any]:
    return [
        step.previous_on.isoformat(),
        step.current_on.isoformat(),
        step.previous,
        step.current,
        step.delta,
        step.previous_level,
        step.current_level,
        step.transition,
        step.rci,
        step.reliable,
    ]
