"""Compile an instrument into arrays, and turn answers into outcome codes.

Each item maps an answer to an outcome row of points over *targets* (every
scale, then every domain total on the primary scale). Yes/no items keep their
0/1 answer and score by one matrix product; the other kinds look their
outcome row up. Terms are evaluated on whole columns with Kleene logic.

An instrument whose items are all yes/no and that has no terms also compiles
to integer *sums* (:class:`Sums`): each target as its answer columns grouped
by weight, or as the sum of other targets (a scale that is exactly the sum of
the domains), accumulated in the narrowest integer type that cannot
overflow. :mod:`rnr.scoring.batch` adds ``int8`` columns with them, or counts
bits of the packed rows, and never converts to floating point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import attrs
import numpy as np
import numpy.typing as npt

from rnr.definitions.conditions import AllOf, AnyOf, Atom, Condition, Value
from rnr.definitions.instrument import Instrument, Item
from rnr.errors import ScoringInputError
from rnr.scoring.single import check_norm_group

__all__ = [
    "CompiledInstrument",
    "Sums",
    "answer_matrix",
    "compile_instrument",
    "outcome_codes",
    "terms",
    "yes_no_codes",
]

IntArray = npt.NDArray[np.int32] | npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Sums:
    """How every target adds up from 0/1 answer columns, in integers.

    ``columns[t]`` holds target ``t``'s (weight, columns) groups; a target in
    ``derived`` is instead the sum of the targets ``derived[t]`` names, whose
    columns are disjoint and whose weights add up to its own exactly. Every
    partial sum fits ``dtype``.
    """

    columns: tuple[tuple[tuple[int, tuple[int, ...]], ...], ...]  # per target
    derived: Mapping[int, tuple[int, ...]]  # target -> the targets it is the sum of
    dtype: type[np.signedinteger[Any]]


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
    scopes: BoolArray  # (n_items, n_scopes): which items count towards each omission limit
    scope_names: tuple[str, ...]  # "scale total", "domain family", ...
    scope_limits: IntArray  # (n_scopes,)
    linear_columns: IntArray  # the boolean items' columns
    linear_weights: npt.NDArray[np.float32]  # (len(linear_columns), n_targets)
    #: Integer sums of the targets when every item is yes/no and no term scores.
    sums: Sums | None = None
    #: The norm groups a level table has rows for (``(None,)`` without groups).
    groups: tuple[str | None, ...] = (None,)
    #: Scale -> (group, total - lowest total) -> position in ``scale.levels``.
    level_tables: Mapping[str, npt.NDArray[np.int8]] = attrs.field(factory=dict)

    @property
    def all_linear(self) -> bool:
        """Every item is yes/no, so the whole score is one matrix product."""
        return len(self.linear_columns) == len(self.instrument.items)

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
    linear = np.zeros((n_items, n_targets), dtype=np.int32)
    tables: list[IntArray | None] = []
    edges: list[IntArray | None] = []
    lo = np.zeros((n_items, n_targets), dtype=np.int32)
    hi = np.zeros((n_items, n_targets), dtype=np.int32)
    for j, item in enumerate(instrument.items):
        rows = np.array([vector(o.points, item.domain) for o in item.outcomes], dtype=np.int32)
        lo[j], hi[j] = rows.min(axis=0), rows.max(axis=0)
        if item.kind == "boolean":
            linear[j] = rows[1]
            tables.append(None)
        else:
            tables.append(np.vstack([rows, np.zeros((1, n_targets), dtype=np.int32)]))
        if item.kind in ("count", "age"):
            edges.append(np.array([o.lo for o in item.outcomes], dtype=np.int64))
        else:
            edges.append(None)
    term_points = np.array(
        [vector(t.points, t.domain) for t in instrument.terms], dtype=np.int32
    ).reshape(len(instrument.terms), n_targets)
    feeds = np.array(
        [[instrument.feeds(i, s) for s in scale_ids] for i in instrument.items], dtype=bool
    ).reshape(n_items, len(scale_ids))
    scored = np.array([not i.strength for i in instrument.items], dtype=bool)
    linear_columns = np.array([j for j, t in enumerate(tables) if t is None], dtype=np.int64)
    scopes = [
        (f"scale {sid}", s.max_omitted, feeds[:, k])
        for k, (sid, s) in enumerate(instrument.scales.items())
    ]
    scopes += [
        (f"domain {d.id}", d.max_omitted, np.array([i.domain == d.id for i in instrument.items]))
        for d in instrument.domains
        if d.max_omitted is not None
    ]
    groups: tuple[str | None, ...] = instrument.norm_groups or (None,)
    level_tables = {
        sid: np.array(
            [
                [
                    spec.level_rank(str(spec.level(x, g)))
                    for x in range(spec.range[0], spec.range[1] + 1)
                ]
                for g in groups
            ],
            dtype=np.int8,
        )
        for sid, spec in instrument.scales.items()
        if spec.bands
    }
    simple = len(linear_columns) == n_items and not instrument.terms
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
        scopes=np.column_stack([c for _, _, c in scopes]).astype(bool),
        scope_names=tuple(name for name, _, _ in scopes),
        scope_limits=np.array([limit for _, limit, _ in scopes], dtype=np.int64),
        linear_columns=linear_columns,
        linear_weights=linear[linear_columns].astype(np.float32),
        sums=_sums(linear, len(scale_ids)) if simple else None,
        groups=groups,
        level_tables=level_tables,
    )


def _sums(linear: IntArray, n_scales: int) -> Sums:
    """Group each target's yes-points by weight; a scale equal to the domains' sum adds them."""
    n_targets = linear.shape[1]
    columns = []
    for t in range(n_targets):
        weights = linear[:, t]
        columns.append(
            tuple(
                (int(w), tuple(int(j) for j in np.flatnonzero(weights == w)))
                for w in sorted(set(weights.tolist()) - {0})
            )
        )
    derived: dict[int, tuple[int, ...]] = {}
    domains = tuple(range(n_scales, n_targets))
    support = linear[:, n_scales:] != 0
    disjoint = bool((support.sum(axis=1) <= 1).all())
    for t in range(n_scales):
        if (
            disjoint
            and len(domains) > 1
            and np.array_equal(linear[:, t], linear[:, n_scales:].sum(axis=1))
        ):
            derived[t] = domains
    reach = int(np.abs(linear).sum(axis=0).max()) if linear.size else 0
    dtype: type[np.signedinteger[Any]] = np.int32
    for candidate in (np.int8, np.int16):
        if reach <= np.iinfo(candidate).max:
            dtype = candidate
            break
    return Sums(columns=tuple(columns), derived=derived, dtype=dtype)


def answer_matrix(
    compiled: CompiledInstrument, data: npt.ArrayLike | Mapping[str, Any]
) -> npt.NDArray[Any]:
    """The answers as a 2-D numeric array: floats with NaN, or integers with -1, omitted."""
    items = compiled.instrument.items
    if isinstance(data, Mapping):
        unknown = [k for k in data if not compiled.instrument.has_item(k)]
        if unknown:
            msg = f"unknown item {unknown[0]!r} for {compiled.instrument.ref}"
            raise ScoringInputError(
                msg,
                item=unknown[0],
                expected=f"an item of {compiled.instrument.ref}",
                code="case.item.unknown",
            )
        lengths = {_length(v) for v in data.values()}
        if len(lengths) > 1:
            msg = f"columns have different lengths: {sorted(lengths)}"
            raise ScoringInputError(
                msg,
                item="data",
                value=sorted(lengths),
                expected="equal lengths",
                code="argument.invalid",
            )
        n = lengths.pop() if lengths else 0
        fast = _int8_matrix(compiled, data, n)
        if fast is not None:
            return fast
        values = np.full((n, len(items)), np.nan)
        for j, item in enumerate(items):
            if item.id in data:
                values[:, j] = _column(item, data[item.id])
        return values
    array = np.asarray(data)
    if array.ndim != 2 or array.shape[1] != len(items):
        msg = (
            f"got an array of shape {array.shape}, expected (n, {len(items)}):"
            f" one column per item of {compiled.instrument.ref}"
        )
        raise ScoringInputError(
            msg,
            item="data",
            value=array.shape,
            expected=f"(n, {len(items)})",
            code="argument.invalid",
        )
    if array.dtype == object:
        return answer_matrix(compiled, {item.id: array[:, j] for j, item in enumerate(items)})
    if array.dtype == bool:
        array = array.astype(np.int8)
    if array.dtype.kind in "fiu":
        return array
    msg = f"got an array of dtype {array.dtype}, expected numbers"
    raise ScoringInputError(
        msg,
        item="data",
        value=str(array.dtype),
        expected="a numeric array",
        code="argument.invalid",
    )


def _length(column: Any) -> int:
    """Rows in one mapping column (a sequence, an array or any iterable numpy reads)."""
    if isinstance(column, np.ndarray) and column.ndim == 1:
        return len(column)
    if isinstance(column, list | tuple):
        return len(column)
    return len(np.asarray(column, dtype=object))


def _int8_matrix(
    compiled: CompiledInstrument, data: Mapping[str, Any], n: int
) -> npt.NDArray[np.int8] | None:
    """The mapping as a column-major ``int8`` matrix (-1 omitted), or ``None``.

    Only when every column is plain (numpy integers or booleans, or lists of
    ``bool``/``int``/``None``, or category names) and every answer is valid
    for its item: then the ``int8`` matrix scores exactly as the ``float64``
    one would, and anything else (a wrong type, a value out of range) takes
    the ``float64`` reading, which names the first mistake as it always has.
    """
    out = np.full((n, len(compiled.instrument.items)), -1, dtype=np.int8, order="F")
    for j, item in enumerate(compiled.instrument.items):
        if item.id not in data:
            continue
        codes = _int_column(item, data[item.id])
        if codes is None:
            return None
        out[:, j] = codes
    return out


def _int_column(item: Item, column: Any) -> npt.NDArray[np.integer[Any]] | None:
    """One plain column as integer codes (-1 omitted) if every answer is valid, else ``None``.

    Reads the column as :func:`_column` does: a numpy integer column's -1 is
    omitted; in a list, ``None`` is omitted, booleans answer only yes/no
    items and category names name a category.
    """
    if isinstance(column, list | tuple):
        codes = _list_codes(item, column)
    else:
        array = np.asarray(column)
        codes = array if array.ndim == 1 and array.dtype.kind in "biu" else None
    if codes is None or not codes.size:
        return codes
    if item.kind == "boolean":
        lo, hi = 0, 1
    elif item.kind == "categorical":
        lo, hi = 0, len(item.outcomes) - 1
    else:
        assert item.valid_range is not None
        lo, hi_or_none = item.valid_range
        hi = hi_or_none if hi_or_none is not None else INT8_MAX
    if codes.dtype.kind == "b":
        return codes if lo == 0 and hi >= 1 else None
    least, most = int(codes.min()), int(codes.max())
    if least < -1 or most > min(hi, INT8_MAX):
        return None
    if lo > 0 and ((codes >= 0) & (codes < lo)).any():
        return None
    return codes


INT8_MAX = int(np.iinfo(np.int8).max)


def _list_codes(item: Item, column: Sequence[Any]) -> npt.NDArray[np.integer[Any]] | None:
    """A list of booleans, integers and ``None`` (or category names) as codes, -1 for ``None``.

    ``None`` is returned for anything :func:`_column` reads otherwise or
    refuses: floats, a boolean for an item that is not yes/no, an explicit -1.
    """
    none = type(None)
    if item.kind == "categorical" and isinstance(column[0] if column else None, str | None):
        if not set(map(type, column)) <= {str, none}:
            return None
        index = {o.value: k for k, o in enumerate(item.outcomes)}
        codes = np.fromiter(
            (-1 if v is None else index.get(v, -2) for v in column),
            dtype=np.int64,
            count=len(column),
        )
        return None if (codes == -2).any() else codes
    try:
        array = np.asarray(column)
    except (ValueError, OverflowError):
        return None
    if array.ndim != 1:
        return None
    if array.dtype.kind == "b":
        return array if item.kind == "boolean" else None
    if array.dtype.kind in "iu":
        if item.kind != "boolean" and set(map(type, column)) & {bool, np.bool_}:
            return None  # True is no count
        return None if (array == -1).any() else array
    if array.dtype.kind != "O":
        return None
    types = set(map(type, column))
    if not types <= {bool, int, none} or (bool in types and item.kind != "boolean"):
        return None
    omitted = np.fromiter((v is None for v in column), dtype=bool, count=len(column))
    if (array[~omitted] == -1).any():  # an explicit -1 is an answer (a wrong one), not omitted
        return None
    array[omitted] = -1
    try:
        return array.astype(np.int64)
    except OverflowError:
        return None


def _column(item: Item, column: Any) -> FloatArray:
    """One mapping column as floats with NaN for omitted; categories to codes."""
    numeric = np.asarray(column) if not isinstance(column, list | tuple) else None
    if numeric is not None and numeric.dtype.kind in "biuf":
        out_numeric = numeric.astype(np.float64)
        if numeric.dtype.kind in "iu":
            out_numeric[numeric == -1] = np.nan
        return out_numeric
    col = np.asarray(column, dtype=object)
    out = np.empty(len(col), dtype=np.float64)
    for k, v in enumerate(col):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out[k] = np.nan
        elif item.kind == "categorical" and isinstance(v, str):
            names = [o.value for o in item.outcomes]
            if v not in names:
                msg = f"row {k}: item {item.id}: got {v!r}, expected {item.expected()}"
                raise ScoringInputError(
                    msg, item=item.id, value=v, expected=item.expected(), code="case.value.range"
                )
            out[k] = names.index(v)
        elif isinstance(v, bool | np.bool_) and item.kind != "boolean":
            msg = f"row {k}: item {item.id}: got {v!r}, expected {item.expected()}"
            raise ScoringInputError(
                msg, item=item.id, value=v, expected=item.expected(), code="case.value.type"
            )
        elif isinstance(v, bool | int | float | np.integer | np.floating | np.bool_):
            out[k] = float(v)
        else:
            msg = f"row {k}: item {item.id}: got {v!r}, expected {item.expected()}"
            raise ScoringInputError(
                msg, item=item.id, value=v, expected=item.expected(), code="case.value.type"
            )
    return out


def norm_groups(
    inst: Instrument, norm_group: str | Sequence[str] | None, n: int, case_ids: Sequence[str] | None
) -> tuple[str | None, ...] | str | None:
    if norm_group is None or isinstance(norm_group, str):
        check_norm_group(inst, norm_group)
        return norm_group
    groups = tuple(norm_group)
    if len(groups) != n:
        msg = f"norm_group: got {len(groups)} groups, expected one per row ({n})"
        raise ScoringInputError(
            msg, item="norm_group", value=len(groups), expected=str(n), code="argument.invalid"
        )
    for k, g in enumerate(dict.fromkeys(groups)):
        try:
            check_norm_group(inst, g)
        except ScoringInputError as exc:
            row = groups.index(g)
            exc.case_id = case_ids[row] if case_ids is not None else f"row {row}"
            raise
        del k
    return groups


def where(ids: tuple[str, ...] | None, row: int) -> str:
    return ids[row] if ids is not None else f"row {row}"


def yes_no_codes(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    offset: int,
    ids: tuple[str, ...] | None,
) -> tuple[npt.NDArray[Any], BoolArray | None]:
    """Fast path for all-yes/no instruments: check the whole chunk at once.

    Integers are checked with two reductions (-1 is omitted); floats with one
    NaN mask (NaN is omitted). Returns the 0/1 codes (omitted as 0) and the
    omission mask, or ``None`` when nothing is omitted.
    """
    if not values.size:
        return values, None
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        bad = ~nan & (values != 0) & (values != 1)
        if bad.any():
            _raise_bad(compiled, values, bad, offset, ids)
        if nan.any():
            return np.where(nan, 0.0, values), nan
        return values, None
    lo, hi = int(values.min()), int(values.max())
    if lo < -1 or hi > 1:
        _raise_bad(compiled, values, (values < -1) | (values > 1), offset, ids)
    if lo == -1:
        return np.maximum(values, 0), values == -1
    return values, None


def outcome_codes(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    missing: BoolArray,
    offset: int,
    ids: tuple[str, ...] | None,
) -> npt.NDArray[Any]:
    """Outcome index of every answer (booleans stay 0/1); omitted → the zero row."""
    items = compiled.instrument.items
    n = values.shape[0]
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
        _raise_bad(compiled, values, bad, offset, ids)
    return codes


def _raise_bad(
    compiled: CompiledInstrument,
    values: npt.NDArray[Any],
    bad: BoolArray,
    offset: int,
    ids: tuple[str, ...] | None,
) -> NoReturn:
    """Raise for the first bad answer, naming its row, item, value and expectation."""
    row, j = (int(x) for x in np.argwhere(bad)[0])
    item = compiled.instrument.items[j]
    shown = values[row, j].item()
    if item.kind == "boolean" and shown in (0, 1):  # pragma: no cover - never bad
        shown = bool(shown)
    msg = f"{where(ids, offset + row)}: item {item.id}: got {shown!r}, expected {item.expected()}"
    fraction = isinstance(shown, float) and not shown.is_integer()
    code = "case.value.type" if item.kind == "boolean" or fraction else "case.value.range"
    raise ScoringInputError(msg, item=item.id, value=shown, expected=item.expected(), code=code)


def terms(
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
