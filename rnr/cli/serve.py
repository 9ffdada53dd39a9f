"""``rnr serve``: the HTTP API (:mod:`rnr.service`) on uvicorn, on loopback by default.

It needs the ``service`` extra (FastAPI and uvicorn); without it, one error
says how to install it. See ``docs/service.md``.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TextIO

from rnr.cli.errors import UsageError
from rnr.cli.options import add_common, definitions, describe

__all__ = ["add_arguments", "run"]

HELP = """\
Serve the HTTP API: score, decide and draft plans as JSON over HTTP, with the
instruments and policies listed and shown, an OpenAPI 3.1 document at
/openapi.json and a page at /docs (see docs/service.md).

It listens on 127.0.0.1 unless --host says otherwise. It has no tokens,
roles nor access log yet: keep it on loopback.
"""

#: What installs the service's dependencies.
INSTALL = "pip install 'rnr-engine[service]'"


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected a port from 1 to 65535")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr serve``."""
    describe(parser, HELP)
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port to listen on (default: 8000)"
    )
    add_common(parser)


def run(args: argparse.Namespace, _out: TextIO) -> int:
    """Start the service and serve until stopped (Ctrl-C)."""
    try:
        uvicorn = importlib.import_module("uvicorn")
        service = importlib.import_module("rnr.service.app")
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in ("uvicorn", "fastapi", "starlette"):
            raise
        msg = f"the HTTP service needs the 'service' extra ({exc.name} is missing): {INSTALL}"
        raise UsageError(msg, code="usage.extra.missing") from None
    app = service.create_app(definitions(args))
    uvicorn.run(app, host=args.host, port=args.port, server_header=False)
    return 0
