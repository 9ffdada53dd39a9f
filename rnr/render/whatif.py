"""The readable comparison of two policy versions over a cohort (``rnr whatif``).

Both versions by name, how many people change in each group of decision
fields (eligibility, intensity, monitoring, fit, deadlines), then each case
that changes with every changed field: its name, the value before and the
value after (components: the ones the second version adds and removes). The
words are the ``policy.whatif`` table of the message catalogue
(:mod:`rnr.render.messages`), in the vocabulary of the policies' regime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rnr.policy.many import WhatIf
from rnr.render.conditions import listing
from rnr.render.decision import fit_words, said, wrap
from rnr.render.messages import Catalogue, catalogue
from rnr.render.names import policy_name, sanction_name

if TYPE_CHECKING:
    from rnr.definitions.policy import Policy

__all__ = ["GROUPS", "group_of", "whatif_lines"]

#: The groups of decision fields the summary counts people in.
GROUPS = ("eligibility", "intensity", "monitoring", "fit", "deadlines")
#: The prefix of a deadline's field (``deadline.pii_due``).
DEADLINE = "deadline."


def group_of(field: str) -> str:
    """The summary group of a changed field (``deadline.pii_due`` → ``deadlines``)."""
    if field == "eligible_sanctions":
        return "eligibility"
    if field in ("contacts_per_month", "treatment_hours", "components"):
        return "intensity"
    if field == "telematic_monitoring":
        return "monitoring"
    if field.startswith(DEADLINE):
        return "deadlines"
    return "fit"


class _Words:
    """The words of one comparison: its language, regime and policy (for sanction names)."""

    def __init__(self, lang: str, regime: str, policy: Policy | None) -> None:
        self.w: Catalogue = catalogue(lang)
        self.regime = regime
        self.policy = policy

    def field(self, field: str) -> str:
        """A changed field's name: ``Plan de intervención individual (PII)``, ``componentes``."""
        w = self.w
        if field.startswith(DEADLINE):
            name = field.removeprefix(DEADLINE)
            key = f"policy.d_{name}"
            return w(key) if key in w else name
        key = f"whatif.field.{field}"
        return said(w, key, self.regime) if f"policy.{key}" in w else field

    def value(self, field: str, value: Any) -> str:
        """A value of a changed field in words."""
        w = self.w
        if value is None:
            return w("policy.none")
        if isinstance(value, bool):
            return w("policy.yes" if value else "policy.no")
        if isinstance(value, dt.date):
            return w.day(value)
        if isinstance(value, int):
            return w.number(value)
        if field == "fit":
            return fit_words(str(value), w.lang, regime=self.regime)
        if field == "eligible_sanctions" and isinstance(value, tuple | list):
            names = [sanction_name(str(s), w.lang, self.policy) for s in value]
            return listing(names, "and", w.lang) or w("policy.none")
        if isinstance(value, tuple | list):
            return "; ".join(map(str, value)) or w("policy.none")
        return str(value)

    def change(self, field: str, before: Any, after: Any) -> str:
        """``  componentes: agrega X; quita Y`` or ``  campo: antes → después``."""
        w = self.w
        if field != "components":
            return w(
                "policy.whatif.change",
                field=self.field(field),
                before=self.value(field, before),
                after=self.value(field, after),
            )
        was, now = tuple(before or ()), tuple(after or ())
        parts = []
        added = [str(c) for c in now if c not in was]
        removed = [str(c) for c in was if c not in now]
        if added:
            parts.append(w("policy.whatif.added", items="; ".join(added)))
        if removed:
            parts.append(w("policy.whatif.removed", items="; ".join(removed)))
        return f"  {self.field(field)}: " + ("; ".join(parts) or self.value(field, now))


def whatif_lines(
    whatif: WhatIf, lang: str, *, regime: str = "adult", policy: Policy | None = None
) -> list[str]:
    """The comparison: both versions, people per group of fields, then each changed case.

    Args:
        whatif: the comparison (:func:`rnr.policy.many.compare_policies`).
        lang: the reader's language.
        regime: the policies' regime, whose vocabulary the report uses
            (default: ``policy``'s).
        policy: the first policy, which names its own sanctions.

    Raises:
        RenderError: ``lang`` is not a locale of the message catalogue.
    """
    if policy is not None:
        regime = policy.regime
    words = _Words(lang, regime, policy)
    w = words.w
    people: Mapping[str, int] = {
        group: sum(1 for c in whatif.changed if any(group_of(f) == group for f in c.fields))
        for group in GROUPS
    }
    lines = [
        w("policy.whatif.title"),
        *wrap(w("policy.whatif.a", name=policy_name(whatif.a, lang)), "    ", "  "),
        *wrap(w("policy.whatif.b", name=policy_name(whatif.b, lang)), "    ", "  "),
        w(
            "policy.whatif.summary",
            cases=w("policy.whatif.cases", count=whatif.total),
            changed=len(whatif.changed),
        ),
    ]
    for group in GROUPS:
        what = said(w, f"whatif.group.{group}", regime)
        lines.append(w("policy.whatif.people", what=what, count=people[group]))
    if not whatif.changed:
        return [*lines, "", w("policy.whatif.no_change")]
    for change in whatif.changed:
        lines += ["", w("policy.whatif.case", case_id=change.case_id)]
        for field, (before, after) in change.fields.items():
            lines += wrap(words.change(field, before, after), "      ", "")
    return lines
