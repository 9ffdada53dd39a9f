"""Each case's row of the case index: made from its timeline, kept by every write, verified.

The store keeps one :class:`~rnr.store.caseindex.IndexRow` per case
(:mod:`rnr.store.caseindex`) so that a caseload page and the due list filter,
sort and page in the database. This module makes a case's row from the
timeline the write has just built (:func:`index_row`, never from anything
else): the case's summary on the day of its latest record, which holds for
any later day, with the effective risk level's rank among the instrument's
levels, the next reassessment and the last change of the primary scale with
its reliable change category. The row's ``basis`` names the hashes of
every instrument and policy it was made with (:func:`index_basis`), as a
kept timeline does: a reader trusts only rows whose definitions are loaded
with the same hashes (:func:`trusted_bases`) and reads the other cases from
their records (:func:`rows_on`).

:func:`check_index` (run by ``rnr store verify``) makes every row a read would
trust again from the records and names each that differs;
:func:`fill_index` makes the rows a store lacks (one migrated from version 5,
or restored from an export).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from rnr.change.delta import Transition
from rnr.change.rci import CATEGORIES, Category
from rnr.errors import RnrError, StoreIntegrityError
from rnr.history.access import case_units, unit_of
from rnr.history.baseline import baseline_of
from rnr.history.definitions import Definitions
from rnr.history.dues import due_in_force, dues_text
from rnr.history.read import replay
from rnr.history.schedule import next_due
from rnr.history.summary import REPLAY, CaseAt, Reading, case_at
from rnr.history.timeline import (
    FORMAT,
    Timeline,
    build_timelines,
    kept_timeline,
    unreadable_as_integrity,
)
from rnr.indicators.caseload import Due, StepSummary
from rnr.store.caseindex import (
    CHANGE_COLUMNS,
    INDEX_NAMES,
    IndexQuery,
    IndexRow,
    Settled,
    column_rows,
    iso_day,
    refused_row,
    select_rows,
)
from rnr.store.protocol import CaseIndex, IndexingTransaction, Store, Transaction
from rnr.store.records import CaseRecords, canonical
from rnr.text import Message

__all__ = [
    "INDEX_FORMAT",
    "ON_DAY",
    "change_of",
    "check_index",
    "definitions_basis",
    "definitions_hold",
    "due_from",
    "due_of",
    "due_text",
    "fill_index",
    "index_basis",
    "index_row",
    "indexed_due",
    "keep_index",
    "level_rank",
    "read_columns",
    "read_rows",
    "rows_on",
    "settled_cases",
    "summary_row",
    "trusted_bases",
    "untrusted",
]

#: The format of a row's ``basis``, ``due`` and counts (:mod:`rnr.history.counts`): its name and
#: version. Version 4: a row carries the counts of its case's report shares; version 5: of
#: two years before its latest record's year (not one); version 6: its dues
#: (:mod:`rnr.history.dues`).
INDEX_FORMAT = "rnr.case-index/6"

#: Cases read or written per block.
_BLOCK = 2000

#: Why a case's row cannot be made: a changed or unknown definition, a damaged record.
_UNBUILT = (RnrError, KeyError, TypeError, ValueError)

#: The columns :func:`check_index` compares, in the order it names them.
_COLUMNS = (
    "record_id",
    "basis",
    "unit",
    "regime",
    "instrument",
    "sanction",
    "risk_level",
    "rank",
    "opened_on",
    "assessed_on",
    "latest_on",
    "closed_on",
    "due_on",
    "due",
    "replay",
    "baseline",
    *CHANGE_COLUMNS,
    "dues",
)


def index_basis(doc: Mapping[str, Any]) -> str:
    """The basis of the row of a timeline's document: the format, the hashes of its definitions."""
    return canonical(
        {"format": INDEX_FORMAT, "instruments": doc["instruments"], "policies": doc["policies"]}
    )


def definitions_basis(doc: Mapping[str, Any]) -> str:
    """The hashes of the definitions of a timeline's document, as canonical JSON."""
    return canonical({"instruments": doc["instruments"], "policies": doc["policies"]})


def definitions_hold(basis: str, defs: Definitions) -> bool:
    """Whether every instrument and policy ``basis`` names is loaded with the same hash.

    ``basis``: a :func:`definitions_basis` (or an :func:`index_basis`, whose
    format is not looked at).
    """
    try:
        return _loaded(json.loads(basis), defs)
    except (ValueError, TypeError, AttributeError):
        return False


def trusted_bases(bases: frozenset[str], defs: Definitions) -> frozenset[str]:
    """Those of ``bases`` whose every instrument and policy is loaded with the same hash."""
    return frozenset(b for b in bases if _holds(b, defs))


def settled_cases(store: Store, *, defs: Definitions, before: dt.date) -> Settled:
    """The cases whose trusted rows say they closed with every record dated before ``before``.

    None for a store without the case index.
    """
    if not isinstance(store, CaseIndex):
        return Settled({})
    return store.index_settled(trusted_bases(store.index_bases(), defs), before)


def _holds(basis: str, defs: Definitions) -> bool:
    try:
        found = json.loads(basis)
        return found.get("format") == INDEX_FORMAT and _loaded(found, defs)
    except (ValueError, TypeError, AttributeError):
        return False


def _loaded(found: Mapping[str, Any], defs: Definitions) -> bool:
    """Whether the definitions ``found`` names are loaded with the hashes it gives."""
    try:
        for ref, sha in found["instruments"].items():
            if defs.library.get(ref).sha256 != sha:
                return False
        for ref, sha in found["policies"].items():
            if defs.policies.get(ref).sha256 != sha:
                return False
    except (RnrError, ValueError, TypeError, KeyError, AttributeError):
        return False
    return True


def level_rank(instrument: str, level: str | None, defs: Definitions) -> int:
    """The position of ``level`` among the levels of every scale of ``instrument`` (-1: none)."""
    if level is None:
        return -1
    scales = defs.library.get(instrument).scales
    levels = [lv for s in scales.values() for lv in s.levels]
    return levels.index(level) if level in levels else -1


def due_text(due: Due) -> str:
    """A next reassessment, but for its case and date, as the row's JSON text."""
    found = due.to_dict()
    del found["case_id"], found["due_on"]
    return canonical(found)


def due_of(row: IndexRow, *, source: str | None = None) -> Due | None:
    """The next reassessment a row holds (``None``: none, or only a replay says).

    Raises:
        StoreIntegrityError: the row's ``due`` is not the JSON a row holds (a
            row edited by hand), naming the case, its record and ``source``.
    """
    if row.due_on is None or row.due is None:
        return None
    return due_from(row.case_id, row.record_id, row.due_on, row.due, source=source)


def due_from(
    case_id: str, record_id: int, due_on: dt.date, due: str, *, source: str | None = None
) -> Due:
    """The next reassessment of ``case_id`` on ``due_on``, the rest of it in a row's ``due``.

    Raises:
        StoreIntegrityError: ``due`` is not the JSON a row holds (a row
            edited by hand), naming the case, its record and ``source``.
    """
    try:
        basis, rule, cited, last, risk, event, event_on, instrument, months = _due_fields(due)
    except (KeyError, TypeError, ValueError) as exc:
        what = f"holds a next reassessment out of shape ({exc!r})"
        raise refused_row(case_id, record_id, what, source) from exc
    return Due(
        case_id,
        due_on,
        basis,
        rule,
        cited,
        last,
        risk,
        event,
        event_on,
        instrument=instrument,
        months=months,
    )


@functools.lru_cache(maxsize=4096)
def _due_fields(text: str) -> tuple[Any, ...]:
    """The fields of a row's ``due`` after its case id and date, read once per text.

    Cases assessed on the same day under the same rule hold the same text.
    """
    found = json.loads(text)
    event_on = found["event_on"]
    return (
        found["basis"],
        found["rule"],
        found["source"],
        dt.date.fromisoformat(found["last_assessed_on"]),
        found["risk_level"],
        found["event"],
        None if event_on is None else dt.date.fromisoformat(event_on),
        found["instrument"],
        found["months"],
    )


def change_of(row: IndexRow, *, source: str | None = None) -> StepSummary | None:
    """The last change a row holds (``None``: fewer than two comparable assessments).

    Raises:
        StoreIntegrityError: the row's change columns hold what no change
            does (a row edited by hand), naming the case, its record and
            ``source``.
    """
    if row.change is None:
        return None
    try:
        return _step_of(row.change, row.assessed_on)
    except (TypeError, ValueError) as exc:
        what = f"holds a last change out of shape ({exc})"
        raise refused_row(row.case_id, row.record_id, what, source) from exc


#: The transitions (or none: a level off the scale) and reliable change categories a row may
#: hold, each as its own type.
_TRANSITIONS: dict[str | None, Transition] = {"up": "up", "down": "down", "same": "same"}
_CATEGORIES: dict[str | None, Category] = {c: c for c in CATEGORIES}


def _step_of(change: Sequence[Any], on: dt.date | None) -> StepSummary:
    """A row's change columns as a change to ``on`` (its latest assessment).

    Raises:
        ValueError: the columns hold what no change does.
    """
    before, earlier, earlier_level, later, later_level, delta, moved, rci, reliable = change
    if on is None or not all(type(n) is int for n in (earlier, later, delta)):
        raise ValueError(f"totals {earlier!r} and {later!r}, delta {delta!r} on {on}")
    if later - earlier != delta:
        raise ValueError(f"delta {delta} between {earlier} and {later}")
    transition, category = _TRANSITIONS.get(moved), _CATEGORIES.get(reliable)
    if (transition is None and moved is not None) or category is None:
        raise ValueError(f"transition {moved!r}, reliable change {reliable!r}")
    if (rci is None) != (category == "not_computable"):
        raise ValueError(f"reliable change {category!r} with index {rci!r}")
    if rci is not None and not (type(rci) in (int, float) and math.isfinite(rci)):
        raise ValueError(f"reliable change index {rci!r}")
    return StepSummary(
        iso_day(before),
        on,
        earlier,
        later,
        delta,
        earlier_level,
        later_level,
        transition,
        None if rci is None else float(rci),
        category,
    )


def _row_of(
    found: CaseAt,
    timeline: Timeline,
    *,
    unit: str | None,
    as_of: dt.date,
    reading: Reading,
    basis: str,
    due: Due | None,
    kept: bool = True,
) -> IndexRow:
    """The row of the case on ``as_of``, with its next reassessment ``due``.

    A row made for one read (``kept`` false) has no baseline and no dues
    (lists never read them) and its latest record is the latest up to ``as_of``.
    """
    baseline = baseline_of(timeline, as_of) if kept else None
    return summary_row(
        found,
        record_id=timeline.last,
        basis=basis,
        unit=unit,
        latest_on=timeline.latest_on if kept else min(timeline.latest_on, as_of),
        due=due,
        defs=reading.defs,
        baseline=None if baseline is None else baseline.text(),
        dues=dues_text(timeline, reading) if kept else None,
    )


def summary_row(
    found: CaseAt,
    *,
    record_id: int,
    basis: str,
    unit: str | None,
    latest_on: dt.date,
    due: Due | None,
    defs: Definitions,
    baseline: str | None = None,
    dues: str | None = None,
) -> IndexRow:
    """The row of a case with an assessment (:class:`~rnr.history.summary.CaseAt`).

    ``due``: the next reassessment (:data:`~rnr.history.summary.REPLAY`:
    only a replay says it, and the row says so).
    """
    replayed = due is REPLAY
    return IndexRow(
        found.case_id,
        record_id,
        basis,
        unit,
        regime=found.regime,
        instrument=found.instrument,
        sanction=found.sanction,
        risk_level=found.risk_level,
        rank=level_rank(found.instrument, found.risk_level, defs),
        opened_on=found.opened_on,
        assessed_on=found.assessed_on,
        latest_on=latest_on,
        closed_on=found.closed_on,
        due_on=None if due is None or replayed else due.due_on,
        due=None if due is None or replayed else due_text(due),
        replay=replayed,
        baseline=baseline,
        change=_change_columns(found.last_change),
        dues=dues,
    )


def _change_columns(step: StepSummary | None) -> tuple[Any, ...] | None:
    """A last change as the row's columns hold it (:data:`~rnr.store.caseindex.CHANGE_COLUMNS`)."""
    if step is None:
        return None
    return (
        step.previous_on.isoformat(),
        step.previous,
        step.previous_level,
        step.current,
        step.current_level,
        step.delta,
        step.transition,
        step.rci,
        step.reliable,
    )


def index_row(timeline: Timeline, *, unit: str | None, reading: Reading) -> IndexRow:
    """The case's row of the index: its summary on the day of its latest record.

    A case with no assessment (never the case of a history rnr wrote) gets a
    row without one, which no list selects.
    """
    basis = index_basis(timeline.doc)
    day = timeline.latest_on
    found = case_at(timeline, as_of=day, reading=reading)
    if found is not None:
        due = found.next_due
        return _row_of(found, timeline, unit=unit, as_of=day, reading=reading, basis=basis, due=due)
    return IndexRow(
        timeline.case_id,
        timeline.last,
        basis,
        unit,
        regime=str(timeline.doc["regime"]),
        opened_on=dt.date.fromisoformat(timeline.doc["opened_on"]),
        latest_on=timeline.latest_on,
    )


def keep_index(
    tx: Transaction,
    timeline: Timeline,
    *,
    unit: str | None,
    reading: Reading,
    counts: str | None = None,
) -> None:
    """Keep the case's row in the write block (a store without an index keeps none).

    ``counts``: what the row adds to the store's totals (its report shares'
    counts, :func:`rnr.history.programme.year_counts`).
    """
    if isinstance(tx, IndexingTransaction):
        tx.index_case(index_row(timeline, unit=unit, reading=reading), counts)


def rows_on(
    store: Store,
    rows: Sequence[IndexRow],
    *,
    as_of: dt.date,
    reading: Reading,
    basis: str,
    progress: Callable[[int], None] | None = None,
) -> Iterator[IndexRow]:
    """The rows of the cases of ``rows`` on ``as_of``, made again.

    What a read answers with for the cases whose kept row it does not trust
    (a definition changed, records later than ``as_of``, a stale row): first
    the cases whose timeline kept on their last record holds (with the unit
    their row names), one at a time, then the others built from their
    records (with the unit they name), each in case id order. A next
    reassessment only a replay gives is replayed. Each row has ``basis``,
    and no baseline (what a validity study reads, from kept rows only).
    ``progress`` is called with the number of cases made, a block at a time.

    Raises:
        StoreIntegrityError: an assessment's instrument or a decision's
            policy changed since it was written.
    """
    defs = reading.defs
    tell = progress or (lambda _: None)

    def row_of(timeline: Timeline, group: CaseRecords | None, unit: str | None) -> IndexRow | None:
        with unreadable_as_integrity(timeline, store.name):
            found = case_at(timeline, as_of=as_of, reading=reading)
        if found is None:  # before its first assessment
            return None
        due = found.next_due
        if due is REPLAY:
            records = (group or next(store.cases(only=[timeline.case_id]))).records
            due = next_due(
                replay(list(records), defs=defs, source=store.name), defs=defs, as_of=as_of
            )
        with unreadable_as_integrity(timeline, store.name):
            return _row_of(
                found,
                timeline,
                unit=unit,
                as_of=as_of,
                reading=reading,
                basis=basis,
                due=due,
                kept=False,
            )

    units = {r.case_id: r.unit for r in rows if not r.stale}
    hashes: dict[tuple[str, str], str | None] = {}
    unread: list[str] = []
    made = 0
    for found in store.case_derived(FORMAT, only=[r.case_id for r in rows]):
        timeline = kept_timeline(found, defs, hashes, source=store.name)
        if timeline is None or found.case_id not in units:
            unread.append(found.case_id)
            continue
        if (row := row_of(timeline, None, units[found.case_id])) is not None:
            yield row
        made += 1
        if made == _BLOCK:
            tell(made)
            made = 0
    tell(made)
    for start in range(0, len(unread), _BLOCK):
        groups = list(store.cases(only=unread[start : start + _BLOCK]))
        built = build_timelines(groups, defs=defs, source=store.name)
        for group, timeline in zip(groups, built, strict=True):
            if (row := row_of(timeline, group, unit_of(group.records))) is not None:
                yield row
        tell(len(groups))


def fill_index(
    store: Store,
    *,
    defs: Definitions,
    by: str,
    progress: Callable[[int], None] | None = None,
    counts: Callable[[Timeline, Reading], str] | None = None,
) -> int:
    """Make the row of every case whose row is missing, stale or of definitions not loaded.

    ``counts`` gives what each row made adds to the store's totals
    (:func:`rnr.history.programme.year_counts`; ``None``: nothing).

    Timelines kept on the cases' last records are used while they hold;
    other cases are built from their records. A case that cannot be built
    (a changed or unknown definition) keeps its row: reads read it from its
    records, and verify reports why. Each block of cases is a write block of
    its own, so an interrupted fill leaves the rows made so far and the rest
    as they were; ``progress`` is called with the number of cases of each
    block done.

    Returns:
        How many rows were made.
    """
    if not isinstance(store, CaseIndex):
        return 0
    trusted = trusted_bases(store.index_bases(), defs)
    good = {r.case_id: r.record_id for r in store.index_rows() if r.basis in trusted}
    # the ids alone: a whole store's timelines held at once would take gigabytes
    todo = [f.case_id for f in store.case_derived(FORMAT, skip=good)]
    if not todo:
        return 0
    units = case_units(store)
    reading = Reading(defs)
    hashes: dict[tuple[str, str], str | None] = {}
    made = 0
    for start in range(0, len(todo), _BLOCK):
        chunk = store.case_derived(FORMAT, only=todo[start : start + _BLOCK])
        kept = {f.case_id: kept_timeline(f, defs, hashes, source=store.name) for f in chunk}
        missing = [c for c, t in kept.items() if t is None]
        built = {t.case_id: t for t in _built(store, missing, defs)}
        timelines = [t for c, k in kept.items() if (t := k or built.get(c))]
        with store.write(by=by) as tx:
            for timeline in timelines:
                counted = None if counts is None else counts(timeline, reading)
                unit = units.get(timeline.case_id)
                keep_index(tx, timeline, unit=unit, reading=reading, counts=counted)
        made += len(timelines)
        if progress is not None:
            progress(len(kept))
    return made


def _built(store: Store, case_ids: Sequence[str], defs: Definitions) -> list[Timeline]:
    """The timelines of ``case_ids`` from their records; a case that cannot be built is left out."""
    if not case_ids:
        return []
    groups = list(store.cases(only=case_ids))
    try:
        return build_timelines(groups, defs=defs, source=store.name)
    except _UNBUILT:
        pass
    out: list[Timeline] = []
    for group in groups:
        try:
            out += build_timelines([group], defs=defs, source=store.name)
        except _UNBUILT:
            continue
    return out


def check_index(store: Store, *, defs: Definitions) -> tuple[int, tuple[Message, ...]]:
    """Make every row a read would trust again from the records; name each that differs.

    Also named: a case without a row, a row of a case the store does not
    hold, a trusted row that does not name its case's last record.

    Returns:
        How many rows were checked, and one line per problem.
    """
    if not isinstance(store, CaseIndex):
        return 0, ()
    trusted = trusted_bases(store.index_bases(), defs)
    reading = Reading(defs)
    try:
        rows = {r.case_id: r for r in store.index_rows()}
    except StoreIntegrityError as exc:  # a row edited out of shape: named, nothing compared
        why = str(exc).removeprefix(f"{store.name}: ").removesuffix("; run verify")
        return 0, (Message("verify.index_unread", {"detail": why}),)
    problems: list[Message] = []
    checked = 0
    chunk: list[CaseRecords] = []

    def flush() -> None:
        nonlocal checked
        try:
            built: list[Timeline | None] = list(
                build_timelines(chunk, defs=defs, source=store.name)
            )
        except _UNBUILT:
            built = [_one(group, defs, store.name, problems) for group in chunk]
        for group, timeline in zip(chunk, built, strict=True):
            if timeline is None:
                continue
            row = rows[group.case_id]
            checked += 1
            fresh = index_row(timeline, unit=unit_of(group.records), reading=reading)
            kept, made = _named(row), _named(fresh)
            wrong = [c for c in _COLUMNS if kept[c] != made[c]]
            if wrong:
                problems.append(
                    Message(
                        "verify.index_differs", {"case": group.case_id, "columns": tuple(wrong)}
                    )
                )
        chunk.clear()

    def visit(group: CaseRecords) -> None:
        seen.add(group.case_id)
        row = rows.get(group.case_id)
        if row is None:
            problems.append(Message("verify.index_missing", {"case": group.case_id}))
        elif row.basis in trusted:
            chunk.append(group)
            if len(chunk) == _BLOCK:
                flush()

    seen: set[str] = set()
    held = set(store.case_ids())
    try:
        for group in store.cases():
            visit(group)
    except StoreIntegrityError:  # an altered record (verify names it): the rest case by case
        for case_id in sorted(held - seen):
            try:
                groups = list(store.cases(only=[case_id]))
            except StoreIntegrityError as exc:
                problems.append(_unread(case_id, exc))
                continue
            for group in groups:
                visit(group)
    flush()
    problems += [
        Message("verify.index_orphan", {"case": case_id}) for case_id in sorted(rows.keys() - held)
    ]
    # every problem past the rows read names its case
    return checked, tuple(sorted(problems, key=lambda p: (str(p.params["case"]), p.code)))


def _unread(case_id: str, exc: StoreIntegrityError) -> Message:
    """A case whose row was not checked: the record of it that could not be read, or why."""
    if exc.record is None:
        return Message("verify.index_unchecked", {"case": case_id, "detail": str(exc)})
    params = {"case": case_id, "record": exc.record, "detail": str(exc)}
    return Message("verify.index_case_unread", params)


def _named(row: IndexRow) -> dict[str, Any]:
    """A row's columns by name, as the table holds them."""
    return dict(zip(INDEX_NAMES, row.row(), strict=True))


def _one(
    group: CaseRecords, defs: Definitions, source: str, problems: list[Message]
) -> Timeline | None:
    """One case's timeline, or ``None`` and a line in ``problems`` when it cannot be built."""
    try:
        return build_timelines([group], defs=defs, source=source)[0]
    except _UNBUILT as exc:
        problems.append(
            Message("verify.index_unchecked", {"case": group.case_id, "detail": str(exc)})
        )
        return None


#: The basis of the rows :func:`rows_on` makes for a read (they are never kept).
ON_DAY = "rnr.case-index/on-day"


def untrusted(store: CaseIndex, query: IndexQuery) -> list[IndexRow]:
    """The rows ``query`` does not trust whose cases it may select (:func:`rows_on` makes them).

    Of a unit's query, a row naming another unit is left out: its case's
    records name the same (a stale row names none).
    """
    found = store.index_untrusted(query)
    return [r for r in found if query.any_unit or r.stale or r.unit == query.unit]


def read_rows(
    store: CaseIndex,
    query: IndexQuery,
    *,
    reading: Reading,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[IndexRow], int]:
    """The page of rows ``query`` selects, and how many it selects in all.

    Rows the index holds and ``reading``'s definitions trust come from the
    store's own query; the cases of the others are read from their records
    on ``query.as_of`` (:func:`rows_on`) and merged in, in the query's order;
    of a unit's query, only those whose row names the unit or is stale.
    ``query.bases`` is replaced by the bases the definitions trust;
    ``progress`` is called with the number of cases made again, as they are.

    Raises:
        StoreIntegrityError: a case read from its records has an
            assessment's instrument or a decision's policy changed since it
            was written.
    """
    trusted = trusted_bases(store.index_bases(), reading.defs)
    query = attrs.evolve(query, bases=trusted)
    others = untrusted(store, query)
    if not others:
        return store.index_page(query)
    assert isinstance(store, Store)
    made = list(
        rows_on(store, others, as_of=query.as_of, reading=reading, basis=ON_DAY, progress=progress)
    )
    mine = attrs.evolve(query, bases=frozenset({ON_DAY}), offset=0, limit=None)
    fresh, extra = select_rows(made, mine)
    end = None if query.limit is None else query.offset + query.limit
    head = attrs.evolve(query, offset=0, limit=end)
    kept, total = store.index_page(head)
    merged = heapq.merge(kept, fresh, key=query.key, reverse=query.descending)
    return list(itertools.islice(merged, query.offset, end)), total + extra


def read_columns(
    store: CaseIndex,
    query: IndexQuery,
    names: Sequence[str],
    *,
    reading: Reading,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[Any, ...]]:
    """The rows ``query`` selects, each as its columns ``names`` (``case_id`` first), by case id.

    What :func:`read_rows` answers, for a reader of every row that wants a
    few columns of each: the rows ``reading``'s definitions trust in one
    narrow read of the store (:meth:`~rnr.store.caseindex.IndexReads.index_columns`;
    the query's order, offset and limit are ignored), the cases of the
    others made again from their records (:func:`rows_on`) and merged in.
    ``progress``: as :func:`read_rows`.
    """
    if names[0] != "case_id":
        raise ValueError(f"names: case_id first, to merge by (got {names[0]!r})")
    query = attrs.evolve(query, bases=trusted_bases(store.index_bases(), reading.defs))
    found = store.index_columns(query, names)
    others = untrusted(store, query)
    if not others:
        return found
    assert isinstance(store, Store)
    made = rows_on(
        store, others, as_of=query.as_of, reading=reading, basis=ON_DAY, progress=progress
    )
    fresh = column_rows(made, attrs.evolve(query, bases=frozenset({ON_DAY})), names)
    return list(heapq.merge(found, fresh, key=lambda r: str(r[0])))


#: The columns a due list reads of each row.
_DUE_NAMES = ("case_id", "record_id", "due_on", "due")


def indexed_due(
    store: CaseIndex,
    *,
    as_of: dt.date,
    reading: Reading,
    unit: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Due]:
    """The next reassessment of each case open on ``as_of`` (of ``unit``), by case id.

    Four columns of each row that holds on ``as_of``
    (:meth:`~rnr.store.caseindex.IndexReads.index_columns`), and the cases
    whose rows do not (:func:`_later_dues`). ``progress``: as :func:`read_rows`.

    Raises:
        StoreIntegrityError: a row's ``due_on``, ``due`` or ``dues`` is not
            what a row holds (a row edited by hand), naming the case and its record.
    """
    trusted = trusted_bases(store.index_bases(), reading.defs)
    query = IndexQuery(as_of, trusted, unit=unit, any_unit=unit is None, due_only=True, dated=True)
    source = store.name
    found = _later_dues(store, query, reading=reading, progress=progress)
    for case_id, record_id, due_on, due in store.index_columns(query, _DUE_NAMES):
        try:
            day = iso_day(due_on)
        except (TypeError, ValueError) as exc:
            raise refused_row(case_id, record_id, f"is out of shape ({exc})", source) from exc
        found.append(due_from(case_id, record_id, day, due, source=source))
    found.sort(key=lambda d: d.case_id)
    return iter(found)


def _later_dues(
    store: CaseIndex,
    query: IndexQuery,
    *,
    reading: Reading,
    progress: Callable[[int], None] | None = None,
) -> list[Due]:
    """The next reassessments of the cases a ``dated`` query selects whose rows do not hold.

    A row ``reading``'s definitions trust with records after the day gives
    its case's from its dues (:func:`rnr.history.dues.due_in_force`); the
    cases of the other rows, and those whose dues say only a replay knows,
    are made again (:func:`rows_on`). In no order.

    Raises:
        StoreIntegrityError: dues out of shape (a row edited by hand),
            naming the case and its record.
    """
    source = store.name
    found: list[Due] = []
    replayed: list[str] = []
    day = query.as_of.isoformat()
    for case_id, record_id, dues in store.index_dues(query):
        try:
            dated = due_in_force(case_id, dues, day, reading)
        except (RnrError, KeyError, TypeError, ValueError) as exc:
            what = f"holds dues out of shape ({exc!r})"
            raise refused_row(case_id, record_id, what, source) from exc
        if dated is REPLAY:
            replayed.append(case_id)
        elif dated is not None:
            found.append(dated)
    others = untrusted(store, query)
    if replayed:
        others = sorted([*others, *store.index_rows(only=replayed)], key=lambda r: r.case_id)
    if others:
        assert isinstance(store, Store)
        made = rows_on(
            store, others, as_of=query.as_of, reading=reading, basis=ON_DAY, progress=progress
        )
        found += (
            d for r in made if query.matches(r) and (d := due_of(r, source=source)) is not None
        )
    return found


def indexed_due_counts(
    store: CaseIndex, *, as_of: dt.date, reading: Reading
) -> tuple[int, int] | None:
    """How many open cases are due and overdue on ``as_of``, counted in the database.

    ``None`` when some rows do not hold on that day (an earlier day, a
    changed definition): their cases must be made again to be counted.
    """
    query = IndexQuery(
        as_of, trusted_bases(store.index_bases(), reading.defs), due_only=True, limit=0
    )
    if untrusted(store, query):
        return None
    return store.index_page(query)[1], store.index_page(attrs.evolve(query, overdue=True))[1]


def indexed_due_page(
    store: CaseIndex,
    *,
    as_of: dt.date,
    reading: Reading,
    limit: int,
    unit: str | None = None,
    overdue: bool = False,
    after: tuple[dt.date, str] | None = None,
) -> tuple[list[Due], bool]:
    """A page of :func:`indexed_due` in the due order (earliest first): no more is read.

    The next reassessments of the cases open on ``as_of`` (of ``unit``;
    ``overdue``: only those due before it) past ``after`` (a due date and a
    case id), ``limit`` at most, and whether more follow. The database walks
    its index of the due order from ``after``; the cases whose rows do not
    hold on ``as_of`` (:func:`_later_dues`) are merged in.
    """
    query = IndexQuery(
        as_of,
        trusted_bases(store.index_bases(), reading.defs),
        unit=unit,
        any_unit=unit is None,
        overdue=overdue,
        due_only=True,
        order="due",
        limit=limit + 1,
        after=after,
        dated=True,
    )
    source = store.name
    kept, _ = store.index_page(query)
    shown = (d for r in kept if (d := due_of(r, source=source)) is not None)

    def key(due: Due) -> tuple[dt.date, str]:
        return due.due_on, due.case_id

    later = [
        d
        for d in _later_dues(store, query, reading=reading)
        if (not overdue or d.due_on < as_of) and (after is None or key(d) > after)
    ]
    found = list(itertools.islice(heapq.merge(shown, sorted(later, key=key), key=key), limit + 1))
    return found[:limit], len(found) > limit
