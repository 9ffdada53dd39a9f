"""The pages of the workspace: sign in, the caseload, a case, its decision and its PII.

.. code-block:: text

    GET  /espacio/entrar                       the sign-in form; POST signs in
    POST /espacio/salir                        signs out
    GET  /espacio/                             the caseload (q, orden, dir, vencidos, pagina)
    GET  /espacio/casos/{id}                   the case's history and its last change
    GET  /espacio/casos/{id}/decision[?n=N]    the latest decision (or decision N)
    GET  /espacio/casos/{id}/pii               the PII draft in force
    GET  /espacio/casos/{id}/pii/imprimir      its print view (the plan's HTML document)
    GET  /espacio/static/{file}                the stylesheet and the script, from the package

The assessment form's pages (``/espacio/evaluar``, ``/espacio/casos/{id}/evaluar``)
are :mod:`rnr.workspace.assessing`'s, on the same :class:`Pages`.

Every page is rendered on the server and works without JavaScript; every
form carries its CSRF token. Each handler runs off the event loop (the
store and argon2 block). A refusal is a page of its own with its status
(403, 404, 413, 415, 422), never a trace.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import anyio.to_thread
import attrs
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from rnr.definitions.labels import Labels, load_labels
from rnr.errors import HistoryError, RnrError
from rnr.history.access import Principal
from rnr.history.approval import MOST_REFERENCE
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.people import sign_in
from rnr.history.progress import case_change
from rnr.history.proposals import pending_overrides
from rnr.history.read import read_history
from rnr.plan.draft import PlanDraft
from rnr.render.change import change_lines
from rnr.render.environment import environment
from rnr.render.messages import Catalogue, catalogue
from rnr.render.plan import render_plan
from rnr.service.identity import Throttle
from rnr.service.preconditions import etag
from rnr.service.problems import status_of
from rnr.store.protocol import Store
from rnr.workspace.door import PRE_COOKIE, Door, Visit, cookie_name
from rnr.workspace.listing import caseload_page
from rnr.workspace.reviewed import reviewed_view
from rnr.workspace.sessions import Sessions
from rnr.workspace.views import (
    CaseloadQuery,
    LabelsOf,
    case_view,
    decision_view,
    plan_view,
)

__all__ = ["PREFIX", "STATIC", "Pages", "Section"]

#: Where the workspace lives.
PREFIX = "/espacio"
#: The stylesheet and the script, shipped in the package (no CDN).
STATIC = Path(__file__).parent / "static"
#: The media types of the static files.
_MEDIA = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
#: The media type of a form's body.
FORM_MEDIA = "application/x-www-form-urlencoded"
#: The most fields a form may send (the longest instrument has about 50 items).
MOST_FIELDS = 500


class PageError(Exception):
    """A page refused: its status and the catalogue keys of its title and text."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        self.status, self.key, self.params = status, key, params
        super().__init__(key)


@attrs.frozen
class Submitted:
    """A form's fields, as sent."""

    fields: Mapping[str, tuple[str, ...]]

    def one(self, name: str) -> str:
        given = self.fields.get(name) or ("",)
        return given[-1]


def address(case_id: str, *rest: str) -> str:
    """A page of a case: ``/espacio/casos/<id>[/<rest>]``, the id percent-encoded."""
    return "/".join((f"{PREFIX}/casos/{quote(case_id, safe='')}", *rest))


def _next_page(given: str | None) -> str:
    """Where to go after signing in: a page of the workspace, never another site."""
    if given and given.startswith(PREFIX + "/") and "//" not in given and "\\" not in given:
        return given
    return PREFIX + "/"


class Section:
    """A group of pages mounted on the workspace's :class:`Pages`, with what they share."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.defs, self.store, self.lang, self.w = pages.defs, pages.store, pages.lang, pages.w
        self.today, self.door = pages.today, pages.door


class Pages:
    """The workspace's pages over one store.

    Args:
        defs: the definitions every case is scored, decided and drafted with.
        store: the case store (its access log holds the accounts and every access).
        lang: the pages' language.
        trusted_header: the reverse proxy's identity header, or ``None``.
        max_body: the largest form read, in bytes.
        today: the day of the caseload and of a new assessment (tests pass their own).
    """

    def __init__(
        self,
        defs: Definitions,
        store: Store,
        *,
        lang: str = "es",
        trusted_header: str | None = None,
        max_body: int = 1_048_576,
        today: Callable[[], dt.date] = dt.date.today,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.defs, self.store, self.lang, self.max_body, self.today = (
            defs,
            store,
            lang,
            max_body,
            today,
        )
        self.w: Catalogue = catalogue(lang)
        self.sessions = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self.door = Door(store, self.sessions, trusted_header)
        self.env = environment("html")
        self.static = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.suffix in _MEDIA}

    # -- rendering -----------------------------------------------------------------------

    def render(
        self,
        template: str,
        visit: Visit | None,
        /,
        *,
        status: int = 200,
        title: str,
        **context: Any,
    ) -> HTMLResponse:
        """A page from ``workspace/<template>.html.j2`` with what every page shows."""
        session = visit.session if visit is not None else None
        who = session.principal if session is not None else None
        page = self.env.get_template(f"workspace/{template}.html.j2").render(
            w=self.w,
            lang=self.lang,
            prefix=PREFIX,
            title=title,
            who=who,
            role=self.w(f"workspace.roles.{who.role}") if who is not None else "",
            csrf=session.csrf if session is not None else "",
            script=context.pop("script", False),
            **context,
        )
        response = HTMLResponse(page, status_code=status)
        return self.door.keep(visit, response) if visit is not None else response

    def refusal(self, visit: Visit | None, refused: PageError) -> HTMLResponse:
        """The page of a refusal."""
        w = self.w
        title = w(f"workspace.refused.{refused.key}.title")
        text = w(f"workspace.refused.{refused.key}.text", **refused.params)
        return self.render("refused", visit, status=refused.status, title=title, text=text)

    # -- who may see a page --------------------------------------------------------------

    def guarded(
        self,
        request: Request,
        what: str,
        permission: str,
        show: Callable[[Visit, Principal], Response],
        *,
        case_id: str | Callable[[], str | None] | None = None,
        visit: Visit | None = None,
    ) -> Response:
        """Show a page to whom may see it; log the access with the status answered.

        ``case_id`` names the case the page shows, or gives it once the page is
        made (a new case's, read from its form); ``visit``, who asks, when the
        caller knows already.
        """
        visit = visit if visit is not None else self.door.visit(request)
        principal = visit.principal
        try:
            if principal is None:
                if visit.stranger is not None:
                    raise PageError(403, "stranger", name=visit.stranger)
                target = f"{PREFIX}/entrar?siguiente={quote(request.url.path)}"
                response: Response = RedirectResponse(target, status_code=303)
            elif not principal.may(permission):
                raise PageError(403, "role", role=self.w(f"workspace.roles.{principal.role}"))
            else:
                response = show(visit, principal)
        except PageError as refused:
            response = self.refusal(visit, refused)
        except RnrError as error:
            response = self.refusal(visit, _refused(error))
        named = case_id() if callable(case_id) else case_id
        self.door.log(principal, what, named, response.status_code)
        return response

    def history(self, principal: Principal, case_id: str) -> CaseHistory:
        """A case's history, when it is of the principal's unit.

        Raises:
            PageError: 404, no such case; 403, a case of another unit.
        """
        try:
            found = read_history(self.store, case_id, defs=self.defs)
        except HistoryError as error:
            if error.code == "history.case.unknown":
                raise PageError(404, "case_unknown", case_id=case_id) from None
            raise
        if not principal.sees(found.unit):
            raise PageError(403, "unit", unit=principal.unit or "")
        return found

    def plan_of(self, principal: Principal, case_id: str) -> tuple[CaseHistory, PlanDraft]:
        """A case (of the principal's unit) and its plan in force.

        Raises:
            PageError: 404 without a plan (and :meth:`history`'s refusals).
        """
        history = self.history(principal, case_id)
        if history.plan is None:
            raise PageError(404, "no_plan", case_id=case_id)
        return history, history.plan

    def plan_labels(self, plan: PlanDraft) -> Labels:
        """The labels of the instrument a plan was drafted from, in the pages' language."""
        return load_labels(self.defs.library.get(str(plan.instrument)), self.lang)

    # -- the routes ------------------------------------------------------------------------

    def get(self, app: FastAPI, path: str, handler: Callable[..., Response]) -> None:
        """Route GET ``path`` to ``handler(request, **path_params)``, run off the event loop."""

        async def endpoint(request: Request) -> Response:
            call = functools.partial(handler, request, **request.path_params)
            return await anyio.to_thread.run_sync(call)

        app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)

    def post(self, app: FastAPI, path: str, handler: Callable[..., Response]) -> None:
        """Route POST ``path`` to ``handler(request, form, **path_params)``, its form read first."""

        async def endpoint(request: Request) -> Response:
            try:
                data = await self.form_data(request)
            except PageError as refused:
                return self.refusal(None, refused)
            call = functools.partial(handler, request, data, **request.path_params)
            return await anyio.to_thread.run_sync(call)

        app.add_api_route(path, endpoint, methods=["POST"], include_in_schema=False)

    def mount(self, app: FastAPI) -> None:
        """Add the routes of signing in and out, the caseload and the pages of a case to ``app``."""

        async def root() -> Response:
            return RedirectResponse(PREFIX + "/", status_code=307)

        app.add_api_route("/", root, methods=["GET"], include_in_schema=False)
        app.add_api_route(PREFIX, root, methods=["GET"], include_in_schema=False)
        app.add_api_route(
            PREFIX + "/static/{name}", self.asset, methods=["GET"], include_in_schema=False
        )
        self.get(app, PREFIX + "/entrar", self.sign_in_page)
        self.post(app, PREFIX + "/entrar", self.sign_in)
        self.post(app, PREFIX + "/salir", self.sign_out)
        self.get(app, PREFIX + "/", self.caseload)
        self.get(app, PREFIX + "/casos/{case_id}", self.case)
        self.get(app, PREFIX + "/casos/{case_id}/decision", self.decision)
        self.get(app, PREFIX + "/casos/{case_id}/pii", self.plan)
        self.get(app, PREFIX + "/casos/{case_id}/pii/imprimir", self.print_plan)

    def mount_fallback(self, app: FastAPI) -> None:
        """Answer every other path under the prefix with a page of its own (added last)."""
        self.get(app, PREFIX + "/{rest:path}", self.unknown)

    async def form_data(self, request: Request) -> Submitted:
        """A form's fields, read under the size limit.

        Raises:
            PageError: 415, not a form; 413, larger than the limit.
        """
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != FORM_MEDIA:
            raise PageError(415, "media")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise PageError(413, "too_large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body:
                raise PageError(413, "too_large")
        try:
            text = body.decode("utf-8")
            fields = parse_qs(
                text, keep_blank_values=True, strict_parsing=False, max_num_fields=MOST_FIELDS
            )
        except (UnicodeDecodeError, ValueError):
            raise PageError(400, "malformed") from None
        return Submitted({k: tuple(v) for k, v in fields.items()})

    def asset(self, name: str) -> Response:
        """The stylesheet or the script."""
        found = self.static.get(name)
        if found is None:
            return self.refusal(None, PageError(404, "unknown"))
        return Response(found, media_type=_MEDIA[Path(name).suffix])

    def unknown(self, request: Request, rest: str) -> Response:
        """A page the workspace does not have."""
        del rest
        return self.refusal(self.door.visit(request), PageError(404, "unknown"))

    # -- signing in and out ------------------------------------------------------------------

    def sign_in_page(
        self, request: Request, *, status: int = 200, problem: str = "", name: str = ""
    ) -> Response:
        """The sign-in form, with a token of its own."""
        visit = self.door.visit(request)
        if visit.principal is not None and status == 200:
            return self.door.keep(visit, RedirectResponse(PREFIX + "/", status_code=303))
        cookie, token = self.sessions.pre_token()
        response = self.render(
            "sign_in",
            None,
            status=status,
            title=self.w("workspace.sign_in.title"),
            token=token,
            problem=problem,
            name=name,
            following=_next_page(request.query_params.get("siguiente")),
            signed_out=request.query_params.get("salida") == "1",
        )
        self.door.set_pre(request, response, cookie)
        return response

    def sign_in(self, request: Request, data: Submitted) -> Response:
        """Check the name and password; begin a session."""
        w = self.w
        host = request.client.host if request.client is not None else "-"
        name = data.one("usuario").strip()[:64]
        if not self.sessions.pre_valid(request.cookies.get(PRE_COOKIE), data.one("csrf")):
            self.door.log(None, "workspace.sign_in", None, 403)
            return self.sign_in_page(request, status=403, problem=w("workspace.sign_in.expired"))
        wait = self.throttle.wait(host)
        if wait:
            self.door.log(None, "workspace.sign_in", None, 429)
            text = w("workspace.sign_in.throttled", seconds=wait)
            response = self.sign_in_page(request, status=429, problem=text, name=name)
            response.headers["Retry-After"] = str(wait)
            return response
        principal = sign_in(self.store, name, data.one("clave"))
        if principal is None:
            self.throttle.add(host)
            self.door.log(None, "workspace.sign_in", None, 401)
            text = w("workspace.sign_in.wrong")
            return self.sign_in_page(request, status=401, problem=text, name=name)
        self.sessions.end(request.cookies.get(cookie_name(request)))
        value, _ = self.sessions.start(principal)
        response = RedirectResponse(_next_page(data.one("siguiente")), status_code=303)
        self.door.set_session(request, response, value)
        response.delete_cookie(PRE_COOKIE, path="/", httponly=True, samesite="strict")
        self.door.log(principal, "workspace.sign_in", None, 303)
        return response

    def sign_out(self, request: Request, data: Submitted) -> Response:
        """End the session (its form's token must be the session's)."""
        visit = self.door.visit(request)
        session = visit.session
        if session is None:
            return RedirectResponse(PREFIX + "/entrar", status_code=303)
        if not Sessions.csrf_valid(session, data.one("csrf")):
            self.door.log(session.principal, "workspace.sign_out", None, 403)
            return self.refusal(visit, PageError(403, "csrf"))
        self.sessions.end(request.cookies.get(cookie_name(request)))
        response = RedirectResponse(PREFIX + "/entrar?salida=1", status_code=303)
        self.door.clear_session(request, response)
        self.door.log(session.principal, "workspace.sign_out", None, 303)
        return response

    # -- the caseload --------------------------------------------------------------------------

    def caseload(self, request: Request) -> Response:
        """The open cases the person may see: searched, sorted, one page."""
        visit = self.door.visit(request)
        principal = visit.principal
        if principal is not None and not principal.may("case.read"):
            response = self.render(
                "home",
                visit,
                title=self.w("workspace.home.title"),
                role_text=self.w(f"workspace.home.{principal.role}"),
            )
            self.door.log(principal, "workspace.home", None, response.status_code)
            return response

        def show(visit: Visit, principal: Principal) -> Response:
            query = CaseloadQuery.of(request.query_params)
            found = caseload_page(
                self.store,
                query,
                as_of=self.today(),
                unit=principal.unit,
                defs=self.defs,
                labels_of=LabelsOf(self.defs, self.lang),
                w=self.w,
            )
            return self.render("caseload", visit, title=self.w("workspace.caseload.title"), **found)

        return self.guarded(request, "workspace.caseload", "case.read", show, visit=visit)

    # -- a case ----------------------------------------------------------------------------------

    def case(self, request: Request, case_id: str) -> Response:
        """A case's history and its last change."""

        def show(visit: Visit, principal: Principal) -> Response:
            history = self.history(principal, case_id)
            change = None
            lines: list[str] = []
            if len(history.assessments) >= 2:
                try:
                    change = case_change(history, defs=self.defs, as_of=self.today())
                    lines = change_lines(
                        change,
                        self.defs.library,
                        self.lang,
                        assessments=len(history.assessments),
                    )
                except RnrError:  # incomparable assessments: the page says so
                    change = None
            view = case_view(history, change, lines, LabelsOf(self.defs, self.lang), self.w)
            title = self.w("workspace.case.title", case_id=case_id)
            return self.render("case", visit, title=title, case=view)

        return self.guarded(request, "workspace.case", "case.read", show, case_id=case_id)

    def decision(self, request: Request, case_id: str) -> Response:
        """The latest decision of a case (or the one ``?n=`` names)."""

        def show(visit: Visit, principal: Principal) -> Response:
            history = self.history(principal, case_id)
            if not history.decisions:
                raise PageError(404, "no_decision", case_id=case_id)
            asked = request.query_params.get("n", "")
            entry = next(
                (d for d in history.decisions if str(d.id) == asked), history.decisions[-1]
            )
            view = decision_view(history, entry, self.defs, LabelsOf(self.defs, self.lang), self.w)
            title = self.w("workspace.decision.title", case_id=case_id)
            return self.render(
                "decision",
                visit,
                title=title,
                case_id=case_id,
                decision=view,
                has_plan=history.plan is not None,
                saved=request.query_params.get("guardado") == "1",
                overridden_now=request.query_params.get("ajustado") == "1",
                proposed_now=request.query_params.get("propuesto") == "1",
                pending=len(pending_overrides(history)),
            )

        return self.guarded(request, "workspace.decision", "case.read", show, case_id=case_id)

    def plan(self, request: Request, case_id: str) -> Response:
        """The PII draft in force."""

        def show(visit: Visit, principal: Principal) -> Response:
            history, plan = self.plan_of(principal, case_id)
            done = next(
                (
                    k
                    for k in ("editado", "revisado", "aprobado")
                    if request.query_params.get(k) == "1"
                ),
                "",
            )
            return self.show_plan(visit, history, plan, done=done)

        return self.guarded(request, "workspace.plan", "case.read", show, case_id=case_id)

    def show_plan(
        self,
        visit: Visit,
        history: CaseHistory,
        plan: PlanDraft,
        *,
        done: str = "",
        approval: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """The PII page; ``approval``: the court approval's form as sent, with its messages."""
        return self.render(
            "plan",
            visit,
            status=status,
            title=self.w("workspace.plan.title", case_id=history.case_id),
            case_id=history.case_id,
            plan=plan_view(plan, self.plan_labels(plan), self.w),
            notes=history.plans[-1].notes,
            reviewed=reviewed_view(plan, self.w),
            done=done,
            version=etag(history.records[-1]),
            approval={
                "fecha": "",
                "referencia": "",
                "errors": {},
                "most": MOST_REFERENCE,
                **(approval or {}),
            },
        )

    def print_plan(self, request: Request, case_id: str) -> Response:
        """The PII's print view: the plan's HTML document, its own style allowed by its hash."""

        def show(visit: Visit, principal: Principal) -> Response:
            _, plan = self.plan_of(principal, case_id)
            html = render_plan(plan, format="html", lang=self.lang, labels=self.plan_labels(plan))
            request.scope[CSP_SCOPE] = print_policy(html)
            return self.door.keep(visit, HTMLResponse(html))

        return self.guarded(request, "workspace.plan.print", "case.read", show, case_id=case_id)


def _refused(error: RnrError) -> PageError:
    """A refusal of the library as a page: its status, and its code said in the catalogue."""
    return PageError(status_of(error), "error", code=error.code)


#: Where a page notes its own Content-Security-Policy on the request's scope.
CSP_SCOPE = "rnr.workspace.csp"
#: The pages' policy: the package's own stylesheet and script, nothing inline, forms to itself.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def print_policy(html: str) -> str:
    """The print view's policy: the page's policy, and its own inline style allowed by its hash."""
    import base64  # noqa: PLC0415 - only for the print view

    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(html)
    )
    return PAGE_POLICY.replace("style-src 'self'", f"style-src 'self' {hashes}".rstrip())
