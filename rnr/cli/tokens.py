"""``rnr tokens add|list|revoke``: the bearer tokens of the HTTP service.

.. code-block:: text

    rnr tokens add NAME --role ROLE [--unit UNIT] [--json]
    rnr tokens list [--json]
    rnr tokens revoke NAME

A token's secret is printed once, by ``add``; the store keeps only its
SHA-256, in the access log (see docs/service.md).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from rnr.cli.options import add_common, add_db, add_json, open_db, write_json, write_lines, writer
from rnr.history.access import ROLES, add_token, revoke_token, tokens
from rnr.render.access import token_lines
from rnr.render.messages import catalogue

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr tokens``."""
    parser.description = "Make, list and revoke the bearer tokens of the HTTP service."
    sub = parser.add_subparsers(dest="tokens_command", metavar="COMMAND", required=True)
    add = sub.add_parser(
        "add",
        help="make a token for a person or a client system (printed once)",
        description=(
            "Make a bearer token with a role and, optionally, a unit; print it once. "
            "The store keeps only its SHA-256."
        ),
    )
    add.add_argument("name", metavar="NAME", help="who the token is for (letters, digits, . _ -)")
    add.add_argument("--role", required=True, choices=ROLES, help="what the token may do")
    add.add_argument("--unit", metavar="UNIT", help="the unit whose cases it sees (default: all)")
    add_json(add, "one JSON object with the token")
    add_db(add, writes=True)
    add_common(add)
    listed = sub.add_parser(
        "list", help="list every token (never its secret)", description="List every token."
    )
    add_json(listed, "one JSON array")
    add_db(listed)
    add_common(listed)
    revoke = sub.add_parser(
        "revoke", help="revoke a token", description="Revoke a token: refused from then on."
    )
    revoke.add_argument("name", metavar="NAME", help="the token's name")
    add_db(revoke, writes=True)
    add_common(revoke)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr tokens add``, ``list`` or ``revoke``."""
    w = catalogue(args.lang)
    if args.tokens_command == "list":
        with open_db(args, read_only=True) as store:
            found, name = tokens(store), store.name
        if args.json:
            write_json(out, [t.to_dict() for t in found])
        else:
            write_lines(out, token_lines(found, name, args.lang))
        return 0
    with open_db(args) as store:
        if args.tokens_command == "revoke":
            revoke_token(store, args.name, by=writer(args))
            write_lines(out, [w("access.token_revoked", name=args.name)])
            return 0
        secret = add_token(store, args.name, role=args.role, unit=args.unit, by=writer(args))
    if args.json:
        write_json(out, {"name": args.name, "role": args.role, "unit": args.unit, "token": secret})
        return 0
    unit = args.unit if args.unit is not None else w("access.all_units")
    line = w("access.token_added", name=args.name, role=args.role, unit=unit, token=secret)
    write_lines(out, [line, w("access.token_keep")])
    return 0
