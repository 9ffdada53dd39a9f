"""The schema files: their names, paths and contents.

Each schema is a file ``<name>.schema.json`` in this folder; its ``title``
and ``description`` say what it describes. ``rnr schema list`` names them
and ``rnr schema show NAME`` prints one. The test suite validates the real
output of every command against its schema, so a schema cannot drift from
what rnr writes.

>>> "error" in names() and "case" in names()
True
>>> schema("error")["$schema"]
'https://json-schema.org/draft/2020-12/schema'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rnr.errors import UnknownDefinitionError

__all__ = ["FOLDER", "names", "path", "schema"]

#: The folder of the schema files.
FOLDER = Path(__file__).parent
_SUFFIX = ".schema.json"


def names() -> list[str]:
    """The name of every schema, sorted (``case``, ``decision``, ``error`` …)."""
    return sorted(p.name.removesuffix(_SUFFIX) for p in FOLDER.glob(f"*{_SUFFIX}"))


def path(name: str) -> Path:
    """The file of schema ``name``.

    Raises:
        UnknownDefinitionError: no schema of that name (code ``schema.unknown``).
    """
    known = names()
    if name not in known:
        msg = f"unknown schema {name!r}; known: {', '.join(known)}"
        raise UnknownDefinitionError(msg, ref=name, known=known, code="schema.unknown")
    return FOLDER / f"{name}{_SUFFIX}"


def schema(name: str) -> dict[str, Any]:
    """The schema ``name`` as a JSON object.

    Raises:
        UnknownDefinitionError: no schema of that name (code ``schema.unknown``).
    """
    loaded: dict[str, Any] = json.loads(path(name).read_text(encoding="utf-8"))
    return loaded
