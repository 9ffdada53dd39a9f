"""Who is at the workspace's door: sessions, the proxy's identity header, and the access log.

Every page but the sign-in page and the static files goes through
:meth:`Door.visit`: the request's session cookie (or, when the service was
started with a trusted identity header, the name the agency's reverse proxy
put in it) gives who asks, checked again against the accounts in force on
every request, so an account ended ends its sessions at once. What that person
may do is the API's own check (:meth:`rnr.history.access.Principal.may` for the
role, :meth:`~rnr.history.access.Principal.sees` for a case's unit), and every
page that shows or writes a person's data is appended to the store's access
log with the status answered (:meth:`Door.log`), refusals included.

The session cookie is ``HttpOnly``, ``SameSite=Strict`` and, when the page
was asked for over https (directly or through a proxy uvicorn trusts),
``Secure`` with the ``__Host-`` prefix.
"""

from __future__ import annotations

from typing import TypeVar

import attrs
from starlette.requests import Request
from starlette.responses import Response

from rnr.history.access import Principal, log_access
from rnr.history.people import account
from rnr.store.access import Access
from rnr.store.protocol import Store
from rnr.workspace.sessions import LIFETIME, Session, Sessions

__all__ = ["PRE_COOKIE", "Door", "Visit", "cookie_name"]

_R = TypeVar("_R", bound=Response)

#: The sign-in form's own cookie (its CSRF token before any session).
PRE_COOKIE = "rnr-entrada"
#: How long the sign-in form's token lasts, in seconds.
PRE_LIFETIME = 1800


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    """The session cookie's name: ``__Host-`` prefixed over https (it must then be Secure)."""
    return "__Host-rnr-sesion" if _https(request) else "rnr-sesion"


@attrs.frozen
class Visit:
    """One request to a page: its session, if any, and a session cookie to set, if one began."""

    request: Request
    session: Session | None
    cookie: str | None = None
    #: The name the proxy's header gave that no account in force has.
    stranger: str | None = None

    @property
    def principal(self) -> Principal | None:
        """Who asks (``None``: nobody signed in)."""
        return self.session.principal if self.session is not None else None


class Door:
    """Sessions and the proxy's header, checked against the accounts in force; the access log.

    Args:
        store: where accounts are read and accesses logged.
        sessions: the workspace's sessions.
        trusted_header: the header in which the agency's reverse proxy names
            the signed-in person (``None``: no header is trusted).
    """

    def __init__(self, store: Store, sessions: Sessions, trusted_header: str | None) -> None:
        self.store, self.sessions = store, sessions
        self.header = trusted_header.lower() if trusted_header else None

    def visit(self, request: Request) -> Visit:
        """Who asks: the session's person while their account is in force, or the proxy's."""
        cookie = request.cookies.get(cookie_name(request))
        session = self.sessions.find(cookie)
        if session is not None:
            now = account(self.store, session.principal.name)
            if now != session.principal:  # ended, or made again with another role or unit
                self.sessions.end(cookie)
                session = None
        named = request.headers.get(self.header) if self.header else None
        if named is not None and (session is None or session.principal.name != named.strip()):
            principal = account(self.store, named.strip())
            if principal is None:
                return Visit(request, None, stranger=named.strip()[:64] or "-")
            value, session = self.sessions.start(principal)
            return Visit(request, session, value)
        return Visit(request, session)

    def keep(self, visit: Visit, response: _R) -> _R:
        """Set the session cookie a visit began (from the proxy's header) on ``response``."""
        if visit.cookie is not None:
            self.set_session(visit.request, response, visit.cookie)
        return response

    @staticmethod
    def set_session(request: Request, response: Response, value: str) -> None:
        """Set the session cookie."""
        response.set_cookie(
            cookie_name(request),
            value,
            max_age=int(LIFETIME),
            path="/",
            httponly=True,
            samesite="strict",
            secure=_https(request),
        )

    @staticmethod
    def clear_session(request: Request, response: Response) -> None:
        """Remove the session cookie."""
        response.delete_cookie(
            cookie_name(request), path="/", httponly=True, samesite="strict", secure=_https(request)
        )

    @staticmethod
    def set_pre(request: Request, response: Response, value: str) -> None:
        """Set the sign-in form's cookie."""
        response.set_cookie(
            PRE_COOKIE,
            value,
            max_age=PRE_LIFETIME,
            path="/",
            httponly=True,
            samesite="strict",
            secure=_https(request),
        )

    def log(self, principal: Principal | None, what: str, case_id: str | None, status: int) -> None:
        """Append one page's access to the store's access log (who, what, which case, status)."""
        if principal is None:
            access = Access("-", "-", None, what, case_id, status)
        else:
            access = Access(principal.name, principal.role, principal.unit, what, case_id, status)
        log_access(self.store, access)
