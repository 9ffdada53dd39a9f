"""The case store over HTTP: open, reassess, record events, reviews and overrides; read and list.

Each endpoint is a thin face over the library function the matching command
calls, and answers exactly the JSON that command prints with ``--json``:

.. code-block:: text

    POST /v1/cases                            rnr case add --json CASE
    GET  /v1/cases                            rnr case list --json (a page of its lines)
    GET  /v1/cases/{case_id}                  rnr case history --json ID
    POST /v1/cases/{case_id}/assessments      rnr case reassess --json ID CASE [--corrects N]
    POST /v1/cases/{case_id}/events           rnr case event --json ID KIND --on DATE ...
    POST /v1/cases/{case_id}/reviews          rnr case review --json ID --on DATE --set ...
    POST /v1/cases/{case_id}/overrides        rnr.history.add_override (no command)
    GET  /v1/cases/{case_id}/change           rnr case change --json ID [--as-of DATE]
    GET  /v1/cases/{case_id}/plan             the plan in force: JSON, Markdown or HTML
    GET  /v1/due                              rnr due --json [--overdue] (a page of its lines)
    GET  /v1/due/counts                       the lines of rnr due and rnr due --overdue, counted
    GET  /v1/indicators                       rnr indicators --json --period YEAR
    GET  /v1/validity                         rnr validate --db --json ...

**Who.** Every request passes the gate (:mod:`rnr.service.identity`): a token
whose role allows the operation and, for one case, whose unit is the case's.
Lists and counts hold only the cases of the caller's unit. Every write is
made ``by`` the token's name, and a case is opened under its unit. An
override (its own endpoint, or the section of a case body) needs a role that
approves overrides, and is approved by the token's name: a body naming
another approver is refused (403).

**Lost updates.** Every read of a case and every write answers the case's
``ETag``; a write to a stored case must send it back in ``If-Match``
(:mod:`rnr.service.preconditions`: 428 without it, 412 when the case changed
since, checked again inside the store's write block).

**Repeats.** A write may carry an ``Idempotency-Key`` (the library's
``idempotency_key``): a repeat of a request already stored answers ``200``
with the same body instead of ``201`` (as does a write already stored with
the same content), and the same key with another request ``409``
(``history.idempotency.conflict``). A repeat under a key the case holds is
answered even when its ``If-Match`` is no longer current: it retries a write
that was stored.

**Pages.** ``GET /v1/cases`` and ``GET /v1/due`` answer ``?limit=`` items (100
by default, at most 1000) and the opaque cursor of the next page: the
member ``next`` and a ``Link: <…>; rel="next"`` header; ``?cursor=`` takes it.
"""

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request
from starlette.responses import Response

from rnr._frozen import json_default
from rnr.cases.overrides import parse_override
from rnr.cases.parse import Case, parse_case
from rnr.costs.plan import plan_document
from rnr.definitions.indicators import PROGRAMMES
from rnr.definitions.labels import load_labels
from rnr.errors import HistoryError, InvalidArgumentError, RnrError
from rnr.history.access import Principal, unit_of
from rnr.history.amend import record_event, review_plan
from rnr.history.approval import approve_plan
from rnr.history.definitions import Definitions
from rnr.history.idempotency import Written, check_key
from rnr.history.programme import programme_report
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.history.requests import (
    case_page,
    check_period,
    due_page,
    due_totals,
    reassess_case,
    store_study,
    written_document,
)
from rnr.history.write import add_override, open_case
from rnr.render.messages import catalogue
from rnr.render.plan import render_plan
from rnr.service import case_openapi as spec
from rnr.service.guard import lang_of, read_body
from rnr.service.params import (
    STUDY,
    STUDY_REPEATED,
    Query,
    approval_body,
    event_body,
    review_body,
    study_request,
)
from rnr.service.preconditions import Expecting, etag, if_match, keyed, stale
from rnr.service.problems import RequestError
from rnr.store.protocol import Store

# No "from __future__ import annotations" here: FastAPI reads the handlers' signatures,
# whose dependencies are made in the enclosing method.
if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory
    from rnr.service.identity import Gate

__all__ = ["case_routes"]

#: Where a case read from a request's body says it was read.
BODY = "<request>"
#: What a write of the library returns, given the store to write to and who writes.
Write = Callable[[Store, Principal], Written[Any]]


def case_routes(
    app: FastAPI, *, defs: Definitions, store: Store, gate: "Gate", max_body: int
) -> None:
    """Add the case store's endpoints to ``app``, each behind ``gate``, over ``store``.

    Args:
        app: the application.
        defs: the definitions every case is scored, decided and drafted with.
        store: the case store.
        gate: who may do what (:class:`rnr.service.identity.Gate`).
        max_body: the largest request body read, in bytes.
    """
    routes = _Routes(defs, store, gate, max_body)
    routes.cases(app)
    routes.writes(app)
    routes.reads(app)
    routes.lists(app)


def _answer(value: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    text = json.dumps(value, ensure_ascii=False, default=json_default)
    return Response(text, status_code=status, media_type="application/json", headers=headers)


def _address(case_id: str) -> str:
    """Where a case is read: ``/v1/cases/<id>``, the id percent-encoded."""
    return f"/v1/cases/{quote(case_id, safe='')}"


def _next(request: Request, cursor: str | None, **fixed: str) -> dict[str, str]:
    """The ``Link`` header of the next page: this request's query with ``fixed`` and ``cursor``."""
    if cursor is None:
        return {}
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in {"cursor", *fixed}]
    query = urlencode([*kept, *fixed.items(), ("cursor", cursor)])
    return {"Link": f'<{request.url.path}?{query}>; rel="next"'}


def _check_id(case_id: str) -> None:
    """A case opened over HTTP is addressed by its id: no ``/``, and not ``.`` or ``..``.

    Raises:
        InvalidArgumentError: an id no address can hold.
    """
    if "/" in case_id or case_id in (".", ".."):
        expected = "an id without '/' that is not '.' or '..' (the case's address holds it)"
        raise InvalidArgumentError("case_id", case_id, expected)


class _Routes:
    """The endpoints over one store, and what they share."""

    def __init__(self, defs: Definitions, store: Store, gate: "Gate", max_body: int) -> None:
        self.defs, self.store, self.gate, self.max_body = defs, store, gate, max_body

    # -- what the endpoints share ---------------------------------------------------------

    def allowed(self, permission: str, what: str) -> Callable[[Request], Principal]:
        """A dependency: who asks, if their role allows ``permission`` (before a body is read)."""
        gate = self.gate

        def allow(request: Request) -> Principal:
            case_id = request.path_params.get("case_id")
            return gate.allow(request, permission, what=what, case_id=case_id)

        return allow

    def body(self) -> Callable[[Request], Any]:
        """A dependency: the request's JSON body, read under the limit."""
        limit = self.max_body

        async def read(request: Request) -> Any:
            return await read_body(request, limit=limit, lang=lang_of(request.url.query))

        return read

    def history(self, request: Request, what: str, case_id: str) -> "CaseHistory":
        """A case's history, once the caller may read cases and the case is of its unit."""
        self.gate.allow(request, "case.read", what=what, case_id=case_id)
        found = read_history(self.store, case_id, defs=self.defs)
        self.gate.case(request, "case.read", what=what, case_id=case_id, unit=found.unit)
        return found

    def check_override(self, request: Request, principal: Principal, case: Case, what: str) -> None:
        """A case body's override section: a role that approves, approved by the caller."""
        if case.override is None:
            return
        self.gate.allow(request, "override.approve", what=what, case_id=case.case_id)
        self.check_approver(request, principal, case.override.approved_by)

    @staticmethod
    def check_approver(request: Request, principal: Principal, given: object) -> None:
        """An override is approved by whoever records it: ``given`` must be the caller's name."""
        if given != principal.name:
            w = catalogue(lang_of(request.url.query))
            detail = w("http.detail.approver", name=principal.name, given=repr(given)[:100])
            raise RequestError(detail, status=403, code="request.forbidden")

    def write(
        self, request: Request, q: Query, *, permission: str, what: str, case_id: str, write: Write
    ) -> Response:
        """Write to a stored case under ``If-Match``; answer what was written and the new ETag.

        Raises:
            RequestError: 428 without ``If-Match``, 412 when it is not the
                case's ETag when the write is made (a repeat under an
                idempotency key the case holds excepted), 403 from the gate.
            RnrError: what the write refuses.
        """
        rows = list(self.store.records(case_id=case_id))
        if not rows:
            raise HistoryError(
                f"unknown case, expected a case id held in {self.store.name}",
                case_id=case_id,
                field="case_id",
                value=case_id,
                code="history.case.unknown",
            )
        principal = self.gate.case(
            request, permission, what=what, case_id=case_id, unit=unit_of(rows)
        )
        key = check_key(request.headers.get("idempotency-key"))
        tags = if_match(request, case_id, q.lang)
        current = etag(rows[-1])
        retry = key is not None and keyed(rows, key)
        if not retry and current not in tags:
            raise stale(case_id, current, q.lang)
        watched = Expecting(
            self.store,
            case_id,
            None if retry else current,
            lambda now: stale(case_id, now, q.lang),
            rows,
        )
        try:
            done = write(watched, principal)
        except RequestError:
            raise
        except RnrError as exc:
            now = self.etag_now(case_id)
            if not retry and now != current:  # another write came first: read it again
                raise stale(case_id, now, q.lang) from exc
            raise
        new = etag(watched.last) if watched.last is not None else self.etag_now(case_id)
        headers = {"ETag": new or "", "Location": _address(case_id)}
        status = 200 if done.already_stored else 201
        return _answer(written_document(done), status=status, headers=headers)

    def etag_now(self, case_id: str) -> str | None:
        """The case's ETag as stored now (``None``: no such case)."""
        last = None
        for last in self.store.records(case_id=case_id):  # noqa: B007 - the last one is kept
            pass
        return etag(last) if last is not None else None

    # -- the endpoints -----------------------------------------------------------------------

    def cases(self, app: FastAPI) -> None:
        """``POST /v1/cases`` and ``GET /v1/cases``."""
        store, defs, gate = self.store, self.defs, self.gate

        @app.post("/v1/cases", **spec.open_case())
        def open_one(
            request: Request,
            principal: Annotated[Principal, Depends(self.allowed("case.write", "case.open"))],
            body: Annotated[Any, Depends(self.body())],
        ) -> Response:
            q = Query(request, ("policy", "assessor"))
            case = parse_case(body, file=BODY)
            gate.concerns(request, case.case_id)
            _check_id(case.case_id)
            self.check_override(request, principal, case, "case.open")
            done = open_case(
                store,
                case,
                by=principal.name,
                policy=q.text("policy"),
                assessor=q.text("assessor"),
                defs=defs,
                idempotency_key=request.headers.get("idempotency-key"),
                unit=principal.unit,
                written=True,
            )
            history = done.value
            if done.already_stored:  # a repeat shows the case only to whom may see it
                gate.case(
                    request,
                    "case.write",
                    what="case.open",
                    case_id=case.case_id,
                    unit=history.unit,
                )
            headers = {"ETag": etag(history.records[-1]), "Location": _address(case.case_id)}
            status = 200 if done.already_stored else 201
            return _answer(written_document(done), status=status, headers=headers)

        @app.get("/v1/cases", **spec.list_cases())
        def list_cases(request: Request) -> Response:
            principal = gate.allow(request, "case.read", what="cases.list")
            limit, cursor = Query(request, ("limit", "cursor")).page()
            found = case_page(store, defs=defs, limit=limit, cursor=cursor, unit=principal.unit)
            return _answer(found, headers=_next(request, found["next"]))

    def writes(self, app: FastAPI) -> None:
        """Reassessments, events, plan reviews and overrides of a stored case."""
        defs, body = self.defs, self.body()

        @app.post("/v1/cases/{case_id}/assessments", **spec.reassess())
        def reassess(
            request: Request,
            case_id: str,
            principal: Annotated[Principal, Depends(self.allowed("case.write", "case.reassess"))],
            given: Annotated[Any, Depends(body)],
        ) -> Response:
            q = Query(request, ("corrects", "assessor"))
            corrects = q.whole("corrects", "a record id (a whole number)")
            case = parse_case(given, file=BODY)
            self.check_override(request, principal, case, "case.reassess")

            def stored(store: Store, who: Principal) -> Written[Any]:
                return reassess_case(
                    store,
                    case_id,
                    case,
                    by=who.name,
                    corrects=corrects,
                    assessor=q.text("assessor"),
                    defs=defs,
                    idempotency_key=request.headers.get("idempotency-key"),
                )

            what = "case.reassess"
            return self.write(
                request, q, permission="case.write", what=what, case_id=case_id, write=stored
            )

        @app.post("/v1/cases/{case_id}/events", **spec.record_event())
        def event(
            request: Request,
            case_id: str,
            principal: Annotated[Principal, Depends(self.allowed("case.write", "case.event"))],
            given: Annotated[Any, Depends(body)],
        ) -> Response:
            del principal  # who writes is the one the gate admits to the case, below
            q = Query(request, ())
            kind, on, note, corrects, data = event_body(given)

            def stored(store: Store, who: Principal) -> Written[Any]:
                return record_event(
                    store,
                    case_id,
                    kind,
                    on,
                    by=who.name,
                    note=note,
                    data=data,
                    corrects=corrects,
                    defs=defs,
                    idempotency_key=request.headers.get("idempotency-key"),
                    written=True,
                )

            what = "case.event"
            return self.write(
                request, q, permission="case.write", what=what, case_id=case_id, write=stored
            )

        @app.post("/v1/cases/{case_id}/reviews", **spec.review_plan())
        def review(
            request: Request,
            case_id: str,
            principal: Annotated[Principal, Depends(self.allowed("case.write", "case.review"))],
            given: Annotated[Any, Depends(body)],
        ) -> Response:
            del principal
            q = Query(request, ())
            on, changes, closing = review_body(given)

            def stored(store: Store, who: Principal) -> Written[Any]:
                return review_plan(
                    store,
                    case_id,
                    on,
                    changes,
                    by=who.name,
                    closing=closing,
                    defs=defs,
                    idempotency_key=request.headers.get("idempotency-key"),
                    written=True,
                )

            what = "case.review"
            return self.write(
                request, q, permission="case.write", what=what, case_id=case_id, write=stored
            )

        @app.post("/v1/cases/{case_id}/plan/approval", **spec.approve_plan())
        def approval(
            request: Request,
            case_id: str,
            principal: Annotated[Principal, Depends(self.allowed("case.write", "case.approve"))],
            given: Annotated[Any, Depends(body)],
        ) -> Response:
            del principal
            q = Query(request, ())
            on, version, reference = approval_body(given)

            def stored(store: Store, who: Principal) -> Written[Any]:
                return approve_plan(
                    store,
                    case_id,
                    on,
                    version=version,
                    by=who.name,
                    reference=reference,
                    defs=defs,
                    idempotency_key=request.headers.get("idempotency-key"),
                    written=True,
                )

            what = "case.approve"
            return self.write(
                request, q, permission="case.write", what=what, case_id=case_id, write=stored
            )

        approves = self.allowed("override.approve", "case.override")

        @app.post("/v1/cases/{case_id}/overrides", **spec.override())
        def override(
            request: Request,
            case_id: str,
            principal: Annotated[Principal, Depends(approves)],
            given: Annotated[Any, Depends(body)],
        ) -> Response:
            q = Query(request, ())
            if isinstance(given, dict):
                self.check_approver(request, principal, given.get("approved_by", principal.name))
                given = {**given, "approved_by": principal.name}
            found = parse_override(given)

            def stored(store: Store, who: Principal) -> Written[Any]:
                return add_override(
                    store,
                    case_id,
                    found,
                    by=who.name,
                    defs=defs,
                    idempotency_key=request.headers.get("idempotency-key"),
                    written=True,
                )

            what = "case.override"
            return self.write(
                request, q, permission="override.approve", what=what, case_id=case_id, write=stored
            )

    def reads(self, app: FastAPI) -> None:
        """A case's history, change report and plan in force."""
        defs = self.defs

        @app.get("/v1/cases/{case_id}", **spec.case_history())
        def history(request: Request, case_id: str) -> Response:
            found = self.history(request, "case.history", case_id)
            Query(request, ())
            return _answer(found.to_dict(), headers={"ETag": etag(found.records[-1])})

        @app.get("/v1/cases/{case_id}/change", **spec.case_change())
        def change(request: Request, case_id: str) -> Response:
            found = self.history(request, "case.change", case_id)
            on = Query(request, ("as_of",)).date("as_of")
            report = case_change(found, defs=defs, as_of=on)
            return _answer(report.to_dict(), headers={"ETag": etag(found.records[-1])})

        @app.get("/v1/cases/{case_id}/plan", **spec.case_plan())
        def plan(request: Request, case_id: str) -> Response:
            found = self.history(request, "case.plan", case_id)
            q = Query(request, ("format",))
            kind = q.choice("format", tuple(spec.PLAN_FORMATS), "json")
            if found.plan is None:
                raise HistoryError("no plan in force", case_id=case_id, field="plan")
            headers = {"ETag": etag(found.records[-1])}
            if kind == "json":
                return _answer(plan_document(found.plan), headers=headers)
            labels = load_labels(defs.library.get(str(found.plan.instrument)), q.lang)
            text = render_plan(found.plan, format=kind, lang=q.lang, labels=labels)
            media = f"{spec.PLAN_FORMATS[kind]}; charset=utf-8"
            return Response(text, media_type=media, headers=headers)

    def lists(self, app: FastAPI) -> None:
        """The due list and its counts, indicators and validity: the whole store."""
        store, defs, gate = self.store, self.defs, self.gate

        @app.get("/v1/due", **spec.due())
        def due(request: Request) -> Response:
            principal = gate.allow(request, "case.read", what="due.list")
            q = Query(request, ("as_of", "overdue", "limit", "cursor"))
            as_of = q.date("as_of") or dt.date.today()
            limit, cursor = q.page()
            found = due_page(
                store,
                as_of,
                overdue=q.flag("overdue"),
                unit=principal.unit,
                defs=defs,
                limit=limit,
                cursor=cursor,
            )
            return _answer(found, headers=_next(request, found["next"], as_of=as_of.isoformat()))

        @app.get("/v1/due/counts", **spec.due_counts())
        def counts(request: Request) -> Response:
            principal = gate.allow(request, "aggregate", what="due.counts")
            as_of = Query(request, ("as_of",)).date("as_of") or dt.date.today()
            return _answer(due_totals(store, as_of, unit=principal.unit, defs=defs).to_dict())

        @app.get("/v1/indicators", **spec.indicators())
        def indicators(request: Request) -> Response:
            gate.allow(request, "aggregate", what="indicators")
            q = Query(request, ("period", "programme"))
            period = check_period(q.whole("period", "a year such as 2025"))
            programme = q.text("programme")
            if programme is not None:
                q.choice("programme", PROGRAMMES, programme)
            report = programme_report(store, period=period, programme=programme, defs=defs)
            return _answer(report.to_dict())

        @app.get("/v1/validity", **spec.validity())
        def validity(request: Request) -> Response:
            gate.allow(request, "aggregate", what="validity")
            asked, options = study_request(Query(request, STUDY, STUDY_REPEATED))
            return _answer(store_study(store, asked, defs=defs, **options).to_dict())
