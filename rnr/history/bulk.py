"""A summary of every case in a store, computed in bulk.

Reading a history replays every decision and plan one case at a time
(milliseconds per case). For a whole caseload, :func:`summarize` reads the
timeline each write kept beside the case's last record
(:mod:`rnr.history.timeline`: every assessment's scores and change, every
decision's next reassessment, plan statuses and events, worked out when
they were written) and makes each case's
:class:`~rnr.indicators.caseload.CaseSummary` on the day asked for from it,
without reading a record. A case without a usable timeline (a store
written before rnr kept them, a definition loaded with another hash, other
reliability figures) is read from its records and its timeline built there,
2,000 cases at a time: assessments take the scores kept beside them or are
scored in one batch per instrument version, and the reliable change of
same-version steps is one array operation. What a timeline cannot say (a
policy whose reassessment table reads more than the risk level and the
legal context) is answered by replaying that case.
:func:`rnr.history.summary.summarize_case` gives the same summary from one
replayed history; the two agree exactly (a property test says so).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

import attrs

from rnr.definitions.instrument import Reliability
from rnr.history.access import unit_cases
from rnr.history.caseindex import indexed_due
from rnr.history.definitions import Definitions
from rnr.history.read import replay
from rnr.history.schedule import next_due
from rnr.history.summary import REPLAY, Reading, due_at, summary_at
from rnr.history.timeline import (
    FORMAT,
    Timeline,
    build_timelines,
    kept_timeline,
    unreadable_as_integrity,
)
from rnr.indicators.caseload import CaseSummary, Due
from rnr.store.protocol import CaseIndex, Store
from rnr.store.records import CaseDerived, CaseRecords, Stored

__all__ = [
    "case_groups",
    "iter_due",
    "iter_summaries",
    "summarize",
    "timelines",
]


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
    visit: Callable[[Timeline], None] | None = None,
) -> tuple[CaseSummary, ...]:
    """Summarize every case of ``store`` on ``as_of``, in bulk.

    Equal, case by case, to :func:`summarize_case` of each replayed history,
    in the order of each case's first record: :func:`iter_summaries`, sorted.

    Args:
        store: the case store.
        as_of: the day of the summaries.
        defs: the definitions (default: the shipped ones).
        reliability: reliable change figures per scale (default: the
            instrument's; others make every timeline be built from the records).
        rows: the store's records, when the caller has read them already.
        progress: called with the number of cases read, as they are read.
        visit: called with each case's timeline as it is read, so that
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
    visit: Callable[[Timeline], None] | None = None,
    skip: Mapping[str, int] | None = None,
    only: Collection[str] | None = None,
) -> Iterator[tuple[int, CaseSummary]]:
    """Each case's first record id and summary, as they are made, in case id order.

    The summaries of :func:`summarize` (which sorts them by those ids), one
    timeline at a time (:func:`timelines`): a caller that keeps only part of
    each summary (a schedule keeps the next reassessment) holds what it
    keeps, not the store. ``skip``: cases left out; ``only``: just those
    cases (see :func:`timelines`).
    """
    defs = defs or Definitions.shipped()
    reading = Reading(defs)
    for timeline in timelines(
        store,
        defs=defs,
        reliability=reliability,
        rows=rows,
        progress=progress,
        skip=skip,
        only=only,
    ):
        with unreadable_as_integrity(timeline, store.name):
            if visit is not None:
                visit(timeline)
            summary = summary_at(timeline, as_of=as_of, reading=reading)
        if summary is None:
            continue
        if summary.next_due is REPLAY:
            due = _replayed_due(store, rows, timeline, defs=defs, as_of=as_of)
            summary = attrs.evolve(summary, next_due=due)
        yield timeline.first, summary


def iter_due(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    progress: Callable[[int], None] | None = None,
    unit: str | None = None,
) -> Iterator[Due]:
    """The next reassessment of each case open on ``as_of``, in case id order.

    Each is the ``next_due`` of the case's summary (:func:`iter_summaries`),
    made without the rest of the summary. A store that keeps the case index
    (:class:`~rnr.store.protocol.CaseIndex`) answers from its rows
    (:func:`rnr.history.caseindex.indexed_due`): only the cases whose row
    does not hold on ``as_of`` are read from their records. ``unit`` keeps
    the cases of that unit (``None``: every case), as the index lists them
    (:func:`rnr.history.access.unit_cases`).
    """
    defs = defs or Definitions.shipped()
    reading = Reading(defs)
    if isinstance(store, CaseIndex):
        made = 0  # the cases made again from their timelines or records, counted as they are

        def count(n: int) -> None:
            nonlocal made
            made += n
            if progress is not None:
                progress(n)

        found = list(indexed_due(store, as_of=as_of, reading=reading, unit=unit, progress=count))
        if progress is not None:  # the index answered for the rest at once
            progress(max(0, len(store.case_ids()) - made))
        yield from found
        return
    mine = None if unit is None else unit_cases(store, unit)
    for timeline in timelines(store, defs=defs, progress=progress):
        if mine is not None and timeline.case_id not in mine:
            continue
        with unreadable_as_integrity(timeline, store.name):
            due = due_at(timeline, as_of=as_of, reading=reading)
        if due is REPLAY:
            due = _replayed_due(store, None, timeline, defs=defs, as_of=as_of)
        if due is not None:
            yield due


def _replayed_due(
    store: Store,
    rows: Iterable[Stored] | None,
    timeline: Timeline,
    *,
    defs: Definitions,
    as_of: dt.date,
) -> Due | None:
    """The next reassessment of a case whose policy needs its replayed history to say."""
    records = next(case_groups(store, rows, only=[timeline.case_id])).records
    history = replay(list(records), defs=defs, source=store.name)
    return next_due(history, defs=defs, as_of=as_of)


def timelines(
    store: Store,
    *,
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None = None,
    rows: Iterable[Stored] | None = None,
    progress: Callable[[int], None] | None = None,
    skip: Mapping[str, int] | None = None,
    only: Collection[str] | None = None,
) -> Iterator[Timeline]:
    """Every case's timeline, in case id order: kept ones as they are, the others built.

    With ``rows`` or ``reliability``, every timeline is built from the
    records (kept ones hold the instruments' own figures). ``progress`` is
    called with the number of cases done, a chunk at a time. A case of
    ``skip`` whose last record is the one it names is left out, unread (the
    caller has what it needs of it from the case index); ``only`` reads just
    those cases (an unknown id is skipped).
    """
    if rows is not None or reliability is not None:
        chunk: list[CaseRecords] = []
        for group in itertools.chain(case_groups(store, rows, only=only), [None]):
            if group is not None and skip and skip.get(group.case_id) == group.records[-1].id:
                continue
            if group is not None:
                chunk.append(group)
            if chunk and (group is None or len(chunk) == _CHUNK):
                yield from build_timelines(
                    chunk, defs=defs, source=store.name, reliability=reliability
                )
                if progress is not None:
                    progress(len(chunk))
                chunk = []
        return
    # A kept timeline goes on at once: holding thousands of decoded documents makes every
    # one of them outlive the garbage collector's young generations (and slows it down).
    # Cases without one wait, in order, to be built together, a chunk at a time.
    queue: list[tuple[CaseDerived, Timeline | None]] = []
    hashes: dict[tuple[str, str], str | None] = {}
    missing = done = 0
    every = store.case_derived(FORMAT, skip, only)
    for found in itertools.chain(every, [None]):
        if found is not None:
            timeline = kept_timeline(found, defs, hashes, source=store.name)
            queue.append((found, timeline))
            missing += timeline is None
        if queue and (found is None or not missing or len(queue) == _CHUNK):
            yield from _in_order(store, queue, defs)
            done += len(queue)
            queue, missing = [], 0
        if progress is not None and done and (found is None or done >= _CHUNK):
            progress(done)
            done = 0


def _in_order(
    store: Store, queue: Sequence[tuple[CaseDerived, Timeline | None]], defs: Definitions
) -> Iterator[Timeline]:
    """The timelines of ``queue``, in its order: those kept, and the others built together."""
    missing = [found.case_id for found, timeline in queue if timeline is None]
    built = {}
    if missing:
        groups = list(store.cases(only=missing))
        built = {t.case_id: t for t in build_timelines(groups, defs=defs, source=store.name)}
    for found, kept in queue:
        timeline = kept or built.get(found.case_id)
        if timeline is not None:
            yield timeline


def case_groups(
    store: Store, rows: Iterable[Stored] | None = None, *, only: Collection[str] | None = None
) -> Iterator[CaseRecords]:
    """Each case's records and kept values: streamed from the store, or grouped from ``rows``."""
    if rows is None:
        yield from store.cases(only)
        return
    cases: dict[str, list[Stored]] = defaultdict(list)
    for row in rows:
        if only is None or row.case_id in only:
            cases[row.case_id].append(row)
    kept = {d.record_id: d for d in store.derived()}
    for case_id, mine in cases.items():
        yield CaseRecords(case_id, tuple(mine), {r.id: kept[r.id] for r in mine if r.id in kept})
