"""The OpenAPI document is a contract the service keeps (schemathesis over ``/openapi.json``).

Schemathesis reads the document ``create_app()`` serves and, for every
operation, sends requests it generates from it, the valid (each parameter,
body and media type as declared, starting from the document's own examples)
and the invalid (a value the document rules out). Every answer must hold to
the document:

* no ``5xx``, for any request;
* its status is one the operation declares, its content type one declared
  for that status, and its body valid against that content's schema (a
  success against its shipped schema, a refusal against ``problem``);
* a request the document rules out is refused (``4xx``), never answered as
  if it were valid.

It talks to the ASGI application in process, with no network. Every request
carries the headers of :func:`service`, the one place that says who is
asking. Hypothesis is derandomized (the ``ci`` profile of ``conftest.py``),
so a failure found in CI is found again on any machine.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from servicekit import bearer

from rnr.history.memo import SHARED
from rnr.service import create_app
from rnr.service.openapi import example_case
from rnr.store import MemoryStore

ROOT = Path(__file__).parent.parent
#: What every answer is checked for.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: Generated requests per operation: a third of the profile's (20 in CI, 333 when thorough).
EXAMPLES = max(1, settings.default.max_examples // 3)


class Service(NamedTuple):
    """The application under test, and the headers every request to it carries."""

    app: FastAPI
    headers: dict[str, str]


def service() -> Service:
    """The application and who asks: a supervisor's bearer token, allowed every operation."""
    store = MemoryStore()
    app = create_app(store=store, replays=SHARED)  # as rnr serve makes it
    return Service(app, bearer(store, "contract", "supervisor"))


def each_from_its_own_address(app: Any) -> Any:
    """``app``, with each request coming from an address of its own.

    Schemathesis also sends requests without a token, or with a wrong one
    (the document says every operation but the health check needs one); the
    service slows down an address after a few failed authentications (``429``,
    tested in ``test_service.py``), which would turn every later answer of
    the run into a ``429``. Each request here is one client's first.
    """
    count = itertools.count(1)

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "client": (f"contract-client-{next(count)}", 50000)}
        await app(scope, receive, send)

    return wrapped


#: Built once, as the module is collected: schemathesis makes one test per operation it reads.
SERVED = service()
DOCUMENT = schemathesis.openapi.from_asgi("/openapi.json", each_from_its_own_address(SERVED.app))


@schemathesis.serializer("application/x-ndjson")
def _json_lines(_: Any, value: Any) -> bytes:
    """A cohort as JSON Lines: each case of the array on its own line (anything else on one)."""
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()


@DOCUMENT.parametrize()
@settings(max_examples=EXAMPLES)
def test_every_answer_keeps_the_document(case: Any) -> None:
    """No 5xx; each status, content type and body as the operation declares them."""
    case.call_and_validate(headers=SERVED.headers, checks=CHECKS)


def test_each_operation_is_a_test_of_its_own(request: pytest.FixtureRequest) -> None:
    """Each operation's test has a node id of its own, naming the operation.

    xdist hands tests to its workers by node id. Schemathesis on pytest 9.2
    gives them all the function's (``conftest.py`` puts the operation back);
    sharing one, they would run as one.
    """
    items = [
        item
        for item in request.session.items
        if getattr(item, "originalname", "") == test_every_answer_keeps_the_document.__name__
    ]
    for item in items:
        assert item.nodeid.endswith(f"[{item.operation_label}]"), item.nodeid  # type: ignore[attr-defined]
    assert len(items) == len({item.nodeid for item in items})


#: A request each stateless operation answers with success: (method, template, path, query).
VALID: list[tuple[str, str, str, dict[str, str]]] = [
    ("GET", "/health", "/health", {}),
    ("GET", "/v1/instruments", "/v1/instruments", {}),
    ("GET", "/v1/instruments/{ref}", "/v1/instruments/lscmi@1.0.0", {}),
    ("GET", "/v1/instruments/{ref}/schema", "/v1/instruments/psa/schema", {}),
    ("GET", "/v1/policies", "/v1/policies", {}),
    ("GET", "/v1/policies/{ref}", "/v1/policies/cl-juvenil-20084", {}),
    ("POST", "/v1/score", "/v1/score", {}),
    ("POST", "/v1/decide", "/v1/decide", {"policy": "cl-adultos-18216"}),
    ("POST", "/v1/plan", "/v1/plan", {"format": "json"}),
    ("POST", "/v1/plan", "/v1/plan", {"format": "md"}),
    ("POST", "/v1/plan", "/v1/plan", {"format": "html", "lang": "en"}),
    (
        "POST",
        "/v1/whatif",
        "/v1/whatif",
        {"policy": "cl-adultos-18216@2024-01-13", "against": "cl-adultos-18216@2024-01-14"},
    ),
]


def test_every_operation_answers_a_valid_request_as_declared() -> None:
    """A success of each stateless operation (each plan format; JSON Lines) keeps the document.

    Generated requests rarely name an instrument or policy that exists, or
    answers an instrument takes; these do, so that each of these declared
    successes is checked against its schema.
    """
    client = TestClient(SERVED.app)
    bodies = {
        "/v1/whatif": ("application/x-ndjson", (ROOT / "examples/cohort.jsonl").read_bytes()),
        "POST": ("application/json", json.dumps(example_case()).encode()),
    }
    for method, template, path, query in VALID:
        headers = dict(SERVED.headers)
        body = None
        if method == "POST":
            media, body = bodies.get(template, bodies["POST"])
            headers["content-type"] = media
        answer = client.request(method, path, params=query, content=body, headers=headers)
        assert 200 == answer.status_code, (path, answer.text[:500])
        DOCUMENT[template][method].validate_response(answer)
    declared = {
        (method.upper(), path)
        for path, item in DOCUMENT.raw_schema["paths"].items()
        for method in item
    }
    assert {(method, template) for method, template, _, _ in VALID} <= declared
