"""Score many cases at once with numpy.

An instrument compiles to lookup tables: each item maps an answer to an
outcome row of points over *targets* (every scale, then every domain total on
the primary scale). Yes/no items become one matrix product; the other kinds
are table look-ups. Omitted answers (``NaN`` in a float array, ``-1`` in an
integer array, ``None`` in a list) give provisional rows whose bounds equal
single scoring's, term by term.

>>> import numpy as np
>>> from rnr import default_library, score_batch
>>> lscmi = default_library().get("lscmi")
>>> answers = np.zeros((3, len(lscmi.items)), dtype=np.int8)
>>> answers[1, :20] = 1
>>> answers[2, 0] = -1
>>> out = score_batch(lscmi, answers, norm_group="female")
>>> out.raw("total").tolist(), out.level("total").tolist(), out.provisional.tolist()
([0, 20, 0], ['very_low', 'high', 'very_low'], [False, False, True])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.compiled import (
    BoolArray,
    CompiledInstrument,
    IntArray,
    answer_matrix,
    compile_instrument,
    norm_groups,
    outcome_codes,
    terms,
    where,
)
from rnr.conditions import Value
from rnr.errors import OmissionError, ScoringInputError
from rnr.instrument import Instrument
from rnr.result import ScoreResult
from rnr.scoring import sum_bounds

__all__ = ["BatchResult", "CompiledInstrument", "compile_instrument", "score_batch", "summarize"]


@attrs.frozen(eq=False)
class BatchResult:
    """Scores of many cases as arrays; :meth:`row` gives one case as a dict."""

    compiled: CompiledInstrument
    totals: IntArray  # (n, n_targets)
    lows: IntArray  # (n, n_targets), equal to totals where nothing is omitted
    highs: IntArray
    provisional: BoolArray
    norm_groups: tuple[str | None, ...] | str | None
    case_ids: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return int(self.totals.shape[0])

    def _target(self, name: str) -> int:
        return self.compiled.targets.index(name)

    def raw(self, scale: str) -> IntArray:
        """Raw totals of ``scale``."""
        return self.totals[:, self._target(scale)]

    def bounds(self, scale: str) -> tuple[IntArray, IntArray]:
        """Lowest and highest totals of ``scale`` (equal to raw where not provisional)."""
        j = self._target(scale)
        return self.lows[:, j], self.highs[:, j]

    def _groups(self) -> list[str | None]:
        if isinstance(self.norm_groups, tuple):
            return list(self.norm_groups)
        return [self.norm_groups] * len(self)

    def _level_of(self, scale: str, raws: IntArray) -> npt.NDArray[np.object_]:
        spec = self.compiled.instrument.scales[scale]
        out: npt.NDArray[np.object_] = np.full(raws.shape, None, dtype=object)
        if not spec.bands:
            return out
        lo, hi = spec.range

        def table(group: str | None) -> npt.NDArray[np.object_]:
            return np.array([spec.level(x, group) for x in range(lo, hi + 1)], dtype=object)

        if not isinstance(self.norm_groups, tuple):
            out[:] = table(self.norm_groups)[raws - lo]
            return out
        groups = np.array(self.norm_groups, dtype=object)
        for group in dict.fromkeys(self.norm_groups):
            rows = groups == group
            out[rows] = table(group)[raws[rows] - lo]
        return out

    def level(self, scale: str) -> npt.NDArray[np.object_]:
        """Level names of ``scale`` (``None`` where the scale has no levels)."""
        return self._level_of(scale, self.raw(scale))

    def scaled(self, scale: str) -> IntArray | None:
        """Scaled scores of ``scale``, or ``None`` when it has no scaling."""
        spec = self.compiled.instrument.scales[scale]
        if spec.scaled is None:
            return None
        return np.asarray(spec.scaled, dtype=np.int64)[self.raw(scale) - spec.range[0]]

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
        group = self._groups()[i]
        scales = {}
        for sid, spec in inst.scales.items():
            j = self._target(sid)
            raw, lo, hi = int(self.totals[i, j]), int(self.lows[i, j]), int(self.highs[i, j])
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
                "min": int(self.lows[i, j]),
                "max": int(self.highs[i, j]),
            }
        return {"scales": scales, "domains": domains, "provisional": bool(self.provisional[i])}


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
    return {"scales": scales, "domains": domains, "provisional": result.provisional}


def score_batch(
    instrument: Instrument | CompiledInstrument,
    data: npt.ArrayLike | Mapping[str, Sequence[Any] | npt.ArrayLike],
    *,
    norm_group: str | Sequence[str] | None = None,
    case_ids: Sequence[str] | None = None,
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

    Raises:
        ScoringInputError: naming the row, item, value and what was expected.
        OmissionError: a row omits more items than a scale or domain allows.
    """
    compiled = (
        instrument if isinstance(instrument, CompiledInstrument) else compile_instrument(instrument)
    )
    inst = compiled.instrument
    values, missing = answer_matrix(compiled, data)
    n = values.shape[0]
    groups = norm_groups(inst, norm_group, n, case_ids)
    ids = tuple(case_ids) if case_ids is not None else None
    if ids is not None and len(ids) != n:
        msg = f"case_ids: got {len(ids)} ids, expected one per row ({n})"
        raise ScoringInputError(msg, item="case_ids", value=len(ids), expected=str(n))
    codes = outcome_codes(compiled, values, missing, ids)
    scored_missing = missing & compiled.scored
    any_missing = scored_missing.any(axis=1)
    if any_missing.any():
        _check_omissions(compiled, scored_missing, ids)

    # answered points: yes/no items by one matrix product, the others by look-up
    linear_cols = [j for j, t in enumerate(compiled.tables) if t is None]
    totals = np.zeros((n, len(compiled.targets)), dtype=np.int64)
    if linear_cols:
        yes = codes if len(linear_cols) == codes.shape[1] else codes[:, linear_cols]
        weights = compiled.linear[linear_cols].astype(np.float32)
        totals += np.rint(yes.astype(np.float32) @ weights).astype(np.int64)
    for j, table in enumerate(compiled.tables):
        if table is not None:
            totals += table[codes[:, j]]
    truth, known = terms(compiled, values, missing)
    if compiled.term_points.size:
        totals += (truth & known).astype(np.int64) @ compiled.term_points

    lows, highs = totals.copy(), totals.copy()
    if any_missing.any():
        rows = np.flatnonzero(any_missing)
        open_terms = ~known[rows] & (compiled.term_points != 0).any(axis=1)
        entangled = open_terms.any(axis=1)
        simple = rows[~entangled]
        m = scored_missing[simple].astype(np.int64)
        lows[simple] += m @ compiled.min_points
        highs[simple] += m @ compiled.max_points
        for i in rows[entangled]:
            lows[i], highs[i] = _row_bounds(compiled, values[i], missing[i])
        totals[rows] = np.clip(totals[rows], lows[rows], highs[rows])
    return BatchResult(
        compiled=compiled,
        totals=totals,
        lows=lows,
        highs=highs,
        provisional=np.asarray(any_missing, dtype=bool),
        norm_groups=groups,
        case_ids=ids,
    )


def _check_omissions(
    compiled: CompiledInstrument, scored_missing: BoolArray, ids: tuple[str, ...] | None
) -> None:
    inst = compiled.instrument
    items = inst.items
    for s, (sid, scale) in enumerate(inst.scales.items()):
        counts = (scored_missing & compiled.feeds[:, s]).sum(axis=1)
        over = np.flatnonzero(counts > scale.max_omitted)
        if over.size:
            row = int(over[0])
            names = [
                items[j].id for j in np.flatnonzero(scored_missing[row] & compiled.feeds[:, s])
            ]
            _raise_omission(f"scale {sid}", names, scale.max_omitted, where(ids, row))
    for domain in inst.domains:
        if domain.max_omitted is None:
            continue
        cols = np.array([i.domain == domain.id for i in items])
        counts = (scored_missing & cols).sum(axis=1)
        over = np.flatnonzero(counts > domain.max_omitted)
        if over.size:
            row = int(over[0])
            names = [items[j].id for j in np.flatnonzero(scored_missing[row] & cols)]
            _raise_omission(f"domain {domain.id}", names, domain.max_omitted, where(ids, row))


def _raise_omission(scope: str, names: list[str], limit: int, where: str) -> None:
    msg = (
        f"{scope}: {len(names)} items omitted, at most {limit} allowed; missing: {', '.join(names)}"
    )
    raise OmissionError(msg, missing=names, limit=limit, scope=scope, case_id=where)


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
