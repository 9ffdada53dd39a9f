"""``rnr validate``: does an instrument work, fairly, on the agency's own population?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Literal, TextIO

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
from rnr.history.validity import store_table
from rnr.render.validity_html import study_html
from rnr.render.validity_text import study_lines
from rnr.validity.calibrate import Expected
from rnr.validity.csvfile import Table, read_table
from rnr.validity.percentiles import norms, recalibrate
from rnr.validity.reliability import agreement
from rnr.validity.report import validate
from rnr.validity.study import Study

__all__ = ["add_arguments", "parse_shares", "run"]


def _store_table(args: argparse.Namespace, numbers: list[str], labels: list[str]) -> Table:
    """The store's data set, checked against the columns asked for."""
    if args.window < 1:
        raise UsageError(f"--window {args.window}: expected a whole number of months >= 1")
    with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
        data = store_table(
            store,
            instrument=args.instrument,
            event=args.event,
            window_months=args.window,
            progress=advance,
        )
    for column in (*numbers, *labels, args.outcome):
        if column not in data.header:
            known = ", ".join(data.header)
            raise UsageError(f"--db: the store gives the columns {known}; got {column!r}")
    return data


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


def _share(option: str, key: str, text: str) -> float:
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = float(raw.rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise UsageError(f"{option} {key}={text}: not a number (write 0.25 or 25%)") from None
    value = value / 100 if percent else value
    if not 0 <= value <= 1:
        raise UsageError(f"{option} {key}={text}: expected a share from 0 to 1 (or 0% to 100%)")
    return value


def parse_shares(option: str, text: str) -> dict[str, float]:
    """``"low=0.5,high=50%"`` as ``{"low": 0.5, "high": 0.5}``.

    Raises:
        UsageError: an entry without ``=``, a repeated key, a share that is not
            a number from 0 to 1 (or a percentage).

    >>> parse_shares("--recalibrate", "bajo=0.5, medio=30%,alto=0.2")
    {'bajo': 0.5, 'medio': 0.3, 'alto': 0.2}
    """
    out: dict[str, float] = {}
    for entry in text.split(","):
        key, sep, value = entry.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"{option}: {entry.strip()!r} is not KEY=VALUE (e.g. bajo=0.5)")
        if key in out:
            raise UsageError(f"{option}: {key!r} appears twice")
        out[key] = _share(option, key, value)
    return out


def _references(args: argparse.Namespace) -> str | dict[str, str] | None:
    entries: list[str] = args.reference

    def is_pair(entry: str) -> bool:
        column, sep, _ = entry.partition("=")
        return bool(sep) and column in args.group

    if not entries:
        return None
    if len(entries) == 1 and not is_pair(entries[0]):
        return entries[0]
    named: dict[str, str] = {}
    for entry in entries:
        if not is_pair(entry):
            msg = (
                f"--reference {entry}: with several references, write COLUMN=VALUE with a "
                f"--group column ({', '.join(args.group) or 'none given'})"
            )
            raise UsageError(msg)
        column, _, value = entry.partition("=")
        named[column] = value
    return named


def _check_combination(args: argparse.Namespace) -> None:
    wants_score = args.outcome or args.norms or args.recalibrate
    if not (args.outcome or args.raters or args.norms or args.recalibrate):
        raise UsageError(
            "nothing to do: give --score and --outcome, --raters COL COL, --norms or --recalibrate"
        )
    if wants_score and not args.score:
        raise UsageError("--score COL is needed with --outcome, --norms and --recalibrate")
    if not args.outcome:
        for option, given in (
            ("--group", args.group),
            ("--level", args.level),
            ("--cut", args.cut is not None),
            ("--reference", args.reference),
            ("--bootstrap", args.bootstrap),
            ("--expected", args.expected),
        ):
            if given:
                raise UsageError(f"{option} needs --outcome COL (the outcome to validate against)")
    if args.expected and not args.expected_source:
        raise UsageError('--expected needs --expected-source "where the rates come from"')
    if args.expected_source and not args.expected:
        raise UsageError("--expected-source without --expected")
    if args.expected_by == "level" and not args.level:
        raise UsageError("--expected-by level needs --level COL")


def _expected(args: argparse.Namespace) -> Expected | None:
    if not args.expected:
        return None
    by: Literal["score", "level"] = args.expected_by or ("level" if args.level else "score")
    rates: dict[str, float] = parse_shares("--expected", args.expected)
    keyed: dict[Any, float] = rates
    if by == "score":
        try:
            keyed = {float(k): v for k, v in rates.items()}
        except ValueError:
            raise UsageError(
                "--expected: keys must be scores (numbers); for levels add --level COL"
            ) from None
    return Expected(keyed, by=by, source=args.expected_source)


def _from_store(args: argparse.Namespace) -> None:
    """Store mode: the columns the store gives, as defaults."""
    if args.file is not None:
        raise UsageError(f"give FILE.csv or --db PATH, not both ({args.file}, --db {args.db})")
    args.score = args.score or "score"
    args.outcome = args.outcome or args.event
    args.level = args.level or "level"


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Read the CSV file (or the store), compute what was asked, print it (and write the HTML)."""
    if args.db is not None:
        _from_store(args)
    elif args.file is None:
        raise UsageError("give the data: FILE.csv, or --db PATH for the case store")
    _check_combination(args)
    expected = _expected(args)
    shares = parse_shares("--recalibrate", args.recalibrate) if args.recalibrate else None
    numbers = [args.score] if args.score else []
    numbers += list(args.raters or ())
    labels = [*args.group, *([args.level] if args.level else [])]
    if args.db is not None:
        data = _store_table(args, numbers, labels)
    else:
        data = read_table(
            args.file,
            numbers=numbers,
            outcomes=[args.outcome] if args.outcome else [],
            labels=labels,
        )
    scores = data.numbers[args.score] if args.score else None
    report = None
    if args.outcome and scores is not None:
        report = validate(
            scores,
            data.outcomes[args.outcome],
            groups={column: data.labels[column] for column in args.group},
            risk_levels=data.labels[args.level] if args.level else None,
            cut=args.cut,
            expected=expected,
            bootstrap=args.bootstrap,
            seed=args.seed,
            reference=_references(args),
        )
    pair = None
    if args.raters:
        first, second = args.raters
        pair = agreement(data.numbers[first], data.numbers[second], raters=(first, second))
    study = Study(
        file=data.file,
        rows=data.rows,
        score=args.score,
        outcome=args.outcome,
        groups=tuple(args.group),
        level_column=args.level,
        report=report,
        agreement=pair,
        norms=norms(scores) if args.norms and scores is not None else None,
        recalibration=recalibrate(scores, shares) if shares and scores is not None else None,
    )
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
