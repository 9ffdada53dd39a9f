"""The application of ``rnr serve`` with the workspace: the HTTP API and the pages, one process.

:func:`create_workspace` builds the API (:func:`rnr.service.app.create_app`:
its endpoints, its gate, its access log, its guard) and mounts the
workspace's pages on it (:class:`rnr.workspace.pages.Pages`, under
``/espacio``). The API's guard answers every response with its security
headers, among them a Content-Security-Policy of ``default-src 'none'``; a
page needs its own stylesheet, script and forms, so :class:`PagePolicy`,
around the whole application, gives the workspace's pages theirs: the
package's own files only, nothing inline, forms sent only to the workspace
(:data:`rnr.workspace.pages.PAGE_POLICY`; the PII's print view allows its
own style by its hash).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI

from rnr.history.definitions import Definitions
from rnr.service.app import MAX_BODY, create_app
from rnr.service.guard import ASGIApp, Message, Receive, Scope, Send
from rnr.store.protocol import Store
from rnr.workspace.assessing import Assessing
from rnr.workspace.insight import Insight, Kept
from rnr.workspace.overriding import Overriding
from rnr.workspace.pages import CSP_SCOPE, PAGE_POLICY, PREFIX, Pages
from rnr.workspace.planning import Planning
from rnr.workspace.sessions import Sessions

__all__ = ["PagePolicy", "create_workspace"]


class PagePolicy:
    """ASGI middleware: the workspace's pages answer with their own Content-Security-Policy.

    A response under :data:`~rnr.workspace.pages.PREFIX` (and the redirect of
    ``/``) gets the policy its page noted on the request's scope, else
    :data:`~rnr.workspace.pages.PAGE_POLICY`; every other response keeps the
    API's.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path in ("/", PREFIX) or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        async def send_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                policy = str(scope.get(CSP_SCOPE, PAGE_POLICY)).encode()
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"content-security-policy"
                ]
                message["headers"] = [*kept, (b"content-security-policy", policy)]
            await send(message)

        await self.app(scope, receive, send_policy)


def create_workspace(
    defs: Definitions | None = None,
    *,
    store: Store,
    max_body: int = MAX_BODY,
    lang: str = "es",
    trusted_header: str | None = None,
    sessions: Sessions | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    reports: Kept | None = None,
    replays: int | None = None,
) -> FastAPI:
    """The HTTP API with the workspace's pages mounted on it.

    Args:
        defs: the instruments, policies and objective catalogue (default: the shipped ones).
        store: the case store: its access log holds the tokens, the accounts and every access.
        max_body: the largest request body (or form) read, in bytes.
        lang: the pages' language.
        trusted_header: the header in which the agency's reverse proxy names
            the signed-in person (``None``, the default: none is trusted).
        sessions: the sessions (default: new ones, with a new key).
        today: the day of the caseload and of a new assessment.
        reports: where the overview and the reports are kept and made
            (default: :class:`~rnr.workspace.insight.Kept`'s defaults).
        replays: the most values of replayed cases the pages and the API
            share (:func:`rnr.service.create_app`); ``None`` (the default),
            none shared.

    Raises:
        InvalidArgumentError: ``max_body`` is not a positive count.
    """
    found = (defs if defs is not None else Definitions.shipped()).remembering(replays)
    app = create_app(found, store=store, max_body=max_body)  # found shares its memo, if any
    pages = Pages(
        found,
        store,
        lang=lang,
        trusted_header=trusted_header,
        max_body=max_body,
        sessions=sessions,
        today=today,
    )
    pages.mount(app)
    Assessing(pages).mount(app)
    Insight(pages, reports).mount(app)
    Planning(pages).mount(app)
    Overriding(pages).mount(app)
    pages.mount_fallback(app)
    app.add_middleware(PagePolicy)
    return app
