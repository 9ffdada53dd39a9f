"""``rnr validate``: does an instrument work, fairly, on the agency's own population?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import (
    add_db,
    add_json,
    add_lang,
    describe,
    open_db,
    write_file,
    write_json,
    write_lines,
)
from rnr.cli.progress import case_counter
from rnr.events import EVENT_KINDS
from rnr.history.requests import store_study
from rnr.render.validity_html import study_html
from rnr.render.validity_text import study_lines
from rnr.validity.csvfile import read_table
from rnr.validity.request import StudyRequest, StudyRequestError, run_study
from rnr.validity.request import parse_shares as shares
from rnr.validity.study import Study

__all__ = ["add_arguments", "parse_shares", "run"]


HELP = """\
Validate a score on a CSV file with one row per person and a header row:
discrimination (AUC with its DeLong interval, ROC), calibration (observed
rate per score and level with Wilson intervals, expected against observed,
Brier), classification at a cut-off (--cut), all of it by group (--group),
with the differences between groups. --raters compares two raters' scores
of the same cases (ICC(2,1), quadratic weighted kappa); --norms gives local
percentiles of --score; --recalibrate finds cut-offs for target shares per
level. Output is readable text (Spanish by default), one JSON object with
--json, and a self-contained HTML report with --html FILE.

With --db PATH instead of FILE.csv the data come from the case store: each
case's first assessment with --instrument (its primary total is the column
"score", its level "level"), the outcome whether an --event (new_offence by
default) happened within --window months (12) after it, among the cases
followed that long; group columns sex, regime, sanction and age_group.

examples:
  rnr validate estudio.csv --score total --outcome reincide --group sexo --cut 20
  rnr validate --db rnr.sqlite3 --instrument lscmi --group sex --group age_group --cut 20
  rnr validate estudio.csv --score total --outcome reincide --level nivel \\
      --expected bajo=0.1,medio=0.3,alto=0.5 --expected-source "manual, tabla 4"
  rnr validate dobles.csv --raters evaluador_a evaluador_b
  rnr validate estudio.csv --score total --norms --recalibrate bajo=0.5,medio=0.3,alto=0.2
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr validate``."""
    describe(parser, HELP)
    parser.add_argument(
        "file", metavar="FILE.csv", type=Path, nargs="?", help="the data (CSV, UTF-8)"
    )
    store = parser.add_argument_group(
        "the case store instead of a CSV file",
        "baseline scores, outcomes from events, groups sex, regime, sanction, age_group",
    )
    add_db(store, help="read the case store at PATH")
    store.add_argument(
        "--instrument", metavar="ID", help="the instrument (if the store has several)"
    )
    store.add_argument(
        "--event",
        choices=tuple(EVENT_KINDS),
        default="new_offence",
        help="the outcome event (default: new_offence)",
    )
    store.add_argument(
        "--window", type=int, default=12, metavar="MONTHS", help="follow-up window (default 12)"
    )
    parser.add_argument("--score", metavar="COL", help="the column of scores (higher: more risk)")
    parser.add_argument("--outcome", metavar="COL", help="the column of outcomes (0 or 1)")
    parser.add_argument(
        "--group", metavar="COL", action="append", default=[], help="a group column; repeatable"
    )
    parser.add_argument("--level", metavar="COL", help="the column of each person's risk level")
    parser.add_argument(
        "--cut", metavar="N", type=float, help="scores of N or more predict the outcome"
    )
    parser.add_argument(
        "--reference",
        metavar="VALUE|COL=VALUE",
        action="append",
        default=[],
        help="the reference group (default: the largest of each column); repeatable",
    )
    parser.add_argument(
        "--bootstrap", metavar="N", type=int, default=0, help="bootstrap resamples of the AUC"
    )
    parser.add_argument(
        "--seed", metavar="S", type=int, default=0, help="the bootstrap's seed (default 0)"
    )
    parser.add_argument(
        "--expected",
        metavar="KEY=RATE,...",
        help="expected outcome rates by level (with --level) or by score, e.g. low=0.1,high=40%%",
    )
    parser.add_argument(
        "--expected-by", choices=("level", "score"), help="what --expected is keyed by"
    )
    parser.add_argument(
        "--expected-source", metavar="TEXT", help="where the expected rates come from"
    )
    parser.add_argument(
        "--raters", metavar="COL", nargs=2, help="two raters' score columns: ICC(2,1) and kappa"
    )
    parser.add_argument("--norms", action="store_true", help="local percentiles of --score")
    parser.add_argument(
        "--recalibrate", metavar="LEVEL=SHARE,...", help="cut-offs for target shares per level"
    )
    add_json(parser, "print one JSON object")
    parser.add_argument("--html", metavar="FILE", type=Path, help="also write an HTML report")
    add_lang(parser, help="language (default: es)")


def _spell(name: str) -> str:
    """A parameter as the command line writes it: ``expected_by`` is ``--expected-by``."""
    return "--" + name.replace("_", "-")


def parse_shares(option: str, text: str) -> dict[str, float]:
    """``"low=0.5,high=50%"`` as ``{"low": 0.5, "high": 0.5}`` (refused as a usage error).

    >>> parse_shares("--recalibrate", "bajo=0.5, medio=30%,alto=0.2")
    {'bajo': 0.5, 'medio': 0.3, 'alto': 0.2}
    """
    try:
        return shares(option, text)
    except StudyRequestError as exc:
        raise UsageError(str(exc)) from None


def _request(args: argparse.Namespace) -> StudyRequest:
    return StudyRequest(
        score=args.score,
        outcome=args.outcome,
        group=args.group,
        level=args.level,
        cut=args.cut,
        reference=args.reference,
        bootstrap=args.bootstrap,
        seed=args.seed,
        expected=args.expected,
        expected_by=args.expected_by,
        expected_source=args.expected_source,
        raters=tuple(args.raters) if args.raters else None,
        norms=args.norms,
        recalibrate=args.recalibrate,
    )


def _study(args: argparse.Namespace) -> Study:
    """The study of the CSV file or the store (a refused request is a usage error)."""
    request = _request(args)
    try:
        if args.db is not None:
            if args.file is not None:
                raise UsageError(
                    f"give FILE.csv or --db PATH, not both ({args.file}, --db {args.db})"
                )
            with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
                return store_study(
                    store,
                    request,
                    instrument=args.instrument,
                    event=args.event,
                    window=args.window,
                    spell=_spell,
                    progress=advance,
                )
        if args.file is None:
            raise UsageError("give the data: FILE.csv, or --db PATH for the case store")
        request.check(spell=_spell)
        data = read_table(
            args.file,
            numbers=request.numbers,
            outcomes=[request.outcome] if request.outcome else [],
            labels=request.labels,
        )
        return run_study(data, request, spell=_spell)
    except StudyRequestError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Read the CSV file (or the store), compute what was asked, print it (and write the HTML)."""
    study = _study(args)
    if args.html:
        from rnr._version import __version__  # noqa: PLC0415 - only for the HTML page

        page = study_html(study, args.lang, version=__version__)
        try:
            write_file(args.html, page)
        except OSError as exc:
            raise UsageError(f"--html {args.html}: cannot write ({exc.strerror})") from None
    if args.json:
        write_json(out, study.to_dict())
    else:
        write_lines(out, study_lines(study, args.lang))
    return 0
