"""``rnr schema list|show``: the JSON Schemas of every document rnr reads or writes.

``list`` names each schema and what it describes; ``show NAME`` prints one
(draft 2020-12), ready for a validator. ``rnr instruments schema ID`` gives
the case schema of one instrument version.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from rnr import schemas
from rnr.cli.options import add_json, add_lang, write_json, write_lines
from rnr.render.messages import catalogue
from rnr.render.score import table

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr schema list|show``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list",
        help="every schema: its name and what it describes",
        description="List every schema.",
    )
    add_json(listing, "print the list as JSON")
    add_lang(listing)
    show = sub.add_parser(
        "show", help="print one schema (JSON)", description="Print one JSON Schema (draft 2020-12)."
    )
    show.add_argument("name", metavar="NAME", help="a name that `rnr schema list` gives")
    add_json(show, "print the schema on one line (default: indented)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr schema list`` or ``rnr schema show``."""
    if args.action == "show":
        write_json(out, schemas.schema(args.name), indent=None if args.json else 2)
        return 0
    w = catalogue(args.lang)
    if args.json:
        write_json(out, [{"name": name, "about": w(f"schemas.{name}")} for name in schemas.names()])
        return 0
    rows = [[w("schemas.heading.name"), w("schemas.heading.about")]]
    rows += [[name, w(f"schemas.{name}")] for name in schemas.names()]
    write_lines(out, table(rows))
    return 0
