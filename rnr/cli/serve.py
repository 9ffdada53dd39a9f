"""``rnr serve``: the HTTP API (:mod:`rnr.service`) on uvicorn, on loopback by default.

It needs the ``service`` extra (FastAPI and uvicorn); without it, one error
says how to install it. See ``docs/service.md``.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from pathlib import Path
from typing import Any, TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import add_common, add_db, definitions, describe, open_db
from rnr.history.memo import SHARED

__all__ = ["add_arguments", "run"]

HELP = """\
Serve the HTTP API: score, decide and draft plans as JSON over HTTP, with the
instruments and policies listed and shown, an OpenAPI 3.1 document at
/openapi.json and a page at /docs (see docs/service.md).

Every request but /health, /openapi.json and /docs needs a bearer token made
with rnr tokens add; every access is logged in the store (rnr store
access-log). It listens on 127.0.0.1 unless --host says otherwise: put a
TLS-terminating proxy in front of it before opening it to a network.

The browser workspace for delegados is served beside the API, at /espacio/
(see docs/workspace.md): people sign in with the accounts of rnr users add,
or, with --trusted-header NAME, are named by the agency's reverse proxy in
that header. --demo serves it on a simulated caseload (no real person) in a
temporary store, with an account for each role, and prints them.
"""

#: What installs the service's dependencies.
INSTALL = "pip install 'rnr-engine[service]'"


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a port from 1 to 65535")
    return int(text)


def _replays(text: str) -> int | None:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a count of values (0 for none)")
    return int(text) or None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr serve``."""
    describe(parser, HELP)
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port to listen on (default: 8000)"
    )
    add_db(parser)
    parser.add_argument(
        "--trusted-header",
        metavar="NAME",
        help=(
            "trust the header NAME, set by the agency's reverse proxy, to name the person "
            "signed in to the workspace (default: none; the proxy must strip it from clients)"
        ),
    )
    parser.add_argument(
        "--replays",
        type=_replays,
        default=SHARED,
        metavar="N",
        help=(
            "values of replayed cases the requests share, the least recently used let go first:"
            f" a write after a read of its case replays only what is new (default: {SHARED},"
            " about 80 MB; 0 for none)"
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=(
            "serve the workspace on a simulated caseload in a temporary store, with an "
            "account for each role, and print them (not with --db)"
        ),
    )
    add_common(parser)


def _demo(args: argparse.Namespace, out: TextIO, uvicorn: Any, workspace: Any) -> int:
    """Serve the workspace on a simulated store in a temporary folder, removed on exit."""
    from rnr.cli.options import open_store_at, write_lines  # noqa: PLC0415 - start-up time
    from rnr.render.messages import catalogue  # noqa: PLC0415 - start-up time
    from rnr.workspace.demo import demo_store  # noqa: PLC0415

    if args.db is not None:
        raise UsageError("--demo serves a simulated store of its own: leave out --db")
    w = catalogue(args.lang)
    defs = definitions(args)
    with (
        tempfile.TemporaryDirectory(prefix="rnr-demo-") as folder,
        open_store_at(Path(folder) / "demo.sqlite3", announce=False) as store,
    ):
        accounts = demo_store(store, defs=defs)
        address = f"http://{args.host}:{args.port}/espacio/"
        lines = [w("workspace.demo.ready", address=address)]
        lines += [
            w("workspace.demo.account", role=a.role, name=a.name, password=a.password)
            for a in accounts
        ]
        write_lines(out, [*lines, w("workspace.demo.note")])
        app = workspace.create_workspace(defs, store=store, lang=args.lang, replays=args.replays)
        uvicorn.run(app, host=args.host, port=args.port, server_header=False, access_log=False)
    return 0


#: The modules of the 'service' extra (a missing one is a usage error, not a bug).
EXTRA = ("uvicorn", "fastapi", "starlette", "argon2", "itsdangerous")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Start the service (the API and the workspace) and serve until stopped (Ctrl-C)."""
    try:
        uvicorn = importlib.import_module("uvicorn")
        workspace = importlib.import_module("rnr.workspace.app")
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in EXTRA:
            raise
        msg = f"the HTTP service needs the 'service' extra ({exc.name} is missing): {INSTALL}"
        raise UsageError(msg, code="usage.extra.missing") from None
    if args.demo:
        return _demo(args, out, uvicorn, workspace)
    with open_db(args) as store:
        app = workspace.create_workspace(
            definitions(args),
            store=store,
            lang=args.lang,
            trusted_header=args.trusted_header,
            replays=args.replays,
        )
        uvicorn.run(app, host=args.host, port=args.port, server_header=False, access_log=False)
    return 0
