"""The OpenAPI 3.1 document of the service, built from the shipped JSON Schemas.

Each request and response body is described by one of the schema files in
``rnr/schemas`` (the very files the command line's ``--json`` output is
tested against), placed under ``components/schemas`` (:func:`placed`: as
written, with their inner references pointing to the same place in the
document) and named there by ``$ref``: no second model of any document.
Each case body has a shipped example case as its example. FastAPI takes these raw
schemas through ``responses=`` and ``openapi_extra`` and writes the rest of
the document (paths, operations, parameters).

``/docs`` is a small page of our own, served from the package: the
operations of the document, each with its method, path and summary, and a
link to ``/openapi.json`` (no script, no external CDN).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from rnr import schemas
from rnr.render.messages import catalogue
from rnr.service.problems import MEDIA_TYPE

__all__ = [
    "case_schema",
    "document",
    "example_case",
    "health",
    "operation",
    "page",
    "parameter",
    "placed",
    "plan",
    "returns",
    "takes_case",
    "version",
    "whatif",
]

_REF = "#/components/schemas/"
_STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
    "td,th{padding:.2rem .6rem;text-align:left}"
)


def version() -> str:
    """rnr's version, the version of the API document."""
    from rnr._version import __version__  # noqa: PLC0415 - read once, at start-up

    return __version__


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{name}"}


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    body = {MEDIA_TYPE: {"schema": _ref("problem")}}
    return {status: {"description": "a problem (RFC 9457)", "content": body} for status in statuses}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_LANG = _query("lang", "language of the problem titles and of a plan document", enum=["es", "en"])
_INSTRUMENT = _query("instrument", "the instrument, ID or ID@VERSION (default: the case's own)")
_POLICY = _query(
    "policy",
    "the policy, ID (the version in force) or ID@YYYY-MM-DD "
    "(default: the policy of the case's regime that reads its instrument)",
)
_AS_OF = _query("as_of", "choose the version of a bare policy id in force on this date")


def health() -> dict[str, Any]:
    """The keyword arguments of ``GET /health``."""
    ok = {"content": {"application/json": {"example": {"status": "ok"}}}, "description": "alive"}
    return {"summary": "the service answers", "operation_id": "health", "responses": {200: ok}}


def returns(name: str, operation: str) -> dict[str, Any]:
    """The keyword arguments of a ``GET`` answering the document of schema ``name``."""
    content = {"application/json": {"schema": _ref(name)}}
    about = catalogue("en")(f"schemas.{name}")
    return {
        "summary": about,
        "operation_id": operation,
        "responses": {200: {"description": about, "content": content}, **_problems(404, 500)},
    }


def case_schema() -> dict[str, Any]:
    """The keyword arguments of ``GET /v1/instruments/{ref}/schema`` (a JSON Schema)."""
    about = "the JSON Schema (draft 2020-12) of a case scored with one instrument version"
    return {
        "summary": about,
        "operation_id": "instrument_case_schema",
        "responses": {
            200: {"description": about, "content": {"application/json": {}}},
            **_problems(404, 500),
        },
    }


def example_case() -> dict[str, Any]:
    """The example of a case body: a shipped LS/CMI example case with a legal section."""
    from rnr.definitions.library import data_dir  # noqa: PLC0415 - read once, at start-up

    path = data_dir() / "instruments" / "lscmi" / "examples" / "lscmi-01-first-conviction.json"
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _case_body(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    media = {"schema": _ref("case"), "example": example_case()}
    body = {"required": True, "content": {"application/json": media}}
    return {"requestBody": body, "parameters": parameters}


def takes_case(name: str, operation: str) -> dict[str, Any]:
    """The keyword arguments of a ``POST`` taking a case and answering schema ``name``."""
    parameters = (
        [_INSTRUMENT, _LANG] if operation == "score" else [_POLICY, _AS_OF, _INSTRUMENT, _LANG]
    )
    about = catalogue("en")(f"schemas.{name}")
    content = {"application/json": {"schema": _ref(name)}}
    return {
        "summary": about,
        "operation_id": operation,
        "openapi_extra": _case_body(parameters),
        "responses": {
            200: {"description": about, "content": content},
            **_problems(400, 404, 413, 415, 422, 500),
        },
    }


def plan() -> dict[str, Any]:
    """The keyword arguments of ``POST /v1/plan``: a draft as JSON, Markdown or HTML."""
    about = "a draft intervention plan (PII): JSON, or a Markdown or HTML document"
    form = _query(
        "format", "json (the draft as data, the default), md or html", enum=["json", "md", "html"]
    )
    content = {
        "application/json": {"schema": _ref("plan")},
        "text/markdown": {},
        "text/html": {},
    }
    return {
        "summary": about,
        "operation_id": "plan",
        "openapi_extra": _case_body([_POLICY, _AS_OF, _INSTRUMENT, form, _LANG]),
        "responses": {
            200: {"description": about, "content": content},
            **_problems(400, 404, 413, 415, 422, 500),
        },
    }


def whatif() -> dict[str, Any]:
    """The keyword arguments of ``POST /v1/whatif``: a cohort decided under two policies."""
    about = catalogue("en")("schemas.whatif")
    cohort = {"type": "array", "minItems": 1, "items": _ref("case")}
    media = {"schema": cohort, "example": [example_case()]}
    body = {
        "required": True,
        "description": "the cohort: a JSON array of cases, or the same cases as JSON Lines "
        "(application/x-ndjson: one case per line)",
        "content": {"application/json": media, "application/x-ndjson": media},
    }
    policy = "ID (its newest version) or ID@YYYY-MM-DD"
    a, b = "cl-adultos-18216@2024-01-13", "cl-adultos-18216@2024-01-14"
    parameters = [
        {**_query("policy", f"the current policy: {policy}"), "required": True, "example": a},
        {
            **_query("against", f"the policy compared, of the same regime: {policy}"),
            "required": True,
            "example": b,
        },
        _query(
            "instrument",
            "the instrument of every case, ID or ID@VERSION (default: each case's own)",
        ),
        _LANG,
    ]
    content = {"application/json": {"schema": _ref("whatif")}}
    return {
        "summary": about,
        "operation_id": "whatif",
        "openapi_extra": {"requestBody": body, "parameters": parameters},
        "responses": {
            200: {"description": about, "content": content},
            **_problems(400, 404, 413, 415, 422, 500),
        },
    }


def parameter(
    name: str, where: str, description: str, *, required: bool = False, **schema: Any
) -> dict[str, Any]:
    """A parameter of an operation: ``where`` is ``query``, ``header`` or ``path``."""
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def operation(
    operation_id: str,
    *,
    summary: str,
    answers: Mapping[int, tuple[str, Mapping[str, str | None]]],
    problems: tuple[int, ...],
    parameters: tuple[dict[str, Any], ...] = (),
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The keyword arguments of an operation whose bodies are shipped schemas.

    Args:
        operation_id: the operation's id.
        summary: what it does.
        answers: status → (description, media type → schema name or ``None``
            for a document without one).
        problems: the statuses it refuses with, each a problem.
        parameters: its parameters (:func:`parameter`).
        body: the schema of its JSON request body, if it takes one.
        headers: response headers every answer carries: name → description.
    """
    described = {
        name: {"description": about, "schema": {"type": "string"}}
        for name, about in (headers or {}).items()
    }
    responses: dict[int | str, dict[str, Any]] = {
        status: {
            "description": about,
            "content": {
                media: ({"schema": _ref(name)} if name else {}) for media, name in media.items()
            },
            **({"headers": described} if described and status < 300 else {}),
        }
        for status, (about, media) in answers.items()
    }
    responses.update(_problems(*problems, 500))
    extra: dict[str, Any] = {"parameters": [*parameters, _LANG]}
    if body is not None:
        content = {"application/json": {"schema": _ref(body)}}
        extra["requestBody"] = {"required": True, "content": content}
    return {
        "summary": summary,
        "operation_id": operation_id,
        "openapi_extra": extra,
        "responses": responses,
    }


def _named(value: Any) -> set[str]:
    """The schema names every ``$ref`` in ``value`` points to."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        here = {ref.removeprefix(_REF)} if isinstance(ref, str) and ref.startswith(_REF) else set()
        return here.union(*(_named(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_named(v) for v in value))
    return set()


def placed(name: str, found: dict[str, Any]) -> dict[str, Any]:
    """The schema file ``found`` as ``components/schemas/<name>`` of the document.

    A schema file is its own document: its ``$id`` names it, and its
    references (``#/$defs/date``) point into itself. Under
    ``components/schemas`` a reference is read from the root of the OpenAPI
    document, so each one is rewritten to the same place there
    (``#/components/schemas/case/$defs/date``) and ``$id`` is left out (it
    would make a reader resolve them against the file's address instead).
    Nothing else changes.

    >>> placed("x", {"$id": "x.json", "$defs": {"d": {}}, "items": {"$ref": "#/$defs/d"}})
    {'$defs': {'d': {}}, 'items': {'$ref': '#/components/schemas/x/$defs/d'}}
    """

    def moved(value: Any) -> Any:
        if isinstance(value, dict):
            ref = value.get("$ref")
            out = {key: moved(item) for key, item in value.items()}
            if isinstance(ref, str) and ref.startswith("#"):
                out["$ref"] = f"{_REF}{name}{ref.removeprefix('#')}"
            return out
        if isinstance(value, list):
            return [moved(item) for item in value]
        return value

    copied: dict[str, Any] = moved({k: v for k, v in found.items() if k != "$id"})
    return copied


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``, with the shipped schemas it names."""
    found = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description="rnr: score, decide and draft over HTTP (docs/service.md). "
        "Every schema is a file of rnr/schemas; every refusal is a problem (RFC 9457).",
        routes=app.routes,
    )
    for item in found["paths"].values():
        for operation in item.values():
            # FastAPI's own answer to a path parameter it could not read: a str always reads
            if "HTTPValidationError" in str(operation["responses"].get("422", "")):
                del operation["responses"]["422"]
            for answer in operation["responses"].values():
                for media in answer.get("content", {}).values():
                    if media.get("schema") == {}:  # FastAPI's "any JSON": we say none
                        del media["schema"]
    found.setdefault("components", {})["schemas"] = {
        name: placed(name, schemas.schema(name)) for name in sorted(_named(found["paths"]))
    }
    _secured(found)
    return found


#: Operations anyone may call, without a token.
PUBLIC = ("/health",)
#: Why an operation that reads the store (every one that needs a token) may answer 503.
_STORE_REFUSAL = (
    "the case store cannot answer: busy or unreachable, or a record or a value kept"
    " beside it no longer matches what was written (store.*)"
)


def _secured(found: dict[str, Any]) -> None:
    """Every operation but the public ones needs a bearer token: its scheme and its refusals."""
    found["components"]["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "a token made with rnr tokens add (docs/service.md)",
        }
    }
    refusal = {"application/problem+json": {"schema": _ref("problem")}}
    for path, item in found["paths"].items():
        for operation in item.values():
            if path in PUBLIC:
                operation["security"] = []
                continue
            operation["security"] = [{"bearer": []}]
            for status, what in (
                ("401", "no token, or one unknown or revoked (request.unauthenticated)"),
                ("403", "the token's role or unit does not allow it (request.forbidden)"),
                ("429", "too many failed authentications lately (request.throttled)"),
                ("503", _STORE_REFUSAL),
            ):
                operation["responses"].setdefault(status, {"description": what, "content": refusal})


def page(found: dict[str, Any]) -> Callable[[str], str]:
    """The ``/docs`` page of the document ``found``, in a language: every operation listed."""
    rows = [
        (method.upper(), path, str(operation.get("summary", "")))
        for path, item in found["paths"].items()
        for method, operation in item.items()
    ]

    def text(lang: str) -> str:
        w = catalogue(lang)
        cells = "\n".join(
            f"<tr><td><code>{html.escape(m)}</code></td><td><code>{html.escape(p)}</code></td>"
            f"<td>{html.escape(s)}</td></tr>"
            for m, p, s in rows
        )
        return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(w("http.docs.title"))}</title>
<style>{_STYLE}</style>
</head><body>
<h1>{html.escape(w("http.docs.title"))} {html.escape(str(found["info"]["version"]))}</h1>
<p>{html.escape(w("http.docs.intro"))}</p>
<p><a href="/openapi.json">{html.escape(w("http.docs.document"))}</a></p>
<table><thead><tr><th>{html.escape(w("http.docs.operation"))}</th><th>{html.escape(w("http.docs.path"))}</th><th>{html.escape(w("http.docs.summary"))}</th></tr></thead>
<tbody>
{cells}
</tbody></table>
</body></html>
"""

    return text
