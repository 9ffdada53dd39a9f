"""Score one case: exact, explainable, provisional when items are omitted.

>>> import datetime as dt
>>> from rnr import default_library, score
>>> psa = default_library().get("psa@1.0.0")
>>> answers = {"age_at_arrest": 21, "current_violent": True, "pending_charge": False,
...            "prior_misdemeanor": False, "prior_felony": True, "prior_violent_convictions": 1,
...            "prior_fta_past_2y": 0, "prior_fta_older": False, "prior_incarceration": True}
>>> result = score(psa, answers, assessed_on=dt.date(2024, 5, 2))
>>> fta, nca, nvca = (result.scales[s] for s in ("fta", "nca", "nvca"))
>>> (fta.raw, fta.scaled), (nca.raw, nca.scaled), (nvca.raw, nvca.flag)
((1, 2), (6, 4), (4, True))
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence

import attrs

from rnr.definitions.conditions import Value
from rnr.definitions.instrument import SEXES, Instrument, Item, Scale, Term
from rnr.definitions.ref import Ref
from rnr.errors import OmissionError, ScoringInputError
from rnr.scoring._prepared import Prepared, item_score, prepared
from rnr.scoring.result import (
    Bounds,
    DomainScore,
    ItemScore,
    ScaleScore,
    ScoreResult,
    Step,
    TermScore,
)
from rnr.text import Message

__all__ = [
    "age_in_years",
    "check_norm_group",
    "check_population",
    "is_criminogenic",
    "normalize_responses",
    "omission_error",
    "score",
    "sum_bounds",
]

Answers = Mapping[str, Value | None]


def age_in_years(birth_date: dt.date, on: dt.date) -> int:
    """Completed years between ``birth_date`` and ``on``.

    >>> age_in_years(dt.date(2000, 5, 2), dt.date(2024, 5, 1))
    23
    >>> age_in_years(dt.date(2000, 5, 2), dt.date(2024, 5, 2))
    24
    """
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_norm_group(instrument: Instrument, norm_group: str | None) -> None:
    """Raise unless ``norm_group`` fits the instrument's norm groups."""
    groups = instrument.norm_groups
    if groups and norm_group not in groups:
        msg = (
            f"{instrument.ref} needs a norm group: got {norm_group!r}, "
            f"expected one of {', '.join(groups)}"
        )
        raise ScoringInputError(
            msg,
            item="norm_group",
            value=norm_group,
            expected=", ".join(groups),
            code="case.value.invalid",
        )
    if not groups and norm_group is not None:
        msg = f"{instrument.ref} has no norm groups: got norm_group={norm_group!r}, expected none"
        raise ScoringInputError(
            msg, item="norm_group", value=norm_group, expected="none", code="case.value.invalid"
        )


def check_population(
    instrument: Instrument,
    *,
    assessed_on: dt.date,
    birth_date: dt.date | None = None,
    sex: str | None = None,
) -> tuple[Message, ...]:
    """Whether the person is within the population the instrument declares.

    The age in whole years on ``assessed_on`` (known from ``birth_date``) must
    lie within ``population.min_age`` and ``max_age``; ``sex`` must be one of
    ``population.sex`` when the instrument lists any. What is not given is
    not checked. Outside, ``population.outside`` decides, as the instrument's
    manual directs: ``warning`` gives coded messages for the result
    (``score.population.sex``, ``score.population.age``), ``error`` raises.

    Raises:
        ScoringInputError: the person is outside and the instrument says ``error``.
    """
    pop = instrument.population
    problems = [
        p
        for p in (
            _outside_sex(instrument, sex),
            _outside_age(instrument, assessed_on=assessed_on, birth_date=birth_date),
        )
        if p is not None
    ]
    if not problems:
        return ()
    if pop.get("outside") == "error":
        detail = "; ".join(f"{p.field}: got {p.value!r}, expected {p.expected}" for p in problems)
        source = f" ({pop['source']})" if pop.get("source") else ""
        msg = f"{instrument.ref} is not to be scored for this person: {detail}{source}"
        first = problems[0]
        raise ScoringInputError(
            msg,
            item=first.field,
            value=first.value,
            expected=first.expected,
            code="case.population",
        )
    return tuple(p.message for p in problems)


@attrs.frozen
class _Outside:
    """One way a person is outside an instrument's population."""

    field: str
    value: object
    expected: str
    message: Message


def _outside_sex(instrument: Instrument, sex: str | None) -> _Outside | None:
    allowed = tuple(instrument.population.get("sex") or ())
    given = sex.strip().lower() if isinstance(sex, str) else ""
    if not allowed or not given or given in allowed:
        return None
    params: dict[str, object] = {
        "instrument": instrument.ref,
        "sex": Message(f"score.sex.{given}") if given in SEXES else given,
        "allowed": tuple(Message(f"score.sexes.{s}") for s in allowed),
    }
    return _Outside(
        "person.sex", sex, " or ".join(allowed), Message("score.population.sex", params)
    )


def _outside_age(
    instrument: Instrument, *, assessed_on: dt.date, birth_date: dt.date | None
) -> _Outside | None:
    lo, hi = instrument.population.get("min_age"), instrument.population.get("max_age")
    if birth_date is None or not isinstance(lo, int):
        return None
    age = age_in_years(birth_date, assessed_on)
    top = hi if isinstance(hi, int) else None
    if lo <= age and (top is None or age <= top):
        return None
    params: dict[str, object] = {"instrument": instrument.ref, "age": age, "min_age": lo}
    if top is None:
        expected, code = f"{lo} or over", "score.population.age_min"
    else:
        expected, code = f"{lo} to {top}", "score.population.age"
        params["max_age"] = top
    return _Outside(
        "person.birth_date",
        birth_date.isoformat(),
        f"an age of {expected} years on {assessed_on.isoformat()} (got {age})",
        Message(code, params),
    )


def normalize_responses(
    instrument: Instrument,
    responses: Mapping[str, object],
    *,
    assessed_on: dt.date,
    birth_date: dt.date | None = None,
    dates: Mapping[str, dt.date] | None = None,
) -> dict[str, Value | None]:
    """Check every answer and return one per item (``None`` where omitted).

    Age items left unanswered are computed from ``birth_date`` and the date the
    item names (``assessed_on`` or an entry of ``dates``) when both are known.
    """
    ids = prepared(instrument).ids
    for key in responses:
        if key not in ids:
            known = ", ".join(i.id for i in instrument.items)
            computed = (
                " (it is computed from other answers)"
                if any(t.id == key for t in instrument.terms)
                else ""
            )
            msg = f"unknown item {key!r} for {instrument.ref}{computed}; known items: {known}"
            raise ScoringInputError(
                msg,
                item=key,
                value=responses[key],
                expected=f"an item of {instrument.ref}",
                code="case.item.unknown",
            )
    answers: dict[str, Value | None] = {}
    for item in instrument.items:
        raw = responses.get(item.id)
        if raw is None and item.kind == "age" and birth_date is not None:
            raw = _computed_age(item, birth_date, assessed_on, dates or {})
        if raw is None or (type(raw) is bool and item.kind == "boolean"):
            answers[item.id] = raw  # what item.normalize gives a yes/no answer
        else:
            answers[item.id] = item.normalize(raw)
    return answers


def _computed_age(
    item: Item, birth_date: dt.date, assessed_on: dt.date, dates: Mapping[str, dt.date]
) -> int | None:
    on = assessed_on if item.age_at == "assessed_on" else dates.get(item.age_at or "")
    if on is None:
        return None
    if birth_date > on:
        msg = f"item {item.id}: birth date {birth_date} is after {item.age_at} {on}"
        raise ScoringInputError(
            msg,
            item=item.id,
            value=birth_date.isoformat(),
            expected=f"a birth date before {on}",
            code="case.date.invalid",
        )
    return age_in_years(birth_date, on)


def score(
    instrument: Instrument,
    responses: Mapping[str, object],
    *,
    assessed_on: dt.date,
    norm_group: str | None = None,
    birth_date: dt.date | None = None,
    dates: Mapping[str, dt.date] | None = None,
    case_id: str | None = None,
    sex: str | None = None,
) -> ScoreResult:
    """Score one case.

    Args:
        instrument: the instrument version to score with.
        responses: item id → answer; a missing key or ``None`` is an omission.
        assessed_on: the assessment date.
        norm_group: the norm group, required when the instrument has norm groups.
        birth_date: lets ``age`` items be computed from dates.
        dates: named dates for ``age`` items, e.g. ``{"arrest_date": ...}``.
        case_id: carried into the result and into error messages.
        sex: the person's sex (``person.sex`` of a case file), checked
            against the population the instrument declares.

    Returns:
        The frozen :class:`~rnr.scoring.result.ScoreResult`; its ``warnings``
        say when the person is outside the instrument's population
        (:func:`check_population`).

    Raises:
        ScoringInputError: an unknown item, a wrong type, an out-of-range value,
            a bad norm group, or a person outside a population the instrument
            refuses to score.
        OmissionError: more items omitted than a scale or domain allows.
    """
    try:
        check_norm_group(instrument, norm_group)
        warnings = check_population(
            instrument, assessed_on=assessed_on, birth_date=birth_date, sex=sex
        )
        answers = normalize_responses(
            instrument, responses, assessed_on=assessed_on, birth_date=birth_date, dates=dates
        )
        check_omissions(instrument, answers)
    except ScoringInputError as exc:
        exc.case_id = case_id
        raise
    result = build_result(
        instrument, answers, assessed_on=assessed_on, norm_group=norm_group, case_id=case_id
    )
    return attrs.evolve(result, warnings=warnings) if warnings else result


def check_omissions(instrument: Instrument, answers: Answers) -> None:
    """Raise :class:`OmissionError` when a scale or domain has too many omissions."""
    missing = [i for i in instrument.scored_items if answers.get(i.id) is None]
    if not missing:
        return
    for sid, scale in instrument.scales.items():
        feeding = [i.id for i in missing if instrument.feeds(i, sid)]
        if len(feeding) > scale.max_omitted:
            raise omission_error(f"scale {sid}", feeding, scale.max_omitted)
    for domain in instrument.domains:
        if domain.max_omitted is None:
            continue
        inside = [i.id for i in missing if i.domain == domain.id]
        if len(inside) > domain.max_omitted:
            raise omission_error(f"domain {domain.id}", inside, domain.max_omitted)


def omission_error(
    scope: str, missing: Sequence[str], limit: int, *, where: str | None = None
) -> OmissionError:
    """The error for ``missing`` items, more than ``scope`` allows.

    Its code is ``case.omissions``, or ``case.item.missing`` when ``scope``
    allows no omission at all (every item in it is required).

    Args:
        scope: ``"scale fta"`` or ``"domain family"``.
        missing: the omitted items that count against the limit, in instrument order.
        limit: how many may be omitted.
        where: the row or case of a batch, put before the message when given.
    """
    msg = (
        f"{scope}: {len(missing)} items omitted, at most {limit} allowed; "
        f"missing: {', '.join(missing)}"
    )
    return OmissionError(
        f"{where}: {msg}" if where else msg,
        missing=missing,
        limit=limit,
        scope=scope,
        code="case.item.missing" if limit == 0 else "case.omissions",
    )


def item_points(item: Item, answer: Value | None) -> tuple[str | None, Mapping[str, int]]:
    """The outcome key and points of one answer (no points when omitted)."""
    if answer is None:
        return None, {}
    outcome = item.outcomes[item.outcome_index(answer)]
    return outcome.key, outcome.points


def sum_bounds(
    instrument: Instrument,
    answers: Answers,
    scale: str,
    items: Iterable[Item],
    terms: Iterable[Term],
) -> tuple[int, int]:
    """Lowest and highest sum of ``items`` and ``terms`` over every completion.

    Omitted items that no open term reads add their own lowest and highest
    points; the ones an open term reads are enumerated together, one answer
    per class of answers that score alike, so the bounds are exact.
    """
    items = tuple(items)
    lo = hi = 0
    open_terms: list[Term] = []
    for term in terms:
        points = term.points.get(scale, 0)
        truth = term.when.evaluate(answers)
        if truth is True:
            lo, hi = lo + points, hi + points
        elif truth is None and points:
            open_terms.append(term)
    entangled = sorted({a for t in open_terms for a in t.items if answers.get(a) is None})
    in_sum = {i.id for i in items}
    for item in items:
        answer = answers.get(item.id)
        if answer is not None:
            points = item_points(item, answer)[1].get(scale, 0)
            lo, hi = lo + points, hi + points
        elif item.id not in entangled:
            lo, hi = lo + item.min_points(scale), hi + item.max_points(scale)
    if not entangled:
        return lo, hi
    choices = [
        instrument.item(i).representatives(instrument.thresholds.get(i, ())) for i in entangled
    ]
    sums = []
    for combo in itertools.product(*choices):
        filled = {**answers, **dict(zip(entangled, combo, strict=True))}
        total = sum(
            item_points(instrument.item(i), v)[1].get(scale, 0)
            for i, v in zip(entangled, combo, strict=True)
            if i in in_sum
        )
        total += sum(t.points.get(scale, 0) for t in open_terms if t.when.evaluate(filled))
        sums.append(total)
    return lo + min(sums), hi + max(sums)


#: The position of a term's prepared score when its condition holds, fails or is open.
_HOLDS: Mapping[bool | None, int] = {True: 0, False: 1, None: 2}


def build_result(
    instrument: Instrument,
    answers: Answers,
    *,
    assessed_on: dt.date,
    norm_group: str | None,
    case_id: str | None = None,
) -> ScoreResult:
    """Build the result from checked answers (see :func:`score`).

    The parts that depend only on the instrument (item scores of yes/no and
    categorical answers, term scores, domain members, the marks of every
    total) are prepared once per instrument (:mod:`rnr.scoring._prepared`).
    """
    prep = prepared(instrument)
    item_scores = []
    for k, item in enumerate(instrument.items):
        answer = answers.get(item.id)
        found = prep.item_score(k, answer)
        if found is None:
            found = item_score(item, answer, *item_points(item, answer))
        item_scores.append(found)
    term_scores = [
        prep.terms[k][_HOLDS[term.when.evaluate(answers)]]
        for k, term in enumerate(instrument.terms)
    ]
    omitted = tuple(s.id for s in item_scores if s.omitted)
    provisional = bool(omitted)
    static: dict[str, int] = {}
    dynamic: dict[str, int] = {}
    parts: list[ItemScore | TermScore] = [*item_scores, *term_scores]
    for part in parts:
        if part.points and part.factor in ("static", "dynamic"):
            into = static if part.factor == "static" else dynamic
            for sid, given in part.points.items():
                into[sid] = into.get(sid, 0) + given
    scales = {
        sid: _scale_score(
            prep,
            scale,
            answers,
            (static.get(sid, 0), dynamic.get(sid, 0)),
            norm_group,
            provisional=provisional,
        )
        for sid, scale in instrument.scales.items()
    }
    primary = instrument.primary_scale
    domains = {}
    for d, domain in enumerate(instrument.domains):
        total = sum(item_scores[k].points.get(primary, 0) for k in prep.domain_items[d])
        total += sum(term_scores[k].points.get(primary, 0) for k in prep.domain_terms[d])
        missing: tuple[str, ...] = ()
        bounds = None
        if provisional:
            members = set(domain.items)
            missing = tuple(i for i in omitted if i in members)
            bounds = sum_bounds(
                instrument,
                answers,
                primary,
                (i for i in instrument.scored_items if i.id in members),
                (t for t in instrument.terms if t.id in members),
            )
            total = min(max(total, bounds[0]), bounds[1])
        need = domain.need(total)
        domains[domain.id] = DomainScore(
            id=domain.id,
            factor=domain.factor,
            total=total,
            max=domain.range[1],
            need=need,
            criminogenic=is_criminogenic(instrument, domain.factor, need, total),
            omitted=missing,
            bounds=bounds,
        )
    return ScoreResult(
        instrument=Ref(instrument.id, instrument.version, instrument.sha256),
        assessed_on=assessed_on,
        norm_group=norm_group,
        items=tuple(item_scores),
        terms=tuple(term_scores),
        scales=scales,
        domains=domains,
        primary_scale=primary,
        need_profile=need_profile(instrument, domains),
        strengths=tuple(s.id for s in item_scores if s.strength and s.answer is True),
        provisional=provisional,
        omitted=omitted,
        case_id=case_id,
    )


def is_criminogenic(instrument: Instrument, factor: str, need: str | None, total: int) -> bool:
    """Whether a domain with this factor, need level and total is a criminogenic need.

    Dynamic domains only: from the instrument's ``criminogenic_from`` need
    level, or any points when it sets none.
    """
    if factor != "dynamic":
        return False
    if need is None or instrument.criminogenic_from is None:
        return total > 0
    return instrument.need_levels.index(need) >= instrument.need_levels.index(
        instrument.criminogenic_from
    )


def need_profile(instrument: Instrument, domains: Mapping[str, DomainScore]) -> tuple[str, ...]:
    """Dynamic domains ranked by need level, then share of their maximum, then order."""
    order = {d.id: n for n, d in enumerate(instrument.domains)}

    def key(d: DomainScore) -> tuple[int, float, int]:
        rank = instrument.need_levels.index(d.need) if d.need is not None else -1
        share = d.total / d.max if d.max else 0.0
        return (-rank, -share, order[d.id])

    return tuple(d.id for d in sorted(domains.values(), key=key) if d.factor == "dynamic")


def _scale_score(
    prep: Prepared,
    scale: Scale,
    answers: Answers,
    parts: tuple[int, int],
    norm_group: str | None,
    *,
    provisional: bool,
) -> ScaleScore:
    static, dynamic = parts
    raw = static + dynamic
    bounds = None
    if provisional:
        lo, hi = sum_bounds(
            prep.instrument, answers, scale.id, prep.instrument.scored_items, prep.instrument.terms
        )
        raw = min(max(raw, lo), hi)
        bounds = Bounds(
            min=lo,
            max=hi,
            min_level=scale.level(lo, norm_group),
            max_level=scale.level(hi, norm_group),
            min_scaled=scale.scaled_score(lo),
            max_scaled=scale.scaled_score(hi),
            min_flag=scale.flag(lo),
            max_flag=scale.flag(hi),
        )
    marks = prep.marks.get((scale.id, norm_group))
    if marks is not None and marks.lo <= raw <= marks.hi:
        k = raw - marks.lo
        return ScaleScore(
            id=scale.id,
            raw=raw,
            level=marks.level[k],
            scaled=marks.scaled[k],
            flag=marks.flag[k],
            band=marks.band[k],
            static=static,
            dynamic=dynamic,
            bounds=bounds,
            up=marks.up[k],
            down=marks.down[k],
        )
    band = scale.band(raw, norm_group)
    return ScaleScore(
        id=scale.id,
        raw=raw,
        level=scale.level(raw, norm_group),
        scaled=scale.scaled_score(raw),
        flag=scale.flag(raw),
        band=None if band is None else band.span,
        static=static,
        dynamic=dynamic,
        bounds=bounds,
        up=nearest_change(scale, raw, norm_group, +1),
        down=nearest_change(scale, raw, norm_group, -1),
    )


def nearest_change(scale: Scale, raw: int, norm_group: str | None, direction: int) -> Step | None:
    """The nearest total in ``direction`` whose level, scaled score or flag differs."""
    here = (scale.level(raw, norm_group), scale.scaled_score(raw), scale.flag(raw))
    lo, hi = scale.range
    x = raw + direction
    while lo <= x <= hi:
        there = (scale.level(x, norm_group), scale.scaled_score(x), scale.flag(x))
        if there != here:
            return Step(points=abs(x - raw), raw=x, level=there[0], scaled=there[1], flag=there[2])
        x += direction
    return None
