"""The command line's own errors: a usage error and an error met with one case.

They live apart from :mod:`rnr.cli.options` so that ``rnr --help``, which
needs the shared options but no error, does not load :mod:`rnr.errors`
(and attrs with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rnr.errors import RnrError

if TYPE_CHECKING:
    from rnr.cases.parse import Case

__all__ = ["CaseError", "UsageError"]


class UsageError(RnrError):
    """The command line asked for something that cannot be done (``usage.invalid``)."""

    default_code = "usage.invalid"


class CaseError(RnrError):
    """An error met with one case, prefixed with where the case was read.

    It keeps the code of the error it wraps, and names the case file and
    line in its error object when that error does not.
    """

    def __init__(self, case: Case, error: RnrError) -> None:
        self.case = case
        self.error = error
        super().__init__(f"{case.where}: {error}", code=error.code)

    def to_dict(self) -> dict[str, Any]:
        body = self.error.to_dict()["error"]
        body["message"] = str(self)
        where = {"file": self.case.file, "line": self.case.line, "case_id": self.case.case_id}
        for key, value in where.items():
            if value is not None:
                body.setdefault(key, value)
        return {"error": body}
