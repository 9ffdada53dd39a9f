"""The ASGI application of ``rnr serve``: each endpoint a thin face over the library.

Each endpoint calls the library functions the matching command calls, and
answers exactly the JSON that command prints with ``--json``:

.. code-block:: text

    POST /v1/score                       rnr score --json CASE
    POST /v1/decide                      rnr decide --json --policy ID CASE
    POST /v1/plan                        rnr plan [--json | --format md|html] --policy ID CASE
    GET  /v1/instruments[/{ref}]         rnr instruments list|show --json
    GET  /v1/instruments/{ref}/schema    rnr instruments schema ID
    GET  /v1/policies[/{ref}]            rnr policies list|show --json
    GET  /health, /openapi.json, /docs

A refusal is a problem document (:mod:`rnr.service.problems`). Bodies are
untrusted JSON, read only up to ``max_body`` bytes (:mod:`rnr.service.guard`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from rnr._frozen import json_default
from rnr.cases.parse import Case, parse_case
from rnr.cases.path import decide_case, plan_for, score_one
from rnr.cases.schema import case_schema
from rnr.dates import DATE_RANGE, parse_date
from rnr.definitions.labels import load_labels
from rnr.definitions.library import described, instrument_list, policy_list
from rnr.errors import InvalidArgumentError, RnrError
from rnr.history.definitions import Definitions
from rnr.render.messages import LOCALES, catalogue
from rnr.render.plan import render_plan
from rnr.service import openapi
from rnr.service.guard import Guard, lang_of, read_body
from rnr.service.problems import MEDIA_TYPE, RequestError, problem, status_of

__all__ = ["MAX_BODY", "create_app"]

#: The largest request body read, in bytes (a case is a few kilobytes).
MAX_BODY = 1_048_576
#: Where a case read from a request's body says it was read.
BODY = "<request>"
#: How a request names the instrument of a case that names none.
INSTRUMENT_PARAMETER = "?instrument=ID[@VERSION]"
#: The plan formats: JSON (the draft as data) or a document.
PLAN_FORMATS = {"json": "application/json", "md": "text/markdown", "html": "text/html"}


def _json(value: Any) -> Response:
    text = json.dumps(value, ensure_ascii=False, default=json_default)
    return Response(text, media_type="application/json")


def _choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    given = request.query_params.get(name, default)
    if given not in allowed:
        raise InvalidArgumentError(name, given, "one of " + ", ".join(allowed))
    return given


def _lang(request: Request) -> str:
    return _choice(request, "lang", LOCALES, LOCALES[0])


def create_app(defs: Definitions | None = None, *, max_body: int = MAX_BODY) -> FastAPI:
    """The application, answering with ``defs`` (default: the shipped definitions).

    Args:
        defs: the instruments, policies and objective catalogue.
        max_body: the largest request body read, in bytes.

    Raises:
        InvalidArgumentError: ``max_body`` is not a positive count.
    """
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise InvalidArgumentError("max_body", max_body, "a count of bytes of at least 1")
    found = defs if defs is not None else Definitions.shipped()
    app = FastAPI(
        title="rnr",
        version=openapi.version(),
        summary="Risk-Need-Responsivity assessment over HTTP",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    _routes(app, found, max_body)
    _problems(app)
    document = openapi.document(app)
    app.add_api_route("/openapi.json", lambda: _json(document), include_in_schema=False)
    page = openapi.page(document)

    def docs(request: Request) -> Response:
        return HTMLResponse(page(_lang(request)))

    app.add_api_route("/docs", docs, include_in_schema=False)
    app.add_middleware(Guard)
    return app


async def _case(request: Request, max_body: int) -> Case:
    body = await read_body(request, limit=max_body, lang=_lang(request))
    return parse_case(body, file=BODY)


def _routes(app: FastAPI, defs: Definitions, max_body: int) -> None:
    library, policies = defs.library, defs.policies

    @app.get("/health", **openapi.health())
    def health() -> Response:
        return _json({"status": "ok"})

    @app.get("/v1/instruments", **openapi.returns("instrument-list", "list_instruments"))
    def list_instruments() -> Response:
        return _json(instrument_list(library))

    @app.get("/v1/instruments/{ref}", **openapi.returns("instrument", "show_instrument"))
    def show_instrument(ref: str) -> Response:
        return _json(described(library.get(ref)))

    @app.get("/v1/instruments/{ref}/schema", **openapi.case_schema())
    def instrument_case_schema(ref: str) -> Response:
        return _json(case_schema(library.get(ref)))

    @app.get("/v1/policies", **openapi.returns("policy-list", "list_policies"))
    def list_policies() -> Response:
        return _json(policy_list(policies))

    @app.get("/v1/policies/{ref}", **openapi.returns("policy", "show_policy"))
    def show_policy(ref: str) -> Response:
        return _json(described(policies.get(ref)))

    @app.post("/v1/score", **openapi.takes_case("score", "score"))
    async def score(request: Request) -> Response:
        case = await _case(request, max_body)
        ref = request.query_params.get("instrument")
        return _json(score_one(case, library, ref, option=INSTRUMENT_PARAMETER).to_dict())

    async def decided(request: Request) -> Any:
        case = await _case(request, max_body)
        as_of = request.query_params.get("as_of")
        try:
            on = parse_date(as_of) if as_of is not None else None
        except ValueError:
            raise InvalidArgumentError("as_of", as_of, DATE_RANGE) from None
        return decide_case(
            case,
            library,
            policies,
            request.query_params.get("policy"),
            instrument_ref=request.query_params.get("instrument"),
            as_of=on,
            option=INSTRUMENT_PARAMETER,
        )

    @app.post("/v1/decide", **openapi.takes_case("decision", "decide"))
    async def decide(request: Request) -> Response:
        done = await decided(request)
        return _json(done.decision.to_dict())

    @app.post("/v1/plan", **openapi.plan())
    async def plan(request: Request) -> Response:
        kind = _choice(request, "format", tuple(PLAN_FORMATS), "json")
        lang = _lang(request)
        done = await decided(request)
        draft = plan_for(done)
        if kind == "json":
            return _json(draft.to_dict())
        labels = load_labels(library.get(str(done.result.instrument)), lang)
        text = render_plan(draft, format=kind, lang=lang, labels=labels)
        return Response(text, media_type=f"{PLAN_FORMATS[kind]}; charset=utf-8")


def _problems(app: FastAPI) -> None:
    def answer(request: Request, error: RnrError) -> Response:
        body = problem(error, lang_of(request.url.query))
        return JSONResponse(body, status_code=status_of(error), media_type=MEDIA_TYPE)

    async def rnr_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RnrError)
        return answer(request, exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        w = catalogue(lang_of(request.url.query))
        path = request.url.path
        if exc.status_code == 405:
            detail = w("http.detail.method", path=path, method=request.method)
        else:
            detail = w("http.detail.unknown_path", path=path)
        status = exc.status_code if exc.status_code in (404, 405) else 404
        return answer(request, RequestError(detail, status=status, code="request.unknown"))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        error = InvalidArgumentError(where or "request", None, str(first.get("msg", "")))
        return answer(request, error)

    app.add_exception_handler(RnrError, rnr_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
