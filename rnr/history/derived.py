"""The scores of every assessment, kept beside it in the store and checked against it.

Writing an assessment, the service keeps what its answers score to beside
the record, as :class:`~rnr.store.Derived` values keyed by the instrument
version's SHA-256: the primary scale's total and level, whether the result
is provisional, every domain's total and need, the dynamic total and the
criminogenic needs (:func:`assessment_values`), with the record's
instrument version and assessor (:func:`kept_values`). A bulk read of the store
(:func:`rnr.history.bulk.summarize`) takes them instead of parsing and
rescoring the answers. They are not trusted blindly: :func:`check_derived`
(part of :func:`rnr.history.upkeep.verify_store`) recomputes every one
from its raw record, in batches per instrument version, and names each
that differs; :func:`rnr.history.upkeep.materialise` computes those a
store lacks (one restored from an export, or written before rnr kept them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from rnr.cases.parse import Case, norm_group_for, parse_case, score_case
from rnr.definitions.instrument import Instrument
from rnr.errors import HistoryError, RnrError, StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.scoring.batch import score_batch
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import is_criminogenic
from rnr.store.protocol import Store
from rnr.store.records import Derived, Stored
from rnr.text import Message

__all__ = [
    "assessment_values",
    "check_derived",
    "derived_of",
    "kept_values",
    "recompute",
    "score_values",
]

#: Assessments scored together by :func:`check_derived`.
_BLOCK = 5000


def assessment_values(result: ScoreResult) -> dict[str, Any]:
    """What one assessment scores to, as kept beside its record (JSON-ready)."""
    primary = result.scales[result.primary_scale]
    domains = result.domains.values()
    return {
        "total": primary.raw,
        "level": primary.level,
        "provisional": result.provisional,
        "domains": {d.id: d.total for d in domains},
        "needs": {d.id: d.need for d in domains},
        "dynamic": sum(d.total for d in domains if d.factor == "dynamic"),
        "criminogenic": sorted(result.criminogenic_needs),
    }


def kept_values(row: Stored, scores: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept beside the assessment ``row``: its ``scores``, its instrument and assessor.

    The two copied fields let a bulk read group and count assessments
    without decoding their answers; verify compares them with the record too.
    """
    return {
        **scores,
        "instrument": str(row.data["instrument"]),
        "assessor": row.data.get("assessor"),
    }


def derived_of(stored: Stored, result: ScoreResult, instrument: Instrument) -> Derived:
    """The derived values of the assessment ``stored``, scored as ``result``."""
    return Derived(stored.id, instrument.sha256, kept_values(stored, assessment_values(result)))


def score_values(
    instrument: Instrument, cases: Sequence[Case], defs: Definitions
) -> list[tuple[dict[str, Any], ScoreResult | None]]:
    """:func:`assessment_values` of many cases of one instrument version, in batch.

    Each comes with its full result when it was scored alone (an instrument
    with age items, whose points depend on dates the batch does not read).
    """
    if any(i.kind == "age" for i in instrument.items):
        out: list[tuple[dict[str, Any], ScoreResult | None]] = []
        for case in cases:
            result = score_case(case, defs.library, instrument.ref)
            out.append((assessment_values(result), result))
        return out
    columns = {i.id: [case.responses.get(i.id) for case in cases] for i in instrument.items}
    batch = score_batch(
        instrument,
        columns,
        norm_group=(
            [str(norm_group_for(case, instrument)) for case in cases]
            if instrument.norm_groups
            else None
        ),
        case_ids=[case.case_id for case in cases],
    )
    scale = instrument.primary_scale
    totals = batch.raw(scale).tolist()
    levels = batch.level(scale).tolist() if instrument.scales[scale].levels else [None] * len(cases)
    flags = batch.provisional.tolist()
    domains = instrument.domains
    points = [batch.domain_total(d.id).tolist() for d in domains]
    needs = [batch.need(d.id).tolist() for d in domains]
    dynamic = [n for n, d in enumerate(domains) if d.factor == "dynamic"]
    return [
        (
            {
                "total": int(totals[row]),
                "level": levels[row],
                "provisional": bool(flags[row]),
                "domains": {d.id: int(points[n][row]) for n, d in enumerate(domains)},
                "needs": {d.id: needs[n][row] for n, d in enumerate(domains)},
                "dynamic": sum(int(points[n][row]) for n in dynamic),
                "criminogenic": sorted(
                    d.id
                    for n, d in enumerate(domains)
                    if is_criminogenic(instrument, d.factor, needs[n][row], int(points[n][row]))
                ),
            },
            None,
        )
        for row in range(len(cases))
    ]


@attrs.frozen
class Recomputed:
    """The values every readable assessment of a store scores to now, and what could not be."""

    values: Mapping[int, dict[str, Any]]
    basis: Mapping[int, str]
    problems: tuple[Message, ...]


def recompute(rows: Iterable[Stored], defs: Definitions, source: str) -> Recomputed:
    """Score every assessment of ``rows`` from its raw answers, per instrument version."""
    groups: dict[str, list[tuple[Stored, Case]]] = defaultdict(list)
    problems: list[Message] = []
    for row in rows:
        try:
            case = parse_case(dict(row.data["document"]), file=f"{source}#{row.id}")
            groups[str(row.data["instrument"])].append((row, case))
        except (RnrError, KeyError, TypeError) as exc:
            problems.append(Message("verify.unscorable", {"record": row.id, "detail": str(exc)}))
    values: dict[int, dict[str, Any]] = {}
    basis: dict[int, str] = {}
    for ref, members in groups.items():
        try:
            instrument = defs.library.get(ref)
        except RnrError:
            problems += [
                Message("verify.instrument_unknown", {"record": row.id, "instrument": ref})
                for row, _ in members
            ]
            continue
        changed = {
            row.id for row, _ in members if row.data.get("instrument_sha256") != instrument.sha256
        }
        problems += [
            Message("verify.instrument_changed", {"record": record_id, "instrument": ref})
            for record_id in sorted(changed)
        ]
        kept = [(row, case) for row, case in members if row.id not in changed]
        scored = score_values(instrument, [case for _, case in kept], defs)
        for (row, _), (found, _) in zip(kept, scored, strict=True):
            values[row.id] = kept_values(row, found)
            basis[row.id] = instrument.sha256
    return Recomputed(values, basis, tuple(problems))


def _compare(
    pairs: Sequence[tuple[Stored, Derived]], defs: Definitions, source: str
) -> list[Message]:
    """The problems of kept values against what their assessments score to now."""
    now = recompute([row for row, _ in pairs], defs, source)
    problems = list(now.problems)
    for row, derived in pairs:
        if row.id not in now.values:
            continue
        if derived.basis != now.basis[row.id]:
            held = {"record": row.id, "basis": derived.basis[:12]}
            problems.append(
                Message("verify.scores_basis", {**held, "expected": now.basis[row.id][:12]})
            )
            continue
        fresh = now.values[row.id]
        stored = dict(derived.values)
        for field in sorted(set(fresh) | set(stored)):
            if fresh.get(field) != stored.get(field):
                values = {"kept": repr(stored.get(field)), "now": repr(fresh.get(field))}
                problems.append(
                    Message("verify.scores_differ", {"record": row.id, "field": field, **values})
                )
    return problems


def _kept_pairs(store: Store) -> Iterator[tuple[Stored, Derived]]:
    """Every record with kept values, and them, case by case (:meth:`Store.cases`)."""
    for group in store.cases():
        for row in group.records:
            derived = group.derived.get(row.id)
            if derived is not None:
                yield row, derived


def _kept_pairs_one_by_one(store: Store) -> Iterator[tuple[Stored, Derived]]:
    """The same, reading each record alone, past those that cannot be read (verify names them)."""
    for derived in store.derived():
        try:
            row = store.get(derived.record_id)
        except (StoreIntegrityError, HistoryError):
            continue
        yield row, derived


def check_derived(store: Store, *, defs: Definitions) -> tuple[int, tuple[Message, ...]]:
    """Recompute every derived value of ``store`` from its raw record; name each that differs.

    The store is read case by case and checked :data:`_BLOCK` assessments at
    a time (one batch per instrument version each), so what is held does not
    grow with the store. A store with an altered row is read record by
    record instead, so that every other kept value is still checked.

    Returns:
        How many records' derived values were checked, and one line per
        problem: values kept for a record that is not an assessment,
        computed on another basis, or that differ from what the record's
        answers score to (each differing field named, with both values).
    """
    try:
        return _check(_kept_pairs(store), defs, store.name)
    except StoreIntegrityError:
        return _check(_kept_pairs_one_by_one(store), defs, store.name)


def _check(
    pairs: Iterable[tuple[Stored, Derived]], defs: Definitions, source: str
) -> tuple[int, tuple[Message, ...]]:
    problems: list[Message] = []
    checked = 0
    chunk: list[tuple[Stored, Derived]] = []
    for row, derived in pairs:
        checked += 1
        if row.kind != "assessment":
            problems.append(Message("verify.scores_not_assessment", {"record": row.id}))
            continue
        chunk.append((row, derived))
        if len(chunk) == _BLOCK:
            problems += _compare(chunk, defs, source)
            chunk = []
    problems += _compare(chunk, defs, source)
    return checked, tuple(problems)
