"""Hypothesis strategies for policies (re-exported by :mod:`rnr.testing.strategies`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from rnr.cases.legal import FIELDS, OFFENCES, LegalContext
from rnr.definitions.policy import Policy
from rnr.definitions.tables import InputSpec

__all__ = ["input_values", "policy_cases"]

LIMITS = {
    "sentence_days": (1, 36_500),
    "prior_convictions": (0, 999),
    "age_at_offence": (10, 120),
    "exam_suspension_days": (0, 60),
}
DAYS = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))


def input_values(
    spec: InputSpec, *, bounds: tuple[int, int] | None = None
) -> st.SearchStrategy[Any]:
    """Valid values of one policy input."""
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "set":
        return st.frozensets(st.sampled_from(spec.values))
    if spec.type == "date":
        return DAYS
    lo, hi = bounds or (spec.min or 0, spec.max if spec.max is not None else 10_000)
    lo = max(lo, spec.min) if spec.min is not None else lo
    hi = min(hi, spec.max) if spec.max is not None else hi
    return st.integers(lo, hi)


@st.composite
def policy_cases(draw: st.DrawFn, policy: Policy) -> tuple[dict[str, Any], LegalContext, dt.date]:
    """Facts, a legal section and an assessment date valid for ``policy``.

    Every input is drawn from its declared type; the legal section always has
    its dates, so every deadline can be computed.
    """
    facts: dict[str, Any] = {}
    legal: dict[str, Any] = {}
    for spec in policy.inputs.values():
        if spec.source.startswith("legal."):
            field = spec.source.removeprefix("legal.")
            if field in FIELDS and field != "regime":
                usable = spec
                if spec.type == "set" and field == "offences":
                    known = tuple(v for v in spec.values if v in OFFENCES)
                    usable = InputSpec(spec.name, "set", known)
                legal[field] = draw(
                    input_values(usable, bounds=LIMITS.get(field)), label=spec.source
                )
        else:
            facts[spec.source] = draw(input_values(spec), label=spec.source)
    assessed_on = draw(DAYS, label="assessed_on")
    legal.setdefault("sentence_date", assessed_on - dt.timedelta(days=draw(st.integers(0, 60))))
    legal.setdefault("entry_date", assessed_on + dt.timedelta(days=draw(st.integers(0, 60))))
    legal.setdefault("exam_suspension_days", draw(st.integers(0, 60), label="exam_suspension_days"))
    if "offences" in legal:
        legal["offences"] = frozenset(legal["offences"])
    sanction = legal.get("sanction", draw(st.sampled_from(policy.sanctions or ("none",))))
    context = LegalContext(
        regime=policy.regime,
        sanction=sanction,
        **{k: v for k, v in legal.items() if k != "sanction"},
    )
    return facts, context, assessed_on
