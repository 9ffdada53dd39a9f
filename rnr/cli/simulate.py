"""``rnr simulate``: a synthetic cohort (no real person), into a store or as JSON Lines."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import (
    add_common,
    add_db,
    add_json,
    definitions,
    describe,
    iso_date,
    open_db,
    output_file,
    write_json,
    write_lines,
)
from rnr.cli.progress import counter
from rnr.render.messages import catalogue
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.jsonl import export_jsonl
from rnr.store.memory import MemoryStore

__all__ = ["add_arguments", "run"]

#: The first simulated day when --start is not given (after the shipped policies came in force).
START = dt.date(2024, 2, 1)

HELP = """\
Simulate people entering the programmes (adults on LV or LVI with the LS/CMI,
young people on LAS, LAE, LAEIP or IRC with the YLS/CMI), their
reassessments, plan reviews, events, outcomes and the follow-up records the
programme indicators count, and write the cohort as a case store would hold
it: into the store --db PATH, or as a store export in
JSON Lines (--jsonl FILE, or - for standard output, the default) that
`rnr store import` loads. No real person: for demos, tests and benchmarks
only (docs/simulation.md). Everyone enters in the first week unless
--intake-years spreads the entries over that many years (a caseload: every
programme indicator then has cases in some year, docs/indicators.md). With
--json, the summary line (into a store or a file) is printed as one JSON
object.
"""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a whole number >= 1")
    return value


def _years(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 20:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected years above 0 and up to 20")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr simulate``."""
    describe(parser, HELP)
    parser.add_argument("--people", type=_positive, required=True, metavar="N")
    parser.add_argument("--years", type=_years, required=True, metavar="Y")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    parser.add_argument("--start", type=iso_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    parser.add_argument(
        "--juvenile-share", type=float, default=0.35, metavar="F", help="default: 0.35"
    )
    parser.add_argument(
        "--intake-years",
        type=float,
        default=0.0,
        metavar="Y",
        help="spread the entries over Y years, below --years (default: 0, the first week)",
    )
    target = parser.add_mutually_exclusive_group()
    add_db(target, help="write into this store")
    target.add_argument(
        "--jsonl", default="-", metavar="FILE", help="write a store export here (default: -)"
    )
    add_json(parser, "print the summary as one JSON object (not with --jsonl -)")
    add_common(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Simulate and write the cohort."""
    if args.json and args.db is None and args.jsonl == "-":
        msg = "--json: the export already goes to standard output; add --db PATH or --jsonl FILE"
        raise UsageError(msg)
    defs = definitions(args)
    cohort = simulate(
        args.people,
        args.years,
        seed=args.seed,
        start=args.start or START,
        juvenile_share=args.juvenile_share,
        library=defs.library,
        intake_years=args.intake_years,
    )
    if args.db is not None:
        total = len(cohort.people)
        with open_db(args) as store, counter(args, unit="people", total=total) as advance:
            store_cohort(store, cohort, defs=defs, progress=advance)
            target = store.name
    else:
        memory = MemoryStore(name="<simulation>")
        with counter(args, unit="people", total=len(cohort.people)) as advance:
            store_cohort(memory, cohort, defs=defs, progress=advance)
        if args.jsonl == "-":
            export_jsonl(memory, out)
            return 0
        path = Path(args.jsonl)
        if path.is_dir():
            raise UsageError(f"--jsonl {path}: a folder, expected a file")
        with output_file(path) as fh:
            export_jsonl(memory, fh)
        target = str(path)
    summary = cohort.summary()
    if args.json:
        write_json(
            out,
            {
                "seed": cohort.seed,
                "people": summary["people"],
                "assessments": summary["assessments"],
                "events": sum(summary["events"].values()),
                "years": cohort.years,
                "start": cohort.start,
                "target": target,
            },
        )
        return 0
    say = catalogue(args.lang)
    line = say(
        "history.simulated",
        seed=cohort.seed,
        people=say("history.people", count=summary["people"]),
        assessments=say("history.assessments", count=summary["assessments"]),
        events=say("history.events", count=sum(summary["events"].values())),
        years=say("history.years", count=cohort.years),
        start=cohort.start,
    )
    write_lines(out, [line, "  " + say("history.simulated_to", target=target)])
    return 0
