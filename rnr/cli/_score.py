"""``rnr score``: score one case (readable or JSON) or a JSON Lines batch."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.cases.parse import JSONL_SUFFIXES, STDIN, Case, read_cases, score_case
from rnr.cli._common import CaseError, add_common, library_for, write_json, write_lines
from rnr.definitions.labels import load_labels
from rnr.definitions.library import Library
from rnr.errors import CaseFileError, RnrError
from rnr.render.explanation import explain
from rnr.render.score import case_header
from rnr.scoring.result import ScoreResult

__all__ = ["add_parser", "is_batch", "run", "score_one"]

HELP = """\
Score a case file. CASE is a .json file holding one case, a .jsonl file
holding one case per line, or - to read JSON Lines from standard input.
A single case prints a readable explanation (or one line of JSON with
--json); a batch prints one JSON result per line, in order, and stops at the
first bad line with an error naming the file and line.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr score``."""
    parser = commands.add_parser(
        "score",
        help="score a case file (.json, .jsonl or - for stdin)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--instrument",
        "-i",
        metavar="ID[@VERSION]",
        help="the instrument; a bare id takes the version in force on the case's "
        "assessed_on (default: the case's own 'instrument' field)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    add_common(parser)
    parser.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")
    parser.set_defaults(func=run)


def is_batch(name: str) -> bool:
    """Whether ``name`` is read as JSON Lines (``-`` or a ``.jsonl`` file)."""
    return name == STDIN or Path(name).suffix.lower() in JSONL_SUFFIXES


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Score the cases of ``args.case`` and print the results to ``out``."""
    library = library_for(args)
    ref: str | None = args.instrument
    if ref is not None:
        library.get(ref)  # an unknown id or version fails before any case is read
    batch = is_batch(args.case)
    for case in read_cases(args.case):
        result = score_one(case, library, ref)
        if batch or args.json:
            write_json(out, result.to_dict())
        else:
            instrument = library.get(str(result.instrument))
            labels = load_labels(instrument, args.lang)
            lines = [
                case_header(result, args.lang),
                *explain(result, lang=args.lang, labels=labels),
            ]
            write_lines(out, lines)
    return 0


def score_one(case: Case, library: Library, ref: str | None) -> ScoreResult:
    """Score ``case`` with ``ref`` or its own instrument; errors name where it was read."""
    try:
        if ref is None and case.instrument is None:
            msg = (
                "missing: name the instrument with --instrument ID[@VERSION] "
                'or an "instrument" field in the case'
            )
            raise CaseFileError(msg, file=case.file or "<case>", line=case.line, field="instrument")
        return score_case(case, library, ref)
    except CaseFileError:
        raise
    except RnrError as exc:
        raise CaseError(case, exc) from exc
