"""``rnr decide``: score a case and decide it under a policy (readable report or JSON).

The policy version is the one in force on ``--as-of`` when given, else on
the case's ``legal.sentence_date``, else on its ``assessed_on``;
``--policy ID@VERSION`` (or a policy file) pins one. Only the named policy
and the instruments the cases name are read.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from rnr.cases.parse import Case, read_cases
from rnr.cases.path import Decided, decide_case, legal_of
from rnr.cli.options import (
    Instruments,
    add_as_of,
    add_common,
    add_instrument,
    add_json,
    add_policies_dir,
    add_policy,
    check_policy_ref,
    describe,
    is_pinned,
    policies_for,
    policy_for,
    write_json,
    write_lines,
)
from rnr.cli.progress import each
from rnr.cli.score import is_batch
from rnr.definitions.labels import load_labels
from rnr.render.decision import decision_report

__all__ = [
    "Decided",
    "PolicyChoice",
    "add_arguments",
    "add_case_policy_options",
    "decide_case",
    "legal_of",
    "run",
]

HELP = """\
Score a case with its instrument (as rnr score does) and decide it under a
policy: available sanctions and why the others are not, intensity,
telematic monitoring, period, deadlines, the fit of the sentence to the
risk, warnings and the rules that fired. The case needs a "legal" section.

CASE is a .json file holding one case (a readable report, or one line of
JSON with --json), a .jsonl file holding one case per line, or - to read
JSON Lines from standard input (one JSON decision per line, in order; the
first bad line stops the run with the file and line named).

--policy ID takes the version in force on --as-of, else on the case's
legal.sentence_date, else on its assessed_on; ID@YYYY-MM-DD or the path of
a policy file pins one version.
"""


def add_case_policy_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--policy``, ``--as-of`` and ``--instrument`` (rnr decide, rnr plan)."""
    add_policy(parser)
    add_as_of(parser, "choose the version of a bare policy id in force on DATE (YYYY-MM-DD)")
    add_instrument(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr decide``."""
    describe(parser, HELP)
    add_case_policy_options(parser)
    add_json(parser, "print the decision as one JSON line")
    add_common(parser)
    add_policies_dir(parser)
    parser.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")


class PolicyChoice:
    """What ``--policy``, ``--as-of`` and ``--instrument`` resolve to, checked before any case.

    Only the named policy and the instruments the cases name are read.

    Raises:
        RnrError: an unknown instrument or policy, or a missing policy file.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.instruments = Instruments(args)
        if args.instrument is not None:
            self.instruments(args.instrument).get(args.instrument)
        self.policies = policies_for(args, only=args.policy)
        check_policy_ref(self.policies, args.policy)
        self.pinned = policy_for(self.policies, args.policy) if is_pinned(args.policy) else None

    def decide(self, case: Case) -> Decided:
        """Score and decide one case (see :func:`decide_case`)."""
        args = self.args
        return decide_case(
            case,
            self.instruments(args.instrument or case.instrument),
            self.policies,
            args.policy,
            instrument_ref=args.instrument,
            as_of=args.as_of,
            pinned=self.pinned,
        )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Decide the cases of ``args.case`` and print the decisions to ``out``."""
    choice = PolicyChoice(args)
    batch = is_batch(args.case)
    for case in each(args, read_cases(args.case), unit="cases"):
        done = choice.decide(case)
        if batch or args.json:
            write_json(out, done.decision.to_dict())
            continue
        ref = str(done.result.instrument)
        labels = load_labels(choice.instruments(ref).get(ref), args.lang)
        lines = decision_report(
            done.decision,
            result=done.result,
            legal=legal_of(case),
            policy=done.policy,
            labels=labels,
            lang=args.lang,
        )
        write_lines(out, lines)
    return 0
