"""The case's ``responsivity`` section: how this person can learn.

>>> r = parse_responsivity({"motivation": "precontemplation", "literacy": "low"})
>>> r.motivation, r.literacy, r.trauma_history
('precontemplation', 'low', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from rnr.errors import DecisionInputError

__all__ = ["CHOICES", "Responsivity", "parse_responsivity"]

#: Allowed values per field (``None`` = free text, ``bool`` = true/false).
CHOICES: Mapping[str, tuple[str, ...] | type | None] = {
    "motivation": ("precontemplation", "contemplation", "preparation", "action", "maintenance"),
    "literacy": ("adequate", "low", "none"),
    "cognitive_ability": ("adequate", "limited"),
    "mental_health": ("none", "present", "severe"),
    "substance_dependence": bool,
    "language": None,
    "gender": None,
    "trauma_history": bool,
    "disability": ("none", "physical", "sensory", "intellectual", "psychosocial"),
    "parenthood": bool,
    "schooling": ("enrolled", "not_enrolled", "dropped_out", "completed"),
}


@attrs.frozen
class Responsivity:
    """Specific responsivity factors; ``None`` where not recorded."""

    motivation: str | None = None
    literacy: str | None = None
    cognitive_ability: str | None = None
    mental_health: str | None = None
    substance_dependence: bool | None = None
    language: str | None = None
    gender: str | None = None
    trauma_history: bool | None = None
    disability: str | None = None
    parenthood: bool | None = None
    schooling: str | None = None

    def get(self, field: str) -> Any:
        """The value of ``field`` (``None`` when not recorded)."""
        return getattr(self, field)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (recorded fields only)."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


def parse_responsivity(data: object, *, where: str = "responsivity") -> Responsivity:
    """Check a ``responsivity`` section.

    Raises:
        DecisionInputError: naming the field, the value and what was expected.
    """
    if data is None:
        return Responsivity()
    if not isinstance(data, Mapping):
        msg = f"{where}: got {data!r}, expected an object"
        raise DecisionInputError(msg, field=where, value=data, expected="an object")
    values: dict[str, Any] = {}
    for key, value in data.items():
        field = f"{where}.{key}"
        if key not in CHOICES:
            expected = ", ".join(CHOICES)
            msg = f"{field}: unknown field, expected one of {expected}"
            raise DecisionInputError(
                msg, field=field, value=value, expected=expected, code="case.field.unknown"
            )
        if value is None:
            continue
        allowed = CHOICES[key]
        if allowed is bool:
            ok, expected = isinstance(value, bool), "true or false"
        elif allowed is None:
            ok, expected = isinstance(value, str) and bool(value.strip()), "a non-empty text"
        else:
            assert isinstance(allowed, tuple)
            ok, expected = value in allowed, "one of " + ", ".join(allowed)
        if not ok:
            msg = f"{field}: got {value!r}, expected {expected}"
            raise DecisionInputError(msg, field=field, value=value, expected=expected)
        values[key] = value
    return Responsivity(**values)
