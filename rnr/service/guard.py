"""What every request passes through: security headers, a body limit, one answer to any bug.

:class:`Guard` is an ASGI middleware around the whole application: it adds
the security headers to every response, and turns an exception nobody
raised on purpose into a generic ``500`` problem (no stack trace, nothing of
the request). It logs the exception's type, the method and the path only:
never a body, a query, nor an error message (which may quote a case).

:func:`read_body` reads a request's JSON body: refused with ``415`` unless it
says it is ``application/json``, with ``413`` as soon as it passes the limit
(before anything is parsed), with ``400`` when it is not UTF-8 JSON.
:func:`read_text` reads a body of any of the media types an endpoint takes
(JSON Lines too) as text, under the same limit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from rnr import untrusted
from rnr.render.messages import LOCALES, catalogue
from rnr.service.problems import MEDIA_TYPE, RequestError, internal

__all__ = ["HEADERS", "Guard", "decode_json", "lang_of", "read_body", "read_text"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The headers every response carries. The API serves no script but its own page's.
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        (
            b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
            b"base-uri 'none'; form-action 'none'"
        ),
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

_LOG = logging.getLogger("rnr.service")


def lang_of(query: str | bytes | None) -> str:
    """The ``lang`` a query string asks for, when rnr speaks it; else Spanish.

    >>> lang_of(b"format=md&lang=en"), lang_of("lang=xx"), lang_of(None)
    ('en', 'es', 'es')
    """
    from urllib.parse import parse_qs  # noqa: PLC0415 - only for a problem or a page

    text = query.decode("latin-1") if isinstance(query, bytes) else (query or "")
    given = parse_qs(text).get("lang", [""])[-1]
    return given if given in LOCALES else LOCALES[0]


class Guard:
    """ASGI middleware: security headers on every response; a bug is a generic 500 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = [*kept, *HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_guarded)
        except Exception as exc:  # any bug becomes one generic answer
            _LOG.error(  # no traceback: it may quote the request's data
                "unexpected %s on %s %s", type(exc).__name__, scope["method"], scope["path"]
            )
            if started:
                return
            body = json.dumps(internal(lang_of(scope.get("query_string")))).encode()
            await send_guarded(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", MEDIA_TYPE.encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_guarded({"type": "http.response.body", "body": body})


async def read_body(request: Request, *, limit: int, lang: str) -> Any:
    """The request's body, decoded as untrusted JSON.

    Raises:
        RequestError: ``request.media_type`` (415), ``request.too_large`` (413),
            ``case.file.invalid`` (400: not UTF-8, not JSON, nested too deep).
    """
    _, text = await read_text(request, limit=limit, lang=lang)
    return decode_json(text, lang)


async def read_text(
    request: Request, *, limit: int, lang: str, media: tuple[str, ...] = ("application/json",)
) -> tuple[str, str]:
    """The request's media type (one of ``media``) and its body as text.

    Raises:
        RequestError: ``request.media_type`` (415), ``request.too_large`` (413),
            ``case.file.invalid`` (400: not UTF-8).
    """
    w = catalogue(lang)
    given = request.headers.get("content-type")
    found = (given or "").split(";", 1)[0].strip().lower()
    if found not in media:
        expected = ", ".join(media)
        detail = (
            w("http.detail.media_type", given=given, expected=expected)
            if given
            else w("http.detail.no_media_type", expected=expected)
        )
        raise RequestError(detail, status=415, code="request.media_type")
    too_large = RequestError(
        w("http.detail.too_large", limit=limit), status=413, code="request.too_large"
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    try:
        return found, b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _malformed(w("http.detail.not_utf8")) from None


def decode_json(text: str, lang: str) -> Any:
    """``text`` decoded as untrusted JSON.

    Raises:
        RequestError: ``case.file.invalid`` (400: not JSON, nested too deep, …).
    """
    w = catalogue(lang)
    try:
        return untrusted.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _malformed(w("http.detail.malformed_json", reason=reason)) from None
    except untrusted.UntrustedInputError as exc:
        raise _malformed(w("http.detail.malformed_json", reason=str(exc))) from None


def _malformed(detail: str) -> RequestError:
    return RequestError(detail, status=400, code="case.file.invalid", file="<request>")
