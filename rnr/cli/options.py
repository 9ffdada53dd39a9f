"""What several commands share, defined once: options, the library they name, output.

* Options: ``--instruments-dir``, ``--policies-dir``, ``--lang``, ``--json``,
  ``-o/--output``, ``--as-of``, ``--db`` and ``--by``, ``--policy`` and
  ``--instrument``, and the ``YYYY-MM-DD`` type of every date option.
* What they resolve to: the instruments (the shipped ones plus those of
  ``--instruments-dir``), the policies (plus ``--policies-dir``, or a policy
  file named on the spot), the case store and who writes to it.
* Output: JSON lines and plain lines, flushed as they go.

The command line starts fast because each command imports only what it runs:
this module imports the library's modules inside the functions that need
them, so that ``rnr --help`` loads none, ``rnr score`` never loads the
store, nor ``rnr case`` the validity statistics.

``--policy`` (and ``--against``) take ``ID`` (the version in force on a date),
``ID@YYYY-MM-DD`` (exactly that version) or the path of a policy file
(``…/<id>/<YYYY-MM-DD>.toml``), loaded and checked on the spot.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from rnr.definitions.library import Library, PolicyLibrary
    from rnr.definitions.policy import Policy
    from rnr.history.definitions import Definitions
    from rnr.store.postgres import PostgresStore
    from rnr.store.sqlite import SQLiteStore

__all__ = [
    "LANGS",
    "ArgumentsRefused",
    "HelpFormatter",
    "Instruments",
    "Parser",
    "RawHelpFormatter",
    "add_as_of",
    "add_common",
    "add_db",
    "add_instrument",
    "add_instruments_dir",
    "add_json",
    "add_lang",
    "add_output",
    "add_policies_dir",
    "add_policy",
    "check_policy_ref",
    "db_path",
    "db_target",
    "definitions",
    "describe",
    "instrument_folders",
    "is_pinned",
    "iso_date",
    "library_for",
    "open_db",
    "open_store_at",
    "policies_for",
    "policy_for",
    "store_location",
    "write_json",
    "write_lines",
    "writer",
]

#: The languages of the output (those of the message catalogue); the first is the default.
LANGS = ("es", "en")

Container = argparse._ActionsContainer  # a parser, or a group of its options


def _columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` gives it, without shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, as wide as the terminal (less 2, as argparse does).

    argparse makes a formatter for every argument it adds, and finds the
    width through :mod:`shutil`, which alone takes a tenth of ``rnr
    score``'s start; this one asks the terminal directly.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class RawHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """:class:`HelpFormatter` keeping the description's own lines (paragraphs, examples)."""


class Parser(argparse.ArgumentParser):
    """An argument parser laying out its help with :class:`HelpFormatter`.

    Its subcommands' parsers are of the same class (argparse's default).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise :class:`ArgumentsRefused` (``main`` reports it, as text or JSON)."""
        raise ArgumentsRefused(self, message)


class ArgumentsRefused(Exception):  # noqa: N818 - argparse's refusal, not an rnr error
    """The words of the command line do not parse; ``message`` says why (argparse's words)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        self.parser = parser
        self.message = message
        super().__init__(message)


def describe(parser: argparse.ArgumentParser, text: str) -> None:
    """Give a command's ``--help`` a description laid out as written (paragraphs, examples)."""
    parser.description = text
    parser.formatter_class = RawHelpFormatter


# -- options ------------------------------------------------------------------------


def add_instruments_dir(parser: Container, *, dest: str = "dirs") -> None:
    """Add ``--instruments-dir DIR`` (repeatable)."""
    parser.add_argument(
        "--instruments-dir",
        dest=dest,
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="add the instruments in DIR (laid out as DIR/<id>/<version>.toml); repeatable",
    )


def add_lang(parser: Container, *, help: str = "language of the output (default: es)") -> None:
    """Add ``--lang es|en``."""
    parser.add_argument("--lang", choices=LANGS, default="es", help=help)


def add_common(parser: Container) -> None:
    """Add the options nearly every command takes: ``--instruments-dir`` and ``--lang``."""
    add_instruments_dir(parser)
    add_lang(parser)


def add_json(parser: Container, help: str) -> None:
    """Add ``--json``: print the result as data instead of text."""
    parser.add_argument("--json", action="store_true", help=help)


def add_output(parser: Container, *, metavar: str, help: str) -> None:
    """Add ``-o/--output``: where the result goes instead of standard output."""
    parser.add_argument("--output", "-o", type=Path, metavar=metavar, help=help)


def iso_date(text: str) -> dt.date:
    """An argparse type: a date written ``YYYY-MM-DD``, within the range rnr accepts."""
    from rnr.dates import DATE_RANGE, parse_date  # noqa: PLC0415 - start-up time (see above)

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}, expected {DATE_RANGE}") from None


def add_as_of(parser: Container, help: str) -> None:
    """Add ``--as-of DATE``."""
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help=help)


def add_instrument(
    parser: Container,
    *,
    metavar: str = "ID[@VERSION]",
    help: str = "the instrument (default: the case's own 'instrument' field)",
) -> None:
    """Add ``-i/--instrument``."""
    parser.add_argument("--instrument", "-i", metavar=metavar, help=help)


def add_policy(
    parser: Container,
    *,
    required: bool = True,
    metavar: str = "ID[@VERSION]",
    help: str = "the policy: an id, id@YYYY-MM-DD, or the path of a policy file",
) -> None:
    """Add ``-p/--policy``."""
    parser.add_argument("--policy", "-p", required=required, metavar=metavar, help=help)


def add_policies_dir(parser: Container) -> None:
    """Add ``--policies-dir DIR`` (repeatable)."""
    parser.add_argument(
        "--policies-dir",
        dest="policy_dirs",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="add the policies in DIR (laid out as DIR/<id>/<YYYY-MM-DD>.toml); repeatable",
    )


def store_location(text: str) -> Path | str:
    """An argparse type: a PostgreSQL URL (``postgresql://...``) as given, else a file's path."""
    from rnr.store.locate import is_url  # noqa: PLC0415 - start-up time (see above)

    return text if is_url(text) else Path(text)


def add_db(
    parser: Container,
    *,
    writes: bool = False,
    help: str = (
        "the case store: an SQLite file, or postgresql://USER@HOST/DB"
        " (default: $RNR_DB or rnr.sqlite3 under your data folder)"
    ),
) -> None:
    """Add ``--db PATH|URL`` (and ``--by NAME`` for commands that write)."""
    parser.add_argument("--db", type=store_location, metavar="PATH|URL", help=help)
    if writes:
        parser.add_argument(
            "--by",
            metavar="NAME",
            help="who writes, kept in the audit log (default: your user name)",
        )


# -- cases and instruments --------------------------------------------------------------


def instrument_folders(args: argparse.Namespace) -> list[Path]:
    """The folders of every ``--instruments-dir`` (before the command and on it).

    Raises:
        UsageError: a folder does not exist or holds no instrument.
    """
    from rnr.cli.errors import UsageError  # noqa: PLC0415 - start-up time (see above)
    from rnr.definitions.instrument_loader import SEMVER  # noqa: PLC0415

    folders: list[Path] = [*getattr(args, "global_dirs", []), *getattr(args, "dirs", [])]
    for folder in folders:
        if not folder.is_dir():
            msg = f"--instruments-dir {folder}: no such folder"
            raise UsageError(msg, code="usage.file.missing")
        if not any(SEMVER.match(p.stem) for p in folder.glob("*/*.toml")):
            msg = (
                f"--instruments-dir {folder}: no instruments found "
                "(expected files laid out as DIR/<id>/<version>.toml)"
            )
            raise UsageError(msg)
    return folders


def library_for(args: argparse.Namespace, *, only: str | None = None) -> Library:
    """The shipped instruments plus those of every ``--instruments-dir``.

    Args:
        args: the parsed command line.
        only: an instrument id: read only that instrument's versions (when
            any folder holds it; otherwise every instrument, so that the
            error of an unknown id lists the known ones).

    Raises:
        UsageError: a folder does not exist or holds no instrument.
        InstrumentDefinitionError: an instrument file is malformed.
    """
    from rnr.definitions.library import Library, data_dir, default_library  # noqa: PLC0415

    folders = instrument_folders(args)
    if only is not None:
        shipped = Library.from_folders(data_dir() / "instruments", ids=(only,))
        library = shipped.with_instruments(Library.from_folders(*folders, ids=(only,)).instruments)
        if library.instruments:
            return library
    if not folders:
        return default_library()
    return default_library().with_instruments(Library.from_folders(*folders).instruments)


class Instruments:
    """The instruments a command reads, one id at a time: ``instruments(ref)`` is a library.

    Each id's versions are read once, the first time a case (or an option)
    names it; the other instruments are never read (see :func:`library_for`).
    """

    def __init__(self, args: argparse.Namespace) -> None:
        """Check the ``--instruments-dir`` folders now, before any case is read.

        Raises:
            UsageError: a folder does not exist or holds no instrument.
        """
        instrument_folders(args)
        self._args = args
        self._read: dict[str, Library] = {}

    def __call__(self, ref: str | None) -> Library:
        """The versions of the instrument ``ref`` names (``ID`` or ``ID@VERSION``).

        ``None`` (no instrument named) gives an empty library.
        """
        from rnr.definitions.library import Library, split_ref  # noqa: PLC0415

        if ref is None:
            return Library(())
        ident = split_ref(ref)[0]
        if ident not in self._read:
            self._read[ident] = library_for(self._args, only=ident)
        return self._read[ident]


# -- policies ---------------------------------------------------------------------------


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


def is_pinned(ref: str) -> bool:
    """Whether ``ref`` names one version (``ID@VERSION`` or a file), not a bare id."""
    return _is_path(ref) or "@" in ref


def policies_for(args: argparse.Namespace, *, only: str | None = None) -> PolicyLibrary:
    """The shipped policies plus those of every ``--policies-dir``.

    A user policy with the same id and version as a shipped one replaces it.

    Args:
        args: the parsed command line.
        only: a policy reference (``ID``, ``ID@VERSION`` or a file): without
            ``--policies-dir``, read only the shipped versions of that id
            (every policy when none is shipped, so that the error of an
            unknown id lists the known ones).

    Raises:
        UsageError: a folder does not exist or holds no policy.
        PolicyDefinitionError: a policy file is malformed.
    """
    from rnr.cli.errors import UsageError  # noqa: PLC0415 - start-up time (see above)
    from rnr.definitions.library import (  # noqa: PLC0415
        DATED,
        PolicyLibrary,
        data_dir,
        policy_library,
        split_ref,
    )

    folders: list[Path] = list(getattr(args, "policy_dirs", []))
    if not folders:
        if only is not None and not _is_path(only):
            ident = split_ref(only)[0]
            shipped = PolicyLibrary.from_folders(data_dir() / "plans" / "policies", ids=(ident,))
            if shipped.versions(ident):
                return shipped
        return policy_library()
    for folder in folders:
        if not folder.is_dir():
            msg = f"--policies-dir {folder}: no such folder"
            raise UsageError(msg, code="usage.file.missing")
        if not any(DATED.match(p.stem) for p in folder.glob("*/*.toml")):
            msg = (
                f"--policies-dir {folder}: no policies found "
                "(expected files laid out as DIR/<id>/<YYYY-MM-DD>.toml)"
            )
            raise UsageError(msg)
    mine = PolicyLibrary.from_folders(*folders).policies
    refs = {p.ref for p in mine}
    return PolicyLibrary(tuple(p for p in policy_library().policies if p.ref not in refs) + mine)


def policy_for(library: PolicyLibrary, ref: str, *, on: dt.date | None = None) -> Policy:
    """The policy ``ref`` names: a file, ``ID@VERSION``, or ``ID`` in force ``on`` a date.

    A bare id without a date gives the newest version.

    Raises:
        UsageError: a policy file does not exist.
        PolicyDefinitionError: a policy file is malformed.
        UnknownPolicyError: no such id or version, or none in force on the date.
    """
    if _is_path(ref):
        from rnr.cli.errors import UsageError  # noqa: PLC0415 - start-up time (see above)
        from rnr.definitions.policy_loader import load_policy  # noqa: PLC0415

        path = Path(ref)
        if not path.is_file():
            raise UsageError(f"{ref}: no such policy file", code="usage.file.missing")
        return load_policy(path)
    return library.get(ref, on=on)


def check_policy_ref(library: PolicyLibrary, ref: str) -> None:
    """Fail early on an unknown policy id or version (before any case is read).

    Raises:
        UnknownPolicyError: no such id or version.
    """
    if not _is_path(ref):
        library.get(ref)


# -- the case store ---------------------------------------------------------------------


def db_target(args: argparse.Namespace) -> Path | str:
    """The store the command works on: ``--db``, else ``$RNR_DB``, else the default file.

    A ``postgresql://`` URL (given or in ``$RNR_DB``) names a PostgreSQL
    database; anything else a file. The default is a file under the user's
    data folder (``~/.local/share/rnr/rnr.sqlite3`` on Linux; see docs/store.md).
    """
    given: Path | str | None = args.db
    if given is not None:
        return given
    from rnr.store.locate import is_url  # noqa: PLC0415 - start-up time (see above)
    from rnr.store.sqlite import default_db_path  # noqa: PLC0415

    environ = os.environ.get("RNR_DB", "")
    if is_url(environ):
        return environ
    return default_db_path(os.environ, home=Path.home(), platform=sys.platform)


def db_path(args: argparse.Namespace) -> Path | None:
    """The store file the command works on, or ``None`` when it is a PostgreSQL database."""
    target = db_target(args)
    return target if isinstance(target, Path) else None


#: What installs the PostgreSQL driver.
INSTALL_POSTGRES = "pip install 'rnr-engine[postgres]'"


def open_store_at(
    target: Path | str, *, read_only: bool = False, lang: str = "es", announce: bool = True
) -> SQLiteStore | PostgresStore:
    """Open the store ``target`` names (see :func:`open_db`).

    Raises:
        UsageError: ``usage.extra.missing``, a PostgreSQL URL without the
            ``postgres`` extra installed.
        StoreError: as :func:`open_db`.
    """
    from rnr.store.locate import open_store  # noqa: PLC0415 - start-up time (see above)

    new = announce and not read_only and isinstance(target, Path) and not target.exists()
    try:
        store = open_store(target, read_only=read_only)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] not in ("psycopg", "psycopg_pool"):
            raise
        from rnr.cli.errors import UsageError  # noqa: PLC0415

        msg = (
            f"a PostgreSQL store needs the 'postgres' extra ({exc.name} is missing):"
            f" {INSTALL_POSTGRES}"
        )
        raise UsageError(msg, code="usage.extra.missing") from None
    created = getattr(store, "created", False)
    if new or (announce and created):
        announce_created(lang, store.name)
    return store


def open_db(
    args: argparse.Namespace, *, read_only: bool = False, announce: bool = True
) -> SQLiteStore | PostgresStore:
    """Open the store: created if missing for a command that writes; never for one that reads.

    A command that only reads opens the store read-only, so a mistyped path
    (or a database without a store) is an error, never an empty store that
    reports "nothing", and a write-protected store can still be read and
    verified.

    A command that writes and creates the store (a file, or the tables of a
    PostgreSQL schema) says so on standard error (one ``rnr: nota:`` line,
    see :func:`announce_created`; ``announce=False`` leaves it to the
    command), so a mistyped path never passes unnoticed.

    Raises:
        UsageError: ``usage.extra.missing``, a PostgreSQL URL without the
            ``postgres`` extra.
        StoreError: ``store.unavailable``, the file is not an rnr store, is
            newer than this rnr, or is corrupt, or the database cannot be
            reached; ``store.missing``, with ``read_only``, it does not exist.
    """
    return open_store_at(
        db_target(args),
        read_only=read_only,
        lang=getattr(args, "lang", "es"),
        announce=announce,
    )


def announce_created(lang: str, where: Path | str) -> None:
    """Say on standard error that the store ``where`` (a file, a database's tables) was created."""
    from rnr.render.messages import catalogue  # noqa: PLC0415 - start-up time (see above)

    note = catalogue(lang)("cli.store_created", path=where)
    sys.stderr.write(f"rnr: {note}\n")


def definitions(args: argparse.Namespace) -> Definitions:
    """The shipped definitions, with the instruments of ``--instruments-dir`` added."""
    from rnr.history.definitions import Definitions  # noqa: PLC0415 - start-up time (see above)

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
    import getpass  # noqa: PLC0415 - start-up time (see above)

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "rnr"


# -- output -----------------------------------------------------------------------------


def write_json(out: TextIO, value: Any, *, indent: int | None = None) -> None:
    """Write ``value`` as JSON (dates as ISO strings) on its own line, and flush."""
    from rnr._frozen import json_default  # noqa: PLC0415 - start-up time (see above)

    text = json.dumps(value, ensure_ascii=False, indent=indent, default=json_default)
    out.write(text + "\n")
    out.flush()


def write_json_lines(out: TextIO, values: Iterable[Any]) -> None:
    """Write each of ``values`` as JSON on its own line (one encoder, one flush at the end)."""
    from rnr._frozen import json_default  # noqa: PLC0415 - start-up time (see above)

    encode = json.JSONEncoder(ensure_ascii=False, default=json_default).encode
    for value in values:
        out.write(encode(value) + "\n")
    out.flush()


def write_lines(out: TextIO, lines: Sequence[str]) -> None:
    """Write ``lines``, one per line, and flush."""
    for line in lines:
        out.write(line + "\n")
    out.flush()


@contextlib.contextmanager
def output_file(path: Path) -> Iterator[TextIO]:
    """``path`` opened for writing UTF-8 text; any failure is one clear error naming it.

    A folder that cannot be created, a file that cannot be opened, a disk
    that fills while writing: each is a ``UsageError`` (exit 2) naming the
    path and the cause, never a traceback.

    Raises:
        UsageError: the file cannot be written.
    """
    from rnr.cli.errors import UsageError  # noqa: PLC0415 - start-up time (see above)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            yield fh
    except OSError as exc:
        msg = f"{path}: cannot write the file ({exc.strerror or exc})"
        raise UsageError(msg) from None


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (see :func:`output_file`)."""
    with output_file(path) as fh:
        fh.write(text)
