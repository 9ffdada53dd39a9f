"""Finding policies on the command line: the shipped ones, ``--policies-dir``, a file path.

``--policy`` (and ``--against``) take ``ID`` (the version in force on a date),
``ID@YYYY-MM-DD`` (exactly that version) or the path of a policy file
(``…/<id>/<YYYY-MM-DD>.toml``), loaded and checked on the spot.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from rnr.cli._common import UsageError
from rnr.definitions.library import DATED, PolicyLibrary, policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy

__all__ = [
    "add_case_policy_options",
    "add_policy_dirs",
    "check_ref",
    "is_pinned",
    "iso_date",
    "policies_for",
    "policy_for",
]


def add_case_policy_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--policy``, ``--as-of`` and ``--instrument`` (rnr decide, rnr plan)."""
    parser.add_argument(
        "--policy",
        "-p",
        required=True,
        metavar="ID[@VERSION]",
        help="the policy: an id, id@YYYY-MM-DD, or the path of a policy file",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="choose the version of a bare policy id in force on DATE (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--instrument",
        "-i",
        metavar="ID[@VERSION]",
        help="the instrument (default: the case's own 'instrument' field)",
    )


def add_policy_dirs(parser: argparse.ArgumentParser) -> None:
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


def iso_date(text: str) -> dt.date:
    """An argparse type: a date written ``YYYY-MM-DD``."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"got {text!r}, expected a date YYYY-MM-DD")


def policies_for(args: argparse.Namespace) -> PolicyLibrary:
    """The shipped policies plus those of every ``--policies-dir``.

    A user policy with the same id and version as a shipped one replaces it.

    Raises:
        UsageError: a folder does not exist or holds no policy.
        PolicyDefinitionError: a policy file is malformed.
    """
    shipped = policy_library()
    folders: list[Path] = list(getattr(args, "policy_dirs", []))
    if not folders:
        return shipped
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"--policies-dir {folder}: no such folder")
        if not any(DATED.match(p.stem) for p in folder.glob("*/*.toml")):
            msg = (
                f"--policies-dir {folder}: no policies found "
                "(expected files laid out as DIR/<id>/<YYYY-MM-DD>.toml)"
            )
            raise UsageError(msg)
    mine = PolicyLibrary.from_folders(*folders).policies
    refs = {p.ref for p in mine}
    return PolicyLibrary(tuple(p for p in shipped.policies if p.ref not in refs) + mine)


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


def is_pinned(ref: str) -> bool:
    """Whether ``ref`` names one version (``ID@VERSION`` or a file), not a bare id."""
    return _is_path(ref) or "@" in ref


def policy_for(library: PolicyLibrary, ref: str, *, on: dt.date | None = None) -> Policy:
    """The policy ``ref`` names: a file, ``ID@VERSION``, or ``ID`` in force ``on`` a date.

    A bare id without a date gives the newest version.

    Raises:
        UsageError: a policy file does not exist.
        PolicyDefinitionError: a policy file is malformed.
        UnknownPolicyError: no such id or version, or none in force on the date.
    """
    if _is_path(ref):
        path = Path(ref)
        if not path.is_file():
            raise UsageError(f"{ref}: no such policy file")
        return load_policy(path)
    return library.get(ref, on=on)


def check_ref(library: PolicyLibrary, ref: str) -> None:
    """Fail early on an unknown id or version (before any case is read).

    Raises:
        UnknownPolicyError: no such id or version.
    """
    if not _is_path(ref):
        library.get(ref)
