"""The case store on the command line: ``--db PATH``, ``--by NAME``, the definitions.

Without ``--db`` the store is ``$RNR_DB``, else a file under the user's data
folder (``~/.local/share/rnr/rnr.sqlite3`` on Linux; see docs/store.md).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from rnr.cli._common import library_for
from rnr.history.definitions import Definitions
from rnr.store.sqlite import SQLiteStore, default_db_path

__all__ = ["add_db_options", "db_path", "definitions", "open_db", "writer"]


def add_db_options(parser: argparse.ArgumentParser, *, writes: bool = False) -> None:
    """Add ``--db`` (and ``--by`` for commands that write)."""
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the case store (default: $RNR_DB or rnr.sqlite3 under your data folder)",
    )
    if writes:
        parser.add_argument(
            "--by",
            metavar="NAME",
            help="who writes, kept in the audit log (default: your user name)",
        )


def db_path(args: argparse.Namespace) -> Path:
    """The store file the command works on."""
    given: Path | None = args.db
    if given is not None:
        return given
    return default_db_path(os.environ, home=Path.home(), platform=sys.platform)


def open_db(args: argparse.Namespace) -> SQLiteStore:
    """Open (or create) the store file.

    Raises:
        StoreError: the file is not an rnr store, is newer than this rnr, or
            is corrupt.
    """
    return SQLiteStore(db_path(args))


def definitions(args: argparse.Namespace) -> Definitions:
    """The shipped definitions, with the instruments of ``--instruments-dir`` added."""
    shipped = Definitions.shipped()
    library = library_for(args)
    if library is shipped.library:
        return shipped
    return Definitions(library, shipped.policies, shipped.catalogue, shipped.rules)


def writer(args: argparse.Namespace) -> str:
    """``--by``, else the user's login name."""
    given: str | None = getattr(args, "by", None)
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "rnr"
