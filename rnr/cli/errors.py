"""The command line's own errors: a usage error, and an error met with one case.

:class:`~rnr.cases.errors.CaseError` is the library's (the HTTP service
reports it too); it is named here for the commands. They live apart from
:mod:`rnr.cli.options` so that ``rnr --help``, which needs the shared
options but no error, does not load :mod:`rnr.errors` (and attrs with it).
"""

from __future__ import annotations

from rnr.cases.errors import CaseError
from rnr.errors import RnrError

__all__ = ["CaseError", "UsageError"]


class UsageError(RnrError):
    """The command line asked for something that cannot be done (``usage.invalid``)."""

    default_code = "usage.invalid"
