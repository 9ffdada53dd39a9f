"""The legal context of a case (the case file's ``legal`` section).

>>> ctx = parse_legal({"regime": "adult", "sanction": "LVI", "sentence_days": 600,
...                    "offences": ["vif"], "prior_convictions": 0})
>>> ctx.sanction, sorted(ctx.offences)
('LVI', ['vif'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

import attrs

from rnr.errors import DecisionInputError

__all__ = ["OFFENCES", "LegalContext", "parse_legal"]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Offence categories the policies read; the catalogue's ``cases.offences``
#: area names each one with the law that defines it.
OFFENCES = ("vif", "sexual", "drugs_art4", "traffic_196", "excluded_art1")
FIELDS = (
    "regime", "sanction", "sanction_status", "sentence_days", "offences", "prior_convictions",
    "age_at_offence", "sentence_date", "entry_date", "exam_suspension_days",
)  # fmt: skip


@attrs.frozen
class LegalContext:
    """What the court imposed (or is considering) and the facts the law reads."""

    regime: Literal["adult", "juvenile"]
    sanction: str | None = None
    sanction_status: Literal["imposed", "considered"] = "imposed"
    sentence_days: int | None = None
    offences: frozenset[str] = frozenset()
    prior_convictions: int = 0
    age_at_offence: int | None = None
    sentence_date: dt.date | None = None
    entry_date: dt.date | None = None
    exam_suspension_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :func:`parse_legal` reads it back."""
        out: dict[str, Any] = {}
        for field in FIELDS:
            value = getattr(self, field)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[field] = value
        return out


def parse_legal(data: object, *, where: str = "legal") -> LegalContext:
    """Check a ``legal`` section and build the context.

    Raises:
        DecisionInputError: naming the field, the value and what was expected.
    """
    if not isinstance(data, Mapping):
        _bad(where, data, "an object")
    for key in data:
        if key not in FIELDS:
            _bad(f"{where}.{key}", data[key], "a known field: " + ", ".join(FIELDS), unknown=True)
    if "regime" not in data:
        _bad(f"{where}.regime", None, "adult or juvenile (required)")
    regime = data["regime"]
    if regime not in ("adult", "juvenile"):
        _bad(f"{where}.regime", regime, "adult or juvenile")
    sanction = data.get("sanction")
    if sanction is not None and (not isinstance(sanction, str) or not sanction):
        _bad(f"{where}.sanction", sanction, "a sanction code such as LV, LVI, LAS, LAE")
    status = data.get("sanction_status", "imposed")
    if status not in ("imposed", "considered"):
        _bad(f"{where}.sanction_status", status, "imposed or considered")
    offences = data.get("offences", [])
    if not isinstance(offences, list) or any(o not in OFFENCES for o in offences):
        bad = (
            offences
            if not isinstance(offences, list)
            else next(o for o in offences if o not in OFFENCES)
        )
        _bad(f"{where}.offences", bad, "a list drawn from " + ", ".join(OFFENCES))
    return LegalContext(
        regime=regime,
        sanction=sanction,
        sanction_status=status,
        sentence_days=_int(data, "sentence_days", where, 1, 36_500),
        offences=frozenset(offences),
        prior_convictions=_int(data, "prior_convictions", where, 0, 999) or 0,
        age_at_offence=_int(data, "age_at_offence", where, 10, 120),
        sentence_date=_date(data, "sentence_date", where),
        entry_date=_date(data, "entry_date", where),
        exam_suspension_days=_int(data, "exam_suspension_days", where, 0, 365) or 0,
    )


def _bad(field: str, value: object, expected: str, *, unknown: bool = False) -> NoReturn:
    what = "unknown field" if unknown else f"got {value!r}"
    msg = f"{field}: {what}, expected {expected}"
    raise DecisionInputError(msg, field=field, value=value, expected=expected)


def _int(data: Mapping[str, Any], key: str, where: str, lo: int, hi: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        _bad(f"{where}.{key}", value, f"an integer from {lo} to {hi}")
    return int(value)


def _date(data: Mapping[str, Any], key: str, where: str) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        _bad(f"{where}.{key}", value, "a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _bad(f"{where}.{key}", value, "a date YYYY-MM-DD")
