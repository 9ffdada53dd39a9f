"""``rnr decide``: score a case and decide it under a policy (readable report or JSON).

The policy version is the one in force on ``--as-of`` when given, else on
the case's ``legal.sentence_date``, else on its ``assessed_on``;
``--policy ID@VERSION`` (or a policy file) pins one.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

import attrs

from rnr.cases.legal import LegalContext
from rnr.cases.parse import Case, read_cases
from rnr.cli._common import CaseError, add_common, library_for, write_json, write_lines
from rnr.cli._policy_lib import (
    add_case_policy_options,
    add_policy_dirs,
    check_ref,
    is_pinned,
    policies_for,
    policy_for,
)
from rnr.cli._score import is_batch, score_one
from rnr.definitions.labels import load_labels
from rnr.definitions.library import Library, PolicyLibrary
from rnr.definitions.policy import Policy
from rnr.errors import CaseFileError, DecisionInputError, UnknownPolicyError
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.render.decision import decision_report
from rnr.scoring.result import ScoreResult

__all__ = ["Decided", "add_parser", "decide_case", "legal_of", "run"]

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


@attrs.frozen
class Decided:
    """A case, its score, the policy version chosen and the decision."""

    case: Case
    result: ScoreResult
    policy: Policy
    decision: Decision


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr decide``."""
    parser = commands.add_parser(
        "decide",
        help="score a case and decide it under a policy (.json, .jsonl or - for stdin)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_case_policy_options(parser)
    parser.add_argument("--json", action="store_true", help="print the decision as one JSON line")
    add_common(parser)
    add_policy_dirs(parser)
    parser.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")
    parser.set_defaults(func=run)


def legal_of(case: Case) -> LegalContext:
    """The case's legal section.

    Raises:
        CaseFileError: the case has none.
    """
    if case.legal is None:
        msg = (
            'missing: a decision needs the case\'s "legal" section '
            '(at least "regime", and the fields the policy reads)'
        )
        raise CaseFileError(msg, file=case.file or "<case>", line=case.line, field="legal")
    return case.legal


def decide_case(
    case: Case,
    library: Library,
    policies: PolicyLibrary,
    ref: str,
    *,
    instrument_ref: str | None = None,
    as_of: dt.date | None = None,
    pinned: Policy | None = None,
) -> Decided:
    """Score ``case`` and decide it under the policy ``ref`` names.

    Args:
        case: the case (it needs a legal section).
        library: the instruments.
        policies: the policies.
        ref: ``ID``, ``ID@VERSION`` or a policy file.
        instrument_ref: the instrument, when the case does not name it.
        as_of: the date a bare ``ID`` is resolved on (default: the case's
            sentence date, else its assessment date).
        pinned: the policy already resolved from ``ref`` (a pinned version).

    Raises:
        RnrError: the case cannot be scored or decided; the message names where
            the case was read and the field at fault.
    """
    legal = legal_of(case)
    result = score_one(case, library, instrument_ref)
    on = as_of or legal.sentence_date or case.assessed_on
    try:
        policy = pinned if pinned is not None else policy_for(policies, ref, on=on)
        decision = decide(result, legal, policy, override=case.override, case_id=case.case_id)
    except (DecisionInputError, UnknownPolicyError) as exc:
        raise CaseError(case, exc) from exc
    return Decided(case, result, policy, decision)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Decide the cases of ``args.case`` and print the decisions to ``out``."""
    library = library_for(args)
    if args.instrument is not None:
        library.get(args.instrument)  # an unknown instrument fails before any case is read
    policies = policies_for(args)
    check_ref(policies, args.policy)
    pinned = policy_for(policies, args.policy) if is_pinned(args.policy) else None
    batch = is_batch(args.case)
    for case in read_cases(args.case):
        done = decide_case(
            case,
            library,
            policies,
            args.policy,
            instrument_ref=args.instrument,
            as_of=args.as_of,
            pinned=pinned,
        )
        if batch or args.json:
            write_json(out, done.decision.to_dict())
            continue
        labels = load_labels(library.get(str(done.result.instrument)), args.lang)
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
