"""Decide a million scored cases with numpy.

Every policy input becomes an integer code column (enum position, integer
value, 0/1, a bit mask for sets, days since 1970 for dates), and then a
*class* column: integers and dates fall into the intervals the policy's
conditions cannot tell apart, sets keep only the members some condition
names. The class columns fold into one key per case, :func:`numpy.unique`
finds the distinct combinations (a few hundred for a million people), each is
decided once by the ordinary engine, and the outputs are spread back with the
inverse index. Deadlines are date arithmetic on whole columns.
Every row equals :func:`rnr.policy.decide_facts` on that case (tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.errors import DecisionInputError
from rnr.legal import LegalContext
from rnr.policy.engine import decide_facts
from rnr.policy.loader import representatives
from rnr.policy.model import Policy
from rnr.policy.tables import InputSpec

__all__ = ["DecisionArrays", "add_months_array", "decide_arrays"]

Days = npt.NDArray[np.datetime64]
EPOCH = np.datetime64("1970-01-01", "D")


@attrs.frozen(eq=False)
class DecisionArrays:
    """Decisions of many cases as columns."""

    eligible: Mapping[str, npt.NDArray[np.bool_]]
    contacts_per_month: npt.NDArray[np.int32]
    treatment_hours: npt.NDArray[np.int32]
    telematic_monitoring: npt.NDArray[np.bool_]
    fit: npt.NDArray[np.object_]
    deadlines: Mapping[str, Days]
    distinct: int

    def __len__(self) -> int:
        return int(self.contacts_per_month.shape[0])


def _codes(spec: InputSpec, column: Any) -> npt.NDArray[np.int64]:
    """One input column as integer codes, checked against the input's type."""
    if spec.type == "enum":
        names = np.asarray(column, dtype=object)
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


def _classes(policy: Policy, name: str, codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Codes reduced to one representative per class of values no condition tells apart."""
    spec = policy.inputs[name]
    tests = [
        t
        for table in policy.tables.values()
        for rule in table.rules
        for n, ts in rule.when
        if n == name
        for t in ts
    ]
    if spec.type == "set":
        named = {v for t in tests for v in t.value}
        relevant = sum(1 << i for i, v in enumerate(spec.values) if v in named)
        return codes & relevant
    if spec.type not in ("int", "date"):
        return codes
    reps = representatives(spec, tests)
    cuts = np.array(
        [(r - dt.date(1970, 1, 1)).days if isinstance(r, dt.date) else r for r in reps],
        dtype=np.int64,
    )
    index = np.clip(np.searchsorted(cuts, codes, side="right") - 1, 0, len(cuts) - 1)
    reduced: npt.NDArray[np.int64] = cuts[index]
    return reduced


def _value(spec: InputSpec, code: int) -> Any:
    if spec.type == "enum":
        return spec.values[code]
    if spec.type == "bool":
        return bool(code)
    if spec.type == "set":
        return frozenset(v for i, v in enumerate(spec.values) if code >> i & 1)
    if spec.type == "date":
        return dt.date(1970, 1, 1) + dt.timedelta(days=code)
    return code


def _keys(matrix: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Row indexes of the distinct rows and, per row, which distinct row it is."""
    lo = matrix.min(axis=0)
    span = matrix.max(axis=0) - lo + 1
    if float(np.prod(span.astype(np.float64))) < 2.0**62:
        key = np.zeros(matrix.shape[0], dtype=np.int64)
        for j in range(matrix.shape[1]):
            key = key * span[j] + (matrix[:, j] - lo[j])
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:  # pragma: no cover - only for inputs with huge ranges
        _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1)


def _suspension_limit(policy: Policy, deadline: Any) -> int:
    if deadline is None:
        return 0
    rule = next(r for r in policy.tables["deadlines"].rules if r.id == deadline.rule)
    limit = rule.then.get("suspension_max_days", 0)
    return int(limit) if isinstance(limit, int) else 0


def add_months_array(days: Days, months: npt.NDArray[np.int64]) -> Days:
    """Whole months added to each date, clamped to the month's last day."""
    start = days.astype("datetime64[M]")
    day_of_month = (days - start.astype("datetime64[D]")).astype(np.int64)
    target = start + months.astype("timedelta64[M]")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    first_day = target.astype("datetime64[D]")
    result: Days = np.minimum(first_day + day_of_month.astype("timedelta64[D]"), last)
    return result


def decide_arrays(
    policy: Policy,
    inputs: Mapping[str, Any],
    *,
    assessed_on: Days,
    entry_date: Days | None = None,
    sentence_date: Days | None = None,
    sanction: Sequence[str] | npt.NDArray[np.object_] | None = None,
    exam_suspension_days: npt.NDArray[np.int64] | None = None,
) -> DecisionArrays:
    """Decide many cases given as columns, one per policy input.

    Args:
        policy: the policy.
        inputs: input name → column (enum names, integers, booleans, set bit
            masks in the order of the input's ``values``, dates).
        assessed_on: assessment dates (``datetime64[D]``).
        entry_date: dates of effective entry, for deadlines counted from entry.
        sentence_date: sentence dates, for deadlines counted from the sentence.
        sanction: the sanction per case, when no policy input carries it.
        exam_suspension_days: days the PII deadline was suspended for exams.
    """
    names = list(policy.inputs)
    missing = [n for n in names if n not in inputs]
    if missing:
        msg = f"inputs: missing columns {', '.join(missing)}, expected one per policy input"
        raise DecisionInputError(msg, field="inputs", value=missing, expected=", ".join(names))
    matrix = np.column_stack(
        [_classes(policy, n, _codes(policy.inputs[n], inputs[n])) for n in names]
    )
    first, inverse = _keys(matrix)
    sanction_input = next(
        (k for k, s in policy.inputs.items() if s.source == "legal.sanction"), None
    )
    decided = []
    for row in first:
        values = {
            name: _value(policy.inputs[name], int(matrix[row, j])) for j, name in enumerate(names)
        }
        known = {policy.inputs[k].source: v for k, v in values.items()}
        legal_fields = {
            k.removeprefix("legal."): v for k, v in known.items() if k.startswith("legal.")
        }
        if sanction_input is None and sanction is not None:
            legal_fields["sanction"] = str(sanction[row])
        legal = LegalContext(
            regime=policy.regime,
            **legal_fields,
            entry_date=dt.date(2000, 1, 1),
            sentence_date=dt.date(2000, 1, 1),
        )
        decided.append(decide_facts(policy, known, legal, assessed_on=dt.date(2000, 1, 1)))
    pick = np.asarray
    eligible = {
        s: pick([s in d.eligible_sanctions for d in decided], dtype=bool)[inverse]
        for s in policy.sanctions
    }
    dates = {"assessed_on": assessed_on, "entry_date": entry_date, "sentence_date": sentence_date}
    deadlines: dict[str, Days] = {}
    for name in dict.fromkeys(k for d in decided for k in d.deadlines if k != "next_reassessment"):
        days = pick([d.deadlines[name].days if name in d.deadlines else -1 for d in decided])[
            inverse
        ]
        origin = next(d.deadlines[name].counted_from for d in decided if name in d.deadlines)
        base = dates.get(origin)
        if base is None:
            msg = f"{origin}: missing column, expected dates for deadline {name}"
            raise DecisionInputError(msg, field=origin, expected="a datetime64[D] column")
        limit = pick([_suspension_limit(policy, d.deadlines.get(name)) for d in decided])[inverse]
        if exam_suspension_days is not None:
            extra = np.asarray(exam_suspension_days, dtype=np.int64)
            over = (limit > 0) & (extra > limit)
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
        column = np.asarray(base, dtype="datetime64[D]") + days.astype("timedelta64[D]")
        deadlines[name] = np.where(days >= 0, column, np.datetime64("NaT"))
    months = pick(
        [int(d.deadlines["next_reassessment"].days // 30) for d in decided], dtype=np.int64
    )
    start = np.asarray(assessed_on, dtype="datetime64[D]")
    if entry_date is not None:
        start = np.maximum(start, np.asarray(entry_date, dtype="datetime64[D]"))
    deadlines["next_reassessment"] = add_months_array(start, months[inverse])
    return DecisionArrays(
        eligible=eligible,
        contacts_per_month=pick([d.intensity.contacts_per_month for d in decided], dtype=np.int32)[
            inverse
        ],
        treatment_hours=pick([d.intensity.treatment_hours for d in decided], dtype=np.int32)[
            inverse
        ],
        telematic_monitoring=pick([d.telematic_monitoring for d in decided], dtype=bool)[inverse],
        fit=pick([d.fit for d in decided], dtype=object)[inverse],
        deadlines=deadlines,
        distinct=len(decided),
    )
