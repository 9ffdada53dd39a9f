"""``rnr policies list|show|check``: the policies, dated and cited decision tables.

``check`` reports, for each policy file, whether the definition loads (every
problem listed when not: unknown keys, type errors, overlapping rules of a
``unique`` table, gaps, unreachable rules, each naming the table and rule)
and whether the worked cases in the ``tests/`` folder beside it hold.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.instruments import Check, report_checks
from rnr.cli.options import (
    add_common,
    add_json,
    add_policies_dir,
    policies_for,
    policy_for,
    write_json,
    write_lines,
)
from rnr.definitions.library import DATED, described, policy_list, split_ref
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DefinitionError
from rnr.render.definitions import policy_lines, policy_table
from rnr.render.messages import catalogue
from rnr.testing.worked import load_policy_cases, run_policy_case

__all__ = ["add_arguments", "check_policy_file", "policy_files", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr policies list|show|check``."""
    parser.description = "List, show and check policies: dated, cited decision tables."
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="every policy version", description="List every policy version."
    )
    add_json(listing, "print the list as JSON")
    add_common(listing)
    add_policies_dir(listing)
    show = sub.add_parser(
        "show",
        help="one policy: metadata, inputs, tables with rules and sources",
        description="Show one policy version (a bare id shows the newest; a path loads a file).",
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    add_json(show, "print the definition document as JSON, with its sha256")
    add_common(show)
    add_policies_dir(show)
    check = sub.add_parser(
        "check",
        help="check a policy file (or every one in a folder) and run its worked cases",
        description="Check policy files (overlaps, gaps, unreachable rules, types) and run the "
        "worked cases in the tests/ folder beside each. "
        "Exit status 0 when every check holds, 1 otherwise.",
    )
    check.add_argument(
        "path", metavar="PATH", type=Path, help="a <id>/<YYYY-MM-DD>.toml file or a folder of them"
    )
    add_json(check, "print the report as one JSON object")
    add_common(check)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr policies list``, ``show`` or ``check``."""
    actions = {"list": run_list, "show": run_show, "check": run_check}
    return actions[args.action](args, out)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print every policy version."""
    policies = list(policies_for(args))
    if args.json:
        write_json(out, policy_list(policies))
        return 0
    write_lines(out, policy_table(policies, args.lang))
    return 0


def run_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print one policy version, readable or as JSON."""
    policy = policy_for(policies_for(args, only=args.ref), args.ref)
    if args.json:
        write_json(out, described(policy), indent=2)
        return 0
    write_lines(out, policy_lines(policy, args.lang))
    return 0


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check every policy file under ``args.path``; 0 when all hold, else 1."""

    def checks(path: Path) -> Iterator[Check]:
        return check_policy_file(path, args.lang)

    return report_checks(policy_files(args.path), checks, args, out)


# -- rnr policies check --------------------------------------------------------------


def policy_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``<YYYY-MM-DD>.toml`` files in it and one level below.

    Raises:
        UsageError: ``path`` does not exist, or a folder holds no policy.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or folder", code="usage.file.missing")
    found = [p for p in sorted(path.glob("*.toml")) if DATED.match(p.stem)]
    found += [p for p in sorted(path.glob("*/*.toml")) if DATED.match(p.stem)]
    if not found:
        raise UsageError(f"{path}: no policy files (<id>/<YYYY-MM-DD>.toml) found")
    return found


def check_policy_file(path: Path, lang: str) -> Iterator[Check]:
    """Yield every check of the policy file ``path``, in order."""
    say = catalogue(lang)
    try:
        policy = load_policy(path)
    except DefinitionError as exc:
        problems = tuple(str(p) for p in exc.problems) or (str(exc),)
        yield Check(say("cli.check.invalid", count=len(exc.problems)), False, problems)
        return
    yield Check(say("cli.check.valid", ref=policy.ref, sha=policy.sha256[:12]), True)
    for worked in sorted((path.parent / "tests").glob("*.toml")):
        check = _worked(worked, policy, lang)
        if check is not None:
            yield check


def _worked(path: Path, policy: Policy, lang: str) -> Check | None:
    say = catalogue(lang)
    name = f"tests/{path.name}"
    try:
        cases = load_policy_cases(path)
    except DefinitionError as exc:
        return Check(name, False, tuple(str(exc).splitlines()))
    ident, version = split_ref(cases.policy)
    if ident != policy.id:
        wrong = say("cli.check.worked_wrong", file=name, ref=cases.policy, own=policy.ref)
        return Check(wrong, False)
    if version not in (None, policy.version):
        return None  # worked cases of another version in the same folder
    problems: list[str] = []
    failing = 0
    for case in cases.cases:
        found = run_policy_case(policy, case)
        failing += bool(found)
        problems += [f"{case.name}: {p}" for p in found]
    n = len(cases.cases)
    text = say("cli.check.worked", file=name, ok=n - failing, n=n)
    return Check(text, not problems, tuple(problems))
