"""Check an instrument's invariants on generated cases (``rnr instruments check``).

:func:`check_instrument` drives Hypothesis programmatically (derandomized,
no example database, nothing printed) over cases drawn by :mod:`rnr.testing.strategies`
and returns a :class:`CheckReport`, one :class:`CheckOutcome` per invariant:

``totals within range``
    every scale's raw total and bounds lie in its range, every domain's in
    its range, each level is the level of its band, and a result that is not
    provisional leaves no scoring term undecided.
``levels rise with the total``
    for every norm group, walking each scale's range: one band per total
    and levels never fall; the same for domain need bands; scaled scores
    never fall.
``raising an answer never lowers a total``
    for every item whose points (and the terms that read it) never fall as
    the answer rises; other items are skipped and the reason reported
    (e.g. age bands where younger scores more).
``batch equals single``
    :func:`rnr.score_batch` rows equal :func:`rnr.scoring.batch.summarize` of
    :func:`rnr.score`, with float, ``int8`` and column-mapping input.
``JSON round trip``
    ``ScoreResult.from_json(r.to_json()) == r``.
``provisional bounds hold every completion``
    every way of answering the omitted items scores within the bounds (and
    the bounds are reached when every completion could be tried).
``too many omissions are refused``
    :class:`~rnr.errors.OmissionError` naming every missing item of an
    exceeded scale or domain, in single and batch scoring.
``invalid answers are refused``
    :class:`~rnr.errors.ScoringInputError` naming the item.

>>> import rnr
>>> from rnr.testing.checks import check_instrument
>>> report = check_instrument(rnr.default_library().get("psa@1.0.0"), max_examples=10)
>>> report.ok
True
"""

from __future__ import annotations

import contextlib
import itertools
import math
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

try:
    import hypothesis
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.reporting import with_reporter
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "rnr.testing.checks needs Hypothesis: pip install 'rnr-engine[testing]'"
    raise ImportError(msg) from exc

from rnr.definitions.conditions import Value
from rnr.definitions.instrument import Instrument, Item
from rnr.errors import OmissionError, ScoringInputError
from rnr.scoring.batch import compile_instrument, score_batch, summarize
from rnr.scoring.result import ScoreResult
from rnr.testing.strategies import (
    SampleCase,
    _dates,
    _groups,
    answers,
    cases,
    exceeded_scopes,
    invalid_responses,
    responses,
    to_array,
)

__all__ = [
    "CHECKS",
    "CheckOutcome",
    "CheckReport",
    "check_instrument",
    "monotone_scales",
]

T = TypeVar("T")

CHECKS = (
    "totals within range",
    "levels rise with the total",
    "raising an answer never lowers a total",
    "batch equals single",
    "JSON round trip",
    "provisional bounds hold every completion",
    "too many omissions are refused",
    "invalid answers are refused",
)
EXHAUSTIVE = 64  # enumerate every completion up to this many, else sample
SAMPLED = 16


@attrs.frozen
class CheckOutcome:
    """The result of one invariant.

    Attributes:
        name: the invariant, one of :data:`CHECKS`.
        passed: whether it held on every generated case.
        detail: the (shrunk) counterexample when it failed; what was
            skipped, and why, when it passed.
    """

    name: str
    passed: bool
    detail: str = ""


@attrs.frozen
class CheckReport:
    """Every invariant checked on one instrument."""

    instrument: str
    outcomes: tuple[CheckOutcome, ...]

    @property
    def ok(self) -> bool:
        """Whether every invariant held."""
        return all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> tuple[CheckOutcome, ...]:
        """The invariants that failed."""
        return tuple(o for o in self.outcomes if not o.passed)

    def lines(self) -> list[str]:
        """One ``ok``/``FAIL`` line per invariant, details indented below."""
        out = []
        for o in self.outcomes:
            out.append(f"{'ok  ' if o.passed else 'FAIL'} {o.name}")
            out.extend(f"     {line}" for line in o.detail.splitlines())
        return out


class _ViolationError(AssertionError):
    """An invariant failed on one example (the message says how)."""


def _show(case: SampleCase) -> str:
    return (
        f"responses={dict(case.responses)!r}, assessed_on={case.assessed_on.isoformat()}, "
        f"norm_group={case.norm_group!r}"
    )


def _fail(what: str, problems: Sequence[str]) -> None:
    if problems:
        raise _ViolationError(what + "\n" + "\n".join(f"  {p}" for p in problems))


# -- running Hypothesis ------------------------------------------------------
def _hold(
    test: Callable[[T], None], strategy: st.SearchStrategy[T], *, max_examples: int, seed: int
) -> str | None:
    """Run ``test`` over ``strategy``; ``None`` when it held, else the counterexample."""

    @hypothesis.seed(seed)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    )
    @given(strategy)
    def prop(example: T) -> None:
        test(example)

    try:
        with with_reporter(lambda _text: None):
            prop()
    except _ViolationError as exc:
        return str(exc)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        notes = "\n".join(getattr(exc, "__notes__", ()))
        where = f" (at {frame.filename}:{frame.lineno} in {frame.name})"
        return f"{type(exc).__name__}: {exc}{where}\n{notes}".rstrip()
    return None


def _outcome(name: str, problem: str | None, note: str = "") -> CheckOutcome:
    if problem is None:
        return CheckOutcome(name, True, note)
    return CheckOutcome(name, False, problem)


def _some_cases(instrument: Instrument) -> st.SearchStrategy[SampleCase]:
    """Complete cases, cases without some strengths, and provisional cases."""
    options = [cases(instrument)]
    strengths = [i.id for i in instrument.items if i.strength]
    if strengths:
        unanswered = st.sets(st.sampled_from(strengths), min_size=1)
        options.append(
            _case_with(
                instrument,
                st.tuples(responses(instrument), unanswered).map(
                    lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1]}
                ),
            )
        )
    with contextlib.suppress(InvalidArgument):
        options.append(cases(instrument, omissions="within"))
    return st.one_of(options)


def _case_with(
    instrument: Instrument, answers_: st.SearchStrategy[Mapping[str, Any]]
) -> st.SearchStrategy[SampleCase]:
    return st.builds(
        SampleCase,
        responses=answers_,
        assessed_on=_dates(instrument),
        norm_group=_groups(instrument),
    )


# -- the invariants ----------------------------------------------------------
def _totals_in_range(instrument: Instrument, case: SampleCase) -> None:
    result = case.score(instrument)
    problems: list[str] = []
    if not result.provisional:
        scoring = {t.id for t in instrument.terms if any(t.points.values())}
        problems.extend(
            f"term {t.id} ({t.condition}) is undecided on a result that is not provisional"
            for t in result.terms
            if t.holds is None and t.id in scoring
        )
    for sid, scale in instrument.scales.items():
        s = result.scales[sid]
        lo, hi = scale.range
        if not lo <= s.raw <= hi:
            problems.append(f"scale {sid}: raw {s.raw} outside its range {lo}..{hi}")
        if s.bounds is not None and not lo <= s.bounds.min <= s.raw <= s.bounds.max <= hi:
            problems.append(
                f"scale {sid}: bounds {s.bounds.min}..{s.bounds.max} and raw {s.raw}"
                f" out of order or outside {lo}..{hi}"
            )
        expected = scale.level(s.raw, case.norm_group)
        if s.level != expected:
            problems.append(f"scale {sid}: level {s.level!r}, the band of {s.raw} is {expected!r}")
        if scale.bands and s.level is None:
            problems.append(f"scale {sid}: no level for raw {s.raw}")
    for d in instrument.domains:
        ds = result.domains[d.id]
        lo, hi = d.range
        if not lo <= ds.total <= hi:
            problems.append(f"domain {d.id}: total {ds.total} outside its range {lo}..{hi}")
        if ds.bounds is not None and not lo <= ds.bounds[0] <= ds.total <= ds.bounds[1] <= hi:
            problems.append(f"domain {d.id}: bounds {ds.bounds} and total {ds.total} out of order")
    _fail(_show(case), problems)


def _levels_problems(instrument: Instrument) -> list[str]:
    problems = []
    for sid, scale in instrument.scales.items():
        lo, hi = scale.range
        for group in instrument.norm_groups or (None,):
            if not scale.bands:
                break
            who = f" (norm group {group})" if group else ""
            before: str | None = None
            for x in range(lo, hi + 1):
                hits = [b for b in scale.bands_for(group) if b.covers(x)]
                if len(hits) != 1:
                    problems.append(f"scale {sid}{who}: total {x} falls in {len(hits)} bands")
                    continue
                level = hits[0].level
                if before is not None and scale.level_rank(level) < scale.level_rank(before):
                    problems.append(
                        f"scale {sid}{who}: level falls from {before} at {x - 1} to {level} at {x}"
                    )
                before = level
        if scale.scaled is not None:
            for x in range(lo, hi):
                a, b = scale.scaled_score(x), scale.scaled_score(x + 1)
                if a is not None and b is not None and b < a:
                    problems.append(f"scale {sid}: scaled score falls from {a} to {b} at {x + 1}")
    levels = instrument.need_levels
    for d in instrument.domains:
        if not d.need_bands:
            continue
        prev: str | None = None
        for x in range(d.range[0], d.range[1] + 1):
            hits = [b for b in d.need_bands if b.covers(x)]
            if len(hits) != 1:
                problems.append(f"domain {d.id}: total {x} falls in {len(hits)} need bands")
                continue
            need = hits[0].level
            if prev is not None and levels.index(need) < levels.index(prev):
                problems.append(
                    f"domain {d.id}: need falls from {prev} at {x - 1} to {need} at {x}"
                )
            prev = need
    return problems


def _rank(item: Item, answer: Value) -> int:
    """The position of ``answer`` in the item's answer order."""
    if item.kind == "categorical":
        names: list[Value | None] = [o.value for o in item.outcomes]
        return names.index(answer)
    return int(answer)


def _rising(seq: Sequence[int]) -> bool:
    return all(b >= a for a, b in itertools.pairwise(seq))


def _falling(seq: Sequence[int]) -> bool:
    return all(b <= a for a, b in itertools.pairwise(seq))


def monotone_scales(instrument: Instrument, item: Item) -> tuple[tuple[str, ...], dict[str, str]]:
    """The scales on which raising ``item``'s answer can never lower the total.

    An answer rises along the item's answer order: ``false`` → ``true``,
    higher integers, later categories (in declaration order). A scale
    qualifies when the item's own points on it never fall along that order
    and every term scoring on it that reads the item turns on (for positive
    points) or off (for negative points) only as the answer rises.

    Returns:
        The qualifying scales, and for every other scale the item can change,
        the reason it does not qualify.
    """
    reps = item.representatives(instrument.thresholds.get(item.id, ()))
    keys = [item.outcomes[item.outcome_index(r)] for r in reps]
    good: list[str] = []
    why: dict[str, str] = {}
    for sid in instrument.scales:
        if not instrument.feeds(item, sid):
            continue
        points = [o.points.get(sid, 0) for o in keys]
        reason = ""
        if not _rising(points):
            k = next(n for n in range(1, len(points)) if points[n] < points[n - 1])
            reason = (
                f"points fall from {points[k - 1]} to {points[k]} as the answer rises"
                f" from {_text(reps[k - 1])} to {_text(reps[k])}"
            )
        for term in instrument.terms:
            p = term.points.get(sid, 0)
            if reason or not p or item.id not in term.items:
                continue
            for atom in (a for a in term.when.atoms() if a.item == item.id):
                truth = [int(atom.test(r)) for r in reps]
                if not (_rising(truth) if p > 0 else _falling(truth)):
                    reason = f"term {term.id} ({atom.describe()}) can lose points as it rises"
                    break
        if reason:
            why[sid] = reason
        else:
            good.append(sid)
    return tuple(good), why


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _raising_setup(
    instrument: Instrument,
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    monotone: dict[str, tuple[str, ...]] = {}
    skipped: list[str] = []
    for item in instrument.items:
        good, why = monotone_scales(instrument, item)
        if good:
            monotone[item.id] = good
        if why:
            reasons = "; ".join(f"{sid}: {r}" for sid, r in why.items())
            skipped.append(f"skipped {item.id} ({reasons})")
    return monotone, skipped


def _raising(
    instrument: Instrument,
    monotone: Mapping[str, tuple[str, ...]],
    example: tuple[SampleCase, tuple[str, Value, Value]],
) -> None:
    case, (item_id, a, b) = example
    item = instrument.item(item_id)
    low, high = sorted((a, b), key=lambda v: _rank(item, v))
    base = dict(case.responses)
    r_low = SampleCase({**base, item_id: low}, case.assessed_on, case.norm_group).score(instrument)
    r_high = SampleCase({**base, item_id: high}, case.assessed_on, case.norm_group).score(
        instrument
    )
    problems = [
        f"scale {sid}: {r_low.scales[sid].raw} with {item_id} = {_text(low)}, "
        f"{r_high.scales[sid].raw} with {item_id} = {_text(high)}"
        for sid in monotone[item_id]
        if r_high.scales[sid].raw < r_low.scales[sid].raw
    ]
    if instrument.primary_scale in monotone[item_id]:
        problems.extend(
            f"domain {d}: {r_low.domains[d].total} with {item_id} = {_text(low)}, "
            f"{r_high.domains[d].total} with {item_id} = {_text(high)}"
            for d in r_low.domains
            if r_high.domains[d].total < r_low.domains[d].total
        )
    _fail(f"raising {item_id} lowered a total; {_show(case)}", problems)


def _batch_data(instrument: Instrument, rows: Sequence[SampleCase], form: str) -> tuple[Any, str]:
    answers_ = [dict(c.responses) for c in rows]
    if form == "mapping":
        return {i.id: [r.get(i.id) for r in answers_] for i in instrument.items}, form
    if form == "int8":
        try:
            return to_array(instrument, answers_, dtype="int8"), form
        except ValueError:
            form = "float64"
    return to_array(instrument, answers_), form


def _batch_equals_single(
    instrument: Instrument, compiled: Any, example: tuple[list[SampleCase], str]
) -> None:
    rows, form = example
    data, form = _batch_data(instrument, rows, form)
    groups = [str(c.norm_group) for c in rows] if instrument.norm_groups else None
    out = score_batch(compiled, data, norm_group=groups)
    for n, case in enumerate(rows):
        single = summarize(case.score(instrument))
        batch = out.row(n)
        if single != batch:
            diff = _diff(single, batch)
            _fail(f"row {n} ({form} input) differs from single scoring; {_show(case)}", diff)


def _diff(single: Mapping[str, Any], batch: Mapping[str, Any], path: str = "") -> list[str]:
    out = []
    for key in sorted(set(single) | set(batch)):
        a, b = single.get(key), batch.get(key)
        where = f"{path}.{key}" if path else str(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.extend(_diff(a, b, where))
        elif a != b:
            out.append(f"{where}: single {a!r}, batch {b!r}")
    return out


def _json_round_trip(instrument: Instrument, case: SampleCase) -> None:
    result = case.score(instrument)
    text = result.to_json()
    back = ScoreResult.from_json(text)
    problems = []
    if back != result:
        problems.append("from_json(to_json(r)) != r")
    if back.to_json() != text:
        problems.append("to_json changes after a round trip")
    _fail(_show(case), problems)


def _bounds_hold(instrument: Instrument, example: tuple[SampleCase, st.DataObject]) -> None:
    case, data = example
    result = case.score(instrument)
    gone = _open_items(instrument, case)
    problems = []
    scored_gone = [i.id for i in gone if not i.strength]
    if result.provisional != bool(scored_gone):
        problems.append(f"provisional is {result.provisional} with omitted {scored_gone}")
    choices = [i.representatives(instrument.thresholds.get(i.id, ())) for i in gone]
    exhaustive = math.prod(len(c) for c in choices) <= EXHAUSTIVE
    if exhaustive:
        combos: list[tuple[Value, ...]] = list(itertools.product(*choices))
    else:
        pick = st.tuples(*(st.sampled_from(c) for c in choices))
        combos = [data.draw(pick) for _ in range(SAMPLED)]
    seen: dict[str, list[int]] = {}
    for combo in combos:
        filled = {**case.responses, **{i.id: v for i, v in zip(gone, combo, strict=True)}}
        full = SampleCase(filled, case.assessed_on, case.norm_group).score(instrument)
        shown = ", ".join(f"{i.id} = {_text(v)}" for i, v in zip(gone, combo, strict=True))
        for sid, scale in instrument.scales.items():
            b, raw = result.scales[sid].bounds, full.scales[sid].raw
            seen.setdefault(f"scale {sid}", []).append(raw)
            if b is None:
                problems.append(f"scale {sid}: no bounds on a provisional result")
                continue
            if not b.min <= raw <= b.max:
                problems.append(f"scale {sid}: {shown} gives {raw}, outside {b.min}..{b.max}")
            level = full.scales[sid].level
            if level is not None and b.min_level is not None and b.max_level is not None:
                rank = scale.level_rank(level)
                if not scale.level_rank(b.min_level) <= rank <= scale.level_rank(b.max_level):
                    problems.append(
                        f"scale {sid}: {shown} gives level {level},"
                        f" outside {b.min_level}..{b.max_level}"
                    )
        for did, ds in result.domains.items():
            total = full.domains[did].total
            seen.setdefault(f"domain {did}", []).append(total)
            lo, hi = ds.bounds if ds.bounds is not None else (ds.total, ds.total)
            if not lo <= total <= hi:
                problems.append(f"domain {did}: {shown} gives {total}, outside {lo}..{hi}")
        if problems:
            break
    if exhaustive and not problems and gone:
        for sid in instrument.scales:
            b = result.scales[sid].bounds
            got = seen[f"scale {sid}"]
            if b is not None and (min(got), max(got)) != (b.min, b.max):
                problems.append(
                    f"scale {sid}: bounds {b.min}..{b.max}, completions reach"
                    f" {min(got)}..{max(got)}"
                )
        for did, ds in result.domains.items():
            got = seen[f"domain {did}"]
            if ds.bounds is not None and (min(got), max(got)) != ds.bounds:
                problems.append(
                    f"domain {did}: bounds {ds.bounds[0]}..{ds.bounds[1]}, completions reach"
                    f" {min(got)}..{max(got)}"
                )
    _fail(f"omitted {[i.id for i in gone]}; {_show(case)}", problems)


def _open_items(instrument: Instrument, case: SampleCase) -> list[Item]:
    """Omitted items that can change a score: scored ones, and strengths a term reads."""
    read = {i for t in instrument.terms if any(t.points.values()) for i in t.items}
    return [
        i
        for i in instrument.items
        if case.responses.get(i.id) is None and (not i.strength or i.id in read)
    ]


def _too_many_refused(instrument: Instrument, compiled: Any, case: SampleCase) -> None:
    gone = {i.id for i in instrument.items if case.responses.get(i.id) is None}
    exceeded = {s.name: s for s in exceeded_scopes(instrument, gone)}
    try:
        case.score(instrument)
    except OmissionError as exc:
        problems = []
        scope = exceeded.get(exc.scope)
        if scope is None:
            problems.append(f"refused for {exc.scope}, which is within its limit")
        else:
            expected = scope.missing(gone)
            if exc.missing != expected:
                problems.append(f"{exc.scope}: names {list(exc.missing)}, missing {list(expected)}")
            problems.extend(
                f"{exc.scope}: message does not name {i}: {exc}"
                for i in expected
                if i not in str(exc)
            )
        try:
            score_batch(
                compiled, to_array(instrument, [case.responses]), norm_group=case.norm_group
            )
        except OmissionError as batch_exc:
            if batch_exc.missing != exc.missing or "row 0" not in str(batch_exc):
                problems.append(f"batch: {batch_exc}; single: {exc}")
        else:
            problems.append("batch scoring accepted the row")
        _fail(f"omitted {sorted(gone)}; {_show(case)}", problems)
    else:
        _fail(
            f"omitted {sorted(gone)}; {_show(case)}",
            [f"scored without OmissionError although {', '.join(exceeded)} exceeded"],
        )


def _invalid_refused(instrument: Instrument, example: tuple[SampleCase, str]) -> None:
    case, key = example
    try:
        case.score(instrument)
    except OmissionError as exc:
        _fail(_show(case), [f"OmissionError instead of an error naming {key}: {exc}"])
    except ScoringInputError as exc:
        problems = []
        if exc.item != key:
            problems.append(f"error names item {exc.item!r}, the fault is in {key!r}: {exc}")
        if key not in str(exc):
            problems.append(f"message does not name {key}: {exc}")
        _fail(_show(case), problems)
    else:
        _fail(_show(case), [f"scored without error although {key} is invalid"])


# -- the entry point ---------------------------------------------------------
def check_instrument(
    instrument: Instrument, *, max_examples: int = 200, seed: int = 0
) -> CheckReport:
    """Check every invariant of :data:`CHECKS` on ``instrument``.

    Args:
        instrument: a loaded instrument (shipped or your own).
        max_examples: generated cases per invariant.
        seed: the Hypothesis seed; the same seed gives the same cases.

    Returns:
        The report: one outcome per invariant, in the order of :data:`CHECKS`.
    """
    run: dict[str, Any] = {"max_examples": max_examples, "seed": seed}
    compiled = compile_instrument(instrument)
    some = _some_cases(instrument)
    outcomes = [
        _outcome(CHECKS[0], _hold(lambda c: _totals_in_range(instrument, c), some, **run)),
    ]
    levels = _levels_problems(instrument)
    outcomes.append(CheckOutcome(CHECKS[1], not levels, "\n".join(levels)))

    monotone, skipped = _raising_setup(instrument)
    if monotone:
        ids = sorted(monotone)
        pick = st.sampled_from(ids).flatmap(
            lambda i: st.tuples(st.just(i), _answer(instrument, i), _answer(instrument, i))
        )
        strategy = st.tuples(cases(instrument), pick)
        problem = _hold(lambda e: _raising(instrument, monotone, e), strategy, **run)
        note = f"checked {len(ids)} items\n" + "\n".join(skipped)
        outcomes.append(_outcome(CHECKS[2], problem, note.strip()))
    else:
        outcomes.append(CheckOutcome(CHECKS[2], True, "\n".join(["no item qualifies", *skipped])))

    batches = st.tuples(
        st.lists(some, min_size=1, max_size=6), st.sampled_from(["float64", "int8", "mapping"])
    )
    outcomes.append(
        _outcome(
            CHECKS[3],
            _hold(lambda e: _batch_equals_single(instrument, compiled, e), batches, **run),
        )
    )
    outcomes.append(
        _outcome(CHECKS[4], _hold(lambda c: _json_round_trip(instrument, c), some, **run))
    )

    try:
        within = cases(instrument, omissions="within")
    except InvalidArgument as exc:
        outcomes.append(CheckOutcome(CHECKS[5], True, f"skipped: {exc}"))
    else:
        outcomes.append(
            _outcome(
                CHECKS[5],
                _hold(lambda e: _bounds_hold(instrument, e), st.tuples(within, st.data()), **run),
            )
        )

    try:
        beyond = _case_with(instrument, responses(instrument, omissions="beyond"))
    except InvalidArgument as exc:
        outcomes.append(CheckOutcome(CHECKS[6], True, f"skipped: {exc}"))
    else:
        outcomes.append(
            _outcome(
                CHECKS[6],
                _hold(lambda c: _too_many_refused(instrument, compiled, c), beyond, **run),
            )
        )

    invalid = invalid_responses(instrument).flatmap(
        lambda pair: _case_with(instrument, st.just(pair[0])).map(lambda c: (c, pair[1]))
    )
    outcomes.append(
        _outcome(CHECKS[7], _hold(lambda e: _invalid_refused(instrument, e), invalid, **run))
    )
    return CheckReport(instrument=instrument.ref, outcomes=tuple(outcomes))


def _answer(instrument: Instrument, item_id: str) -> st.SearchStrategy[Value]:
    return answers(instrument.item(item_id), thresholds=instrument.thresholds.get(item_id, ()))
