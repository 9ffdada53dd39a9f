"""``rnr whatif``: decide a cohort under two policy versions and list who changes.

Each case is scored with its instrument; its score-derived facts
(:func:`rnr.policy.engine.facts`, with an override's level when the case has
one) and its legal section make a :class:`~rnr.policy.many.CohortCase`, and
:func:`rnr.policy.many.compare_policies` decides the cohort under both policies.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from rnr.cases.parse import Case, read_cases
from rnr.cases.path import legal_of, score_one
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
from rnr.cli.progress import each
from rnr.definitions.library import Library, split_ref
from rnr.definitions.policy import Policy
from rnr.errors import DecisionInputError
from rnr.policy.engine import facts
from rnr.policy.many import CohortCase, compare_policies
from rnr.render.whatif import whatif_lines

__all__ = ["add_arguments", "cohort_case", "run"]

HELP = """\
Decide a cohort of cases under two policy versions and report how many
people change sanction eligibility, intensity, monitoring, fit or deadlines,
and who. CASES is a .jsonl file (one case per line, each with a "legal"
section), a .json file, or - for JSON Lines on standard input. --policy and
--against take ID@YYYY-MM-DD, a bare ID (the newest version) or the path of
a policy file. With --json, the comparison is printed as one JSON object.
"""


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
            problem = DecisionInputError(
                msg,
                field="legal.regime",
                value=legal.regime,
                expected=policy.regime,
                case_id=case.case_id,
                code="policy.not_applicable",
            )
        elif policy.instruments and result.instrument.id not in policy.instruments:
            expected = ", ".join(policy.instruments)
            msg = (
                f"instrument {result.instrument.id!r} is not one policy {policy.ref} reads;"
                f" expected {expected}"
            )
            problem = DecisionInputError(
                msg,
                field="instrument",
                value=result.instrument.id,
                expected=expected,
                case_id=case.case_id,
                code="policy.not_applicable",
            )
        if problem is not None:
            raise CaseError(case, problem)
    level = case.override.to_level if case.override is not None else None
    known = facts(result, risk_level=level)
    return CohortCase(case.case_id, known, legal, case.assessed_on)


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
    read: dict[str, Case] = {}
    for case in each(args, read_cases(args.cases), unit="cases"):
        library = instruments(args.instrument or case.instrument)
        cohort.append(cohort_case(case, library, (a, b), args.instrument))
        read.setdefault(case.case_id, case)
    try:
        whatif = compare_policies(a, b, cohort)
    except DecisionInputError as exc:
        if exc.case_id in read:
            raise CaseError(read[exc.case_id], exc) from exc
        raise
    if args.json:
        write_json(out, whatif.to_dict())
    else:
        write_lines(out, whatif_lines(whatif, args.lang, policy=a))
    return 0
