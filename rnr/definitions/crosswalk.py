"""Crosswalks: which item of one instrument version is which item of another.

A crosswalk is a ``rnr.crosswalk/1`` TOML file kept beside the instrument's
versions, ``instruments/<id>/crosswalks/*.toml``:

.. code-block:: toml

    schema = "rnr.crosswalk/1"
    from = "ladder@1.0.0"
    to = "ladder@2.0.0"
    references = ["why these items are the same"]

    [items]
    antisocial_peers = "procriminal_peers"   # old id = new id

It is checked when it loads, like an instrument: only these keys, both
versions known, every old id an item of ``from`` and every new id an item of
``to``, no new id named twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import Checker, read_toml, show
from rnr.definitions.instrument import Instrument
from rnr.definitions.library import Library, default_library
from rnr.errors import UnknownInstrumentError

__all__ = ["SCHEMA", "Crosswalk", "find_crosswalk", "load_crosswalk", "parse_crosswalk"]

SCHEMA = "rnr.crosswalk/1"
REF = re.compile(r"^[a-z][a-z0-9_]*@\d+\.\d+\.\d+$")


@attrs.frozen
class Crosswalk:
    """Items of the ``from`` version mapped to items of the ``to`` version."""

    from_ref: str
    to_ref: str
    items: Mapping[str, str] = attrs.field(converter=frozen_map)
    references: tuple[str, ...] = ()
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.from_ref} → {self.to_ref}"


def load_crosswalk(path: str | Path, *, library: Library | None = None) -> Crosswalk:
    """Read and check the crosswalk in ``path``.

    Args:
        path: a ``rnr.crosswalk/1`` file.
        library: where the two versions it names are looked up (default:
            :func:`rnr.default_library`).

    Returns:
        The checked crosswalk.

    Raises:
        DefinitionError: every problem, each with the file and the dotted path.
    """
    path = Path(path)
    return parse_crosswalk(read_toml(path), source=str(path), library=library)


def parse_crosswalk(
    document: Mapping[str, Any], *, source: str = "<memory>", library: Library | None = None
) -> Crosswalk:
    """Check and build a crosswalk from a parsed TOML document.

    Raises:
        DefinitionError: every problem, each with ``source`` and the dotted path.
    """
    check = Checker()
    doc = check.top(document, SCHEMA, required=("schema", "from", "to", "references", "items"))
    crosswalk = None
    if doc is not None:
        library = library if library is not None else default_library()
        crosswalk = _crosswalk(check, doc, source, library)
    return check.checked(crosswalk, source)


def _crosswalk(
    check: Checker, doc: Mapping[str, Any], source: str, library: Library
) -> Crosswalk | None:
    """The crosswalk of a well-formed top level, or ``None`` when a version is unknown."""
    old = _version(check, doc, "from", library)
    new = _version(check, doc, "to", library)
    if old is not None and new is not None and old.ref == new.ref:
        check.fail("to", new.ref, f"another version than from ({old.ref})")
    references = check.want_list(doc, "references", "", of=str)
    if references is not None and not references:
        check.fail("references", references, "at least one reference")
    items = _items(check, doc.get("items"), old, new)
    _check_folder(check, source, old, new)
    if old is None or new is None:
        return None
    return Crosswalk(old.ref, new.ref, items, tuple(references or ()), source)


def _version(
    check: Checker, doc: Mapping[str, Any], key: str, library: Library
) -> Instrument | None:
    ref = check.want_str(doc, key, "", pattern=REF, what="an instrument version like 'lscmi@1.0.0'")
    if ref is None:
        return None
    try:
        return library.get(ref)
    except UnknownInstrumentError as exc:
        check.fail(key, ref, "a known instrument version: " + (", ".join(exc.known) or "none"))
        return None


def _items(
    check: Checker, value: object, old: Instrument | None, new: Instrument | None
) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        check.fail("items", value, 'a table of old_id = "new_id" (at least one)')
        return {}
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for old_id, new_id in value.items():
        where = f"items.{old_id}"
        if not isinstance(new_id, str) or not new_id:
            check.fail(where, new_id, "the id of an item of the 'to' version, as a string")
            continue
        if old is not None and not old.has_item(old_id):
            check.note(where, f"{show(old_id)} is not an item of {old.ref}")
            continue
        if new is not None and not new.has_item(new_id):
            check.fail(where, new_id, f"an item of {new.ref}")
            continue
        if new_id in seen:
            check.note(where, f"{show(new_id)} is already the target of items.{seen[new_id]}")
            continue
        seen[new_id] = old_id
        out[old_id] = new_id
    return out


def _check_folder(
    check: Checker, source: str, old: Instrument | None, new: Instrument | None
) -> None:
    """A crosswalk kept in ``<id>/crosswalks/`` belongs to one of the two instruments."""
    path = Path(source)
    if path.parent.name != "crosswalks" or old is None or new is None:
        return
    owner = path.parent.parent.name
    if owner not in (old.id, new.id):
        check.fail("to", new.ref, f"an instrument of the folder {owner!r} it is kept in")


def _folders(*instruments: Instrument) -> list[Path]:
    folders: list[Path] = []
    for instrument in instruments:
        if instrument.path is None:
            continue
        folder = Path(instrument.path).parent / "crosswalks"
        if folder.is_dir() and folder not in folders:
            folders.append(folder)
    return folders


def find_crosswalk(library: Library, from_ref: str, to_ref: str) -> Crosswalk | None:
    """The crosswalk from ``from_ref`` to ``to_ref``, if one is kept beside either version.

    Looks in ``crosswalks/`` beside the ``to`` version's file, then beside the
    ``from`` version's.

    Args:
        library: the instruments (their files locate the ``crosswalks/`` folders).
        from_ref: the earlier version, ``id@version``.
        to_ref: the later version, ``id@version``.

    Returns:
        The checked crosswalk, or ``None`` when none maps these two versions.

    Raises:
        UnknownInstrumentError: a version is not in ``library``.
        DefinitionError: a crosswalk file in those folders is malformed.
    """
    old, new = library.get(from_ref), library.get(to_ref)
    for folder in _folders(new, old):
        for path in sorted(folder.glob("*.toml")):
            crosswalk = load_crosswalk(path, library=library)
            if (crosswalk.from_ref, crosswalk.to_ref) == (old.ref, new.ref):
                return crosswalk
    return None
