"""The ``rnr`` command line: a thin face over the library (see :mod:`rnr.cli.app`)."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "EXIT_FAILED": "rnr.cli.app",
    "EXIT_OK": "rnr.cli.app",
    "EXIT_USAGE": "rnr.cli.app",
    "build_parser": "rnr.cli.app",
    "main": "rnr.cli.app",
}

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

__getattr__, __dir__ = face(__name__, _EXPORTS)

if TYPE_CHECKING:
    from rnr.cli.app import EXIT_FAILED as EXIT_FAILED
    from rnr.cli.app import EXIT_OK as EXIT_OK
    from rnr.cli.app import EXIT_USAGE as EXIT_USAGE
    from rnr.cli.app import build_parser as build_parser
    from rnr.cli.app import main as main
