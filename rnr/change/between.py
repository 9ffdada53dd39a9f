"""Compare two assessments of one person: deltas, transitions, reliable change.

>>> import datetime as dt
>>> import rnr
>>> from rnr.change import compare
>>> lscmi = rnr.default_library().get("lscmi@1.0.0")
>>> ids = [item.id for item in lscmi.scored_items]
>>> def assess(n, day):
...     answers = {i: k < n for k, i in enumerate(ids)}
...     return rnr.score(lscmi, answers, assessed_on=day, norm_group="male")
>>> change = compare(assess(14, dt.date(2024, 3, 1)), assess(14, dt.date(2024, 9, 2)))
>>> change.basis, change.days, change.primary.delta, change.primary.reliable
('same_version', 185, 0, 'not_computable')
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from rnr.change.delta import (
    Change,
    DataError,
    DomainChange,
    ScaleChange,
    level_transition,
)
from rnr.change.pairing import Pairing, pair_items
from rnr.change.rci import reliable_change_index
from rnr.definitions.crosswalk import Crosswalk, find_crosswalk
from rnr.definitions.instrument import Instrument, Item, Reliability
from rnr.definitions.library import Library, default_library
from rnr.definitions.reliability import check_reliability
from rnr.errors import ChangeError, InvalidArgumentError, ScoringInputError
from rnr.scoring.result import Answer, ScoreResult
from rnr.scoring.single import item_points
from rnr.text import Message

__all__ = ["compare", "instrument_of"]


def instrument_of(library: Library, result: ScoreResult, which: str) -> Instrument:
    """The exact instrument version that scored ``result``.

    Raises:
        UnknownInstrumentError: the library lacks that version.
        ChangeError: the library's version has another content hash.
    """
    ref = result.instrument
    instrument = library.get(f"{ref.id}@{ref.version}")
    if instrument.sha256 != ref.sha256:
        msg = (
            f"{which}: the result was scored with {ref} sha256 {ref.sha256[:12]}, but the"
            f" library's {instrument.ref} has sha256 {instrument.sha256[:12]}; rescore the"
            " responses, or compare with the library holding the original file"
        )
        raise ChangeError(msg, previous=str(ref), current=instrument.ref)
    return instrument


def compare(
    previous: ScoreResult,
    current: ScoreResult,
    *,
    library: Library | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    crosswalk: Crosswalk | None = None,
) -> Change:
    """What changed from ``previous`` to ``current``.

    Args:
        previous: the earlier assessment.
        current: the later assessment (assessed strictly after ``previous``).
        library: where the instruments of both results are found (default:
            :func:`rnr.default_library`); each result's content hash must match.
        reliability: per scale id, figures (an agency's own study) that
            replace the instrument's declared ``Scale.reliability``.
        crosswalk: the crosswalk from the previous version to the current
            one; by default one kept beside either version is used.

    Returns:
        The change, scale by scale and domain by domain, with the static
        items whose points fell reported as data errors.

    Raises:
        InvalidArgumentError: the dates are not in order, the results carry
            different case ids, a reliability figure is unusable or names no
            compared scale, or the crosswalk is for other versions.
        ChangeError: the results cannot be compared (a changed definition,
            other instruments without a crosswalk, nothing shared).
        UnknownInstrumentError: the library lacks a result's instrument.
    """
    if not current.assessed_on > previous.assessed_on:
        raise InvalidArgumentError(
            "current.assessed_on",
            current.assessed_on,
            f"a date after previous.assessed_on ({previous.assessed_on}): pass the earlier"
            " assessment first",
        )
    if None not in (previous.case_id, current.case_id) and previous.case_id != current.case_id:
        raise InvalidArgumentError(
            "current.case_id",
            current.case_id,
            f"the case of the previous assessment ({previous.case_id}): compare one person's"
            " assessments",
        )
    library = library if library is not None else default_library()
    old = instrument_of(library, previous, "previous")
    new = instrument_of(library, current, "current")
    if crosswalk is not None and (crosswalk.from_ref, crosswalk.to_ref) != (old.ref, new.ref):
        expected = f"a crosswalk from {old.ref} to {new.ref}"
        raise InvalidArgumentError("crosswalk", str(crosswalk), expected)
    if crosswalk is None and old.ref != new.ref:
        crosswalk = find_crosswalk(library, old.ref, new.ref)
    pairing = pair_items(old, new, crosswalk)
    scale_ids = [s for s in new.scales if s in old.scales]
    if new.primary_scale not in scale_ids:
        msg = (
            f"cannot compare {old.ref} with {new.ref}: the primary scale"
            f" {new.primary_scale!r} of {new.ref} is not a scale of {old.ref}"
        )
        raise ChangeError(msg, previous=old.ref, current=new.ref)
    figures = _figures(reliability, scale_ids)
    return Change(
        previous=previous.instrument,
        current=current.instrument,
        previous_on=previous.assessed_on,
        current_on=current.assessed_on,
        basis=pairing.basis,
        items_compared=tuple(c for _, c in pairing.pairs),
        scales={
            s: _scale(s, (previous, current), (old, new), pairing=pairing, given=figures.get(s))
            for s in scale_ids
        },
        domains=_domains(previous, current, old, new, pairing),
        primary_scale=new.primary_scale,
        data_errors=_data_errors(previous, current, old, new, pairing),
        items_left_out=pairing.left_out,
        renamed=pairing.renamed,
        crosswalk=(crosswalk.path or str(crosswalk)) if crosswalk is not None else None,
        case_id=current.case_id if current.case_id is not None else previous.case_id,
    )


def _figures(given: Mapping[str, Reliability] | None, scales: list[str]) -> dict[str, Reliability]:
    out: dict[str, Reliability] = {}
    for scale, figures in (given or {}).items():
        if scale not in scales:
            raise InvalidArgumentError(
                "reliability", scale, "a compared scale id: " + ", ".join(scales)
            )
        check_reliability(figures, argument=f"reliability[{scale!r}]")
        out[scale] = figures
    return out


def _points(result: ScoreResult) -> dict[str, Mapping[str, int]]:
    points = {i.id: i.points for i in result.items}
    points.update({t.id: t.points for t in result.terms})
    return points


def _open(result: ScoreResult) -> set[str]:
    """Items omitted and terms left undecided by omissions."""
    return {i.id for i in result.items if i.omitted} | {
        t.id for t in result.terms if t.holds is None
    }


def _scale(
    scale: str,
    results: tuple[ScoreResult, ScoreResult],
    instruments: tuple[Instrument, Instrument],
    *,
    pairing: Pairing,
    given: Reliability | None,
) -> ScaleChange:
    (previous, current), (old, new) = results, instruments
    before, after = previous.scales[scale], current.scales[scale]
    if pairing.basis == "same_version":
        x1, x2 = before.raw, after.raw
    else:
        p1, p2 = _points(previous), _points(current)
        x1 = sum(p1[p].get(scale, 0) for p, _ in pairing.pairs)
        x2 = sum(p2[c].get(scale, 0) for _, c in pairing.pairs)
    levels = new.scales[scale].levels
    transition = level_transition(levels, before.level, after.level)
    feeding_new, feeding_old = new.contributors.get(scale, ()), old.contributors.get(scale, ())
    compared_new, compared_old = pairing.current_ids, pairing.previous_ids
    shared_new = [c for c in feeding_new if c in compared_new]
    shared_old = [p for p in feeding_old if p in compared_old]
    figures = given or new.scales[scale].reliability or old.scales[scale].reliability
    change = ScaleChange(
        scale=scale, previous=x1, current=x2, delta=x2 - x1,
        previous_level=before.level, current_level=after.level, transition=transition,
        rci=None, reliable="not_computable", reliability=figures, levels=levels,
        items_compared=len(shared_new), items_total=len(feeding_new),
    )  # fmt: skip
    why = None
    if (len(shared_new), len(shared_old)) != (len(feeding_new), len(feeding_old)):
        why = Message(
            "change.partial_scale",
            {
                "scale": scale,
                "compared": len(shared_new),
                "items": len(feeding_new),
                "current": new.ref,
                "previous_compared": len(shared_old),
                "previous_items": len(feeding_old),
                "previous": old.ref,
            },
        )
    why = why or _provisional(scale, previous, set(shared_old), "previous")
    why = why or _provisional(scale, current, set(shared_new), "current")
    if why is None and figures is None:
        why = Message("change.reliability_missing", {"instrument": new.ref, "scale": scale})
    if why is not None or figures is None:
        return attrs.evolve(change, why=why)
    rc = reliable_change_index(x2 - x1, figures)
    return attrs.evolve(change, rci=rc.rci, reliable=rc.category, sem=rc.sem, s_diff=rc.s_diff)


def _provisional(scale: str, result: ScoreResult, feeding: set[str], which: str) -> Message | None:
    """Why an assessment's total cannot carry an index: omitted items feed the scale."""
    missing = sorted(_open(result) & feeding)
    if not missing:
        return None
    return Message(f"change.provisional_{which}", {"scale": scale, "omitted": tuple(missing)})


def _domains(
    previous: ScoreResult,
    current: ScoreResult,
    old: Instrument,
    new: Instrument,
    pairing: Pairing,
) -> dict[str, DomainChange]:
    out: dict[str, DomainChange] = {}
    p1, p2 = _points(previous), _points(current)
    for domain in new.domains:
        if domain.id not in previous.domains or domain.id not in current.domains:
            continue
        before, after = previous.domains[domain.id], current.domains[domain.id]
        if pairing.basis == "same_version":
            x1, x2 = before.total, after.total
        else:
            members_old = set(old.domain(domain.id).items)
            members_new = set(domain.items)
            x1 = sum(p1[p].get(old.primary_scale, 0) for p, _ in pairing.pairs if p in members_old)
            x2 = sum(p2[c].get(new.primary_scale, 0) for _, c in pairing.pairs if c in members_new)
        out[domain.id] = DomainChange(
            domain.id, domain.factor, x1, x2, x2 - x1, before.need, after.need
        )
    return out


def _said(answer: Answer) -> Message | Answer:
    """An answer as a sentence shows it: yes or no in the reader's words, else itself."""
    if isinstance(answer, bool):
        return Message("change.answer.yes" if answer else "change.answer.no")
    return answer


def _data_errors(
    previous: ScoreResult,
    current: ScoreResult,
    old: Instrument,
    new: Instrument,
    pairing: Pairing,
) -> tuple[DataError, ...]:
    """Static items (not ages) answered both times whose points fell on some scale."""
    errors = []
    answers_old = {i.id: i for i in previous.items}
    answers_new = {i.id: i for i in current.items}
    for p, c in pairing.pairs:
        if not (old.has_item(p) and new.has_item(c)):
            continue  # a term
        item_old, item_new = old.item(p), new.item(c)
        kinds = (item_old.kind, item_new.kind)
        if item_old.factor != "static" or item_new.factor != "static" or "age" in kinds:
            continue
        a, b = answers_old[p], answers_new[c]
        if a.omitted or b.omitted or a.answer is None or b.answer is None:
            continue
        before = _rescored(item_new, a.answer, a.points)
        fell = {
            s: (before.get(s, 0), b.points.get(s, 0))
            for s in sorted(set(before) | set(b.points))
            if b.points.get(s, 0) < before.get(s, 0)
        }
        if not fell:
            continue
        points = tuple(f"{s} {x}→{y}" for s, (x, y) in fell.items())
        message = Message(
            "change.static_fell",
            {
                "item": c,
                "previous": _said(a.answer),
                "current": _said(b.answer),
                "points": points,
            },
        )
        errors.append(
            DataError(item=c, previous=a.answer, current=b.answer, message=message, points=fell)
        )
    return tuple(errors)


def _rescored(item: Item, answer: Answer, own: Mapping[str, int]) -> Mapping[str, int]:
    """The earlier answer's points under the later version's scoring (its own if invalid)."""
    try:
        normalized = item.normalize(answer)
    except ScoringInputError:
        return own
    return item_points(item, normalized)[1]
