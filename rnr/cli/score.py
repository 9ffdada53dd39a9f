"""``rnr score``: score one case (readable or JSON) or a JSON Lines batch.

Only the named instrument's files are read (``--instrument``, else each
case's own ``instrument`` field), not the whole library.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.cases.parse import JSONL_SUFFIXES, STDIN, read_cases
from rnr.cases.path import score_one
from rnr.cli.options import (
    Instruments,
    add_common,
    add_instrument,
    add_json,
    describe,
    write_json,
    write_lines,
)
from rnr.cli.progress import each
from rnr.definitions.labels import load_labels
from rnr.render.explanation import explain
from rnr.render.score import case_header

__all__ = ["add_arguments", "is_batch", "run", "score_one"]

HELP = """\
Score a case file. CASE is a .json file holding one case, a .jsonl file
holding one case per line, or - to read JSON Lines from standard input.
A single case prints a readable explanation (or one line of JSON with
--json); a batch prints one JSON result per line, in order, and stops at the
first bad line with an error naming the file and line.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr score``."""
    describe(parser, HELP)
    add_instrument(
        parser,
        help="the instrument; a bare id takes the version in force on the case's "
        "assessed_on (default: the case's own 'instrument' field)",
    )
    add_json(parser, "print the result as one JSON line")
    add_common(parser)
    parser.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")


def is_batch(name: str) -> bool:
    """Whether the case file ``name`` is read as JSON Lines (``-`` or a ``.jsonl`` file)."""
    return name == STDIN or Path(name).suffix.lower() in JSONL_SUFFIXES


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Score the cases of ``args.case`` and print the results to ``out``."""
    instruments = Instruments(args)
    given: str | None = args.instrument
    if given is not None:
        instruments(given).get(given)  # an unknown id or version fails before any case is read
    batch = is_batch(args.case)
    for case in each(args, read_cases(args.case), unit="cases"):
        result = score_one(case, instruments(given or case.instrument), given)
        if batch or args.json:
            write_json(out, result.to_dict())
            continue
        ref = str(result.instrument)
        instrument = instruments(ref).get(ref)
        lines = [
            case_header(result, args.lang),
            *explain(result, lang=args.lang, labels=load_labels(instrument, args.lang)),
        ]
        write_lines(out, lines)
    return 0
