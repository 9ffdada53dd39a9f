"""The JSON Schemas (draft 2020-12) of every JSON document rnr reads or writes.

Each schema is a file ``<name>.schema.json`` in this folder (``rnr schema
list``, ``rnr schema show NAME``); :mod:`rnr.schemas.files` reads them.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "FOLDER": "rnr.schemas.files",
    "names": "rnr.schemas.files",
    "path": "rnr.schemas.files",
    "schema": "rnr.schemas.files",
}

__all__ = ["FOLDER", "names", "path", "schema"]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.schemas.files import FOLDER as FOLDER
    from rnr.schemas.files import names as names
    from rnr.schemas.files import path as path
    from rnr.schemas.files import schema as schema
