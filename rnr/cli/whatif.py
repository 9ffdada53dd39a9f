"""``rnr whatif``: decide a cohort under two policy versions and list who changes.

Each case is scored with its instrument; its score-derived facts
(:func:`rnr.policy.engine.facts`, with an override's level when the case has
one) and its legal section make a :class:`~rnr.policy.many.CohortCase`, and
:func:`rnr.policy.many.compare_policies` decides the cohort under both policies.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from typing import Any, TextIO

from rnr.cases.parse import Case, read_cases
from rnr.cli.decide import legal_of
from rnr.cli.errors import CaseError, UsageError
from rnr.cli.options import (
    Instruments,
    add_common,
    add_instrument,
    add_json,
    add_policies_dir,
    add_policy,
    check_policy_ref,
    describe,
    policies_for,
    policy_for,
    write_json,
    write_lines,
)
from rnr.cli.score import score_one
from rnr.definitions.library import Library, split_ref
from rnr.definitions.policy import Policy
from rnr.errors import DecisionInputError
from rnr.policy.engine import facts
from rnr.policy.many import CohortCase, WhatIf, compare_policies
from rnr.render.policy_words import pwords
from rnr.render.score import table

__all__ = ["CATEGORIES", "add_arguments", "category", "cohort_case", "run", "summary_lines"]

HELP = """\
Decide a cohort of cases under two policy versions and report how many
people change sanction eligibility, intensity, monitoring, fit or deadlines,
and who. CASES is a .jsonl file (one case per line, each with a "legal"
section), a .json file, or - for JSON Lines on standard input. --policy and
--against take ID@YYYY-MM-DD, a bare ID (the newest version) or the path of
a policy file. With --json, the comparison is printed as one JSON object.
"""

#: The groups of decision fields the summary counts people in.
CATEGORIES = ("eligibility", "intensity", "monitoring", "fit", "deadlines")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr whatif``."""
    describe(parser, HELP)
    add_policy(parser, metavar="ID@A", help="the current policy")
    parser.add_argument(
        "--against", "-a", required=True, metavar="ID@B", help="the policy to compare with"
    )
    add_instrument(parser, help="the instrument (default: the case's)")
    add_json(parser, "print the comparison as JSON")
    add_common(parser)
    add_policies_dir(parser)
    parser.add_argument("cases", metavar="CASES", help="cases (.jsonl, .json) or - for stdin")


def cohort_case(
    case: Case, library: Library, policies: tuple[Policy, ...], instrument_ref: str | None
) -> CohortCase:
    """Score ``case`` and build its cohort entry.

    Raises:
        RnrError: the case cannot be scored, has no legal section, or does not
            fit a policy (regime, instrument); the message names where it was read.
    """
    legal = legal_of(case)
    result = score_one(case, library, instrument_ref)
    for policy in policies:
        problem: DecisionInputError | None = None
        if legal.regime != policy.regime:
            msg = f"legal.regime: got {legal.regime!r}, expected {policy.regime!r} ({policy.ref})"
            problem = DecisionInputError(msg, field="legal.regime", value=legal.regime)
        elif policy.instruments and result.instrument.id not in policy.instruments:
            expected = ", ".join(policy.instruments)
            msg = (
                f"instrument {result.instrument.id!r} is not one policy {policy.ref} reads;"
                f" expected {expected}"
            )
            problem = DecisionInputError(msg, field="instrument", value=result.instrument.id)
        if problem is not None:
            raise CaseError(case, problem)
    level = case.override.to_level if case.override is not None else None
    known = facts(result, risk_level=level)
    return CohortCase(case.case_id, known, legal, case.assessed_on)


def category(field: str) -> str:
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


def _cell(value: Any, lang: str) -> str:
    w = pwords(lang)
    if value is None:
        return w["none"]
    if isinstance(value, bool):
        return w["yes"] if value else w["no"]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value)) or w["none"]
    return str(value)


def _pair(field: str, before: Any, after: Any, lang: str) -> tuple[str, str]:
    if field == "components":
        was, now = tuple(before or ()), tuple(after or ())
        added = [f"+{c}" for c in now if c not in was]
        removed = [f"-{c}" for c in was if c not in now]
        return str(len(was)), "; ".join(added + removed) or _cell(now, lang)
    return _cell(before, lang), _cell(after, lang)


def summary_lines(whatif: WhatIf, lang: str) -> list[str]:
    """The readable comparison: counts per group, then one row per changed field."""
    w = pwords(lang)
    lines = [
        w["whatif_title"].format(
            a=whatif.a, b=whatif.b, total=whatif.total, changed=len(whatif.changed)
        )
    ]
    people: Mapping[str, int] = {
        cat: sum(1 for c in whatif.changed if any(category(f) == cat for f in c.fields))
        for cat in CATEGORIES
    }
    lines += [
        w["whatif_people"].format(what=w[f"whatif_{cat}"], n=people[cat]) for cat in CATEGORIES
    ]
    if not whatif.changed:
        return [*lines, "", w["whatif_none"]]
    rows = [[w["h_case"], w["h_field"], w["h_before"], w["h_after"]]]
    for change in whatif.changed:
        for field, (before, after) in change.fields.items():
            rows.append([change.case_id, field, *_pair(field, before, after, lang)])
    return [*lines, "", *table(rows)]


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Compare ``--policy`` and ``--against`` over the cases; print the summary."""
    instruments = Instruments(args)
    if args.instrument is not None:
        instruments(args.instrument).get(args.instrument)
    ids = {split_ref(ref)[0] for ref in (args.policy, args.against)}
    policies = policies_for(args, only=args.policy if len(ids) == 1 else None)
    for ref in (args.policy, args.against):
        check_policy_ref(policies, ref)
    a, b = policy_for(policies, args.policy), policy_for(policies, args.against)
    if a.regime != b.regime:
        raise UsageError(f"{a.ref} is for the {a.regime} regime but {b.ref} for the {b.regime}")
    cohort: list[CohortCase] = []
    where: dict[str, str] = {}
    for case in read_cases(args.cases):
        library = instruments(args.instrument or case.instrument)
        cohort.append(cohort_case(case, library, (a, b), args.instrument))
        where.setdefault(case.case_id, case.where)
    try:
        whatif = compare_policies(a, b, cohort)
    except DecisionInputError as exc:
        if exc.case_id in where:
            raise UsageError(f"{where[exc.case_id]}: {exc}") from exc
        raise
    if args.json:
        write_json(out, whatif.to_dict())
    else:
        write_lines(out, summary_lines(whatif, args.lang))
    return 0
