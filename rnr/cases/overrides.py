"""Professional overrides of the risk level: their own record, never a rewrite.

An override moves the *risk level* up or down for a documented reason; the
computed level stays visible beside it. It never touches what a court fixed
(the sanction), and it expires at the next reassessment.

>>> import datetime as dt
>>> o = Override(to_level="high", direction="up", reason="victim_safety",
...              approved_by="jefatura-crs-02", approved_on=dt.date(2025, 3, 4))
>>> o.applies_to("medium")
'high'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from rnr.dates import DATE_RANGE, parse_date
from rnr.errors import DecisionInputError

__all__ = ["REASONS", "Override", "parse_override"]

#: The documented reason codes (``other`` needs a text); the catalogue's
#: ``cases.override_reasons`` area describes each one.
REASONS = (
    "aggravating_not_captured",
    "mitigating_not_captured",
    "victim_safety",
    "mental_health",
    "instrument_not_normed",
    "information_incomplete",
    "other",
)
FIELDS = ("to_level", "direction", "reason", "text", "approved_by", "approved_on", "expires_on")


@attrs.frozen
class Override:
    """A professional override of the risk level."""

    to_level: str
    direction: Literal["up", "down"]
    reason: str
    approved_by: str
    approved_on: dt.date
    text: str = ""
    expires_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.reason not in REASONS:
            expected = ", ".join(REASONS)
            msg = f"override.reason: got {self.reason!r}, expected one of {expected}"
            raise DecisionInputError(
                msg, field="override.reason", value=self.reason, expected=expected
            )
        if self.reason == "other" and not self.text.strip():
            msg = "override.text: got '', expected an explanation (reason 'other' needs one)"
            raise DecisionInputError(
                msg, field="override.text", value="", expected="an explanation"
            )
        if self.direction not in ("up", "down"):
            msg = f"override.direction: got {self.direction!r}, expected up or down"
            raise DecisionInputError(
                msg, field="override.direction", value=self.direction, expected="up or down"
            )
        if not self.approved_by.strip():
            msg = "override.approved_by: got '', expected who approved the override"
            raise DecisionInputError(
                msg, field="override.approved_by", value="", expected="a name or role"
            )

    def applies_to(self, computed: str) -> str:
        """The effective level (the override's level)."""
        del computed
        return self.to_level

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = attrs.asdict(self)
        out["approved_on"] = self.approved_on.isoformat()
        out["expires_on"] = self.expires_on.isoformat() if self.expires_on else None
        return out


def parse_override(data: object, *, where: str = "override") -> Override:
    """Build an override from a JSON object (dates as YYYY-MM-DD).

    Raises:
        DecisionInputError: naming the field; coded ``case.field.type``,
            ``case.field.unknown``, ``case.field.missing``, ``case.date.invalid``
            or ``decision.input.invalid`` (a value the override refuses).
    """
    if not isinstance(data, Mapping):
        msg = f"{where}: got {data!r}, expected an object"
        raise DecisionInputError(
            msg, field=where, value=data, expected="an object", code="case.field.type"
        )
    for key in data:
        if key not in FIELDS:
            msg = f"{where}.{key}: unknown field, expected one of {', '.join(FIELDS)}"
            raise DecisionInputError(
                msg,
                field=f"{where}.{key}",
                value=data[key],
                expected=", ".join(FIELDS),
                code="case.field.unknown",
            )
    for key in ("to_level", "direction", "reason", "approved_by", "approved_on"):
        if key not in data:
            msg = f"{where}.{key}: missing, expected it to be given"
            raise DecisionInputError(
                msg, field=f"{where}.{key}", expected="a value", code="case.field.missing"
            )
    return Override(
        to_level=str(data["to_level"]),
        direction=data["direction"],
        reason=str(data["reason"]),
        approved_by=str(data["approved_by"]),
        approved_on=_date(data["approved_on"], f"{where}.approved_on"),
        text=str(data.get("text", "")),
        expires_on=_date(data["expires_on"], f"{where}.expires_on")
        if data.get("expires_on")
        else None,
    )


def _date(value: object, field: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError:
        msg = f"{field}: got {value!r}, expected {DATE_RANGE}"
        raise DecisionInputError(
            msg, field=field, value=value, expected=DATE_RANGE, code="case.date.invalid"
        ) from None
