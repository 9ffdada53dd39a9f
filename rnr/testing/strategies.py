"""Hypothesis strategies for any instrument, so you can property-test your own.

Install the ``testing`` extra (``pip install 'rnr-engine[testing]'``, which brings
Hypothesis) and draw valid, incomplete, over-incomplete or invalid responses
for any :class:`~rnr.definitions.instrument.Instrument`, shipped or your agency's own:

>>> import datetime as dt
>>> from hypothesis import given, settings
>>> import rnr
>>> from rnr.testing.strategies import responses
>>> lscmi = rnr.default_library().get("lscmi@1.0.0")
>>> @settings(max_examples=20, database=None)
... @given(responses(lscmi, omissions="within"))
... def test_total_stays_in_range(answers):
...     result = rnr.score(lscmi, answers, assessed_on=dt.date(2025, 1, 6), norm_group="male")
...     low, high = lscmi.scales["total"].range
...     assert low <= result.scales["total"].raw <= high
>>> test_total_stays_in_range()

Answers come in the form :func:`rnr.score` takes: ``bool`` for boolean
items, ``int`` for rating, count and age items, the category name for
categorical items. An omitted item is either left out of the dict or set to
``None`` (both mean *omitted*).

Omission limits are those :func:`rnr.score` enforces: a scale's
``max_omitted`` counts the omitted scored items that can change that scale
(directly or through a term), a domain's ``max_omitted`` counts its omitted
scored items. Strength items never count. :func:`omission_scopes` lists them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "rnr.testing.strategies needs Hypothesis: pip install 'rnr-engine[testing]'"
    raise ImportError(msg) from exc
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.definitions.conditions import Value
from rnr.definitions.instrument import Instrument, Item
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import score

__all__ = [
    "Omissions",
    "SampleCase",
    "Scope",
    "answer_cap",
    "answers",
    "batch_arrays",
    "cases",
    "exceeded_scopes",
    "invalid_answers",
    "invalid_responses",
    "omission_scopes",
    "responses",
    "row_responses",
    "to_array",
    "within_limits",
]

Omissions = Literal["none", "within", "beyond"]
Responses = dict[str, Value | None]
OMISSIONS: tuple[str, ...] = ("none", "within", "beyond")


# -- omission limits ---------------------------------------------------------
@attrs.frozen
class Scope:
    """One omission limit: a scale's or a domain's ``max_omitted``.

    Attributes:
        name: ``"scale fta"`` or ``"domain family"``, as
            :attr:`rnr.errors.OmissionError.scope` names it.
        items: the scored items whose omission counts, in instrument order.
        limit: how many of them may be omitted.
    """

    name: str
    items: tuple[str, ...]
    limit: int

    def count(self, omitted: Iterable[str]) -> int:
        """How many of ``omitted`` count against this limit."""
        members = set(self.items)
        return sum(1 for i in set(omitted) if i in members)

    def missing(self, omitted: Iterable[str]) -> tuple[str, ...]:
        """The items of this scope among ``omitted``, in instrument order."""
        gone = set(omitted)
        return tuple(i for i in self.items if i in gone)


def omission_scopes(instrument: Instrument) -> tuple[Scope, ...]:
    """Every omission limit of ``instrument``: scales first, then domains with a limit.

    The order is the order in which :func:`rnr.score` checks them, so the
    first exceeded scope is the one its :class:`~rnr.errors.OmissionError` names.
    """
    scored = instrument.scored_items
    scopes = [
        Scope(
            name=f"scale {sid}",
            items=tuple(i.id for i in scored if instrument.feeds(i, sid)),
            limit=scale.max_omitted,
        )
        for sid, scale in instrument.scales.items()
    ]
    scopes.extend(
        Scope(
            name=f"domain {d.id}",
            items=tuple(i.id for i in scored if i.domain == d.id),
            limit=d.max_omitted,
        )
        for d in instrument.domains
        if d.max_omitted is not None
    )
    return tuple(scopes)


def within_limits(instrument: Instrument, omitted: Iterable[str]) -> bool:
    """Whether omitting ``omitted`` respects every scale and domain limit."""
    gone = frozenset(omitted)
    return all(s.count(gone) <= s.limit for s in omission_scopes(instrument))


def exceeded_scopes(instrument: Instrument, omitted: Iterable[str]) -> tuple[Scope, ...]:
    """The limits that omitting ``omitted`` exceeds, in the order scoring checks them."""
    gone = frozenset(omitted)
    return tuple(s for s in omission_scopes(instrument) if s.count(gone) > s.limit)


# -- one answer --------------------------------------------------------------
def answer_cap(item: Item, thresholds: Sequence[int] = ()) -> int:
    """The highest integer answer the strategies draw for a numeric item.

    The item's own upper bound when it has one; for an open-ended count, a
    margin past the last band's lower edge (and past every term threshold),
    so every outcome and every term condition is reached.
    """
    if item.valid_range is None:
        msg = f"item {item.id} is {item.kind}: it has no integer answers"
        raise InvalidArgument(msg)
    lo, hi = item.valid_range
    if hi is not None:
        return hi
    top = max([lo, *(o.lo for o in item.outcomes if o.lo is not None), *thresholds])
    return top + max(3, top)


def answers(
    item: Item, *, thresholds: Sequence[int] = (), max_value: int | None = None
) -> st.SearchStrategy[Value]:
    """Valid answers of one item.

    Integer answers lean towards band edges and term thresholds (where
    mistakes hide) but cover the whole valid range.

    Args:
        item: the item.
        thresholds: integers where a term's condition on the item changes
            truth (``instrument.thresholds.get(item.id, ())``).
        max_value: never draw an integer above this (e.g. 127 for ``int8``
            arrays); it must leave at least the lowest valid answer.

    Returns:
        A strategy of ``bool`` (boolean), ``str`` (categorical, the category
        name) or ``int`` (rating, count, age).
    """
    if item.kind == "boolean":
        return st.booleans()
    if item.kind == "categorical":
        return st.sampled_from([str(o.value) for o in item.outcomes])
    assert item.valid_range is not None
    lo = item.valid_range[0]
    top = answer_cap(item, thresholds)
    if max_value is not None:
        if max_value < lo:
            msg = f"max_value={max_value} is below the lowest answer of item {item.id} ({lo})"
            raise InvalidArgument(msg)
        top = min(top, max_value)
    marks: set[int] = set()
    for o in item.outcomes:
        for x in (o.lo, o.hi):
            if x is not None:
                marks.update((x - 1, x, x + 1))
    for t in thresholds:
        marks.update((t - 1, t))
    edges = sorted(x for x in marks if lo <= x <= top)
    return (
        st.one_of(st.sampled_from(edges), st.integers(lo, top)) if edges else st.integers(lo, top)
    )


def invalid_answers(item: Item) -> st.SearchStrategy[object]:
    """Answers :func:`rnr.score` must refuse for ``item``.

    A wrong type (``1`` or ``"yes"`` for a yes/no item, ``True``, ``"3"`` or
    ``2.0`` for a number, a number for a category), an integer out of range,
    or an unknown category name. Never ``None`` (that is an omission).
    """
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)
    if item.kind == "boolean":
        return st.one_of(
            st.integers(-2, 3),
            st.sampled_from(["yes", "no", "true", "false", "1", "0"]),
            st.floats(0.0, 1.0),
        )
    if item.kind == "categorical":
        names = {o.value for o in item.outcomes}
        return st.one_of(
            words.filter(lambda w: w not in names),
            st.integers(0, len(names)),
            st.booleans(),
        )
    assert item.valid_range is not None
    lo, hi = item.valid_range
    wrong = [
        st.integers(lo - 50, lo - 1),
        st.booleans(),
        st.integers(lo, lo + 10).map(str),
        st.integers(lo, lo + 10).map(float),
        st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f)),
    ]
    if hi is not None:
        wrong.append(st.integers(hi + 1, hi + 50))
    return st.one_of(wrong)


# -- whole responses ---------------------------------------------------------
def _full(instrument: Instrument, max_value: int | None = None) -> st.SearchStrategy[Responses]:
    return st.fixed_dictionaries(
        {
            i.id: answers(i, thresholds=instrument.thresholds.get(i.id, ()), max_value=max_value)
            for i in instrument.items
        }
    )


def _fits(scopes: Sequence[Scope], omitted: set[str]) -> bool:
    return all(s.count(omitted) <= s.limit for s in scopes)


def _within_sets(instrument: Instrument) -> st.SearchStrategy[frozenset[str]]:
    scopes = omission_scopes(instrument)
    scored = [i.id for i in instrument.scored_items]
    strength = [i.id for i in instrument.items if i.strength]
    singles = [i for i in scored if _fits(scopes, {i})]
    if not singles and not strength:
        msg = (
            f"{instrument.ref} allows no omission: no item can be left out without "
            "exceeding a scale's or a domain's max_omitted"
        )
        raise InvalidArgument(msg)

    @st.composite
    def omitted(draw: st.DrawFn) -> frozenset[str]:
        gone: set[str] = set()
        if singles:
            gone.add(draw(st.sampled_from(singles)))
            extra = draw(st.integers(0, len(scored) - 1))
            if extra:
                for item_id in draw(st.permutations(scored)):
                    if len(gone) > extra:
                        break
                    if item_id not in gone and _fits(scopes, gone | {item_id}):
                        gone.add(item_id)
        if strength:
            gone |= draw(st.sets(st.sampled_from(strength), min_size=0 if gone else 1))
        return frozenset(gone)

    return omitted()


def _beyond_sets(instrument: Instrument) -> st.SearchStrategy[frozenset[str]]:
    exceedable = [s for s in omission_scopes(instrument) if len(s.items) > s.limit]
    if not exceedable:
        msg = f"{instrument.ref}: no omission limit can be exceeded (every limit allows all items)"
        raise InvalidArgument(msg)
    everything = [i.id for i in instrument.items]

    @st.composite
    def omitted(draw: st.DrawFn) -> frozenset[str]:
        scope = draw(st.sampled_from(exceedable))
        k = draw(st.integers(scope.limit + 1, len(scope.items)))
        gone = set(draw(st.permutations(scope.items))[:k])
        gone |= draw(st.sets(st.sampled_from(everything), max_size=3))
        return frozenset(gone)

    return omitted()


def _omit(full: Mapping[str, Value | None], gone: frozenset[str], as_none: bool) -> Responses:
    if as_none:
        return {k: (None if k in gone else v) for k, v in full.items()}
    return {k: v for k, v in full.items() if k not in gone}


def _responses(
    instrument: Instrument, omissions: str, max_value: int | None = None
) -> st.SearchStrategy[Responses]:
    if omissions not in OMISSIONS:
        msg = f"omissions={omissions!r}: expected one of {', '.join(OMISSIONS)}"
        raise InvalidArgument(msg)
    full = _full(instrument, max_value)
    if omissions == "none":
        return full
    chooser = _within_sets(instrument) if omissions == "within" else _beyond_sets(instrument)
    return st.builds(_omit, full, chooser, st.booleans())


def responses(
    instrument: Instrument, *, omissions: Omissions = "none"
) -> st.SearchStrategy[Responses]:
    """Responses to ``instrument``: a dict of item id → answer.

    Args:
        instrument: the instrument.
        omissions: ``"none"`` answers every item. ``"within"`` omits at least
            one item (a scored one whenever the instrument allows it) and
            respects every scale and domain ``max_omitted``, so scoring gives
            a provisional result. ``"beyond"`` omits more items than at least
            one limit allows, so scoring raises
            :class:`~rnr.errors.OmissionError`.

    Raises:
        InvalidArgument: ``omissions`` is unknown, or the instrument cannot
            honour it (``"within"`` when no item may be omitted, ``"beyond"``
            when no limit can be exceeded).
    """
    return _responses(instrument, omissions)


def invalid_responses(instrument: Instrument) -> st.SearchStrategy[tuple[Responses, str]]:
    """Complete responses with exactly one fault, and the id that carries it.

    The fault is a wrong type, an out-of-range integer, an unknown category,
    or an answer to an item the instrument does not have (then the returned
    id is that unknown key). Every other answer is valid, so
    :func:`rnr.score` must raise :class:`~rnr.errors.ScoringInputError` naming
    the returned id.

    Returns:
        A strategy of ``(responses, offending item id)``.
    """
    ids = [i.id for i in instrument.items]
    unknown = (
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=16)
        .map(lambda s: f"x{s}")
        .filter(lambda k: not instrument.has_item(k))
    )

    @st.composite
    def faulty(draw: st.DrawFn) -> tuple[Responses, str]:
        answered: dict[str, Any] = dict(draw(_full(instrument)))
        target = draw(st.one_of(st.sampled_from(ids), st.just("")))
        if not target:
            key = draw(unknown)
            answered[key] = draw(st.one_of(st.booleans(), st.integers(0, 5), st.none()))
            return answered, key
        answered[target] = draw(invalid_answers(instrument.item(target)))
        return answered, target

    return faulty()


# -- cases -------------------------------------------------------------------
@attrs.frozen
class SampleCase:
    """Responses with the assessment date and norm group :func:`rnr.score` needs."""

    responses: Mapping[str, Value | None] = attrs.field(converter=frozen_map)
    assessed_on: dt.date
    norm_group: str | None = None

    def score(self, instrument: Instrument) -> ScoreResult:
        """Score this case with ``instrument`` (see :func:`rnr.score`)."""
        return score(
            instrument, self.responses, assessed_on=self.assessed_on, norm_group=self.norm_group
        )


def _dates(instrument: Instrument) -> st.SearchStrategy[dt.date]:
    first = instrument.effective_from
    last = (
        instrument.effective_until - dt.timedelta(days=1)
        if instrument.effective_until is not None
        else first + dt.timedelta(days=3652)
    )
    return st.dates(min_value=first, max_value=max(first, last))


def _groups(instrument: Instrument) -> st.SearchStrategy[str | None]:
    if instrument.norm_groups:
        return st.sampled_from(instrument.norm_groups)
    return st.none()


def cases(
    instrument: Instrument, *, omissions: Omissions = "none"
) -> st.SearchStrategy[SampleCase]:
    """Whole cases: responses (see :func:`responses`), a date and a norm group.

    The date falls while the instrument is in force; the norm group is one of
    ``instrument.norm_groups``, or ``None`` when it has none.
    """
    return st.builds(
        SampleCase,
        responses=responses(instrument, omissions=omissions),
        assessed_on=_dates(instrument),
        norm_group=_groups(instrument),
    )


# -- arrays for batch scoring ------------------------------------------------
def _code(item: Item, answer: Value | None, missing: float) -> float:
    if answer is None:
        return missing
    if item.kind == "categorical":
        names: list[Value | None] = [o.value for o in item.outcomes]
        return float(names.index(answer))
    return float(int(answer))


def to_array(
    instrument: Instrument,
    rows: Iterable[Mapping[str, Value | None]],
    *,
    dtype: npt.DTypeLike = np.float64,
) -> npt.NDArray[Any]:
    """Responses as the 2-D array :func:`rnr.score_batch` takes.

    Columns follow ``instrument.items``; booleans are 0/1, categorical
    answers their 0-based code in ``item.outcomes`` order, numbers as they
    are. Omitted answers are ``NaN`` in a float array and ``-1`` in an
    integer one.

    Raises:
        ValueError: an answer does not fit an integer ``dtype``.
    """
    kind = np.dtype(dtype)
    floating = np.issubdtype(kind, np.floating)
    missing = math.nan if floating else -1.0
    table = [[_code(item, row.get(item.id), missing) for item in instrument.items] for row in rows]
    out = np.array(table, dtype=np.float64).reshape(len(table), len(instrument.items))
    if not floating:
        info = np.iinfo(kind)
        if out.size and (out.max() > info.max or out.min() < info.min):
            msg = f"answers from {out.min():g} to {out.max():g} do not fit {kind}"
            raise ValueError(msg)
    return out.astype(kind)


def row_responses(instrument: Instrument, row: Sequence[Any] | npt.NDArray[Any]) -> Responses:
    """One row of a batch array back as responses (the inverse of :func:`to_array`)."""
    out: Responses = {}
    for item, raw in zip(instrument.items, row, strict=True):
        x = float(raw)
        if math.isnan(x) or (x == -1 and not isinstance(raw, float | np.floating)):
            out[item.id] = None
        elif item.kind == "boolean":
            out[item.id] = bool(x)
        elif item.kind == "categorical":
            out[item.id] = item.outcomes[int(x)].value
        else:
            out[item.id] = int(x)
    return out


def batch_arrays(
    instrument: Instrument,
    *,
    min_rows: int = 1,
    max_rows: int = 20,
    omissions: Literal["none", "within", "mixed"] = "none",
    dtype: npt.DTypeLike = np.float64,
) -> st.SearchStrategy[npt.NDArray[Any]]:
    """2-D answer arrays for :func:`rnr.score_batch` (see :func:`to_array`).

    Args:
        instrument: the instrument.
        min_rows: fewest rows.
        max_rows: most rows.
        omissions: ``"none"``, ``"within"`` (every row omits within the
            limits) or ``"mixed"`` (each row either).
        dtype: a float dtype (``NaN`` marks an omission) or a signed integer
            dtype (``-1`` does); integer answers are drawn to fit it.

    Raises:
        InvalidArgument: bad row counts or omissions, or an unsigned dtype.
    """
    if not 0 <= min_rows <= max_rows:
        msg = f"min_rows={min_rows}, max_rows={max_rows}: expected 0 <= min_rows <= max_rows"
        raise InvalidArgument(msg)
    kind = np.dtype(dtype)
    cap: int | None = None
    if np.issubdtype(kind, np.integer):
        if not np.issubdtype(kind, np.signedinteger):
            msg = f"dtype={kind}: expected a float or signed integer dtype (-1 marks omissions)"
            raise InvalidArgument(msg)
        cap = int(np.iinfo(kind).max)
    elif not np.issubdtype(kind, np.floating):
        msg = f"dtype={kind}: expected a float or signed integer dtype"
        raise InvalidArgument(msg)
    if omissions == "mixed":
        row = _responses(instrument, "none", cap)
        with contextlib.suppress(InvalidArgument):  # no omission allowed: rows stay complete
            row = st.one_of(row, _responses(instrument, "within", cap))
    elif omissions in ("none", "within"):
        row = _responses(instrument, omissions, cap)
    else:
        msg = f"omissions={omissions!r}: expected none, within or mixed"
        raise InvalidArgument(msg)
    return st.lists(row, min_size=min_rows, max_size=max_rows).map(
        lambda rows: to_array(instrument, rows, dtype=kind)
    )
