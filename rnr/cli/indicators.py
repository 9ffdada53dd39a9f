"""``rnr indicators``: the programme indicators of a year, from the case store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import (
    add_common,
    add_db,
    add_json,
    definitions,
    describe,
    open_db,
    write_file,
    write_json,
    write_lines,
)
from rnr.cli.progress import case_counter
from rnr.definitions.indicators import PROGRAMMES
from rnr.errors import InvalidArgumentError
from rnr.history.programme import programme_report
from rnr.history.requests import check_period
from rnr.render.indicators import report_html, report_lines
from rnr.render.messages import catalogue

__all__ = ["add_arguments", "run"]

HELP = """\
Compute the programme indicators of a year from the case store: the fifteen
indicators of the programme documents (LAS and LAE, LAEIP, IRC) and rnr's
two for adults, each with its numerator, denominator, exclusions, the cases
counted as not met because they could not be measured, the document's
formula, target and stated direction beside the reading rnr uses, and its
source; those the store cannot support are listed as not computable with the
reason. Then the reinsertion index of the people discharged in the year and
override rates by assessor, reason and direction with their outcomes.
--json prints one JSON object; --html FILE writes a self-contained report
with charts.
"""


def _year(text: str) -> int:
    try:
        return check_period(int(text) if text.isascii() and text.isdigit() else text)
    except InvalidArgumentError:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a year such as 2025") from None


def _shown(path: Path) -> Path:
    """A written file as the user finds it from here: relative to the current folder when in it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr indicators``."""
    describe(parser, HELP)
    parser.add_argument("--period", type=_year, required=True, metavar="YEAR")
    parser.add_argument("--programme", choices=PROGRAMMES, metavar="|".join(PROGRAMMES))
    add_json(parser, "one JSON object")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write an HTML report")
    add_db(parser)
    add_common(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Compute and print (or write) the report."""
    if args.html is not None and args.html.is_dir():
        raise UsageError(f"--html {args.html}: a folder, expected a file")
    with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
        report = programme_report(
            store,
            period=args.period,
            programme=args.programme,
            defs=definitions(args),
            progress=advance,
        )
    if args.html is not None:
        write_file(args.html, report_html(report, args.lang))
    if args.json:
        write_json(out, report.to_dict())
    else:
        lines = report_lines(report, args.lang)
        if args.html is not None:
            lines += ["", catalogue(args.lang)("cli.indicators.html", path=_shown(args.html))]
        write_lines(out, lines)
    return 0
