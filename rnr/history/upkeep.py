"""The upkeep of the values a store keeps beside its records: checked, and filled in.

Values are kept outside the audit chain, so that a whole store reads fast:
each assessment's scores (:mod:`rnr.history.derived`), each case's timeline
(:mod:`rnr.history.timeline`), its row of the case index
(:mod:`rnr.history.caseindex`) and its shares of the yearly reports
(:mod:`rnr.history.programme`). :func:`verify_store` checks
the records and the audit chain and then recomputes every kept value a read
would use from the raw records, naming each that differs;
:func:`materialise` computes those a store lacks (one restored from an
export, or written before rnr kept them).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager

import attrs

from rnr.definitions.indicators import shipped
from rnr.errors import RnrError, StoreIntegrityError
from rnr.history.caseindex import check_index, fill_index
from rnr.history.counts import check_counts
from rnr.history.definitions import Definitions
from rnr.history.derived import check_derived, recompute
from rnr.history.programme import (
    share_years,
    shares_basis,
    year_counts,
    year_shares,
    years_around,
)
from rnr.history.summary import Reading
from rnr.history.timeline import FORMAT, Timeline, build_timelines, kept_timeline
from rnr.store.head import Head
from rnr.store.protocol import Store, Verification
from rnr.store.records import CaseDerived, CaseRecords, Derived, Stored
from rnr.text import Message

__all__ = ["check_timelines", "materialise", "verify_store"]

#: Why a case's timeline cannot be built: a changed or unknown definition, a damaged record.
_UNBUILT = (RnrError, KeyError, TypeError, ValueError)

#: Assessments scored, or cases read, per write block of :func:`materialise`.
_BLOCK = 2000

#: Gives, for what a stage of :func:`materialise` counts, a context whose function counts it.
Progress = Callable[[str], AbstractContextManager[Callable[[int], None]]]


def verify_store(
    store: Store,
    *,
    defs: Definitions,
    expect: Head | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """:meth:`Store.verify` (``progress`` as there), then every kept value checked.

    ``derived`` counts the assessments whose kept scores were recomputed,
    ``timelines`` the cases whose kept timeline was built again, ``index``
    the cases whose row of the case index was made again
    (:func:`rnr.history.caseindex.check_index`), ``shares`` the shares of
    yearly reports made again (:func:`check_timelines`); the counts of them
    each row carries, and the store's totals of those, are checked against
    them (:func:`rnr.history.counts.check_counts`).
    """
    result = store.verify(expect=expect, progress=progress)
    checked, problems = check_derived(store, defs=defs)
    cases, shares, wrong = check_timelines(store, defs=defs)
    rows, differ = check_index(store, defs=defs)
    return attrs.evolve(
        result,
        derived=checked,
        timelines=cases,
        index=rows,
        shares=shares,
        problems=(*result.problems, *problems, *wrong, *differ, *check_counts(store, shipped()[1])),
    )


def materialise(
    store: Store, *, defs: Definitions, by: str, progress: Progress | None = None
) -> int:
    """Keep every assessment's missing scores, every case's missing timeline, row and shares.

    Assessments whose instrument is not loaded, or changed since they were
    written, are left without (a bulk read rescoring them reports the
    change), and so are the timelines of their cases. Each block of
    records or cases is a write block of its own.

    Args:
        progress: for each stage, what counts it: called with what the stage
            counts (``records``: the assessments scored; ``cases``: the
            timelines, the rows of the case index, then the report shares), it gives a context
            whose function is called with the number done, a block at a time.

    Returns:
        How many records gained kept values (scores or a timeline); the
        rows of the case index and the report shares made are not counted.
    """
    stage = progress or _silent
    added = 0
    chunk: list[Stored] = []
    with stage("records") as step:
        for row in itertools.chain(_unscored(store), [None]):
            if row is not None:
                chunk.append(row)
            if chunk and (row is None or len(chunk) == _BLOCK):
                now = recompute(chunk, defs, store.name)
                with store.write(by=by) as tx:
                    for record_id, values in sorted(now.values.items()):
                        tx.derive(Derived(record_id, now.basis[record_id], values))
                added += len(now.values)
                step(len(chunk))
                chunk = []
    with stage("cases") as step:
        added += _keep_timelines(store, defs=defs, by=by, progress=step)
    with stage("cases") as step:
        fill_index(store, defs=defs, by=by, progress=step, counts=year_counts)
    with stage("cases") as step:
        _keep_shares(store, defs=defs, by=by, progress=step)
    return added


def _unscored(store: Store) -> Iterator[Stored]:
    """The assessments without kept scores.

    A case with a timeline kept on its last record has every assessment's
    scores kept (a write block keeps them with the timeline, and
    :func:`materialise` keeps them before it keeps timelines), so only the
    other cases are read; when they are most cases, every assessment is.
    """
    timelined = {f.case_id for f in store.case_derived(FORMAT) if f.derived is not None}
    rest = [c for c in store.case_ids() if c not in timelined]
    if len(rest) <= len(timelined):
        for group in store.cases(only=rest):
            kept = group.derived
            yield from (r for r in group.records if r.kind == "assessment" and r.id not in kept)
        return
    have = {d.record_id for d in store.derived()}
    yield from (r for r in store.records(kind="assessment") if r.id not in have)


@contextlib.contextmanager
def _silent(_: str) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


def _keep_timelines(
    store: Store, *, defs: Definitions, by: str, progress: Callable[[int], None]
) -> int:
    missing = [f.case_id for f in store.case_derived(FORMAT) if f.derived is None]
    added = 0
    for start in range(0, len(missing), _BLOCK):
        groups = list(store.cases(only=missing[start : start + _BLOCK]))
        # a case that cannot be built stays without: reads and verify report it
        built = [t for t in _rebuilt(groups, defs, store.name, []) if t is not None]
        with store.write(by=by) as tx:
            for timeline in built:
                tx.derive_case(timeline.case_id, Derived(timeline.last, FORMAT, timeline.doc))
        added += len(built)
        progress(len(groups))
    return added


def _keep_shares(
    store: Store, *, defs: Definitions, by: str, progress: Callable[[int], None]
) -> None:
    """Keep the report shares each case with a timeline on its last record lacks."""
    have: dict[int, set[str]] = {}  # by year, the cases whose shares are kept

    def kept(year: int) -> set[str]:
        if year not in have:
            found = store.case_derived(shares_basis(year))
            have[year] = {f.case_id for f in found if f.derived is not None}
        return have[year]

    reading = Reading(defs)
    hashes: dict[tuple[str, str], str | None] = {}
    todo: list[tuple[str, int, int, dict[str, object]]] = []
    read = 0
    for found in itertools.chain(store.case_derived(FORMAT), [None]):
        timeline = None if found is None else kept_timeline(found, defs, hashes)
        # a case's shares are made only if one of its years lacks them (about 1 ms a case)
        if timeline is not None and any(
            timeline.case_id not in kept(y) for y in share_years(timeline)
        ):
            for year, shares in year_shares(timeline, reading):
                if timeline.case_id not in kept(year):
                    todo.append((timeline.case_id, timeline.last, year, shares))
        read += found is not None
        if found is None or read == _BLOCK:
            if todo:
                with store.write(by=by) as tx:
                    for case_id, last, year, shares in todo:
                        tx.derive_case(case_id, Derived(last, shares_basis(year), shares))
            progress(read)
            todo, read = [], 0


def check_timelines(store: Store, *, defs: Definitions) -> tuple[int, int, tuple[Message, ...]]:
    """Build every kept timeline a read would use again from the records; name each that differs.

    The report shares kept on a case's last record
    (:func:`rnr.history.programme.keep_shares`) are
    made again from the timeline built so, and compared too.

    Returns:
        How many timelines and shares (a case and a year) were checked, and
        one line per difference (the case, the record it is kept on, and each
        part of a timeline, or year of shares, that differs).
    """
    checked = shared = 0
    problems: list[Message] = []
    shares = _kept_shares(store)
    reading = Reading(defs)
    chunk: dict[str, CaseDerived] = {}

    def flush() -> None:
        nonlocal checked, shared
        try:
            groups = list(store.cases(only=chunk))
        except StoreIntegrityError:  # an altered row (verify names it): read case by case
            groups = []
            for case_id in chunk:
                try:
                    groups += store.cases(only=[case_id])
                except StoreIntegrityError as exc:
                    problems.append(_unchecked(case_id, exc))
        # the records each was built from: those up to the one it is kept on
        mine = [
            CaseRecords(
                g.case_id,
                tuple(r for r in g.records if r.id <= chunk[g.case_id].last),
                g.derived,
            )
            for g in groups
        ]
        rebuilt = _rebuilt(mine, defs, store.name, problems)
        for found, fresh in zip((chunk[g.case_id] for g in mine), rebuilt, strict=True):
            if fresh is None:
                continue
            kept_shares = {
                year: digest
                for year, of_year in shares.items()
                if (digest := of_year.get((found.case_id, found.last))) is not None
            }
            shared += len(kept_shares)
            problems.extend(_unlike_shares(found, fresh, kept_shares, reading))
            if found.derived is None:  # shares kept without their timeline
                continue
            checked += 1
            kept = json.loads(found.derived.text)
            now = json.loads(json.dumps(dict(fresh.doc)))  # the form it is kept in
            for part in sorted(set(kept) | set(now)):
                if kept.get(part) != now.get(part):
                    where = {"case": found.case_id, "record": found.last}
                    problems.append(Message("verify.timeline_differs", {**where, "part": part}))
        chunk.clear()

    sharing = {key for of_year in shares.values() for key in of_year}
    for found in store.case_derived(FORMAT):
        if found.derived is None and (found.case_id, found.last) not in sharing:
            continue
        chunk[found.case_id] = found
        if len(chunk) == _BLOCK:
            flush()
    if chunk:
        flush()
    return checked, shared, tuple(problems)


def _kept_shares(store: Store) -> dict[int, dict[tuple[str, int], bytes]]:
    """By year, the digest of each case's kept report shares, by case and record kept on.

    The years are those a kept timeline's case keeps shares of
    (:func:`~rnr.history.programme.years_around` its latest record's year).
    """
    years: set[int] = set()
    for found in store.case_derived(FORMAT):
        if found.derived is not None and isinstance(found.derived.values, Mapping):
            latest = str(found.derived.values.get("latest_on", ""))[:4]
            if latest.isdigit():
                years.update(years_around(int(latest)))
    return {
        year: {
            (f.case_id, f.last): _digest(f.derived.text)
            for f in store.case_derived(shares_basis(year))
            if f.derived is not None
        }
        for year in sorted(years)
    }


def _unlike_shares(
    found: CaseDerived, fresh: Timeline, kept: Mapping[int, bytes], reading: Reading
) -> list[Message]:
    """A line for each year whose shares kept on the case's last record are not ``fresh``'s."""
    now = {
        year: _digest(Derived(fresh.last, shares_basis(year), shares).text)
        for year, shares in year_shares(fresh, reading)
    }
    return [
        Message(
            "verify.shares_differ" if year in now else "verify.shares_year",
            {"case": found.case_id, "year": year, "record": found.last},
        )
        for year, digest in sorted(kept.items())
        if now.get(year) != digest
    ]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _rebuilt(
    groups: list[CaseRecords], defs: Definitions, source: str, problems: list[Message]
) -> list[Timeline | None]:
    """The timelines of ``groups``, built in one batch; case by case if one cannot be.

    A case that cannot be built (a changed or unknown definition, a damaged
    record) gets ``None``, and a line in ``problems``.
    """
    try:
        return list(build_timelines(groups, defs=defs, source=source))
    except _UNBUILT:
        pass
    out: list[Timeline | None] = []
    for group in groups:
        try:
            out += build_timelines([group], defs=defs, source=source)
        except _UNBUILT as exc:
            problems.append(_unchecked(group.case_id, exc))
            out.append(None)
    return out


def _unchecked(case_id: str, exc: BaseException) -> Message:
    """A case whose timeline could not be built, and why: a record that cannot be read, or not."""
    record = exc.record if isinstance(exc, StoreIntegrityError) else None
    if record is None:
        return Message("verify.timeline_unchecked", {"case": case_id, "detail": str(exc)})
    return Message(
        "verify.timeline_unread", {"case": case_id, "record": record, "detail": str(exc)}
    )
