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
    write_json,
    write_lines,
)
from rnr.history.due import due_list
from rnr.render.history_words import hwords

__all__ = ["add_arguments", "run"]

HELP = """\
List the next reassessment of every case open on --as-of (default: today),
earliest first: the date, whether it comes from the policy's interval for
the case's risk level or from an event that calls for a reassessment (a new
offence, a breach), the rule and how many days it is overdue. --overdue
keeps only the cases already overdue on that date.
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
    with open_db(args) as store:
        found = due_list(store, as_of, defs=defs)
    late = [d for d in found if d.due_on < as_of]
    shown = late if args.overdue else found
    if args.json:
        for due in shown:
            write_json(out, due.to_dict(as_of))
        return 0
    w = hwords(args.lang)
    if not shown:
        write_lines(out, [w["d_none"].format(on=as_of.isoformat())])
        return 0
    lines = [w["d_header"]]
    for due in shown:
        basis = (
            w["d_interval"]
            if due.basis == "interval"
            else w["d_event"].format(
                kind=w.get(f"ev_{due.event}", str(due.event)),
                on=due.event_on.isoformat() if due.event_on else "",
            )
        )
        row = (
            due.case_id,
            due.due_on.isoformat(),
            basis,
            due.rule,
            due.last_assessed_on.isoformat(),
            due.risk_level,
            str(due.days_overdue(as_of)),
        )
        lines.append("\t".join(row))
    lines += ["", w["d_summary"].format(n=len(found), late=len(late), on=as_of.isoformat())]
    write_lines(out, lines)
    return 0
