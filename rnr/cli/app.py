"""The ``rnr`` command line: the parser, the table of commands, ``main`` and its errors.

.. code-block:: text

    rnr instruments list|show|schema|check ...   instrument definitions
    rnr score ...                         score a case file
    rnr decide ... / rnr whatif ...       decide under a policy, compare two policies
    rnr plan ...                          draft an intervention plan (PII)
    rnr policies list|show|check ...      policies (decision tables)
    rnr case add|reassess|event|review|history|change|list ...   a person's history
    rnr due / indicators / store / simulate / validate / schema / demo ...
    rnr serve [--host 127.0.0.1] [--port 8000]   the HTTP API (rnr.service)

The top-level parser is built from :data:`COMMANDS` alone (a name, a line
of help and the module that runs it), so ``rnr --help`` imports no command
(nor :mod:`rnr.errors`, nor attrs).
Once the command is known, its module is imported and adds its own
arguments (``add_arguments(parser)``); ``run(args, out)`` then runs it. See
``docs/cli.md`` for every command and option.

Errors print as ``rnr: error: <message>`` on standard error, without a
traceback; with ``--json``, as one JSON object ``{"error": {"code": ...}}``
(``rnr schema show error``). The exit status is 0 on success, 1 when a check
finds problems (``rnr instruments check``, ``rnr store verify``), and for an
error the one its code's :class:`~rnr.errors.Outcome` gives: 2 bad input or
usage, 3 not found, 4 a conflict with what is stored, 5 the store cannot be
used. ``docs/errors.md`` lists every code. Ctrl-C stops a command with status
130, leaving every store as its last complete write left it.

>>> main(["--version"])
rnr 0.1.0
0
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, TextIO

from rnr.cli.options import LANGS, ArgumentsRefused, Parser, add_instruments_dir

if TYPE_CHECKING:
    from rnr.errors import RnrError

__all__ = [
    "COMMANDS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "build_parser",
    "main",
    "run",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: Ctrl-C (128 + SIGINT, as shells report it)
EXIT_INTERRUPTED = 130


class Command(NamedTuple):
    """One command of ``rnr``: its name, one line of help, the module that runs it.

    The module defines ``add_arguments(parser)``, which adds the command's
    arguments to its parser, and ``run(args, out) -> int``, which runs it.
    """

    name: str
    help: str
    module: str


#: Every command, in the order ``rnr --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command(
        "instruments",
        "list, show and check instrument definitions; print their case schemas",
        "rnr.cli.instruments",
    ),
    Command("score", "score a case file (.json, .jsonl or - for stdin)", "rnr.cli.score"),
    Command(
        "decide",
        "score a case and decide it under a policy (.json, .jsonl or - for stdin)",
        "rnr.cli.decide",
    ),
    Command(
        "plan", "draft an intervention plan (PII) for a case: Markdown or HTML", "rnr.cli.plan"
    ),
    Command("policies", "list, show and check policies (decision tables)", "rnr.cli.policies"),
    Command("whatif", "compare two policy versions over a cohort of cases", "rnr.cli.whatif"),
    Command(
        "case",
        "a person's history: open, reassess, events, reviews, history, change",
        "rnr.cli.case",
    ),
    Command("due", "reassessments due and overdue on a date", "rnr.cli.due"),
    Command(
        "indicators",
        "programme indicators of a year, the reinsertion index, override monitoring",
        "rnr.cli.indicators",
    ),
    Command(
        "costs",
        "published unit costs of a year, or what a caseload and its results cost",
        "rnr.cli.costs",
    ),
    Command(
        "store",
        "the case store: verify its audit chain, export or import JSON Lines",
        "rnr.cli.store",
    ),
    Command(
        "simulate",
        "a synthetic cohort (no real person) into a store or as JSON Lines",
        "rnr.cli.simulate",
    ),
    Command(
        "validate",
        "local validity of a score: AUC, calibration, cut-off, groups, raters, norms",
        "rnr.cli.validate",
    ),
    Command("schema", "the JSON Schemas of every document rnr reads or writes", "rnr.cli.schema"),
    Command("demo", "score the example cases shipped with every instrument", "rnr.cli.demo"),
    Command("serve", "the HTTP API on uvicorn (needs the 'service' extra)", "rnr.cli.serve"),
    Command("tokens", "the bearer tokens of the HTTP service: add, list, revoke", "rnr.cli.tokens"),
    Command(
        "users",
        "the accounts people sign in to the browser workspace with: add, list, revoke",
        "rnr.cli.users",
    ),
)

Run = Callable[[argparse.Namespace, TextIO], int]


def _version() -> str:
    from rnr._version import __version__  # noqa: PLC0415 - only for --version

    return __version__


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``rnr``, with the full arguments of ``command``.

    Only ``command``'s module is imported, and adds its arguments. Without a
    known command, every command is listed with its line of help (``rnr
    --help``, and argparse's error for an unknown command).

    Args:
        command: the name of one of :data:`COMMANDS`, or ``None``.
    """
    parser = Parser(
        prog="rnr",
        description="Risk-Need-Responsivity assessment: instruments, scoring, explanations, "
        "policy decisions, intervention plan drafts.",
        epilog="Try: rnr demo",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    add_instruments_dir(parser, dest="global_dirs")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    known = [entry for entry in COMMANDS if entry.name == command]
    for entry in known or COMMANDS:
        sub = commands.add_parser(entry.name, help=entry.help, description=entry.help)
        if entry.name == command:
            module = importlib.import_module(entry.module)
            module.add_arguments(sub)
            run: Run = module.run
            sub.set_defaults(run=run)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option or an option's value.

    >>> command_in(["--instruments-dir", "mine", "score", "--json", "case.json"])
    'score'
    """
    names = {entry.name for entry in COMMANDS}
    takes_value = False
    for word in argv:
        if takes_value:
            takes_value = False
        elif word == "--":
            continue
        elif word.startswith("-"):
            # --instruments-dir DIR (argparse also accepts a unique prefix, --instr DIR)
            takes_value = len(word) > 2 and "--instruments-dir".startswith(word)
        else:
            return word if word in names else None
    return None


def report_error(error: RnrError, err: TextIO, *, as_json: bool = False) -> None:
    """Print ``error`` as one to three ``rnr: error: …`` lines, or as one JSON object.

    The lines are :meth:`RnrError.lines`; the object is :meth:`RnrError.to_dict`.
    """
    if as_json:
        import json  # noqa: PLC0415 - only on an error

        err.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
    else:
        for line in error.lines():
            err.write(f"rnr: error: {line}\n")
    err.flush()


def _refused(refusal: ArgumentsRefused, err: TextIO, *, as_json: bool) -> int:
    """Report words that do not parse: argparse's usage and message, or a JSON error."""
    from rnr.cli.errors import UsageError  # noqa: PLC0415 - only on an error

    if as_json:
        report_error(UsageError(refusal.message), err, as_json=True)
    else:
        refusal.parser.print_usage(err)
        err.write(f"{refusal.parser.prog}: error: {refusal.message}\n")
    return EXIT_USAGE


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse a text argument holding bytes that are not UTF-8 (a case id, a case file name).

    Python hands such bytes over as lone surrogates, which nothing can
    print, store or hash. Path options (``--db``, ``-o``) keep them: the file
    system allows such names.

    Raises:
        UsageError: naming the argument.
    """
    from rnr.cli.errors import UsageError  # noqa: PLC0415 - start-up time
    from rnr.untrusted import UntrustedInputError, check_text  # noqa: PLC0415

    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not text.isascii():
                try:
                    check_text(text)
                except UntrustedInputError as exc:
                    raise UsageError(f"{name}: got {text!r}: {exc}") from None


def _lang_in(words: Sequence[str]) -> str:
    """The ``--lang`` of a command line not parsed yet (``es`` unless it names another).

    >>> _lang_in(["due", "--lang", "en"]), _lang_in(["due", "--lang=en"]), _lang_in(["due"])
    ('en', 'en', 'es')
    """
    for word, after in zip(words, [*words[1:], ""], strict=True):
        given = after if word == "--lang" else word.removeprefix("--lang=")
        if word.startswith("--lang") and given in LANGS:
            return given
    return "es"


def _interrupted(err: TextIO, lang: str) -> int:
    """Say on ``err`` that Ctrl-C stopped the command; its exit status."""
    from rnr.render.messages import catalogue  # noqa: PLC0415 - only on an interrupt

    err.write(f"rnr: {catalogue(lang)('cli.interrupted')}\n")
    return EXIT_INTERRUPTED


#: Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = (50_000, 20, 10)


def run() -> int:
    """The ``rnr`` command (and ``python -m rnr.cli``): :func:`main` in a process of its own.

    Python's cyclic garbage collector walks the young objects every few
    hundred allocations, and the older ones every few thousand; a report
    over a whole store makes millions of records and summaries that hold
    no reference cycle, and those walks took about a third of its time. The
    command's own process makes them rarer (:data:`GC_THRESHOLD`); the
    library leaves the collector alone.
    """
    gc.set_threshold(*GC_THRESHOLD)
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 when a check found problems, else the error's
        :class:`~rnr.errors.Outcome` (2 bad input, 3 not found, 4 conflict, 5 store).
    """
    out, err = sys.stdout, sys.stderr
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(command_in(words))
        args = parser.parse_args(words)
    except ArgumentsRefused as refusal:
        return _refused(refusal, err, as_json="--json" in words)
    except SystemExit as exc:  # --help, --version of argparse
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C while the command loads: no traceback either
        return _interrupted(err, _lang_in(words))
    if args.version:
        out.write(f"rnr {_version()}\n")
        return EXIT_OK
    if args.command is None:
        parser.print_help(err)
        return EXIT_USAGE
    from rnr.errors import RnrError  # noqa: PLC0415 - loaded by the command already

    try:
        _check_text_arguments(args)
        status: int = args.run(args, out)
    except RnrError as exc:
        out.flush()
        report_error(exc, err, as_json=bool(getattr(args, "json", False)))
        return int(exc.outcome)
    except KeyboardInterrupt:  # Ctrl-C: every store write is atomic, nothing is half written
        out.flush()
        return _interrupted(err, getattr(args, "lang", "es"))
    except BrokenPipeError:  # e.g. `rnr score cases.jsonl | head`: stop quietly
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes
        return EXIT_FAILED
    return status
