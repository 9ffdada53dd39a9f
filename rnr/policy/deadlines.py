"""Dates of a decision: deadlines, the next reassessment, the attainment threshold.

Each date comes from a policy table (``deadlines``, ``reassessment``) and the
legal context, with the rule that set it; the engine and the bulk readers
share these functions so a date is computed one way only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rnr.cases.legal import LegalContext
from rnr.dates import add_months
from rnr.definitions.policy import Policy
from rnr.definitions.tables import Rule, Table
from rnr.errors import DecisionInputError
from rnr.policy.decision import Deadline, Fired
from rnr.text import Text

__all__ = [
    "attainment_threshold",
    "compute_deadlines",
    "deadlines_of",
    "fired",
    "next_reassessment",
    "note",
    "run_table",
]


def run_table(table: Table, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Rule]]:
    """Outputs and the rules that decided (all matches for collect tables)."""
    result, rules = table.decide({k: values[k] for k in table.inputs})
    if result is None:
        return {}, []
    return dict(result.outputs), rules


def fired(table: Table, rules: list[Rule]) -> list[Fired]:
    """The trace entries of ``rules`` of ``table``."""
    return [Fired.of(table.id, r) for r in rules]


def note(rule: Rule | None) -> Text:
    """The rule's note as the policy file gives it (empty without a rule)."""
    if rule is None:
        return Text("")
    return Text(rule.note.get("es", ""), rule.note.get("en", ""))


def deadlines_of(
    policy: Policy,
    *,
    values: Mapping[str, Any],
    legal: LegalContext,
    assessed_on: dt.date,
    trace: list[Fired],
    case_id: str | None,
) -> dict[str, Deadline]:
    deadlines: dict[str, Deadline] = {}
    dates = {
        "entry_date": legal.entry_date,
        "sentence_date": legal.sentence_date,
        "assessed_on": assessed_on,
    }
    table = policy.tables["deadlines"]
    for rule in table.matching({k: values[k] for k in table.inputs}):
        trace += fired(table, [rule])
        name, days, start = (
            str(rule.then["deadline"]),
            int(rule.then["days"]),
            str(rule.then["counted_from"]),
        )
        base = dates.get(start)
        if base is None:
            msg = (
                f"legal.{start}: missing, expected a date YYYY-MM-DD"
                f" (deadline {name}, rule {rule.id})"
            )
            raise DecisionInputError(
                msg,
                field=f"legal.{start}",
                expected="YYYY-MM-DD",
                case_id=case_id,
                code="decision.legal.missing",
            )
        extra = 0
        limit = rule.then.get("suspension_max_days")
        if isinstance(limit, int) and legal.exam_suspension_days:
            if legal.exam_suspension_days > limit:
                msg = (
                    f"legal.exam_suspension_days: got {legal.exam_suspension_days},"
                    " expected at most "
                    f"{limit} (rule {rule.id}: {rule.source})"
                )
                raise DecisionInputError(
                    msg,
                    field="legal.exam_suspension_days",
                    value=legal.exam_suspension_days,
                    expected=f"<= {limit}",
                    case_id=case_id,
                )
            extra = legal.exam_suspension_days
        deadlines[name] = Deadline(
            name, base + dt.timedelta(days=days + extra), days + extra, start, rule.id, rule.source
        )
    deadline, rules = next_reassessment(policy, values, legal, assessed_on=assessed_on)
    trace += fired(policy.tables["reassessment"], rules)
    if deadline is not None:
        deadlines["next_reassessment"] = deadline
    return deadlines


def attainment_threshold(policy: Policy, sanction: str | None) -> int | None:
    """The PII attainment threshold (%) of ``sanction`` (param ``attainment_<sanction>``)."""
    param = policy.params.get(f"attainment_{(sanction or '').lower()}")
    return int(param.value) if param is not None and isinstance(param.value, int) else None


def next_reassessment(
    policy: Policy, values: Mapping[str, Any], legal: LegalContext, *, assessed_on: dt.date
) -> tuple[Deadline | None, list[Rule]]:
    """The next reassessment (the ``reassessment`` table) and the rule that set it.

    ``values`` needs only the inputs the table reads. The interval counts from
    the entry date when it is later than the assessment, else from the
    assessment.
    """
    table = policy.tables["reassessment"]
    months, rules = run_table(table, values)
    if not months:
        return None, rules
    rule = rules[0]
    n = int(months["months"])
    start_day = max(legal.entry_date or assessed_on, assessed_on)
    counted = (
        "entry_date" if legal.entry_date and legal.entry_date >= assessed_on else "assessed_on"
    )
    deadline = Deadline(
        "next_reassessment", add_months(start_day, n), n * 30, counted, rule.id, rule.source
    )
    return deadline, rules


def compute_deadlines(
    policy: Policy,
    values: Mapping[str, Any],
    legal: LegalContext,
    *,
    assessed_on: dt.date,
    case_id: str | None = None,
) -> dict[str, Deadline]:
    """The deadlines alone (what differs between cases with the same inputs)."""
    return deadlines_of(
        policy, values=values, legal=legal, assessed_on=assessed_on, trace=[], case_id=case_id
    )
