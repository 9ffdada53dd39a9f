"""Sessions of the browser workspace: who is signed in, until when, and their forms' token.

A session is kept on the server (in this process's memory, bounded) and
named in the browser by a cookie holding its random id signed with the
process's key (itsdangerous): a cookie nobody signed, or one of a session
that ended (signed out, expired, its account ended), is worth nothing. A
session ends ``lifetime`` seconds after it began and ``idle`` seconds after
its last request, whichever comes first; restarting the service ends them all.

Every form of a session carries its CSRF token (:attr:`Session.csrf`), checked
against the session's with :func:`secrets.compare_digest`. The sign-in form,
before any session, carries a token of its own, signed and bound to a
cookie of its own (:meth:`Sessions.pre_token`, :meth:`Sessions.pre_valid`).

>>> clock = iter(range(0, 10_000, 10)).__next__
>>> sessions = Sessions(lifetime=100, idle=50, clock=lambda: float(clock()))
>>> cookie, session = sessions.start(Principal("ana", "delegado", None))
>>> sessions.find(cookie).principal.name
'ana'
>>> sessions.find(cookie + "x") is None
True
>>> sessions.end(cookie)
>>> sessions.find(cookie) is None
True
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
from collections.abc import Callable

import attrs
from itsdangerous import BadSignature, Signer

from rnr.history.access import Principal

__all__ = ["IDLE", "LIFETIME", "Session", "Sessions"]

#: How long a session lasts at most, in seconds (a working day).
LIFETIME = 8 * 3600
#: How long a session lasts without a request, in seconds.
IDLE = 3600
#: The most sessions kept at once (the oldest is ended first).
MOST = 10_000


@attrs.frozen
class Session:
    """A signed-in person: who, their forms' CSRF token, when it began and was last used."""

    id: str
    principal: Principal
    csrf: str
    began: float
    seen: float


class Sessions:
    """The sessions of one workspace (one process).

    Args:
        lifetime: seconds a session lasts at most.
        idle: seconds a session lasts without a request.
        clock: the clock (tests pass their own).
        key: the signing key (default: a new random one).
    """

    def __init__(
        self,
        *,
        lifetime: float = LIFETIME,
        idle: float = IDLE,
        clock: Callable[[], float] = time.time,
        key: bytes | None = None,
    ) -> None:
        self.lifetime, self.idle, self.clock = lifetime, idle, clock
        secret = key if key is not None else secrets.token_bytes(32)
        self._signer = Signer(secret, salt="rnr.workspace.session")
        self._pre = Signer(secret, salt="rnr.workspace.sign-in")
        self._held: collections.OrderedDict[str, Session] = collections.OrderedDict()
        self._lock = threading.Lock()

    def start(self, principal: Principal) -> tuple[str, Session]:
        """Begin a session for ``principal``: the cookie's value and the session."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), principal, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._held[session.id] = session
            while len(self._held) > MOST:
                self._held.popitem(last=False)
        return self._signer.sign(session.id).decode("ascii"), session

    def _id(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 200:
            return None
        try:
            return self._signer.unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None

    def find(self, cookie: str | None) -> Session | None:
        """The session a cookie names, while it lasts (its last use is now)."""
        found = self._id(cookie)
        if found is None:
            return None
        now = self.clock()
        with self._lock:
            session = self._held.get(found)
            if session is None:
                return None
            if now - session.began > self.lifetime or now - session.seen > self.idle:
                del self._held[found]
                return None
            session = attrs.evolve(session, seen=now)
            self._held[found] = session
            self._held.move_to_end(found)
        return session

    def end(self, cookie: str | None) -> None:
        """End the session a cookie names (nothing when it names none)."""
        found = self._id(cookie)
        if found is not None:
            with self._lock:
                self._held.pop(found, None)

    def pre_token(self) -> tuple[str, str]:
        """A sign-in form's token: the cookie's value and the form field's (the same, signed)."""
        signed = self._pre.sign(secrets.token_urlsafe(24)).decode("ascii")
        return signed, signed

    def pre_valid(self, cookie: str | None, field: str | None) -> bool:
        """Whether a sign-in form's field matches its cookie, and this process signed it."""
        if not cookie or not field or len(cookie) > 200:
            return False
        if not secrets.compare_digest(cookie.encode(), field.encode()):
            return False
        return self._pre.validate(cookie)

    @staticmethod
    def csrf_valid(session: Session, given: str | None) -> bool:
        """Whether a form's token is its session's."""
        return bool(given) and secrets.compare_digest(session.csrf.encode(), str(given).encode())
