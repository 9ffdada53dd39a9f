"""Decide a million scored cases with numpy.

Every policy input becomes an integer code column (enum position, integer
value, 0/1, a bit mask for sets, days since 1970 for dates), and then a
*class* column: integers and dates fall into the intervals the policy's
conditions cannot tell apart, sets keep only the members some condition
names. The class columns fold into one key per case, :func:`numpy.unique`
finds the distinct combinations (a few hundred for a million people), each is
decided once by the ordinary engine, and the outputs are spread back with the
inverse index. Deadlines are date arithmetic on whole columns, and so is the
check of each sentence against its sanction's legal range (the
``period_out_of_range`` warning). Each table is evaluated once per distinct
combination of *its own* inputs (the intensity table has a few dozen,
whatever the cohort's size). Every row equals :func:`rnr.policy.decide_facts`
on that case: eligibility, intensity, monitoring, fit, the legal range,
every deadline and every warning code (tested).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.dates import add_months_array
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import representatives, set_blocks
from rnr.definitions.tables import InputSpec, Table
from rnr.errors import DecisionInputError
from rnr.policy.engine import legal_range_days

__all__ = ["DecisionArrays", "decide_arrays", "table_columns"]

Days = npt.NDArray[np.datetime64]
EPOCH = np.datetime64("1970-01-01", "D")


@attrs.frozen(eq=False)
class DecisionArrays:
    """Decisions of many cases as columns.

    ``min_months`` and ``max_months`` are the legal range of each case's
    sanction (``Decision.period_months``; 0 and 0 where the period rule gives
    none). ``warnings`` maps every warning code a case of the cohort raised
    (the ``warnings`` table's codes, ``period_out_of_range`` and
    ``sanction_not_eligible``) to a column saying which cases raised it.
    """

    eligible: Mapping[str, npt.NDArray[np.bool_]]
    contacts_per_month: npt.NDArray[np.int32]
    treatment_hours: npt.NDArray[np.int32]
    telematic_monitoring: npt.NDArray[np.bool_]
    fit: npt.NDArray[np.object_]
    deadlines: Mapping[str, Days]
    distinct: int  # table evaluations made (distinct input combinations, summed over tables)
    min_months: npt.NDArray[np.int64] = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    max_months: npt.NDArray[np.int64] = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    warnings: Mapping[str, npt.NDArray[np.bool_]] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return int(self.contacts_per_month.shape[0])

    def warning_codes(self, row: int) -> frozenset[str]:
        """The warning codes of one case (as ``{w.code for w in decision.warnings}``)."""
        return frozenset(code for code, column in self.warnings.items() if column[row])


def _codes(spec: InputSpec, column: Any) -> npt.NDArray[np.int64]:
    """One input column as integer codes, checked against the input's type."""
    if spec.type == "enum":
        given = np.asarray(column)
        if given.dtype.kind in "iu":  # positions in spec.values, e.g. BatchResult.level_codes
            codes = given.astype(np.int64)
            bad = (codes < 0) | (codes >= len(spec.values))
        else:
            names = given.astype(object)
            codes = np.full(names.shape, -1, dtype=np.int64)
            for i, value in enumerate(spec.values):
                codes[names == value] = i
            bad = codes < 0
    elif spec.type == "set":
        masks = np.asarray(column)
        if masks.dtype.kind not in "iu":
            over = ", ".join(spec.values)
            msg = f"{spec.source}: got {masks.dtype}, expected bit masks over {over}"
            raise DecisionInputError(msg, field=spec.source, expected="integer bit masks")
        codes = masks.astype(np.int64)
        bad = (codes < 0) | (codes >= 1 << len(spec.values))
    elif spec.type == "date":
        codes = (np.asarray(column, dtype="datetime64[D]") - EPOCH).astype(np.int64)
        bad = np.zeros(codes.shape, dtype=bool)
    else:
        codes = np.asarray(column).astype(np.int64)
        lo = 0 if spec.type == "bool" else spec.min
        hi = 1 if spec.type == "bool" else spec.max
        bad = np.zeros(codes.shape, dtype=bool)
        if lo is not None:
            bad |= codes < lo
        if hi is not None:
            bad |= codes > hi
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = np.asarray(column)[row]
        msg = f"row {row}: {spec.source}: got {value!r}, expected {spec.expected()}"
        raise DecisionInputError(msg, field=spec.source, value=value, expected=spec.expected())
    return codes


@attrs.frozen(eq=False)
class _Classes:
    """An input's cases as class indexes, and one representative value per class."""

    index: npt.NDArray[np.int64]
    values: tuple[Any, ...]


def _classes(policy: Policy, name: str, codes: npt.NDArray[np.int64]) -> _Classes:
    """Codes reduced to classes of values that no condition of the policy tells apart."""
    spec = policy.inputs[name]
    tests = [
        t
        for table in policy.tables.values()
        for rule in table.rules
        for n, ts in rule.when
        if n == name
        for t in ts
    ]
    if spec.type == "enum":
        return _Classes(codes, spec.values)
    if spec.type == "bool":
        return _Classes(codes, (False, True))
    if spec.type == "set":
        # one class per combination of block states (absent, some, all), as the loader checks
        index = np.zeros(codes.shape, dtype=np.int64)
        states = []
        for members, whole in set_blocks(spec, tests):
            present = np.zeros(codes.shape, dtype=np.int64)
            for member in members:
                present += (codes >> spec.values.index(member)) & 1
            state = np.minimum(present, 1)
            if whole:
                state = np.where(present == len(members), 2, state)
            index = index * (3 if whole else 2) + state
            states.append(
                [frozenset(), frozenset(members[:1]), *([frozenset(members)] if whole else [])]
            )
        values = tuple(frozenset().union(*combo) for combo in itertools.product(*states))
        return _Classes(index, values)
    reps = representatives(spec, tests)
    cuts = np.array(
        [(r - dt.date(1970, 1, 1)).days if isinstance(r, dt.date) else r for r in reps],
        dtype=np.int64,
    )
    index = np.clip(np.searchsorted(cuts, codes, side="right") - 1, 0, len(cuts) - 1)
    return _Classes(index.astype(np.int64), tuple(reps))


def _combinations(
    columns: list[_Classes], size: int
) -> tuple[list[tuple[int, ...]], npt.NDArray[np.intp]]:
    """The distinct class combinations present, and each case's combination."""
    radices = [len(c.values) for c in columns]
    space = 1
    for r in radices:
        space *= r
    key = np.zeros(size, dtype=np.int64)
    for column, radix in zip(columns, radices, strict=True):
        key *= radix
        key += column.index
    if space <= 1 << 24:  # dense: no sort needed
        present = np.flatnonzero(np.bincount(key, minlength=space))
        slot = np.zeros(space, dtype=np.intp)
        slot[present] = np.arange(len(present))
        inverse = slot[key]
    else:  # pragma: no cover - only for tables with a huge input space
        present, inverse = np.unique(key, return_inverse=True)
    combos = []
    for code in present.tolist():
        digits = []
        rest = code
        for radix in reversed(radices):
            rest, digit = divmod(rest, radix)
            digits.append(digit)
        combos.append(tuple(reversed(digits)))
    return combos, inverse.reshape(-1)


def table_columns(policy: Policy, table_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """One table's outputs for many cases (columns as for :func:`decide_arrays`).

    The table is evaluated once per distinct combination of its own inputs.
    """
    table = policy.tables[table_id]
    classes = [_classes(policy, n, _codes(policy.inputs[n], inputs[n])) for n in table.inputs]
    size = len(np.asarray(next(iter(inputs.values()))))
    combos, inverse = _combinations(classes, size)
    results = [
        table.evaluate(
            {n: c.values[d] for n, c, d in zip(table.inputs, classes, combo, strict=True)}
        )
        for combo in combos
    ]
    return {
        name: np.asarray([r.outputs.get(name) if r else None for r in results], dtype=object)[
            inverse
        ]
        if spec.type in ("list", "text", "enum")
        else np.asarray([r.outputs.get(name, 0) if r else 0 for r in results])[inverse]
        for name, spec in table.outputs.items()
    }


def decide_arrays(
    policy: Policy,
    inputs: Mapping[str, Any],
    *,
    assessed_on: Days,
    entry_date: Days | None = None,
    sentence_date: Days | None = None,
    exam_suspension_days: npt.NDArray[np.int64] | None = None,
    sanction: npt.ArrayLike | None = None,
    sentence_days: npt.ArrayLike | None = None,
) -> DecisionArrays:
    """Decide many cases given as columns, one per policy input.

    Args:
        policy: the policy.
        inputs: input name → column (enum names, integers, booleans, set bit
            masks in the order of the input's ``values``, dates), one per
            input of ``policy.decision_inputs`` (``change.*`` and ``event.*``
            inputs are not part of a decision and are ignored; ``decision.*``
            inputs are derived from the eligibility columns).
        assessed_on: assessment dates (``datetime64[D]``).
        entry_date: dates of effective entry, for deadlines counted from entry.
        sentence_date: sentence dates, for deadlines counted from the sentence.
        exam_suspension_days: days the PII deadline was suspended for exams.
        sanction: each case's ``legal.sanction`` (names; ``None`` or ``""``:
            none), for the ``sanction_not_eligible`` warning; by default the
            column of the policy's input read from ``legal.sanction``.
        sentence_days: each case's ``legal.sentence_days`` (0: not given), for
            the ``period_out_of_range`` warning; by default the column of the
            policy's input read from ``legal.sentence_days``. Without either
            column (and without such an input) no case raises that warning.
    """
    names = list(policy.decision_inputs)
    missing = [n for n in names if n not in inputs]
    if missing:
        msg = f"inputs: missing columns {', '.join(missing)}, expected one per policy input"
        raise DecisionInputError(msg, field="inputs", value=missing, expected=", ".join(names))
    classes = {n: _classes(policy, n, _codes(policy.inputs[n], inputs[n])) for n in names}
    size = len(np.asarray(assessed_on))
    evaluations = 0

    def distinct(table: Table) -> tuple[list[dict[str, Any]], npt.NDArray[np.intp]]:
        """The distinct input combinations of one table, and each case's combination."""
        nonlocal evaluations
        combos, inverse = _combinations([classes[i] for i in table.inputs], size)
        evaluations += len(combos)
        values = [
            {i: classes[i].values[d] for i, d in zip(table.inputs, combo, strict=True)}
            for combo in combos
        ]
        return values, inverse

    def column(table: Table, output: str, dtype: Any) -> npt.NDArray[Any]:
        values, inverse = distinct(table)
        results = [table.evaluate(v) for v in values]
        picked = np.asarray([r.outputs[output] if r else None for r in results], dtype=dtype)
        return picked[inverse]

    eligible = {s: column(policy.eligibility_table(s), "eligible", bool) for s in policy.sanctions}
    if policy.derived_inputs:
        classes.update(_derived(policy, classes, eligible, size))
    intensity = policy.tables["intensity"]
    deadlines = _deadline_columns(
        policy,
        distinct(policy.tables["deadlines"]),
        {"assessed_on": assessed_on, "entry_date": entry_date, "sentence_date": sentence_date},
        exam_suspension_days,
    )
    months = column(policy.tables["reassessment"], "months", np.int64)
    start = np.asarray(assessed_on, dtype="datetime64[D]")
    if entry_date is not None:
        start = np.maximum(start, np.asarray(entry_date, dtype="datetime64[D]"))
    deadlines["next_reassessment"] = add_months_array(start, months)

    warnings: dict[str, npt.NDArray[np.bool_]] = {}
    if "warnings" in policy.tables:
        table = policy.tables["warnings"]
        values, inverse = distinct(table)
        fired = [{str(r.then["warning"]) for r in table.matching(v)} for v in values]
        for code in dict.fromkeys(c for codes in fired for c in sorted(codes)):
            warnings[code] = np.asarray([code in codes for codes in fired], dtype=bool)[inverse]
    values, inverse = distinct(policy.tables["period"])
    ranges = [_legal_range(policy.tables["period"], v) for v in values]
    min_months = np.asarray([r[0] for r in ranges], dtype=np.int64)[inverse]
    max_months = np.asarray([r[1] for r in ranges], dtype=np.int64)[inverse]
    checked = np.asarray([r[2] for r in ranges], dtype=bool)[inverse]
    days = _given(policy, inputs, "legal.sentence_days", sentence_days)
    if days is not None:
        out_of_range = _outside(checked, min_months, max_months, _day_counts(days, size))
        warnings["period_out_of_range"] = out_of_range
    given = _given(policy, inputs, "legal.sanction", sanction)
    if given is not None:
        warnings["sanction_not_eligible"] = _not_eligible(policy, given, eligible, size)
    return DecisionArrays(
        eligible=eligible,
        contacts_per_month=column(intensity, "contacts_per_month", np.int32),
        treatment_hours=column(intensity, "treatment_hours", np.int32),
        telematic_monitoring=column(policy.tables["monitoring"], "telematic_monitoring", bool),
        fit=column(policy.tables["fit"], "fit", object),
        deadlines=deadlines,
        distinct=evaluations,
        min_months=min_months,
        max_months=max_months,
        warnings={k: v for k, v in warnings.items() if v.any()},
    )


def _legal_range(table: Table, values: Mapping[str, Any]) -> tuple[int, int, bool]:
    """The period rule's legal range (min, max months; 0, 0: none) and whether it is checked.

    As :func:`rnr.policy.engine.decide_facts`: a range exists when the rule
    gives ``max_months``, and the sentence is checked against it when the
    period equals the sentence.
    """
    result = table.evaluate(dict(values))
    out = result.outputs if result else {}
    if not out.get("max_months"):
        return 0, 0, False
    return int(out["min_months"]), int(out["max_months"]), bool(out.get("equals_sentence"))


def _given(
    policy: Policy, inputs: Mapping[str, Any], source: str, column: npt.ArrayLike | None
) -> npt.NDArray[Any] | None:
    """A legal field's column: given, or the column of the policy's input that reads it."""
    if column is not None:
        return np.asarray(column)
    name = next((n for n, s in policy.decision_inputs.items() if s.source == source), None)
    return None if name is None else np.asarray(inputs[name])


def _day_counts(days: npt.NDArray[Any], size: int) -> npt.NDArray[np.int64]:
    """Sentence lengths as integers, 0 where not given (``None`` or NaN)."""
    if days.dtype.kind == "O":
        days = np.asarray([0 if d is None else d for d in days.tolist()], dtype=np.float64)
    if days.dtype.kind == "f":
        days = np.nan_to_num(days, nan=0.0)
    out = days.astype(np.int64)
    if out.shape != (size,):
        msg = f"legal.sentence_days: got {out.shape[0]} values, expected one per case ({size})"
        raise DecisionInputError(msg, field="legal.sentence_days", expected=f"{size} values")
    return out


def _outside(
    checked: npt.NDArray[np.bool_],
    min_months: npt.NDArray[np.int64],
    max_months: npt.NDArray[np.int64],
    days: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Cases whose sentence lies outside their sanction's legal range (read leniently)."""
    out = np.zeros(days.shape, dtype=bool)
    if not checked.any():
        return out
    pairs = np.stack([min_months, max_months], axis=1)
    for lo_months, hi_months in np.unique(pairs[checked], axis=0).tolist():
        lo, hi = legal_range_days(lo_months, hi_months)
        rows = checked & (min_months == lo_months) & (max_months == hi_months)
        out |= rows & (days > 0) & ((days < lo) | (days > hi))
    return out


def _not_eligible(
    policy: Policy,
    names: npt.NDArray[Any],
    eligible: Mapping[str, npt.NDArray[np.bool_]],
    size: int,
) -> npt.NDArray[np.bool_]:
    """Cases whose sanction is one the policy decides and its eligibility tables refuse.

    ``names`` are sanction names, or positions in the values of the policy's
    ``legal.sanction`` input (as :func:`decide_arrays` accepts that input).
    """
    if names.shape != (size,):
        msg = f"legal.sanction: got {names.shape[0]} values, expected one per case ({size})"
        raise DecisionInputError(msg, field="legal.sanction", expected=f"{size} values")
    spec = next((s for s in policy.decision_inputs.values() if s.source == "legal.sanction"), None)
    if names.dtype.kind in "iu" and spec is not None and spec.type == "enum":
        names = np.asarray([*spec.values, None], dtype=object)[
            np.where(names >= 0, names, len(spec.values))
        ]
    given = names.astype(object)
    out = np.zeros(size, dtype=bool)
    for sanction, ok in eligible.items():
        out |= (given == sanction) & ~ok
    return out


def _derived(
    policy: Policy,
    classes: Mapping[str, _Classes],
    eligible: Mapping[str, npt.NDArray[np.bool_]],
    size: int,
) -> dict[str, _Classes]:
    """The ``decision.*`` columns: whether each case's sanction is eligible."""
    name, spec = next(
        (n, s) for n, s in policy.decision_inputs.items() if s.source == "legal.sanction"
    )
    given = classes[name].index
    ok = np.zeros(size, dtype=bool)
    for code, sanction in enumerate(spec.values):
        if sanction in eligible:
            ok |= (given == code) & eligible[sanction]
    column = _Classes(ok.astype(np.int64), (False, True))
    return dict.fromkeys(policy.derived_inputs, column)


def _deadline_columns(
    policy: Policy,
    table_rows: tuple[list[dict[str, Any]], npt.NDArray[np.intp]],
    dates: Mapping[str, Days | None],
    exam_suspension_days: npt.NDArray[np.int64] | None,
) -> dict[str, Days]:
    """Every deadline the collect table gives, as a date column (NaT where none applies)."""
    table = policy.tables["deadlines"]
    values, inverse = table_rows
    fired = [table.matching(v) for v in values]
    out: dict[str, Days] = {}
    for name in dict.fromkeys(str(r.then["deadline"]) for rules in fired for r in rules):
        rule_of = [next((r for r in rules if r.then["deadline"] == name), None) for rules in fired]
        days = np.asarray([int(r.then["days"]) if r else -1 for r in rule_of])[inverse]
        limit = np.asarray(
            [int(r.then.get("suspension_max_days", 0)) if r else 0 for r in rule_of]
        )[inverse]
        origin = next(str(r.then["counted_from"]) for r in rule_of if r)
        base = dates.get(origin)
        if base is None:
            msg = f"{origin}: missing column, expected dates for deadline {name}"
            raise DecisionInputError(msg, field=origin, expected="a datetime64[D] column")
        if exam_suspension_days is not None:
            extra = np.asarray(exam_suspension_days, dtype=np.int64)
            over = (days >= 0) & (limit > 0) & (extra > limit)
            if over.any():
                row = int(np.flatnonzero(over)[0])
                msg = (
                    f"row {row}: legal.exam_suspension_days: got {int(extra[row])},"
                    f" expected at most {int(limit[row])}"
                )
                raise DecisionInputError(
                    msg, field="legal.exam_suspension_days", value=int(extra[row])
                )
            days = days + np.where(limit > 0, extra, 0)
        dated = np.asarray(base, dtype="datetime64[D]") + days.astype("timedelta64[D]")
        out[name] = np.where(days >= 0, dated, np.datetime64("NaT"))
    return out
