"""``rnr users add|list|revoke``: the accounts people sign in to the browser workspace with.

.. code-block:: text

    rnr users add NAME --role ROLE [--unit UNIT] [--password-file FILE] [--json]
    rnr users list [--json]
    rnr users revoke NAME

The password is asked for twice on the terminal (never echoed), or read from
the first line of ``--password-file`` (``-``: standard input); the store keeps
only its argon2id hash, in the access log (see docs/workspace.md). It needs
the ``service`` extra (argon2-cffi).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import add_common, add_db, add_json, open_db, write_json, write_lines, writer
from rnr.history.access import ROLES
from rnr.render.access import moment
from rnr.render.messages import catalogue

__all__ = ["add_arguments", "run"]

#: What installs the workspace's dependencies.
INSTALL = "pip install 'rnr-engine[service]'"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr users``."""
    parser.description = (
        "Make, list and end the accounts people sign in to the browser workspace with."
    )
    sub = parser.add_subparsers(dest="users_command", metavar="COMMAND", required=True)
    add = sub.add_parser(
        "add",
        help="make an account with a password (asked for twice, never shown)",
        description=(
            "Make an account with a role and, optionally, a unit. The password is asked "
            "for twice on the terminal, or read from the first line of --password-file; "
            "the store keeps only its argon2id hash."
        ),
    )
    add.add_argument("name", metavar="NAME", help="the person's user name (letters, digits, . _ -)")
    add.add_argument("--role", required=True, choices=ROLES, help="what the person may do")
    add.add_argument("--unit", metavar="UNIT", help="the unit whose cases they see (default: all)")
    add.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the password from the first line of FILE (- for standard input)",
    )
    add_json(add, "one JSON object with the account (never its password)")
    add_db(add, writes=True)
    add_common(add)
    listed = sub.add_parser(
        "list",
        help="list every account (never a password)",
        description="List every account, in force or ended.",
    )
    add_json(listed, "one JSON array")
    add_db(listed)
    add_common(listed)
    revoke = sub.add_parser(
        "revoke",
        help="end an account",
        description="End an account: its sessions are refused from the next request on.",
    )
    revoke.add_argument("name", metavar="NAME", help="the account's user name")
    add_db(revoke, writes=True)
    add_common(revoke)


def _people() -> ModuleType:
    """:mod:`rnr.history.people`, or an error saying how to install argon2-cffi."""
    try:
        return importlib.import_module("rnr.history.people")
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != "argon2":
            raise
        msg = f"accounts need the 'service' extra ({exc.name} is missing): {INSTALL}"
        raise UsageError(msg, code="usage.extra.missing") from None


def _password(args: argparse.Namespace) -> str:
    """The password: the first line of ``--password-file``, else asked for twice."""
    w = catalogue(args.lang)
    if args.password_file is not None:
        if args.password_file == "-":
            line = sys.stdin.readline()
        else:
            path = Path(args.password_file)
            if not path.is_file():
                msg = f"--password-file {path}: no such file"
                raise UsageError(msg, code="usage.file.missing")
            with path.open(encoding="utf-8") as fh:
                line = fh.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass(w("workspace.cli.password") + " ")
    again = getpass.getpass(w("workspace.cli.password_again") + " ")
    if first != again:
        raise UsageError("the two passwords differ: nothing was stored")
    return first


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr users add``, ``list`` or ``revoke``."""
    w = catalogue(args.lang)
    people = _people()
    if args.users_command == "list":
        with open_db(args, read_only=True) as store:
            found, name = people.users(store), store.name
        if args.json:
            write_json(out, [u.to_dict() for u in found])
            return 0
        lines = []
        for u in found:
            unit = u.unit if u.unit is not None else w("access.all_units")
            if u.active:
                state = w("access.token_active", on=moment(u.added_at, args.lang), by=u.added_by)
            else:
                on = moment(str(u.revoked_at), args.lang)
                state = w("access.token_ended", on=on, by=u.revoked_by)
            lines.append(w("access.token_line", name=u.name, role=u.role, unit=unit, state=state))
        write_lines(out, lines or [w("workspace.cli.no_users", db=name)])
        return 0
    if args.users_command == "revoke":
        with open_db(args) as store:
            people.revoke_user(store, args.name, by=writer(args))
        write_lines(out, [w("workspace.cli.user_revoked", name=args.name)])
        return 0
    password = _password(args)
    with open_db(args) as store:
        people.add_user(
            store, args.name, role=args.role, unit=args.unit, password=password, by=writer(args)
        )
    if args.json:
        write_json(out, {"name": args.name, "role": args.role, "unit": args.unit})
        return 0
    unit = args.unit if args.unit is not None else w("access.all_units")
    write_lines(out, [w("workspace.cli.user_added", name=args.name, role=args.role, unit=unit)])
    return 0
