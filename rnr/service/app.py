"""The ASGI application of ``rnr serve``: each endpoint a thin face over the library.

Each endpoint calls the library functions the matching command calls, and
answers exactly the JSON that command prints with ``--json``:

.. code-block:: text

    POST /v1/score                       rnr score --json CASE
    POST /v1/decide                      rnr decide --json --policy ID CASE
    POST /v1/plan                        rnr plan [--json | --format md|html] --policy ID CASE
    POST /v1/whatif                      rnr whatif --json --policy ID@A --against ID@B CASES
    GET  /v1/instruments[/{ref}]         rnr instruments list|show --json
    GET  /v1/instruments/{ref}/schema    rnr instruments schema ID
    GET  /v1/policies[/{ref}]            rnr policies list|show --json
    GET  /health, /openapi.json, /docs
    /v1/cases…, /v1/due…, /v1/indicators, /v1/validity: the case store (rnr.service.cases)

A refusal is a problem document (:mod:`rnr.service.problems`). Bodies are
untrusted JSON, read only up to ``max_body`` bytes (:mod:`rnr.service.guard`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from rnr._frozen import json_default
from rnr.cases.parse import Case, parse_case, read_lines
from rnr.cases.path import compare_cases, decide_case, plan_for, score_one
from rnr.cases.schema import case_schema
from rnr.costs.plan import plan_document
from rnr.dates import DATE_RANGE, parse_date
from rnr.definitions.labels import load_labels
from rnr.definitions.library import described, instrument_list, policy_list
from rnr.errors import CaseFileError, InvalidArgumentError, RnrError
from rnr.history.definitions import Definitions
from rnr.render.messages import LOCALES, catalogue
from rnr.render.plan import render_plan
from rnr.service import openapi
from rnr.service.cases import case_routes
from rnr.service.collector import Collector
from rnr.service.guard import Guard, decode_json, lang_of, read_body, read_text
from rnr.service.identity import AccessLogger, Gate
from rnr.service.problems import MEDIA_TYPE, RequestError, problem, status_of
from rnr.store.protocol import Store

__all__ = ["MAX_BODY", "create_app"]

#: The largest request body read, in bytes (a case is a few kilobytes).
MAX_BODY = 1_048_576
#: Where a case read from a request's body says it was read.
BODY = "<request>"
#: How a request names the instrument of a case that names none.
INSTRUMENT_PARAMETER = "?instrument=ID[@VERSION]"
#: The plan formats: JSON (the draft as data) or a document.
PLAN_FORMATS = {"json": "application/json", "md": "text/markdown", "html": "text/html"}
#: A cohort's media types: a JSON array of cases, or JSON Lines (one case per line).
COHORT_MEDIA = ("application/json", "application/x-ndjson")


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


def create_app(
    defs: Definitions | None = None,
    *,
    store: Store,
    max_body: int = MAX_BODY,
    auth_failures: int = 10,
    replays: int | None = None,
) -> FastAPI:
    """The application, answering with ``defs`` (default: the shipped definitions).

    After a response that leaves no other request under way, it makes the
    garbage collection that would soon fall inside a request
    (:mod:`rnr.service.collector`).

    Args:
        defs: the instruments, policies and objective catalogue.
        store: the case store; its access log holds the tokens and every
            access (:mod:`rnr.service.identity`).
        max_body: the largest request body read, in bytes.
        auth_failures: failed authentications a client address may make in
            a minute before it must wait (``429``).
        replays: the most values of replayed cases the requests share
            (:mod:`rnr.history.memo`: a write after a read of its case
            replays only its new records; ``rnr serve`` shares
            :data:`~rnr.history.memo.SHARED`); ``None`` (the default), each
            request its own. Definitions that already share a memo keep
            theirs. The values are objects the garbage collector walks:
            see docs/performance.md, "Tuning".

    Raises:
        InvalidArgumentError: ``max_body`` is not a positive count.
    """
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise InvalidArgumentError("max_body", max_body, "a count of bytes of at least 1")
    found = (defs if defs is not None else Definitions.shipped()).remembering(replays)
    app = FastAPI(
        title="rnr",
        version=openapi.version(),
        summary="Risk-Need-Responsivity assessment over HTTP",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    gate = Gate(store, failures=auth_failures)
    _routes(app, found, max_body, gate)
    case_routes(app, defs=found, store=store, gate=gate, max_body=max_body)
    _problems(app)
    document = openapi.document(app)
    app.add_api_route("/openapi.json", lambda: _json(document), include_in_schema=False)
    page = openapi.page(document)

    def docs(request: Request) -> Response:
        return HTMLResponse(page(_lang(request)))

    app.add_api_route("/docs", docs, include_in_schema=False)
    app.add_middleware(AccessLogger, store=store)
    app.add_middleware(Guard)
    app.add_middleware(Collector)  # outermost: after the response is sent
    return app


async def _case(request: Request, max_body: int) -> Case:
    body = await read_body(request, limit=max_body, lang=_lang(request))
    case = parse_case(body, file=BODY)
    Gate.concerns(request, case.case_id)
    return case


def _cohort(media: str, text: str, lang: str) -> Iterator[Case]:
    """The cases of a cohort's body, read as they are iterated.

    A case of a JSON array is named by its JSON Pointer (``<request>#/0``), a
    line of JSON Lines by its number (``<request>:3``).

    Raises:
        RequestError: ``case.file.invalid`` (400), the body is not JSON.
        CaseFileError: ``case.file.invalid``, not an array; ``case.file.empty``,
            no case; a case is malformed.
    """
    if media == "application/x-ndjson":
        yield from read_lines(io.StringIO(text, newline=None), BODY)
        return
    found = decode_json(text, lang)
    if not isinstance(found, list):
        expected = "a JSON array of cases (or JSON Lines, as application/x-ndjson)"
        msg = f"got a JSON {type(found).__name__}, expected {expected}"
        raise CaseFileError(msg, file=BODY, code="case.file.invalid")
    if not found:
        raise CaseFileError("no case read: the array is empty", file=BODY, code="case.file.empty")
    for n, obj in enumerate(found):
        yield parse_case(obj, file=f"{BODY}#/{n}")


def _routes(app: FastAPI, defs: Definitions, max_body: int, gate: Gate) -> None:
    library, policies = defs.library, defs.policies
    needs = gate.needs

    @app.get("/health", **openapi.health())
    def health() -> Response:
        return _json({"status": "ok"})

    @app.get(
        "/v1/instruments",
        dependencies=needs("definitions", "instruments.list"),
        **openapi.returns("instrument-list", "list_instruments"),
    )
    def list_instruments() -> Response:
        return _json(instrument_list(library))

    @app.get(
        "/v1/instruments/{ref}",
        dependencies=needs("definitions", "instruments.show"),
        **openapi.returns("instrument", "show_instrument"),
    )
    def show_instrument(ref: str) -> Response:
        return _json(described(library.get(ref)))

    @app.get(
        "/v1/instruments/{ref}/schema",
        dependencies=needs("definitions", "instruments.schema"),
        **openapi.case_schema(),
    )
    def instrument_case_schema(ref: str) -> Response:
        return _json(case_schema(library.get(ref)))

    @app.get(
        "/v1/policies",
        dependencies=needs("definitions", "policies.list"),
        **openapi.returns("policy-list", "list_policies"),
    )
    def list_policies() -> Response:
        return _json(policy_list(policies))

    @app.get(
        "/v1/policies/{ref}",
        dependencies=needs("definitions", "policies.show"),
        **openapi.returns("policy", "show_policy"),
    )
    def show_policy(ref: str) -> Response:
        return _json(described(policies.get(ref)))

    @app.post(
        "/v1/score", dependencies=needs("compute", "score"), **openapi.takes_case("score", "score")
    )
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

    @app.post(
        "/v1/decide",
        dependencies=needs("compute", "decide"),
        **openapi.takes_case("decision", "decide"),
    )
    async def decide(request: Request) -> Response:
        done = await decided(request)
        return _json(done.decision.to_dict())

    @app.post("/v1/plan", dependencies=needs("compute", "plan"), **openapi.plan())
    async def plan(request: Request) -> Response:
        kind = _choice(request, "format", tuple(PLAN_FORMATS), "json")
        lang = _lang(request)
        done = await decided(request)
        draft = plan_for(done)
        if kind == "json":
            return _json(plan_document(draft))
        labels = load_labels(library.get(str(done.result.instrument)), lang)
        text = render_plan(draft, format=kind, lang=lang, labels=labels)
        return Response(text, media_type=f"{PLAN_FORMATS[kind]}; charset=utf-8")

    def policy_named(request: Request, name: str) -> Any:
        ref = request.query_params.get(name)
        if ref is None:
            raise InvalidArgumentError(
                name, None, "a policy: ID (its newest version) or ID@VERSION"
            )
        return policies.get(ref)

    @app.post("/v1/whatif", dependencies=needs("compute", "whatif"), **openapi.whatif())
    async def whatif(request: Request) -> Response:
        lang = _lang(request)
        a, b = policy_named(request, "policy"), policy_named(request, "against")
        instrument = request.query_params.get("instrument")
        if instrument is not None:
            library.get(instrument)
        media, text = await read_text(request, limit=max_body, lang=lang, media=COHORT_MEDIA)

        def compared() -> dict[str, Any]:
            cases = _cohort(media, text, lang)
            found = compare_cases(
                cases,
                lambda _: library,
                a,
                b,
                instrument_ref=instrument,
                option=INSTRUMENT_PARAMETER,
            )
            return found.to_dict()

        # a 1 MiB cohort (500 cases) takes about 0.2 s: off the event loop, which answers others
        return _json(await run_in_threadpool(compared))


def _problems(app: FastAPI) -> None:
    def answer(request: Request, error: RnrError) -> Response:
        body = problem(error, lang_of(request.url.query))
        headers = error.headers if isinstance(error, RequestError) else None
        return JSONResponse(
            body, status_code=status_of(error), media_type=MEDIA_TYPE, headers=headers
        )

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
