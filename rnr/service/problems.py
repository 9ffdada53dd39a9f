"""Problem details (RFC 9457): every refusal of the service as ``application/problem+json``.

A problem carries ``type``, ``title``, ``status`` and ``detail``, the same
stable ``code`` the command line prints, and the file, line, field and value
the error names (``rnr schema show problem``). The title comes from the
message catalogue in the language asked for; the detail of an rnr error is
its message, as the command line prints it. This module needs no web
framework: it turns errors into documents and statuses.

>>> from rnr.errors import UnknownInstrumentError
>>> body = problem(UnknownInstrumentError("unknown instrument 'x'", ref="x"), "en")
>>> body["status"], body["code"], body["title"], body["value"]
(404, 'instrument.unknown', 'Not found', 'x')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnr.errors import Outcome, RnrError
from rnr.render.messages import catalogue

__all__ = ["INTERNAL", "MEDIA_TYPE", "RequestError", "internal", "problem", "status_of"]

#: The media type of a problem document.
MEDIA_TYPE = "application/problem+json"
#: The code of an error nobody raised on purpose (a bug): never one of ``rnr.errors.CODES``.
INTERNAL = "service.internal"

#: The HTTP status of each outcome of an rnr error.
_STATUS = {
    Outcome.INVALID: 422,
    Outcome.NOT_FOUND: 404,
    Outcome.CONFLICT: 409,
    Outcome.STORE: 503,
}


class RequestError(RnrError):
    """A request the service refuses before any case is read (its body, type, path).

    Attributes:
        status: the HTTP status of the refusal.
        file: ``<request>`` when the body is at fault.
        headers: headers the answer carries (``WWW-Authenticate``, ``Retry-After``).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        file: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.file = file
        self.headers = dict(headers or {})
        super().__init__(message, code=code)


def status_of(error: RnrError) -> int:
    """The HTTP status of ``error``: its own, else its code's outcome's."""
    if isinstance(error, RequestError):
        return error.status
    return _STATUS.get(error.outcome, 500)


def problem(error: RnrError, lang: str) -> dict[str, Any]:
    """``error`` as a problem document (``rnr schema show problem``)."""
    body = error.to_dict()["error"]
    status = status_of(error)
    found = {
        "type": f"urn:rnr:error:{error.code}",
        "title": catalogue(lang)(f"http.title.{status}"),
        "status": status,
        "detail": "\n".join(error.lines()),
        "code": error.code,
    }
    found.update((key, value) for key, value in body.items() if key not in ("code", "message"))
    return found


def internal(lang: str) -> dict[str, Any]:
    """The problem document of an unexpected error: a generic detail, nothing of the error."""
    w = catalogue(lang)
    return {
        "type": f"urn:rnr:error:{INTERNAL}",
        "title": w("http.title.500"),
        "status": 500,
        "detail": w("http.detail.internal"),
        "code": INTERNAL,
    }
