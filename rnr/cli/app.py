"""The ``rnr`` command line.

.. code-block:: text

    rnr instruments list [--lang en] [--json]
    rnr instruments show ID[@VERSION] [--json]
    rnr instruments check PATH
    rnr score [--instrument ID[@VERSION]] [--json] CASE.json | CASES.jsonl | -
    rnr decide --policy ID[@VERSION] [--json] [--as-of DATE] CASE.json | CASES.jsonl | -
    rnr plan --policy ID[@VERSION] [--format md|html] [-o FILE|DIR] [--lang en]
             [--template FILE] CASE.json | CASES.jsonl | -
    rnr policies list [--json]
    rnr policies show ID[@VERSION] [--json]
    rnr policies check PATH
    rnr whatif --policy ID@A --against ID@B [--json] CASES.jsonl
    rnr case add|reassess|event|review|history|change|list ...  [--db PATH]
    rnr due [--as-of DATE] [--overdue] [--json]                 [--db PATH]
    rnr indicators --period YEAR [--programme P] [--json] [--html FILE] [--db PATH]
    rnr store verify|export|import ...                          [--db PATH]
    rnr simulate --people N --years Y [--seed S] [--db PATH | --jsonl FILE]
    rnr validate FILE.csv --score COL --outcome COL [--group COL]... [--cut N] [--json]
                 [--html FILE] [--raters COL COL] [--norms] [--recalibrate LEVEL=SHARE,...]
    rnr validate --db PATH [--instrument ID] [--event KIND] [--window MONTHS] [--group COL]...
    rnr demo [--lang en]

Every command takes ``--instruments-dir DIR`` (also accepted before the
command) to add a folder of your own instruments to the shipped ones. Errors
print as ``rnr: error: <message>`` on standard error, without a traceback;
the exit status is 0 on success, 1 when ``instruments check`` or
``policies check`` finds a failed check, 2 for a usage or input error.

>>> main(["--version"])
rnr 0.1.0
0
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TextIO

from rnr.cli import (
    _case,
    _decide,
    _demo,
    _due,
    _indicators,
    _instruments,
    _plan,
    _policies,
    _score,
    _simulate,
    _store,
    _validate,
    _whatif,
)
from rnr.errors import RnrError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _version() -> str:
    from rnr import __version__  # noqa: PLC0415 - rnr imports nothing from rnr.cli

    return __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rnr`` and its commands."""
    parser = argparse.ArgumentParser(
        prog="rnr",
        description="Risk-Need-Responsivity assessment: instruments, scoring, explanations, "
        "policy decisions, intervention plan drafts.",
        epilog="Try: rnr demo",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--instruments-dir",
        dest="global_dirs",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="add the instruments in DIR (laid out as DIR/<id>/<version>.toml); repeatable",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _instruments.add_parser(commands)
    _score.add_parser(commands)
    _decide.add_parser(commands)
    _plan.add_parser(commands)
    _policies.add_parser(commands)
    _whatif.add_parser(commands)
    _case.add_parser(commands)
    _due.add_parser(commands)
    _indicators.add_parser(commands)
    _store.add_parser(commands)
    _simulate.add_parser(commands)
    _validate.add_parser(commands)
    _demo.add_parser(commands)
    return parser


def report_error(error: RnrError, err: TextIO) -> None:
    """Print ``error`` as ``rnr: error: …`` lines (one per line of its message)."""
    for line in str(error).splitlines() or [type(error).__name__]:
        err.write(f"rnr: error: {line}\n")
    err.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 when a check failed, 2 for a usage or input error.
    """
    out, err = sys.stdout, sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors and --help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.version:
        out.write(f"rnr {_version()}\n")
        return EXIT_OK
    if args.command is None:
        parser.print_help(err)
        return EXIT_USAGE
    try:
        status: int = args.func(args, out)
    except RnrError as exc:
        out.flush()
        report_error(exc, err)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `rnr score cases.jsonl | head`: stop quietly
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes
        return EXIT_FAILED
    return status
