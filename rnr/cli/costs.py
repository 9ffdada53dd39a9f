"""``rnr costs``: the published unit costs of a year, or what a store's caseload cost."""

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
from rnr.definitions.costs import CostBook, load_book, shipped
from rnr.definitions.indicators import PROGRAMMES
from rnr.errors import InvalidArgumentError
from rnr.history.requests import check_period
from rnr.render.messages import catalogue

__all__ = ["add_arguments", "run"]

HELP = """\
Without --db, print the unit costs the programme documents publish that
apply in YEAR (each component's cost a person a year, the administrative
spending, the total and the spending per beneficiary, with the document and
table they come from); the adult sentences of Ley 18.216 have no published
cost and are shown as a structure without figures.

With --db, compute what the store's caseload of YEAR cost: spending
attributed to each person from the time they were under supervision, by
programme, sanction, unit and component; the real spending per person beside the
budgeted spending per beneficiary; sessions scheduled and attended; and the
cost of results (per PII objective achieved, per person with a reliable
improvement, per person discharged the year before without re-entry within
12 months).

--prices-of YEAR expresses every figure in pesos of that year with the price
index (plans/costs/ipc/ipc.toml: INE's IPC, December to December). --costs-dir
reads another folder of cost files. --json prints one JSON object; --html
FILE writes a self-contained page with a chart (needs --db).
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
    """The arguments of ``rnr costs``."""
    describe(parser, HELP)
    parser.add_argument("--period", type=_year, required=True, metavar="YEAR")
    parser.add_argument(
        "--prices-of", type=_year, metavar="YEAR", help="pesos of this year (default: as published)"
    )
    parser.add_argument("--programme", choices=PROGRAMMES, metavar="|".join(PROGRAMMES))
    parser.add_argument(
        "--costs-dir", type=Path, metavar="DIR", help="a folder of cost files (default: shipped)"
    )
    add_json(parser, "one JSON object")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write an HTML page (with --db)")
    add_db(parser, help="the case store (without it: the published unit costs only)")
    add_common(parser)


def _book(args: argparse.Namespace) -> CostBook:
    if args.costs_dir is None:
        return shipped()
    if not args.costs_dir.is_dir():
        raise UsageError(f"--costs-dir {args.costs_dir}: no such folder", code="usage.file.missing")
    return load_book(args.costs_dir)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the cost book of the year, or the caseload's costs."""
    from rnr.history.costs import caseload_report  # noqa: PLC0415 - start-up time
    from rnr.render.costs import book_lines, caseload_html, caseload_lines  # noqa: PLC0415

    book = _book(args)
    if args.prices_of is not None:
        book.prices.factor(args.prices_of, args.prices_of)  # costs.prices.unknown, early
    if args.db is None:
        if args.html is not None:
            raise UsageError("--html needs --db STORE (a page of a caseload's costs)")
        if args.json:
            write_json(out, _book_dict(book, args.period, args.programme))
        else:
            lines = book_lines(book, args.period, args.prices_of, args.lang, args.programme)
            write_lines(out, lines)
        return 0
    if args.html is not None and args.html.is_dir():
        raise UsageError(f"--html {args.html}: a folder, expected a file")
    with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
        report = caseload_report(
            store,
            period=args.period,
            prices_of=args.prices_of,
            programme=args.programme,
            defs=definitions(args),
            book=book,
            progress=advance,
        )
    if args.html is not None:
        write_file(args.html, caseload_html(report, book, args.lang))
    if args.json:
        write_json(out, report.to_dict())
    else:
        lines = caseload_lines(report, book, args.lang)
        if args.html is not None:
            lines += ["", catalogue(args.lang)("cli.indicators.html", path=_shown(args.html))]
        write_lines(out, lines)
    return 0


def _book_dict(book: CostBook, period: int, programme: str | None) -> dict[str, object]:
    from rnr.render.costs import in_force  # noqa: PLC0415 - start-up time

    return {
        "period": period,
        "prices": {
            "status": book.prices.status,
            "index": {str(k): str(v) for k, v in book.prices.index.items()},
        },
        "programmes": [
            {
                "programme": f.id,
                "year": f.year,
                "status": f.status,
                "prices_of": f.prices_of,
                "sanctions": list(f.sanctions),
                "beneficiaries": f.beneficiaries,
                "administrative_thousands": f.administrative,
                "total_thousands": f.total,
                "per_beneficiary_thousands": f.per_beneficiary,
                "source": dict(f.source),
                "table": dict(f.table),
                "components": [
                    {
                        "id": c.id,
                        "sanctions": list(c.sanctions),
                        "spending_thousands": c.spending,
                        "production": c.production,
                        "unit_cost_thousands": None if c.unit_cost is None else str(c.unit_cost),
                    }
                    for c in f.components
                ],
            }
            for f in in_force(book, period, programme)
        ],
    }
