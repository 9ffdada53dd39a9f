"""Shared pieces of the command line: the library, usage errors, JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from rnr.cases.parse import Case
from rnr.definitions.instrument_loader import SEMVER
from rnr.definitions.library import Library, default_library
from rnr.errors import RnrError

__all__ = [
    "LANGS",
    "CaseError",
    "UsageError",
    "add_common",
    "library_for",
    "write_json",
    "write_lines",
]

LANGS = ("es", "en")


class UsageError(RnrError):
    """The command line asked for something that cannot be done (exit status 2)."""


class CaseError(RnrError):
    """An error met while scoring a case, prefixed with where the case was read."""

    def __init__(self, case: Case, error: RnrError) -> None:
        self.case = case
        self.error = error
        super().__init__(f"{case.where}: {error}")


def add_common(parser: argparse.ArgumentParser, *, lang: bool = True) -> None:
    """Add the options every command takes: ``--instruments-dir`` and ``--lang``."""
    parser.add_argument(
        "--instruments-dir",
        dest="dirs",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="add the instruments in DIR (laid out as DIR/<id>/<version>.toml); repeatable",
    )
    if lang:
        parser.add_argument(
            "--lang",
            choices=LANGS,
            default="es",
            help="language of the output (default: es)",
        )


def library_for(args: argparse.Namespace) -> Library:
    """The shipped library plus the instruments of every ``--instruments-dir``.

    Raises:
        UsageError: a folder does not exist or holds no instrument.
        InstrumentDefinitionError: a user instrument is malformed.
    """
    folders: list[Path] = [*getattr(args, "global_dirs", []), *getattr(args, "dirs", [])]
    library = default_library()
    if not folders:
        return library
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"--instruments-dir {folder}: no such folder")
        if not any(SEMVER.match(p.stem) for p in folder.glob("*/*.toml")):
            msg = (
                f"--instruments-dir {folder}: no instruments found "
                "(expected files laid out as DIR/<id>/<version>.toml)"
            )
            raise UsageError(msg)
    return library.with_instruments(Library.from_folders(*folders).instruments)


def _json_default(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_json(out: TextIO, value: Any, *, indent: int | None = None) -> None:
    """Write ``value`` as JSON (dates as ISO strings) on its own line, and flush."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)
    out.write(text + "\n")
    out.flush()


def write_lines(out: TextIO, lines: Sequence[str]) -> None:
    """Write ``lines``, one per line, and flush."""
    for line in lines:
        out.write(line + "\n")
    out.flush()
