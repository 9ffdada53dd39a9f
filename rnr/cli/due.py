"""``rnr due``: the next reassessment of every open case, and the overdue ones."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from rnr.cli.options import (
    add_as_of,
    add_common,
    add_db,
    add_json,
    definitions,
    describe,
    open_db,
    write_json_lines,
    write_lines,
)
from rnr.cli.progress import case_counter, shown
from rnr.history.requests import due_entries
from rnr.render.history import due_lines

__all__ = ["add_arguments", "run"]

HELP = """\
List the next reassessment of every case open on --as-of (default: today),
earliest first: the date, why it is due (the policy's interval for the
case's risk level, or an event that calls for a reassessment: a new offence,
a breach), the interval or the days the policy gives after the event, and
how many days it is overdue. --overdue keeps only the cases already overdue
on that date. --json gives each case's rule and its source.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr due``."""
    describe(parser, HELP)
    add_as_of(parser, "the date (default: today)")
    parser.add_argument("--overdue", action="store_true", help="only the overdue cases")
    add_json(parser, "one JSON line per case")
    add_db(parser)
    add_common(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the schedule."""
    as_of: dt.date = args.as_of or dt.date.today()
    defs = definitions(args)
    with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
        # the text counts every case in its summary: only the JSON lines leave some out
        only_late = args.json and args.overdue
        # the case index answers at once: the cases are counted only for a bar
        counted = advance if shown(args) else None
        found = due_entries(store, as_of, overdue=only_late, defs=defs, progress=counted)
    if args.json:
        write_json_lines(out, (due.to_dict(as_of) for due in found))
        return 0
    write_lines(out, due_lines(found, as_of, args.lang, overdue=args.overdue))
    return 0
