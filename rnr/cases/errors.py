"""An error met with one case, naming where the case was read.

Apart from :mod:`rnr.cases.path` so that a face reporting it loads nothing
but :mod:`rnr.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rnr.errors import RnrError

if TYPE_CHECKING:
    from rnr.cases.parse import Case

__all__ = ["CaseError"]


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
