"""``rnr indicators``: the programme indicators of a year, from the case store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.cli._common import UsageError, add_common, write_json, write_lines
from rnr.cli._db import add_db_options, definitions, open_db
from rnr.definitions.indicators import PROGRAMMES
from rnr.history.programme import programme_report
from rnr.render.indicators import report_html, report_lines

__all__ = ["add_parser", "run"]

HELP = """\
Compute the programme indicators of a year from the case store: every
indicator of the seeds that the stored data can support, with its numerator,
denominator, exclusions and source beside the seed's target, and the others
listed as not computable with the reason; the reinsertion index of the
people discharged in the year; override rates by assessor, reason and
direction with their outcomes. --json prints one JSON object; --html FILE
writes a self-contained report with charts.
"""


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a year such as 2025")
    return int(text)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr indicators``."""
    parser = commands.add_parser(
        "indicators",
        help="programme indicators of a year, the reinsertion index, override monitoring",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--period", type=_year, required=True, metavar="YEAR")
    parser.add_argument("--programme", choices=PROGRAMMES, metavar="|".join(PROGRAMMES))
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write an HTML report")
    add_db_options(parser)
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Compute and print (or write) the report."""
    if args.html is not None and args.html.is_dir():
        raise UsageError(f"--html {args.html}: a folder, expected a file")
    with open_db(args) as store:
        report = programme_report(
            store, period=args.period, programme=args.programme, defs=definitions(args)
        )
    if args.html is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(report_html(report, args.lang), encoding="utf-8")
    if args.json:
        write_json(out, report.to_dict())
    else:
        lines = report_lines(report, args.lang)
        if args.html is not None:
            lines += ["", f"HTML: {args.html}"]
        write_lines(out, lines)
    return 0
