"""Decide many cases at once, and compare two policies over a cohort.

Decisions depend on a handful of discrete inputs, so a cohort of a million
people has few distinct input combinations. :func:`decide_many` resolves each
case's inputs, decides every *distinct* combination once, and shares the
result (dates are the only per-case part, and they are recomputed per case).

>>> import datetime as dt
>>> from rnr.cases.legal import parse_legal
>>> from rnr.policy import policy_library
>>> policy = policy_library().get("cl-adultos-18216")
>>> legal = parse_legal({"regime": "adult", "sanction": "LV", "sentence_days": 900,
...                      "offences": [], "prior_convictions": 0, "entry_date": "2024-03-01"})
>>> case = CohortCase("c-1", {"risk_level": "medium", "high_needs": 1,
...                           "criminogenic_needs": frozenset()}, legal, dt.date(2024, 2, 20))
>>> [d.eligible_sanctions for d in decide_many(policy, [case])]
[('LV', 'RC', 'RP')]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.cases.legal import LegalContext
from rnr.definitions.policy import Policy
from rnr.policy.deadlines import compute_deadlines
from rnr.policy.decision import Decision
from rnr.policy.engine import decide_facts, resolve_inputs

__all__ = ["CohortCase", "DecisionChange", "WhatIf", "compare_policies", "decide_many"]


@attrs.frozen
class CohortCase:
    """One case of a cohort: its score-derived facts and legal context."""

    case_id: str
    facts: Mapping[str, Any] = attrs.field(converter=frozen_map)
    legal: LegalContext = attrs.field(kw_only=False)
    assessed_on: dt.date = attrs.field(kw_only=False)


def _values(policy: Policy, case: CohortCase) -> dict[str, Any]:
    merged = dict(case.facts)
    merged.setdefault("computed_risk_level", merged.get("risk_level"))
    merged.setdefault("assessed_on", case.assessed_on)
    for key in case.legal.to_dict():
        merged[f"legal.{key}"] = getattr(case.legal, key)
    return resolve_inputs(policy, merged, case_id=case.case_id)


def decide_many(policy: Policy, cases: Iterable[CohortCase]) -> list[Decision]:
    """Decide every case; identical inputs are decided once and shared.

    Only the deadlines are computed per case (they count from each case's
    dates). Each result equals ``decide_facts`` on that case alone.
    """
    dated = {name for name, spec in policy.inputs.items() if spec.type == "date"}
    cache: dict[tuple[Any, ...], Decision] = {}
    out = []
    for case in cases:
        values = _values(policy, case)
        legal = case.legal
        key = (
            tuple(sorted((k, v) for k, v in values.items() if k not in dated)),
            case.facts.get("computed_risk_level", case.facts.get("risk_level")),
            legal.regime,
            legal.sanction,
            legal.sanction_status,
            legal.sentence_days,
        )
        template = cache.get(key)
        if template is None or dated:
            decision = decide_facts(
                policy, case.facts, legal, assessed_on=case.assessed_on, case_id=case.case_id
            )
            cache[key] = decision
        else:
            deadlines = compute_deadlines(
                policy, values, legal, assessed_on=case.assessed_on, case_id=case.case_id
            )
            decision = attrs.evolve(
                template, case_id=case.case_id, inputs=values, deadlines=deadlines
            )
        out.append(decision)
    return out


@attrs.frozen
class DecisionChange:
    """One case whose decision differs between two policies."""

    case_id: str
    fields: Mapping[str, tuple[Any, Any]] = attrs.field(converter=frozen_map)


@attrs.frozen
class WhatIf:
    """What changes when a cohort is decided under ``b`` instead of ``a``."""

    a: str
    b: str
    total: int
    changed: tuple[DecisionChange, ...]
    counts: Mapping[str, int] = attrs.field(converter=frozen_map)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with every changed case."""
        return {
            "a": self.a,
            "b": self.b,
            "total": self.total,
            "changed": len(self.changed),
            "counts": dict(self.counts),
            "cases": [
                {
                    "case_id": c.case_id,
                    "changes": {k: [_plain(v[0]), _plain(v[1])] for k, v in c.fields.items()},
                }
                for c in self.changed
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _fields(d: Decision) -> dict[str, Any]:
    return {
        "eligible_sanctions": d.eligible_sanctions,
        "contacts_per_month": d.intensity.contacts_per_month,
        "treatment_hours": d.intensity.treatment_hours,
        "components": d.intensity.components,
        "telematic_monitoring": d.telematic_monitoring,
        "fit": d.fit,
        **{f"deadline.{k}": v.date for k, v in d.deadlines.items()},
    }


def compare_policies(a: Policy, b: Policy, cases: Sequence[CohortCase]) -> WhatIf:
    """Decide ``cases`` under both policies and list who changes, and how."""
    changed = []
    counts: Counter[str] = Counter()
    for da, db in zip(decide_many(a, cases), decide_many(b, cases), strict=True):
        fa, fb = _fields(da), _fields(db)
        diff = {
            k: (fa.get(k), fb.get(k)) for k in dict.fromkeys([*fa, *fb]) if fa.get(k) != fb.get(k)
        }
        if diff:
            changed.append(DecisionChange(str(da.case_id), diff))
            counts.update(diff.keys())
    return WhatIf(a.ref, b.ref, len(cases), tuple(changed), dict(counts))
