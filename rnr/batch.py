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

from rnr.conditions import AllOf, AnyOf, Atom, Condition, Value
from rnr.errors import OmissionError, ScoringInputError
from rnr.instrument import Instrument, Item
from rnr.result import ScoreResult
from rnr.scoring import check_norm_group, sum_bounds

__all__ = ["BatchResult", "CompiledInstrument", "compile_instrument", "score_batch", "summarize"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class CompiledInstrument:
    """An instrument turned into arrays for batch scoring."""

    instrument: Instrument
    targets: tuple[str, ...]
    linear: IntArray  # (n_items, n_targets): points of a yes answer, for boolean items
    tables: tuple[IntArray | None, ...]  # per item: (n_outcomes + 1, n_targets), last row zeros
    edges: tuple[IntArray | None, ...]  # per numeric band item: lower edge of each outcome
    min_points: IntArray  # (n_items, n_targets)
    max_points: IntArray
    term_points: IntArray  # (n_terms, n_targets)
    feeds: BoolArray  # (n_items, n_scales): item can change the scale
    scored: BoolArray  # (n_items,) not a strength item

    @property
    def n_scales(self) -> int:
        """Number of scales (the first targets)."""
        return len(self.instrument.scales)

    def column(self, item_id: str) -> int:
        """Column of ``item_id`` in a batch array (instrument item order)."""
        return [i.id for i in self.instrument.items].index(item_id)


def compile_instrument(instrument: Instrument) -> CompiledInstrument:
    """Compile ``instrument`` into lookup tables (pure; cache the value yourself)."""
    primary = instrument.primary_scale
    scale_ids = list(instrument.scales)
    targets = tuple(scale_ids) + tuple(f"domain:{d.id}" for d in instrument.domains)

    def vector(points: Mapping[str, int], domain: str) -> list[int]:
        return [points.get(s, 0) for s in scale_ids] + [
            points.get(primary, 0) if d.id == domain else 0 for d in instrument.domains
        ]

    n_items, n_targets = len(instrument.items), len(targets)
    linear = np.zeros((n_items, n_targets), dtype=np.int64)
    tables: list[IntArray | None] = []
    edges: list[IntArray | None] = []
    lo = np.zeros((n_items, n_targets), dtype=np.int64)
    hi = np.zeros((n_items, n_targets), dtype=np.int64)
    for j, item in enumerate(instrument.items):
        rows = np.array([vector(o.points, item.domain) for o in item.outcomes], dtype=np.int64)
        lo[j], hi[j] = rows.min(axis=0), rows.max(axis=0)
        if item.kind == "boolean":
            linear[j] = rows[1]
            tables.append(None)
        else:
            tables.append(np.vstack([rows, np.zeros((1, n_targets), dtype=np.int64)]))
        if item.kind in ("count", "age"):
            edges.append(np.array([o.lo for o in item.outcomes], dtype=np.int64))
        else:
            edges.append(None)
    term_points = np.array(
        [vector(t.points, t.domain) for t in instrument.terms], dtype=np.int64
    ).reshape(len(instrument.terms), n_targets)
    feeds = np.array(
        [[instrument.feeds(i, s) for s in scale_ids] for i in instrument.items], dtype=bool
    ).reshape(n_items, len(scale_ids))
    scored = np.array([not i.strength for i in instrument.items], dtype=bool)
    return CompiledInstrument(
        instrument=instrument,
        targets=targets,
        linear=linear,
        tables=tuple(tables),
        edges=tuple(edges),
        min_points=lo,
        max_points=hi,
        term_points=term_points,
        feeds=feeds,
        scored=scored,
    )


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
    values, missing = _matrix(compiled, data)
    n = values.shape[0]
    groups = _norm_groups(inst, norm_group, n, case_ids)
    ids = tuple(case_ids) if case_ids is not None else None
    if ids is not None and len(ids) != n:
        msg = f"case_ids: got {len(ids)} ids, expected one per row ({n})"
        raise ScoringInputError(msg, item="case_ids", value=len(ids), expected=str(n))
    codes = _codes(compiled, values, missing, ids)
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
    truth, known = _terms(compiled, values, missing)
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


def _matrix(
    compiled: CompiledInstrument, data: npt.ArrayLike | Mapping[str, Any]
) -> tuple[npt.NDArray[Any], BoolArray]:
    """The answers as a 2-D numeric array and the mask of omitted answers."""
    items = compiled.instrument.items
    if isinstance(data, Mapping):
        unknown = [k for k in data if not compiled.instrument.has_item(k)]
        if unknown:
            msg = f"unknown item {unknown[0]!r} for {compiled.instrument.ref}"
            raise ScoringInputError(
                msg, item=unknown[0], expected=f"an item of {compiled.instrument.ref}"
            )
        lengths = {len(np.asarray(v, dtype=object)) for v in data.values()}
        if len(lengths) > 1:
            msg = f"columns have different lengths: {sorted(lengths)}"
            raise ScoringInputError(
                msg, item="data", value=sorted(lengths), expected="equal lengths"
            )
        n = lengths.pop() if lengths else 0
        values = np.full((n, len(items)), np.nan)
        for j, item in enumerate(items):
            if item.id in data:
                values[:, j] = _column(item, data[item.id])
        return values, np.isnan(values)
    array = np.asarray(data)
    if array.ndim != 2 or array.shape[1] != len(items):
        msg = f"got an array of shape {array.shape}, expected (n, {len(items)}): one column per item of {compiled.instrument.ref}"
        raise ScoringInputError(msg, item="data", value=array.shape, expected=f"(n, {len(items)})")
    if array.dtype == object:
        return _matrix(compiled, {item.id: array[:, j] for j, item in enumerate(items)})
    if array.dtype == bool:
        array = array.astype(np.int8)
    if np.issubdtype(array.dtype, np.floating):
        return array, np.isnan(array)
    if np.issubdtype(array.dtype, np.integer):
        return array, array == -1
    msg = f"got an array of dtype {array.dtype}, expected numbers"
    raise ScoringInputError(msg, item="data", value=str(array.dtype), expected="a numeric array")


def _column(item: Item, column: Any) -> FloatArray:
    """One mapping column as floats with NaN for omitted; categories to codes."""
    col = np.asarray(column, dtype=object) if item.kind == "categorical" else column
    out = np.empty(len(col), dtype=np.float64)
    for k, v in enumerate(col):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out[k] = np.nan
        elif item.kind == "categorical" and isinstance(v, str):
            names = [o.value for o in item.outcomes]
            if v not in names:
                msg = f"row {k}: item {item.id}: got {v!r}, expected {item.expected()}"
                raise ScoringInputError(msg, item=item.id, value=v, expected=item.expected())
            out[k] = names.index(v)
        elif isinstance(v, bool | int | float | np.integer | np.floating | np.bool_):
            out[k] = float(v)
        else:
            msg = f"row {k}: item {item.id}: got {v!r}, expected {item.expected()}"
            raise ScoringInputError(msg, item=item.id, value=v, expected=item.expected())
    return out


def _norm_groups(
    inst: Instrument, norm_group: str | Sequence[str] | None, n: int, case_ids: Sequence[str] | None
) -> tuple[str | None, ...] | str | None:
    if norm_group is None or isinstance(norm_group, str):
        check_norm_group(inst, norm_group)
        return norm_group
    groups = tuple(norm_group)
    if len(groups) != n:
        msg = f"norm_group: got {len(groups)} groups, expected one per row ({n})"
        raise ScoringInputError(msg, item="norm_group", value=len(groups), expected=str(n))
    for k, g in enumerate(dict.fromkeys(groups)):
        try:
            check_norm_group(inst, g)
        except ScoringInputError as exc:
            row = groups.index(g)
            exc.case_id = case_ids[row] if case_ids is not None else f"row {row}"
            raise
        del k
    return groups


def _where(ids: tuple[str, ...] | None, row: int) -> str:
    return ids[row] if ids is not None else f"row {row}"


def _codes(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    missing: BoolArray,
    ids: tuple[str, ...] | None,
) -> npt.NDArray[Any]:
    """Outcome index of every answer (booleans stay 0/1); omitted → the zero row."""
    items = compiled.instrument.items
    n = values.shape[0]
    linear = [j for j, t in enumerate(compiled.tables) if t is None]
    if len(linear) == len(items) and values.dtype == np.int8:
        bad = (values > 1) | (values < -1)
        codes = np.where(missing, 0, values) if missing.any() else values
    else:
        codes = np.zeros(values.shape, dtype=np.int64)
        bad = np.zeros(values.shape, dtype=bool)
        for j, item in enumerate(items):
            col, miss = values[:, j], missing[:, j]
            ok_int = (
                col == np.floor(col)
                if np.issubdtype(col.dtype, np.floating)
                else np.ones(n, dtype=bool)
            )
            if item.kind == "boolean":
                bad[:, j] = ~miss & ~((col == 0) | (col == 1))
                codes[:, j] = np.where(miss | bad[:, j], 0, col)
                continue
            if item.kind == "categorical":
                lo, hi = 0, len(item.outcomes) - 1
            else:
                assert item.valid_range is not None
                lo, hi_or_none = item.valid_range
                hi = hi_or_none if hi_or_none is not None else np.iinfo(np.int64).max
            with np.errstate(invalid="ignore"):
                in_range = ok_int & (col >= lo) & (col <= hi)
            bad[:, j] = ~miss & ~in_range
            safe = np.where(miss | bad[:, j], lo, col).astype(np.int64)
            edges = compiled.edges[j]
            if edges is not None:
                idx = np.searchsorted(edges, safe, side="right") - 1
            elif item.kind == "rating":
                idx = safe - lo
            else:
                idx = safe
            codes[:, j] = np.where(miss, len(item.outcomes), idx)
    if bad.any():
        row, j = (int(x) for x in np.argwhere(bad)[0])
        item = items[j]
        value = values[row, j]
        shown = value.item() if hasattr(value, "item") else value
        msg = f"{_where(ids, row)}: item {item.id}: got {shown!r}, expected {item.expected()}"
        raise ScoringInputError(
            msg, item=item.id, value=shown, expected=item.expected(), case_id=None
        )
    return codes


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
            _raise_omission(f"scale {sid}", names, scale.max_omitted, _where(ids, row))
    for domain in inst.domains:
        if domain.max_omitted is None:
            continue
        cols = np.array([i.domain == domain.id for i in items])
        counts = (scored_missing & cols).sum(axis=1)
        over = np.flatnonzero(counts > domain.max_omitted)
        if over.size:
            row = int(over[0])
            names = [items[j].id for j in np.flatnonzero(scored_missing[row] & cols)]
            _raise_omission(f"domain {domain.id}", names, domain.max_omitted, _where(ids, row))


def _raise_omission(scope: str, names: list[str], limit: int, where: str) -> None:
    msg = (
        f"{scope}: {len(names)} items omitted, at most {limit} allowed; missing: {', '.join(names)}"
    )
    raise OmissionError(msg, missing=names, limit=limit, scope=scope, case_id=where)


def _terms(
    compiled: CompiledInstrument, values: npt.NDArray[Any], missing: BoolArray
) -> tuple[BoolArray, BoolArray]:
    """Truth and known-ness of every term for every row (Kleene logic)."""
    inst = compiled.instrument
    n = values.shape[0]
    truth = np.zeros((n, len(inst.terms)), dtype=bool)
    known = np.ones((n, len(inst.terms)), dtype=bool)
    columns = {item.id: j for j, item in enumerate(inst.items)}
    for t, term in enumerate(inst.terms):
        truth[:, t], known[:, t] = _evaluate(term.when, inst, columns, values, missing)
    return truth, known


def _evaluate(
    cond: Condition,
    inst: Instrument,
    columns: Mapping[str, int],
    values: npt.NDArray[Any],
    missing: BoolArray,
) -> tuple[BoolArray, BoolArray]:
    if isinstance(cond, Atom):
        j = columns[cond.item]
        col = values[:, j]
        item = inst.item(cond.item)
        known = ~missing[:, j]
        test = _atom_test(cond, item, col)
        return test & known, known
    parts = [_evaluate(p, inst, columns, values, missing) for p in cond.parts]
    trues = np.array([t for t, _ in parts])
    knowns = np.array([k for _, k in parts])
    falses = knowns & ~trues
    if isinstance(cond, AllOf):
        is_false = np.asarray(falses.any(axis=0), dtype=bool)
        return np.asarray(trues.all(axis=0), dtype=bool), is_false | knowns.all(axis=0)
    assert isinstance(cond, AnyOf)
    is_true = np.asarray(trues.any(axis=0), dtype=bool)
    return is_true, is_true | np.asarray(knowns.all(axis=0), dtype=bool)


def _encode(item: Item, value: Value) -> int:
    if item.kind == "categorical":
        return [o.value for o in item.outcomes].index(str(value))
    return int(value)


def _atom_test(atom: Atom, item: Item, col: npt.NDArray[Any]) -> BoolArray:
    with np.errstate(invalid="ignore"):
        if atom.op == "is":
            assert not isinstance(atom.value, tuple)
            return np.asarray(col == _encode(item, atom.value))
        if atom.op == "in":
            assert isinstance(atom.value, tuple)
            return np.isin(col, [_encode(item, v) for v in atom.value])
        assert isinstance(atom.value, int)
        compare = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}[
            atom.op
        ]
        return np.asarray(compare(col, atom.value))


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
