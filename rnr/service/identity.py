"""Who is asking, whether they may, and the access log of every answer.

Every endpoint but ``/health``, ``/openapi.json`` and ``/docs`` calls
:meth:`Gate.allow` (or :meth:`Gate.case` for one case) first: it reads the
bearer token, finds who it acts for (:func:`rnr.history.access.authenticate`)
and checks the role's permission and, for a case, its unit. A missing,
unknown or revoked token is refused with ``401``; a role or unit that does
not allow the request with ``403``; a client that failed to authenticate
too often lately with ``429`` before its token is even read.

The gate notes who asked for what (an operation id and the case, never a
body) on the request; :class:`AccessLogger`, a middleware, appends it to the
store's access log with the status finally answered, refusals included.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from fastapi import Depends
from starlette.requests import Request

from rnr.history.access import Principal, authenticate, log_accesses
from rnr.render.messages import catalogue
from rnr.service.guard import ASGIApp, Message, Receive, Scope, Send, lang_of
from rnr.service.problems import RequestError
from rnr.store.access import Access
from rnr.store.protocol import Store

__all__ = ["AccessLogger", "Gate", "Throttle"]

#: Where the gate notes a request's access on its ASGI scope.
_NOTE = "rnr.access"
#: Who a request acts for before its token is known, or without a valid one.
_NOBODY = ("-", "-", None)


class Throttle:
    """Recent failed authentications by client address (tokens, sign-ins), to slow guessing.

    Bounded: at most ``hosts`` addresses are remembered, the oldest forgotten first.

    >>> t = Throttle(limit=2, window=60, clock=lambda: 0.0)
    >>> t.add("h"); t.add("h"); t.wait("h") > 0, t.wait("other")
    (True, 0)
    """

    def __init__(
        self,
        *,
        limit: int = 10,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        hosts: int = 10_000,
    ) -> None:
        self.limit, self.window, self.clock, self.hosts = limit, window, clock, hosts
        self._seen: collections.OrderedDict[str, collections.deque[float]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def _recent(self, host: str, now: float) -> collections.deque[float]:
        times = self._seen.setdefault(host, collections.deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait(self, host: str) -> int:
        """Seconds ``host`` must wait before trying again (0: it may try now)."""
        with self._lock:
            now = self.clock()
            times = self._recent(host, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(self.window - (now - times[0])) + 1)

    def add(self, host: str) -> None:
        """Count one failure of ``host``."""
        with self._lock:
            now = self.clock()
            self._recent(host, now).append(now)
            self._seen.move_to_end(host)
            while len(self._seen) > self.hosts:
                self._seen.popitem(last=False)


class Gate:
    """The service's door: tokens, roles, units, and what the access log is told.

    Args:
        store: where tokens are read and the access log is written.
        failures: failed authentications a client may make within ``window``
            seconds before it must wait.
        window: seconds over which failures are counted.
        clock: the monotonic clock (tests pass their own).
    """

    def __init__(
        self,
        store: Store,
        *,
        failures: int = 10,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self._failures = Throttle(limit=failures, window=window, clock=clock)

    def principal(self, request: Request) -> Principal:
        """Who the request's bearer token acts for.

        Raises:
            RequestError: ``request.throttled`` (429), ``request.unauthenticated`` (401).
        """
        w = catalogue(lang_of(request.url.query))
        host = request.client.host if request.client is not None else "-"
        wait = self._failures.wait(host)
        if wait:
            raise RequestError(
                w("http.detail.throttled", seconds=wait),
                status=429,
                code="request.throttled",
                headers={"Retry-After": str(wait)},
            )
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        found = authenticate(self.store, secret.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            self._failures.add(host)
            detail = "http.detail.bad_token" if scheme else "http.detail.no_token"
            raise RequestError(
                w(detail),
                status=401,
                code="request.unauthenticated",
                headers={"WWW-Authenticate": 'Bearer realm="rnr"'},
            )
        return found

    def allow(
        self, request: Request, permission: str, *, what: str, case_id: str | None = None
    ) -> Principal:
        """Who asks, if their role allows ``permission``; noted for the access log as ``what``.

        Raises:
            RequestError: ``401``, ``403`` (``request.forbidden``) or ``429``.
        """
        request.scope[_NOTE] = (*_NOBODY, what, case_id)
        principal = self.principal(request)
        request.scope[_NOTE] = (principal.name, principal.role, principal.unit, what, case_id)
        if not principal.may(permission):
            w = catalogue(lang_of(request.url.query))
            raise RequestError(
                w("http.detail.role", role=principal.role), status=403, code="request.forbidden"
            )
        return principal

    def case(
        self, request: Request, permission: str, *, what: str, case_id: str, unit: str | None
    ) -> Principal:
        """As :meth:`allow`, for a case of ``unit``: a token of another unit is refused (403)."""
        principal = self.allow(request, permission, what=what, case_id=case_id)
        if not principal.sees(unit):
            w = catalogue(lang_of(request.url.query))
            raise RequestError(
                w("http.detail.unit", unit=principal.unit), status=403, code="request.forbidden"
            )
        return principal

    def needs(self, permission: str, what: str) -> list[Any]:
        """A route's ``dependencies=``: :meth:`allow` runs before its handler."""

        def allowed(request: Request) -> None:
            self.allow(request, permission, what=what)

        return [Depends(allowed)]

    @staticmethod
    def concerns(request: Request, case_id: str) -> None:
        """Name the case a request read from its body (a case scored, decided or drafted)."""
        noted = request.scope.get(_NOTE)
        if noted is not None:
            request.scope[_NOTE] = (*noted[:4], case_id)


class _Batches:
    """Access entries waiting to be written, written together by whichever waiter comes first.

    Group commit: a request's entry is durable before its answer leaves, and
    many requests at once share one transaction instead of queueing for the
    store's write lock one by one. :meth:`write` blocks (call it off the
    event loop); a failed write fails every request of its batch.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cond = threading.Condition()
        self._queue: list[tuple[Access, list[BaseException | None]]] = []
        self._writing = False

    def write(self, access: Access) -> None:
        """Append ``access`` to the log, with whatever other entries are waiting."""
        mine: list[BaseException | None] = []  # filled with the batch's outcome
        with self._cond:
            self._queue.append((access, mine))
            while not mine:
                if self._writing:
                    self._cond.wait()
                    continue
                self._writing = True
                batch, self._queue = self._queue, []
                self._cond.release()
                error: BaseException | None = None
                try:
                    log_accesses(self.store, [a for a, _ in batch])
                except BaseException as exc:  # every waiter of the batch gets it
                    error = exc
                finally:
                    self._cond.acquire()
                    self._writing = False
                    for _, outcome in batch:
                        outcome.append(error)
                    self._cond.notify_all()
        if mine[0] is not None:
            raise mine[0]


class AccessLogger:
    """ASGI middleware: appends what the gate noted, with the status answered, to the access log.

    The entry is written before the answer leaves (its status known, its
    body not yet sent), off the event loop and together with those of
    concurrent requests (:class:`_Batches`): an answer never leaves without
    its entry. A request that fails before answering is logged with 500. A
    request the gate never saw (the health check, the OpenAPI document, an
    unknown path) is not logged.
    """

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self._batches = _Batches(store)

    async def _log(self, scope: Scope, status: int) -> None:
        noted: Any = scope.get(_NOTE)
        if noted is not None:
            by, role, unit, what, case_id = noted
            access = Access(by, role, unit, what, case_id, status)
            await anyio.to_thread.run_sync(self._batches.write, access)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        logged = False

        async def send_logged(message: Message) -> None:
            nonlocal logged
            if message["type"] == "http.response.start" and not logged:
                logged = True
                await self._log(scope, int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            if not logged:
                await self._log(scope, 500)
