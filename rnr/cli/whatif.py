"""``rnr whatif``: decide a cohort under two policy versions and list who changes.

The cohort is read case by case and compared with
:func:`rnr.cases.path.compare_cases`, the very function ``POST /v1/whatif``
calls: each case is scored with its instrument, its score-derived facts (with
an override's level when the case has one) and its legal section make a
:class:`~rnr.policy.many.CohortCase`, and
:func:`rnr.policy.many.compare_policies` decides the cohort under both.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from rnr.cases.parse import read_cases
from rnr.cases.path import compare_cases
from rnr.cli.errors import UsageError
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
from rnr.definitions.library import split_ref
from rnr.render.whatif import whatif_lines

if TYPE_CHECKING:
    from rnr.cases.parse import Case
    from rnr.costs.whatif import PricedWhatIf
    from rnr.definitions.policy import Policy

__all__ = ["add_arguments", "run"]

HELP = """\
Decide a cohort of cases under two policy versions and report how many
people change sanction eligibility, intensity, monitoring, fit or deadlines,
and who. CASES is a .jsonl file (one case per line, each with a "legal"
section), a .json file, or - for JSON Lines on standard input. --policy and
--against take ID@YYYY-MM-DD, a bare ID (the newest version) or the path of
a policy file. With --json, the comparison is printed as one JSON object.

--costs also prices the cohort under both policies from the unit costs the
programme documents publish (docs/costs.md): each decision's sanction for its
period; a change of intensity alone costs nothing, since the documents cost
a person served a year. --prices-of YEAR gives the figures in pesos of YEAR.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr whatif``."""
    describe(parser, HELP)
    add_policy(parser, metavar="ID@A", help="the current policy")
    parser.add_argument(
        "--against", "-a", required=True, metavar="ID@B", help="the policy to compare with"
    )
    add_instrument(parser, help="the instrument (default: the case's)")
    parser.add_argument(
        "--costs",
        action="store_true",
        help="also price the cohort under both policies, from the published unit costs",
    )
    parser.add_argument(
        "--prices-of", type=int, metavar="YEAR", help="with --costs: pesos of this year"
    )
    add_json(parser, "print the comparison as JSON")
    add_common(parser)
    add_policies_dir(parser)
    parser.add_argument("cases", metavar="CASES", help="cases (.jsonl, .json) or - for stdin")


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
    if a.regime != b.regime:  # said as a usage error (compare_cases says argument.invalid)
        raise UsageError(f"{a.ref} is for the {a.regime} regime but {b.ref} for the {b.regime}")
    if args.prices_of is not None and not args.costs:
        raise UsageError("--prices-of needs --costs")
    read = each(args, read_cases(args.cases), unit="cases")
    cases = list(read) if args.costs else None  # priced: the cohort is read twice
    whatif = compare_cases(cases or read, instruments, a, b, instrument_ref=args.instrument)
    priced = None if cases is None else _priced(args, cases, instruments, a, b)
    if args.json:
        doc = whatif.to_dict()
        write_json(out, doc if priced is None else {**doc, "costs": priced.to_dict()})
    else:
        lines = whatif_lines(whatif, args.lang, policy=a)
        if priced is not None:
            from rnr.render.costs import whatif_cost_lines  # noqa: PLC0415 - only when priced

            lines = [*lines, *whatif_cost_lines(priced, args.lang)]
        write_lines(out, lines)
    return 0


def _priced(
    args: argparse.Namespace,
    cases: list[Case],
    instruments: Instruments,
    a: Policy,
    b: Policy,
) -> PricedWhatIf:
    """The cohort priced under both policies (``--costs``)."""
    from rnr.costs.whatif import price_cases  # noqa: PLC0415 - only when priced
    from rnr.definitions.costs import shipped  # noqa: PLC0415

    book = shipped()
    if args.prices_of is not None:
        book.prices.factor(args.prices_of, args.prices_of)  # costs.prices.unknown
    return price_cases(
        cases, instruments, a, b, book, instrument_ref=args.instrument, prices_of=args.prices_of
    )
