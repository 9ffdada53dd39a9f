"""The readable comparison of two policy versions over a cohort (``rnr whatif``).

How many people change in each group of decision fields (eligibility,
intensity, monitoring, fit, deadlines), then one row per changed field of
each case. The words are the ``cli.whatif`` table of the message catalogue
(:mod:`rnr.render.messages`); field names and values are shown as the
comparison gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rnr.policy.many import WhatIf
from rnr.render.messages import Catalogue, catalogue
from rnr.render.score import table

__all__ = ["GROUPS", "group_of", "whatif_lines"]

#: The groups of decision fields the summary counts people in.
GROUPS = ("eligibility", "intensity", "monitoring", "fit", "deadlines")


def group_of(field: str) -> str:
    """The summary group of a changed field (``deadline.pii_due`` → ``deadlines``)."""
    if field == "eligible_sanctions":
        return "eligibility"
    if field in ("contacts_per_month", "treatment_hours", "components"):
        return "intensity"
    if field == "telematic_monitoring":
        return "monitoring"
    if field.startswith("deadline."):
        return "deadlines"
    return "fit"


def _cell(value: Any, w: Catalogue) -> str:
    if value is None:
        return w("policy.none")
    if isinstance(value, bool):
        return w("policy.yes" if value else "policy.no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value)) or w("policy.none")
    return str(value)


def _pair(field: str, before: Any, after: Any, w: Catalogue) -> tuple[str, str]:
    if field == "components":
        was, now = tuple(before or ()), tuple(after or ())
        added = [f"+{c}" for c in now if c not in was]
        removed = [f"-{c}" for c in was if c not in now]
        return str(len(was)), "; ".join(added + removed) or _cell(now, w)
    return _cell(before, w), _cell(after, w)


def whatif_lines(whatif: WhatIf, lang: str) -> list[str]:
    """The comparison: people per group of fields, then one row per changed field.

    Raises:
        RenderError: ``lang`` is not a locale of the message catalogue.
    """
    w = catalogue(lang)
    title = w(
        "cli.whatif.title", a=whatif.a, b=whatif.b, total=whatif.total, changed=len(whatif.changed)
    )
    people: Mapping[str, int] = {
        group: sum(1 for c in whatif.changed if any(group_of(f) == group for f in c.fields))
        for group in GROUPS
    }
    lines = [title]
    lines += [
        w("cli.whatif.people", what=w(f"cli.whatif.group.{group}"), n=people[group])
        for group in GROUPS
    ]
    if not whatif.changed:
        return [*lines, "", w("cli.whatif.no_change")]
    columns = ("case", "field", "before", "after")
    rows = [[w(f"cli.whatif.column.{name}") for name in columns]]
    for change in whatif.changed:
        for field, (before, after) in change.fields.items():
            rows.append([change.case_id, field, *_pair(field, before, after, w)])
    return [*lines, "", *table(rows)]
