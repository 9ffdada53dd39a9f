"""Score many cases at once with numpy.

An instrument compiles to lookup tables: each item maps an answer to an
outcome row of points over *targets* (every scale, then every domain total on
the primary scale). Yes/no items become one matrix product; the other kinds
are table look-ups. Omitted answers (``NaN`` in a float array, ``-1`` in an
integer array, ``None`` in a list) give provisional rows whose bounds equal
single scoring's, term by term.

An ``int8`` array for an instrument of yes/no items without terms (LS/CMI,
YLS/CMI) takes a fast path in integers: one bitwise OR over the array checks
every answer is 0 or 1; a column-major (Fortran-ordered) array is scored by
adding its columns per target (:class:`rnr.scoring.compiled.Sums`), a
row-major one by counting the bits of its packed rows. Rows that omit an
answer (-1) are then scored again, alone, by the reference path, and an
array with a bad answer goes to the reference path whole, which names it.

>>> import numpy as np
>>> from rnr import default_library, score_batch
>>> lscmi = default_library().get("lscmi")
>>> answers = np.zeros((3, len(lscmi.items)), dtype=np.int8)
>>> answers[1, :20] = 1
>>> answers[2, 0] = -1
>>> out = score_batch(lscmi, answers, norm_group="female")
>>> out.raw("total").tolist(), out.level("total").tolist(), out.provisional.tolist()
([0, 20, 0], ['very_low', 'high', 'very_low'], [False, False, True])

Given each person's sex and birth date (and the assessment dates), the rows
are checked against the population the instrument declares, row by row as
:func:`rnr.score` checks one case: outside, a row carries the same coded
warnings, or the batch is refused naming the first such row.

>>> import datetime as dt
>>> ylscmi = default_library().get("ylscmi")
>>> out = score_batch(ylscmi, np.zeros((2, len(ylscmi.items)), dtype=np.int8),
...                   assessed_on=dt.date(2024, 10, 2),
...                   birth_date=[dt.date(2008, 1, 1), dt.date(2004, 9, 1)])
>>> [[w.code for w in out.row_warnings(i)] for i in range(2)]
[[], ['score.population.age']]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.definitions.conditions import Value
from rnr.definitions.instrument import Instrument
from rnr.errors import ScoringInputError
from rnr.scoring.compiled import (
    BoolArray,
    CompiledInstrument,
    IntArray,
    Sums,
    answer_matrix,
    compile_instrument,
    norm_groups,
    outcome_codes,
    terms,
    where,
    yes_no_codes,
)
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import check_population, omission_error, sum_bounds
from rnr.text import Message

CHUNK = 1 << 10  # small enough that OpenBLAS stays on one thread (robust under load)
SUM_ROWS = 1 << 16  # rows per block of the integer fast path (its columns stay in cache)
WORD_BITS = 56  # answers read per 64-bit word of packed bits (a word starts at any bit 0-7)

__all__ = [
    "BatchResult",
    "CompiledInstrument",
    "compile_instrument",
    "population_warnings",
    "score_batch",
    "summarize",
]


@attrs.frozen(eq=False)
class BatchResult:
    """Scores of many cases as arrays; :meth:`row` gives one case as a dict.

    Totals are kept for every target (scales, then domain totals); bounds are
    kept only for the provisional rows, which are usually few.
    """

    compiled: CompiledInstrument
    totals: IntArray  # (n, n_targets)
    provisional: BoolArray  # (n,)
    bounded_rows: IntArray  # (k,) the provisional rows, ascending
    bounded_lows: IntArray  # (k, n_targets)
    bounded_highs: IntArray  # (k, n_targets)
    norm_groups: tuple[str | None, ...] | str | None
    case_ids: tuple[str, ...] | None = None
    #: Row → the coded warnings of a person outside the instrument's population
    #: (only rows that have any), as :attr:`rnr.scoring.result.ScoreResult.warnings`.
    warnings: Mapping[int, tuple[Message, ...]] = attrs.field(converter=frozen_map, factory=dict)

    def __len__(self) -> int:
        return int(self.totals.shape[0])

    def row_warnings(self, i: int) -> tuple[Message, ...]:
        """The population warnings of row ``i`` (empty when within the population)."""
        return self.warnings.get(i, ())

    def _target(self, name: str) -> int:
        return self.compiled.targets.index(name)

    def _group(self, i: int) -> str | None:
        if isinstance(self.norm_groups, tuple):
            return self.norm_groups[i]
        return self.norm_groups

    def raw(self, scale: str) -> IntArray:
        """Raw totals of ``scale``."""
        return self.totals[:, self._target(scale)]

    def bounds(self, scale: str) -> tuple[IntArray, IntArray]:
        """Lowest and highest totals of ``scale`` (equal to raw where not provisional)."""
        j = self._target(scale)
        lows, highs = self.totals[:, j].copy(), self.totals[:, j].copy()
        lows[self.bounded_rows] = self.bounded_lows[:, j]
        highs[self.bounded_rows] = self.bounded_highs[:, j]
        return lows, highs

    def level_codes(self, scale: str) -> npt.NDArray[np.int8]:
        """Levels of ``scale`` as positions in ``scale.levels`` (-1: the scale has none).

        One look-up in the compiled table of (norm group, total); with
        :meth:`level_names`, a categorical form of :meth:`level` that builds
        no Python object per row.
        """
        spec = self.compiled.instrument.scales[scale]
        raws = self.raw(scale)
        table = self.compiled.level_tables.get(scale)
        if table is None:
            return np.full(raws.shape, -1, dtype=np.int8)
        lo = spec.range[0]
        index = raws - lo if lo else raws
        if not isinstance(self.norm_groups, tuple):
            out: npt.NDArray[np.int8] = table[self.compiled.groups.index(self.norm_groups)][index]
            return out
        position = {g: k for k, g in enumerate(self.compiled.groups)}
        rows = np.fromiter(
            (position[g] for g in self.norm_groups), dtype=np.intp, count=len(self.norm_groups)
        )
        out = table[rows, index]
        return out  # noqa: RET504 - typed as the int8 codes it is

    def level_names(self, scale: str) -> tuple[str | None, ...]:
        """Names of the codes :meth:`level_codes` gives: ``scale.levels``, then ``None`` for -1.

        ``level_names(s)[code]`` is the level of a row; ``numpy.take`` of
        these names over the codes is :meth:`level`.
        """
        return (*self.compiled.instrument.scales[scale].levels, None)

    def level(self, scale: str) -> npt.NDArray[np.object_]:
        """Level names of ``scale`` (``None`` where the scale has no levels)."""
        names = np.array(self.level_names(scale), dtype=object)
        out: npt.NDArray[np.object_] = names[self.level_codes(scale)]
        return out

    def scaled(self, scale: str) -> IntArray | None:
        """Scaled scores of ``scale``, or ``None`` when it has no scaling."""
        spec = self.compiled.instrument.scales[scale]
        if spec.scaled is None:
            return None
        return np.asarray(spec.scaled, dtype=np.int32)[self.raw(scale) - spec.range[0]]

    def flag(self, scale: str) -> BoolArray | None:
        """Flags of ``scale``, or ``None`` when it has no flag."""
        spec = self.compiled.instrument.scales[scale]
        return None if spec.flag_min is None else self.raw(scale) >= spec.flag_min

    def domain_total(self, domain: str) -> IntArray:
        """Domain totals (points on the primary scale)."""
        return self.totals[:, self._target(f"domain:{domain}")]

    def need(self, domain: str) -> npt.NDArray[np.object_]:
        """Need levels of ``domain`` (``None`` without need bands)."""
        spec = self.compiled.instrument.domain(domain)
        table = np.array(
            [spec.need(x) for x in range(spec.range[0], spec.range[1] + 1)], dtype=object
        )
        return table[self.domain_total(domain) - spec.range[0]]

    def row(self, i: int) -> dict[str, Any]:
        """Case ``i`` in the form :func:`summarize` gives a single result."""
        inst = self.compiled.instrument
        group = self._group(i)
        lows, highs = self.totals[i], self.totals[i]
        if self.provisional[i]:
            k = int(np.searchsorted(self.bounded_rows, i))
            lows, highs = self.bounded_lows[k], self.bounded_highs[k]
        scales = {}
        for sid, spec in inst.scales.items():
            j = self._target(sid)
            raw, lo, hi = int(self.totals[i, j]), int(lows[j]), int(highs[j])
            scales[sid] = {
                "raw": raw,
                "level": spec.level(raw, group),
                "scaled": spec.scaled_score(raw),
                "flag": spec.flag(raw),
                "min": lo,
                "max": hi,
                "min_level": spec.level(lo, group),
                "max_level": spec.level(hi, group),
            }
        domains = {}
        for d in inst.domains:
            j = self._target(f"domain:{d.id}")
            total = int(self.totals[i, j])
            domains[d.id] = {
                "total": total,
                "need": d.need(total),
                "min": int(lows[j]),
                "max": int(highs[j]),
            }
        return {
            "scales": scales,
            "domains": domains,
            "provisional": bool(self.provisional[i]),
            "warnings": self.row_warnings(i),
        }


def summarize(result: ScoreResult) -> dict[str, Any]:
    """The fields of a single result that :meth:`BatchResult.row` also gives."""
    scales = {}
    for sid, s in result.scales.items():
        b = s.bounds
        scales[sid] = {
            "raw": s.raw,
            "level": s.level,
            "scaled": s.scaled,
            "flag": s.flag,
            "min": b.min if b else s.raw,
            "max": b.max if b else s.raw,
            "min_level": b.min_level if b else s.level,
            "max_level": b.max_level if b else s.level,
        }
    domains = {
        d.id: {
            "total": d.total,
            "need": d.need,
            "min": d.bounds[0] if d.bounds else d.total,
            "max": d.bounds[1] if d.bounds else d.total,
        }
        for d in result.domains.values()
    }
    return {
        "scales": scales,
        "domains": domains,
        "provisional": result.provisional,
        "warnings": result.warnings,
    }


def score_batch(
    instrument: Instrument | CompiledInstrument,
    data: npt.ArrayLike | Mapping[str, Sequence[Any] | npt.ArrayLike],
    *,
    norm_group: str | Sequence[str] | None = None,
    case_ids: Sequence[str] | None = None,
    assessed_on: dt.date | Sequence[dt.date] | npt.NDArray[np.datetime64] | None = None,
    birth_date: dt.date | Sequence[dt.date | None] | npt.NDArray[np.datetime64] | None = None,
    sex: str | Sequence[str | None] | None = None,
) -> BatchResult:
    """Score many cases at once; each row equals :func:`rnr.score` of that case.

    Args:
        instrument: an instrument or its compiled form (compile once to reuse).
        data: a 2-D array with one column per item in instrument order, or a
            mapping of item id → column. Booleans are 0/1, categorical answers
            are category names (mapping) or their 0-based codes, age items are
            years. Omitted: ``NaN``, ``-1`` in integer arrays, or ``None``.
        norm_group: one norm group for every row, or one per row.
        case_ids: names used in error messages instead of row numbers.
        assessed_on: the assessment date, one for every row or one per row
            (needed with ``birth_date``: the age is the age on that day).
        birth_date: each person's birth date (``None``: not given), or one
            for every row.
        sex: each person's sex (``None``: not given), or one for every row.

    With ``sex`` or ``birth_date`` every row is checked against the
    population the instrument declares, as :func:`rnr.score` checks one case
    (:func:`rnr.scoring.single.check_population`): a row outside gets the same
    coded warnings (:meth:`BatchResult.row_warnings`), or, when the
    instrument refuses such a person (``population.outside = "error"``), the
    batch is refused naming the first row outside. What is not given is not
    checked.

    Raises:
        ScoringInputError: naming the row, item, value and what was expected
            (a person outside a population the instrument refuses to score
            included).
        OmissionError: a row omits more items than a scale or domain allows.
    """
    compiled = (
        instrument if isinstance(instrument, CompiledInstrument) else compile_instrument(instrument)
    )
    values = answer_matrix(compiled, data)
    n = values.shape[0]
    groups = norm_groups(compiled.instrument, norm_group, n, case_ids)
    ids = tuple(case_ids) if case_ids is not None else None
    if ids is not None and len(ids) != n:
        msg = f"case_ids: got {len(ids)} ids, expected one per row ({n})"
        raise ScoringInputError(
            msg, item="case_ids", value=len(ids), expected=str(n), code="argument.invalid"
        )
    warnings = population_warnings(
        compiled.instrument, n, assessed_on=assessed_on, birth_date=birth_date, sex=sex, ids=ids
    )
    # column-major: each target's totals are contiguous, written and read as one column
    totals = np.empty((n, len(compiled.targets)), dtype=np.int32, order="F")
    bounded = _score_fast(compiled, values, ids, totals)
    if bounded is None:
        bounded = score_reference(compiled, values, ids, totals)
    rows, lows, highs = bounded
    provisional = np.zeros(n, dtype=bool)
    provisional[rows] = True
    return BatchResult(
        compiled=compiled,
        totals=totals,
        provisional=provisional,
        bounded_rows=rows,
        bounded_lows=lows,
        bounded_highs=highs,
        norm_groups=groups,
        case_ids=ids,
        warnings=warnings,
    )


Bounded = tuple[IntArray, IntArray, IntArray]  # provisional rows, their lows and highs


def score_reference(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    ids: tuple[str, ...] | None,
    totals: IntArray,
    index: IntArray | None = None,
) -> Bounded:
    """The reference path: score ``values`` chunk by chunk into ``totals``.

    Every input form and instrument goes this way; the ``int8`` fast path is
    held equal to it by the property tests. ``index`` gives the batch row of
    each row of ``values`` (for errors) when they are a selection of rows.

    Returns:
        The provisional rows (ascending, positions in ``values``) and their
        lowest and highest totals.
    """
    rows: list[IntArray] = []
    lows: list[IntArray] = []
    highs: list[IntArray] = []
    for start in range(0, values.shape[0], CHUNK):
        stop = start + CHUNK
        part = _score_rows(
            compiled,
            values[start:stop],
            start,
            ids,
            totals[start:stop],
            index=None if index is None else index[start:stop],
        )
        if part.rows.size:
            rows.append(part.rows + start)
            lows.append(part.lows)
            highs.append(part.highs)
    width = len(compiled.targets)
    return _stack(rows, (0,)), _stack(lows, (0, width)), _stack(highs, (0, width))


def _score_fast(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    ids: tuple[str, ...] | None,
    totals: IntArray,
) -> Bounded | None:
    """Score ``int8`` yes/no answers in integers, or ``None`` to take the reference path.

    One bitwise OR over the whole array says whether every answer is 0 or 1;
    otherwise a minimum and a maximum tell omissions (-1) from bad answers.
    The rows that omit something are scored again by the reference path.
    """
    sums = compiled.sums
    if sums is None or values.dtype != np.int8 or values.ndim != 2 or not values.size:
        return None
    n, m = values.shape
    if not (values.flags.c_contiguous or values.flags.f_contiguous):
        values = np.ascontiguousarray(values)
    by_rows = bool(values.flags.c_contiguous)
    flat = values.reshape(-1) if by_rows else values.T.reshape(-1)  # memory order, no copy
    omitted: IntArray | None = None
    if int(np.bitwise_or.reduce(flat.view(np.uint8))) & 0xFE:
        if int(flat.min()) < -1 or int(flat.max()) > 1:
            return None  # a bad answer: the reference path names it as it always has
        found = np.flatnonzero(flat < 0)
        omitted = np.unique(found // m if by_rows else found % n)
    if by_rows:
        _count_bits(sums, values, totals)
    else:
        _add_columns(sums, values, totals)
    width = len(compiled.targets)
    if omitted is None:
        return np.zeros(0, dtype=np.int32), *(np.zeros((0, width), dtype=np.int32),) * 2
    again = np.empty((omitted.size, width), dtype=np.int32)
    rows, lows, highs = score_reference(
        compiled, np.ascontiguousarray(values[omitted]), ids, again, omitted
    )
    totals[omitted] = again
    return omitted[rows].astype(np.int32), lows, highs


def _add_columns(sums: Sums, values: npt.NDArray[np.int8], totals: IntArray) -> None:
    """Totals of column-major 0/1 answers: per target, add its columns in blocks of rows."""
    n_targets = len(sums.columns)
    acc = np.empty((n_targets, SUM_ROWS), dtype=sums.dtype)
    tmp = np.empty(SUM_ROWS, dtype=sums.dtype)
    order = [t for t in range(n_targets) if t not in sums.derived] + list(sums.derived)
    for start in range(0, values.shape[0], SUM_ROWS):
        block = values[start : start + SUM_ROWS]
        size = block.shape[0]
        for t in order:
            out = acc[t, :size]
            if t in sums.derived:
                first, *rest = sums.derived[t]
                np.copyto(out, acc[first, :size])
                for other in rest:
                    np.add(out, acc[other, :size], out=out)
            else:
                _weighted_sum(sums.columns[t], block, out, tmp[:size])
            totals[start : start + size, t] = out


def _weighted_sum(
    groups: tuple[tuple[int, tuple[int, ...]], ...],
    block: npt.NDArray[np.int8],
    out: npt.NDArray[Any],
    tmp: npt.NDArray[Any],
) -> None:
    """``out`` = the sum over (weight, columns) groups of weight x the columns' sum."""
    filled = False
    for weight, columns in groups:
        into = out if weight == 1 and not filled else tmp
        np.copyto(into, block[:, columns[0]])
        for j in columns[1:]:
            np.add(into, block[:, j], out=into)
        if into is out:
            filled = True
            continue
        if weight != 1:
            np.multiply(tmp, weight, out=tmp)
        if filled:
            np.add(out, tmp, out=out)
        else:
            np.copyto(out, tmp)
            filled = True
    if not filled:
        out[...] = 0


def _bit_masks(sums: Sums, m: int) -> list[list[tuple[int, int, np.uint64]]]:
    """Per target: (word, weight, mask) over the 56-answer words of a packed row."""
    out = []
    for groups in sums.columns:
        masks = []
        for weight, columns in groups:
            for word in range(-(-m // WORD_BITS)):
                bits = [
                    j - word * WORD_BITS for j in columns if 0 <= j - word * WORD_BITS < WORD_BITS
                ]
                if bits:
                    masks.append((word, weight, np.uint64(sum(1 << b for b in bits))))
        out.append(masks)
    return out


def _count_bits(sums: Sums, values: npt.NDArray[np.int8], totals: IntArray) -> None:
    """Totals of row-major 0/1 answers: pack each block's bits, count them per target.

    The block is packed as one bit string (``numpy.packbits``, little-endian
    bit order), so row ``i`` starts at bit ``m * i``; every ``group`` rows
    start on a byte again, and a strided 64-bit view reads word ``w`` of
    each row of the group, shifted down by its bit offset (at most 7).
    """
    m = values.shape[1]
    group = 8 // math.gcd(m, 8)
    stride = group * m // 8  # bytes per group of rows
    n_words = -(-m // WORD_BITS)
    masks = _bit_masks(sums, m)
    low = np.uint64((1 << WORD_BITS) - 1)
    for start in range(0, values.shape[0], SUM_ROWS):
        block = values[start : start + SUM_ROWS]
        size = block.shape[0]
        groups = -(-size // group)
        packed = np.packbits(block.reshape(-1), bitorder="little")
        buffer = np.zeros(groups * stride + 8, dtype=np.uint8)
        buffer[: packed.size] = packed
        words = np.empty((n_words, groups, group), dtype=np.uint64)
        for w in range(n_words):
            for r in range(group):
                byte, shift = divmod(r * m + w * WORD_BITS, 8)
                view: npt.NDArray[np.uint64] = np.ndarray(
                    (groups,), dtype="<u8", buffer=buffer, offset=byte, strides=(stride,)
                )
                np.right_shift(view, shift, out=words[w, :, r])
        rows = words.reshape(n_words, -1)[:, :size]
        rows &= low
        picked = np.empty(size, dtype=np.uint64)
        count = np.empty(size, dtype=np.uint8)
        for t, target in enumerate(masks):
            column = totals[start : start + size, t]
            if not target:
                column[...] = 0
            for k, (word, weight, mask) in enumerate(target):
                np.bitwise_and(rows[word], mask, out=picked)
                np.bitwise_count(picked, out=count)
                if k == 0:
                    np.multiply(count, weight, out=column, dtype=np.int32)
                else:
                    column += count.astype(np.int32) * weight


def population_warnings(
    instrument: Instrument,
    n: int,
    *,
    assessed_on: dt.date | Sequence[dt.date] | npt.NDArray[np.datetime64] | None = None,
    birth_date: dt.date | Sequence[dt.date | None] | npt.NDArray[np.datetime64] | None = None,
    sex: str | Sequence[str | None] | None = None,
    ids: tuple[str, ...] | None = None,
) -> dict[int, tuple[Message, ...]]:
    """Check ``n`` people against the instrument's population, as single scoring does.

    Ages and sexes are compared for every row at once; only the rows found
    outside go through :func:`rnr.scoring.single.check_population`, so their
    warnings (or the refusal) are exactly those of single scoring.

    Returns:
        Row → coded warnings, for the rows outside the population.

    Raises:
        ScoringInputError: a row is outside and the instrument refuses it
            (naming the first such row), a column has the wrong length, or
            birth dates are given without assessment dates.
    """
    pop = instrument.population
    allowed = tuple(pop.get("sex") or ())
    ages = isinstance(pop.get("min_age"), int)
    sexes = _per_row("sex", sex, n, str)
    births = _per_row("birth_date", birth_date, n, dt.date)
    days = _per_row("assessed_on", assessed_on, n, dt.date)
    if (sexes is None or not allowed) and (births is None or not ages):
        return {}
    outside = np.zeros(n, dtype=bool)
    if sexes is not None and allowed:
        verdict = {s: _sex_outside(s, allowed) for s in set(sexes)}
        outside |= np.fromiter((verdict[s] for s in sexes), dtype=bool, count=n)
    if births is not None and ages:
        if days is None:
            msg = "assessed_on: missing, expected the assessment dates to check ages (birth_date)"
            raise ScoringInputError(
                msg, item="assessed_on", expected="a date, or one per row", code="argument.invalid"
            )
        outside |= _age_outside(instrument, births, days)
    out: dict[int, tuple[Message, ...]] = {}
    for row in np.flatnonzero(outside).tolist():
        day = _date(days[row]) if days is not None else None
        born = _date(births[row]) if births is not None and day is not None else None
        try:
            found = check_population(
                instrument,
                assessed_on=day or dt.date.min,  # without a day no age is checked
                birth_date=born,
                sex=sexes[row] if sexes is not None else None,
            )
        except ScoringInputError as exc:
            exc.case_id = where(ids, row)
            raise
        if found:
            out[row] = found
    return out


def _per_row(name: str, given: Any, n: int, kind: type) -> list[Any] | None:
    """One value per row: a single value repeated, or a sequence of ``n`` values."""
    if given is None:
        return None
    if isinstance(given, kind | np.datetime64):
        return [given] * n
    values = list(given.tolist() if isinstance(given, np.ndarray) else given)
    if len(values) != n:
        msg = f"{name}: got {len(values)} values, expected one per row ({n})"
        raise ScoringInputError(
            msg, item=name, value=len(values), expected=str(n), code="argument.invalid"
        )
    return values


def _date(value: Any) -> dt.date | None:
    """A date from a ``datetime.date``, a ``numpy.datetime64`` or ``None`` (NaT: ``None``)."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        out: dt.date = value.astype("datetime64[D]").item()
        return out
    msg = f"got {value!r}, expected a date"
    raise ScoringInputError(msg, value=value, expected="a date", code="argument.invalid")


def _sex_outside(sex: Any, allowed: tuple[str, ...]) -> bool:
    """Whether a given sex is not one the population allows (as single scoring reads it)."""
    given = sex.strip().lower() if isinstance(sex, str) else ""
    return bool(given) and given not in allowed


def _age_outside(instrument: Instrument, births: list[Any], days: list[Any]) -> BoolArray:
    """Rows whose age in whole years on the assessment day is outside the population's range.

    The same rule as :func:`rnr.scoring.single.age_in_years`, on whole columns;
    a row without a birth date or an assessment date is not checked.
    """
    lo = int(instrument.population["min_age"])
    hi = instrument.population.get("max_age")
    born = _dates(births)
    on = _dates(days)
    by, bm, bd = _ymd(born)
    oy, om, od = _ymd(on)
    age = oy - by - ((om < bm) | ((om == bm) & (od < bd)))
    out: BoolArray = (age < lo) | ((age > hi) if isinstance(hi, int) else False)
    return out & ~np.isnat(born) & ~np.isnat(on)


def _dates(values: list[Any]) -> npt.NDArray[np.datetime64]:
    """Dates (``datetime.date``, ``datetime64`` or ``None``) as ``datetime64[D]``, NaT for none."""
    return np.array([_date(v) or np.datetime64("NaT") for v in values], dtype="datetime64[D]")


def _ymd(dates: npt.NDArray[np.datetime64]) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month (1-12) and day (1-31) of each date (NaT rows give meaningless numbers)."""
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _stack(parts: list[IntArray], empty: tuple[int, ...]) -> IntArray:
    if not parts:
        return np.zeros(empty, dtype=np.int32)
    out: IntArray = np.concatenate(parts).astype(np.int32, copy=False)
    return out


@attrs.frozen(eq=False)
class _Part:
    totals: IntArray
    rows: IntArray  # provisional rows, relative to the chunk
    lows: IntArray
    highs: IntArray


def _score_rows(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    offset: int,
    ids: tuple[str, ...] | None,
    totals: IntArray,
    *,
    index: IntArray | None = None,
) -> _Part:
    """Score one chunk of rows into ``totals`` (its slice of the result).

    Chunks are small enough for their temporaries to stay in cache.
    ``index``: the batch row of each row, when the chunk is a selection of
    rows that all have valid answers (omissions are named by it).
    """
    n = values.shape[0]
    fast = compiled.all_linear
    if fast:
        codes, missing = yes_no_codes(compiled, values, offset, ids)
    else:
        missing = np.isnan(values) if values.dtype.kind == "f" else values == -1
        codes = outcome_codes(compiled, values, missing, offset, ids)
    provisional = np.zeros(0, dtype=np.int64)
    if missing is not None:
        provisional = np.unique(np.flatnonzero(missing) // values.shape[1])
        scored_missing = missing[provisional] & compiled.scored
        keep = scored_missing.any(axis=1)
        provisional, scored_missing = provisional[keep], scored_missing[keep]
        if provisional.size:
            named = provisional + offset if index is None else index[provisional]
            _check_omissions(compiled, scored_missing, named, ids)

    # answered points: yes/no items by one matrix product, the others by look-up
    linear = compiled.linear_columns
    if linear.size:
        yes = codes if fast else codes[:, linear]
        totals[...] = yes.astype(np.float32) @ compiled.linear_weights  # exact small integers
    else:
        totals[...] = 0
    for j, table in enumerate(compiled.tables):
        if table is not None:
            totals += table[codes[:, j]]
    if compiled.term_points.size:
        if missing is None:
            missing = np.zeros(values.shape, dtype=bool)
        truth, known = terms(compiled, values, missing)
        totals += (truth & known).astype(np.int32) @ compiled.term_points
    else:
        known = np.ones((n, 0), dtype=bool)

    lows = totals[provisional].copy()
    highs = totals[provisional].copy()
    if provisional.size:
        assert missing is not None
        open_terms = ~known[provisional] & (compiled.term_points != 0).any(axis=1)
        entangled = open_terms.any(axis=1)
        m = scored_missing[~entangled].astype(np.int32)
        lows[~entangled] += m @ compiled.min_points
        highs[~entangled] += m @ compiled.max_points
        for k in np.flatnonzero(entangled):
            i = provisional[k]
            lows[k], highs[k] = _row_bounds(compiled, values[i], missing[i])
        totals[provisional] = np.clip(totals[provisional], lows, highs)
    return _Part(totals=totals, rows=provisional, lows=lows, highs=highs)


def _check_omissions(
    compiled: CompiledInstrument,
    scored_missing: BoolArray,
    rows: IntArray,
    ids: tuple[str, ...] | None,
) -> None:
    """Raise for the first row (and its first scope, as single scoring does) over a limit.

    ``scored_missing`` holds only the rows that omit something; one matrix
    product counts the omissions of every scale and domain at once.
    """
    counts = scored_missing.astype(np.int16) @ compiled.scopes.astype(np.int16)
    over = counts > compiled.scope_limits
    if not over.any():
        return
    k, s = (int(x) for x in np.argwhere(over)[0])
    names = [
        compiled.instrument.items[j].id
        for j in np.flatnonzero(scored_missing[k] & compiled.scopes[:, s])
    ]
    limit = int(compiled.scope_limits[s])
    scope = compiled.scope_names[s]
    raise omission_error(scope, names, limit, where=where(ids, int(rows[k])))


def _row_bounds(
    compiled: CompiledInstrument, row: npt.NDArray[Any], missing: BoolArray
) -> tuple[IntArray, IntArray]:
    """Exact bounds of one row by the single-case enumeration."""
    inst = compiled.instrument
    answers: dict[str, Value | None] = {}
    for j, item in enumerate(inst.items):
        if missing[j]:
            answers[item.id] = None
        elif item.kind == "boolean":
            answers[item.id] = bool(row[j])
        elif item.kind == "categorical":
            answers[item.id] = item.outcomes[int(row[j])].value
        else:
            answers[item.id] = int(row[j])
    lows, highs = [], []
    for sid in inst.scales:
        lo, hi = sum_bounds(inst, answers, sid, inst.scored_items, inst.terms)
        lows.append(lo)
        highs.append(hi)
    for d in inst.domains:
        members = set(d.items)
        lo, hi = sum_bounds(
            inst,
            answers,
            inst.primary_scale,
            (i for i in inst.scored_items if i.id in members),
            (t for t in inst.terms if t.id in members),
        )
        lows.append(lo)
        highs.append(hi)
    return np.array(lows, dtype=np.int64), np.array(highs, dtype=np.int64)
