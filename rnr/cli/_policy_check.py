"""``rnr policies check``: load-time checks of a policy file and its worked cases.

For each policy file the report says whether the definition loads (every
problem listed when not: unknown keys, type errors, overlapping rules of a
``unique`` table, gaps, unreachable rules, each naming the table and rule)
and whether the worked cases in the ``tests/`` folder beside it hold.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rnr.cli._check import Check
from rnr.cli._common import UsageError, add_common, write_lines
from rnr.definitions.library import DATED, split_ref
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DefinitionError
from rnr.render.policy_words import pwords
from rnr.testing.policy_worked import load_policy_cases, run_policy_case

__all__ = ["add_parser", "check_policy_file", "policy_files", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr policies check``."""
    parser = sub.add_parser(
        "check",
        help="check a policy file (or every one in a folder) and run its worked cases",
        description="Check policy files (overlaps, gaps, unreachable rules, types) and run the "
        "worked cases in the tests/ folder beside each. "
        "Exit status 0 when every check holds, 1 otherwise.",
    )
    parser.add_argument(
        "path", metavar="PATH", type=Path, help="a <id>/<YYYY-MM-DD>.toml file or a folder of them"
    )
    add_common(parser)
    parser.set_defaults(func=run)


def policy_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``<YYYY-MM-DD>.toml`` files in it and one level below.

    Raises:
        UsageError: ``path`` does not exist, or a folder holds no policy.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or folder")
    found = [p for p in sorted(path.glob("*.toml")) if DATED.match(p.stem)]
    found += [p for p in sorted(path.glob("*/*.toml")) if DATED.match(p.stem)]
    if not found:
        raise UsageError(f"{path}: no policy files (<id>/<YYYY-MM-DD>.toml) found")
    return found


def check_policy_file(path: Path, lang: str) -> Iterator[Check]:
    """Yield every check of the policy file ``path``, in order."""
    w = pwords(lang)
    try:
        policy = load_policy(path)
    except DefinitionError as exc:
        problems = tuple(str(p) for p in exc.problems) or (str(exc),)
        yield Check(w["invalid"].format(n=len(exc.problems)), False, problems)
        return
    yield Check(w["valid"].format(ref=policy.ref, sha=policy.sha256[:12]), True)
    for worked in sorted((path.parent / "tests").glob("*.toml")):
        check = _worked(worked, policy, lang)
        if check is not None:
            yield check


def _worked(path: Path, policy: Policy, lang: str) -> Check | None:
    w = pwords(lang)
    name = f"tests/{path.name}"
    try:
        cases = load_policy_cases(path)
    except DefinitionError as exc:
        return Check(name, False, tuple(str(exc).splitlines()))
    ident, version = split_ref(cases.policy)
    if ident != policy.id:
        return Check(w["worked_wrong"].format(file=name, ref=cases.policy, own=policy.ref), False)
    if version not in (None, policy.version):
        return None  # worked cases of another version in the same folder
    problems: list[str] = []
    failing = 0
    for case in cases.cases:
        found = run_policy_case(policy, case)
        failing += bool(found)
        problems += [f"{case.name}: {p}" for p in found]
    n = len(cases.cases)
    return Check(w["worked"].format(file=name, ok=n - failing, n=n), not problems, tuple(problems))


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Check every policy file under ``args.path``; 0 when all hold, else 1."""
    w = pwords(args.lang)
    passed = failed = 0
    for path in policy_files(args.path):
        write_lines(out, [str(path)])
        for check in check_policy_file(path, args.lang):
            write_lines(out, check.lines())
            passed += check.passed
            failed += not check.passed
    write_lines(out, [w["summary"].format(passed=passed, failed=failed)])
    return 0 if failed == 0 else 1
