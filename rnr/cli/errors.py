"""The command line's own errors; both exit with status 2 and print one ``rnr: error:`` line.

They live apart from :mod:`rnr.cli.options` so that ``rnr --help``, which
needs the shared options but no error, does not load :mod:`rnr.errors`
(and attrs with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnr.errors import RnrError

if TYPE_CHECKING:
    from rnr.cases.parse import Case

__all__ = ["CaseError", "UsageError"]


class UsageError(RnrError):
    """The command line asked for something that cannot be done."""


class CaseError(RnrError):
    """An error met with one case, prefixed with where the case was read."""

    def __init__(self, case: Case, error: RnrError) -> None:
        self.case = case
        self.error = error
        super().__init__(f"{case.where}: {error}")
