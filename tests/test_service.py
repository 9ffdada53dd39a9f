"""The HTTP service (rnr.service): the same answers as the command line, problems, headers.

Each case answered over HTTP is also run through ``rnr … --json`` in process:
a success gives the very JSON the command prints, a refusal the same code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from servicekit import client_for

from rnr.errors import CODES
from rnr.schemas import names, schema
from rnr.service import create_app
from rnr.service.guard import HEADERS
from rnr.service.openapi import placed
from rnr.store import MemoryStore

ROOT = Path(__file__).parent.parent
#: Every shipped example case, and the test cases of plans.
CASES = sorted(
    [
        *ROOT.glob("examples/*.json"),
        *ROOT.glob("instruments/*/examples/*.json"),
        *ROOT.glob("tests/data/plans/cases/*.json"),
    ]
)
ADULT, YOUTH = "cl-adultos-18216", "cl-juvenil-20084"
POLICY = {"adult": ADULT, "juvenile": YOUTH}
JSON = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for() as made:
        yield made


def _document(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/openapi.json").json()
    return found


def _validator(client: TestClient, name: str) -> Draft202012Validator:
    """A validator of the schema the OpenAPI document declares under ``name``.

    The schema is read in the document, as OpenAPI readers read it: its
    references point into ``components``.
    """
    components = _document(client)["components"]
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": components})


def _policy(path: Path) -> str | None:
    legal = json.loads(path.read_text("utf-8")).get("legal")
    return POLICY.get(legal.get("regime")) if isinstance(legal, dict) else None


def _same(cli: Any, argv: list[str], answer: Any, *, text: bool = False) -> None:
    """``rnr argv`` and the HTTP ``answer`` agree: the same output, or the same error code."""
    status, out, err = cli(*argv)
    if status == 0:
        assert 200 == answer.status_code, answer.text
        assert (out if text else json.loads(out)) == (answer.text if text else answer.json())
        return
    code = cli.json_error(cli(*argv, "--json")[2])["code"]
    assert answer.headers["content-type"] == "application/problem+json"
    assert code == answer.json()["code"], (err, answer.text)
    assert 400 <= answer.status_code < 500


class TestSameAsTheCommandLine:
    """One test drives both faces on every shipped example case."""

    @pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
    def test_score(self, cli: Any, client: TestClient, path: Path) -> None:
        """POST /v1/score answers what `rnr score --json` prints, or refuses with its code."""
        answer = client.post("/v1/score", content=path.read_bytes(), headers=JSON)
        _same(cli, ["score", "--json", str(path)], answer)
        if answer.status_code == 200:
            _validator(client, "score").validate(answer.json())

    def test_score_with_an_instrument(self, cli: Any, client: TestClient) -> None:
        """?instrument= is rnr score's --instrument."""
        path = ROOT / "instruments/psa/examples/psa-01-first-arrest.json"
        answer = client.post(
            "/v1/score?instrument=psa@1.0.0", content=path.read_bytes(), headers=JSON
        )
        _same(cli, ["score", "--json", "--instrument", "psa@1.0.0", str(path)], answer)
        assert 200 == answer.status_code

    @pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
    def test_decide(self, cli: Any, client: TestClient, path: Path) -> None:
        """POST /v1/decide?policy= answers what `rnr decide --json --policy` prints."""
        policy = _policy(path)
        if policy is None:
            answer = client.post("/v1/decide", content=path.read_bytes(), headers=JSON)
            assert (422, "decision.legal.missing") == (answer.status_code, answer.json()["code"])
            return
        answer = client.post(f"/v1/decide?policy={policy}", content=path.read_bytes(), headers=JSON)
        _same(cli, ["decide", "--json", "--policy", policy, str(path)], answer)
        if answer.status_code == 200:
            _validator(client, "decision").validate(answer.json())
            bare = client.post("/v1/decide", content=path.read_bytes(), headers=JSON)
            assert answer.json() == bare.json()  # the regime's policy when none is named

    @pytest.mark.parametrize("path", [p for p in CASES if _policy(p)], ids=lambda p: p.name)
    def test_plan(self, cli: Any, client: TestClient, path: Path) -> None:
        """POST /v1/plan answers `rnr plan --json`, and its Markdown and HTML documents."""
        policy = _policy(path)
        assert policy is not None
        body = path.read_bytes()
        answer = client.post(f"/v1/plan?policy={policy}", content=body, headers=JSON)
        _same(cli, ["plan", "--json", "--policy", policy, str(path)], answer)
        if answer.status_code != 200:
            return
        _validator(client, "plan").validate(answer.json())
        md = client.post(f"/v1/plan?policy={policy}&format=md", content=body, headers=JSON)
        assert md.headers["content-type"].startswith("text/markdown")
        _same(cli, ["plan", "--policy", policy, str(path)], md, text=True)
        html = client.post(
            f"/v1/plan?policy={policy}&format=html&lang=en", content=body, headers=JSON
        )
        assert html.headers["content-type"].startswith("text/html")
        argv = ["plan", "--policy", policy, "--format", "html", "--lang", "en", str(path)]
        _same(cli, argv, html, text=True)

    def test_instruments_and_policies(self, cli: Any, client: TestClient) -> None:
        """The list and show endpoints answer `rnr instruments|policies list|show --json`."""
        for path, argv in [
            ("/v1/instruments", ["instruments", "list", "--json"]),
            ("/v1/instruments/psa", ["instruments", "show", "psa", "--json"]),
            ("/v1/instruments/lscmi@1.0.0", ["instruments", "show", "lscmi@1.0.0", "--json"]),
            ("/v1/instruments/psa/schema", ["instruments", "schema", "psa", "--json"]),
            ("/v1/policies", ["policies", "list", "--json"]),
            ("/v1/policies/cl-juvenil-20084", ["policies", "show", "cl-juvenil-20084", "--json"]),
        ]:
            _same(cli, argv, client.get(path))
        for path, name in [
            ("/v1/instruments", "instrument-list"),
            ("/v1/instruments/ylscmi", "instrument"),
            ("/v1/policies", "policy-list"),
            ("/v1/policies/cl-adultos-18216", "policy"),
        ]:
            _validator(client, name).validate(client.get(path).json())

    @pytest.mark.parametrize(
        "example",
        [
            ("examples/cohort.jsonl", f"{ADULT}@2024-01-13", f"{ADULT}@2024-01-14", None),
            ("examples/cohort.jsonl", ADULT, f"{ADULT}@2024-01-13", "lscmi"),
            ("examples/cohort.jsonl", f"{ADULT}@2024-01-14", ADULT, "lscmi@1.0.0"),
            ("examples/cohort.jsonl", f"{ADULT}@2024-01-13", f"{ADULT}@2024-01-13", None),
            ("juvenile", f"{YOUTH}@2024-01-13", f"{YOUTH}@2024-01-14", None),
            ("examples/cases.jsonl", ADULT, ADULT, None),  # no legal section
            ("bad line", ADULT, ADULT, None),
            ("juvenile", f"{ADULT}@2024-01-13", f"{ADULT}@2024-01-14", None),  # another regime
            ("examples/cohort.jsonl", ADULT, f"{ADULT}@1999-01-01", None),  # no such version
            ("examples/cohort.jsonl", ADULT, ADULT, "psa"),  # not the cases' instrument
            ("examples/cohort.jsonl", ADULT, ADULT, "nope"),
        ],
    )
    def test_whatif(
        self,
        cli: Any,
        client: TestClient,
        tmp_path: Path,
        example: tuple[str, str, str, str | None],
    ) -> None:
        """POST /v1/whatif answers `rnr whatif --json`, the cohort as JSON Lines or a JSON array."""
        cohort, a, b, instrument = example
        path = ROOT / cohort
        if cohort == "juvenile":
            path = tmp_path / "juvenile.jsonl"
            case = json.loads((ROOT / "examples/juvenile-case.json").read_text("utf-8"))
            lines = [{**case, "case_id": f"j-{n}"} for n in range(3)]
            path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
        elif cohort == "bad line":
            path = tmp_path / "bad.jsonl"
            first = (ROOT / "examples/cohort.jsonl").read_text("utf-8").splitlines()[0]
            path.write_text(f"{first}\n\n{{not json\n", "utf-8")
        argv = ["whatif", "--json", "--policy", a, "--against", b, str(path)]
        query = {"policy": a, "against": b}
        if instrument is not None:
            argv[1:1] = ["--instrument", instrument]
            query["instrument"] = instrument
        body = path.read_bytes()
        lines = client.post("/v1/whatif", params=query, content=body, headers=NDJSON)
        _same(cli, argv, lines)
        if lines.status_code == 200:
            _validator(client, "whatif").validate(lines.json())
            array = [json.loads(line) for line in body.splitlines() if line.strip()]
            assert lines.json() == client.post("/v1/whatif", params=query, json=array).json()

    def test_the_case_schema_accepts_the_example_cases(self, client: TestClient) -> None:
        """GET /v1/instruments/{ref}/schema is a schema the instrument's examples satisfy."""
        validator = Draft202012Validator(client.get("/v1/instruments/lscmi/schema").json())
        for path in ROOT.glob("instruments/lscmi/examples/*.json"):
            validator.validate(json.loads(path.read_text("utf-8")))


class TestProblems:
    """Every refusal is a problem (RFC 9457) with the command line's code."""

    def problem(self, client: TestClient, answer: Any, status: int, code: str) -> dict[str, Any]:
        assert (status, "application/problem+json") == (
            answer.status_code,
            answer.headers["content-type"],
        ), answer.text
        body: dict[str, Any] = answer.json()
        _validator(client, "problem").validate(body)
        assert (status, code, f"urn:rnr:error:{code}") == (
            body["status"],
            body["code"],
            body["type"],
        )
        assert "Traceback" not in answer.text
        return body

    def test_malformed_json(self, client: TestClient) -> None:
        """A body that is not JSON is 400, case.file.invalid, as rnr score says of such a file."""
        answer = client.post("/v1/score", content=b'{"case_id": ', headers=JSON)
        body = self.problem(client, answer, 400, "case.file.invalid")
        assert ("<request>", "Solicitud mal formada") == (body["file"], body["title"])
        answer = client.post("/v1/score", content=b"\xff\xfe", headers=JSON)
        self.problem(client, answer, 400, "case.file.invalid")
        nested = b"[" * 200 + b"]" * 200
        self.problem(
            client, client.post("/v1/score", content=nested, headers=JSON), 400, "case.file.invalid"
        )

    def test_a_case_missing_a_field(self, client: TestClient) -> None:
        """A case without its responses is 422 naming the field; titles follow ?lang=."""
        case = {"case_id": "c-1", "assessed_on": "2025-01-02", "instrument": "psa"}
        body = self.problem(client, client.post("/v1/score", json=case), 422, "case.field.missing")
        assert ("responses", "<request>") == (body["field"], body["file"])
        assert "Datos no válidos" == body["title"]
        body = self.problem(
            client, client.post("/v1/score?lang=en", json=case), 422, "case.field.missing"
        )
        assert "Invalid data" == body["title"]

    def test_unknown_instrument_and_policy(self, client: TestClient) -> None:
        """An unknown instrument or policy is 404 with the known ones listed."""
        body = self.problem(client, client.get("/v1/instruments/nope"), 404, "instrument.unknown")
        assert ("nope", "psa") == (body["value"], body["known"][1])
        self.problem(client, client.get("/v1/policies/nope"), 404, "policy.unknown")
        case = json.loads((ROOT / "examples/case.json").read_text("utf-8"))
        answer = client.post("/v1/score?instrument=nope", json={**case, "instrument": None})
        self.problem(client, answer, 404, "instrument.unknown")
        answer = client.post("/v1/decide?policy=nope", json=case)
        self.problem(client, answer, 404, "policy.unknown")

    def test_a_bad_parameter(self, client: TestClient) -> None:
        """A query parameter out of its choices is 422, argument.invalid, naming it."""
        case = json.loads((ROOT / "examples/case.json").read_text("utf-8"))
        answer = client.post("/v1/plan?format=pdf", json=case)
        assert "format" == self.problem(client, answer, 422, "argument.invalid")["field"]
        answer = client.post("/v1/decide?as_of=2025-02-30", json=case)
        assert "as_of" == self.problem(client, answer, 422, "argument.invalid")["field"]

    def test_whatif_refusals(self, cli: Any, client: TestClient) -> None:
        """A cohort that is no array, an empty one, a missing policy, two regimes: each its code."""
        cohort = ROOT / "examples/cohort.jsonl"
        query = {"policy": f"{ADULT}@2024-01-13", "against": f"{ADULT}@2024-01-14"}
        cases = [json.loads(line) for line in cohort.read_text("utf-8").splitlines()]
        answer = client.post("/v1/whatif", params=query, json=cases[0])
        body = self.problem(client, answer, 422, "case.file.invalid")
        assert ("<request>", "got a JSON dict") == (body["file"], body["detail"][11:26])
        for empty, media in ((b"[]", JSON), (b"\n \n", NDJSON)):
            answer = client.post("/v1/whatif", params=query, content=empty, headers=media)
            self.problem(client, answer, 422, "case.file.empty")
        broken = [cases[0], {**cases[1], "assessed_on": "2024-02-30"}]
        answer = client.post("/v1/whatif", params=query, json=broken)
        body = self.problem(client, answer, 422, "case.date.invalid")
        assert ("<request>#/1", "assessed_on") == (body["file"], body["field"])  # a JSON Pointer
        lines = "\n".join(json.dumps(c) for c in broken).encode()
        answer = client.post("/v1/whatif", params=query, content=lines, headers=NDJSON)
        body = self.problem(client, answer, 422, "case.date.invalid")
        assert ("<request>", 2) == (body["file"], body["line"])
        for named, missing in (("policy", "against"), ("against", "policy")):
            answer = client.post("/v1/whatif", params={named: ADULT}, json=cases)
            assert missing == self.problem(client, answer, 422, "argument.invalid")["field"]
        answer = client.post("/v1/whatif", params={**query, "against": YOUTH}, json=cases)
        body = self.problem(client, answer, 422, "argument.invalid")
        assert ("against", f"{YOUTH}@2024-01-14") == (body["field"], body["value"])
        argv = ["whatif", "--policy", query["policy"], "--against", YOUTH, str(cohort)]
        cli.error("usage.invalid", *argv, contains=["adult regime", "juvenile"])  # its own word
        answer = client.post(
            "/v1/whatif",
            params=query,
            content=cohort.read_bytes(),
            headers={"content-type": "text/csv"},
        )
        detail = self.problem(client, answer, 415, "request.media_type")["detail"]
        assert "application/json, application/x-ndjson" in detail

    def test_a_body_over_the_limit_is_refused_before_it_is_read(self) -> None:
        """Past max_body the answer is 413, whether the length is declared or streamed."""
        small = client_for(max_body=64)
        big = b'{"case_id": "' + b"x" * 100 + b'"}'
        answer = small.post("/v1/score", content=big, headers=JSON)
        self.problem(small, answer, 413, "request.too_large")

        def chunks() -> Iterator[bytes]:
            yield big[:50]
            yield big[50:]

        answer = small.post("/v1/score", content=chunks(), headers=JSON)
        self.problem(small, answer, 413, "request.too_large")
        with pytest.raises(Exception, match="max_body"):
            create_app(store=MemoryStore(), max_body=0)

    def test_a_wrong_content_type(self, client: TestClient) -> None:
        """A body that is not application/json is 415, with or without a content type."""
        body = (ROOT / "examples/case.json").read_bytes()
        for headers in ({"content-type": "text/plain"}, {"content-type": "application/xml"}, {}):
            answer = client.post("/v1/score", content=body, headers=headers)
            self.problem(client, answer, 415, "request.media_type")
        answer = client.post(
            "/v1/score", content=body, headers={"content-type": "application/json; charset=utf-8"}
        )
        assert 200 == answer.status_code

    def test_an_unknown_path_or_method(self, client: TestClient) -> None:
        """An unknown path is 404 and a method a path does not take 405: request.unknown."""
        self.problem(client, client.get("/v2/score"), 404, "request.unknown")
        self.problem(client, client.delete("/v1/score"), 405, "request.unknown")

    def test_a_bug_is_a_generic_500(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An exception nobody raised on purpose: 500, a generic detail, no trace, headers kept."""
        import rnr.service.app  # noqa: PLC0415

        def broken(_: object) -> None:
            raise RuntimeError("secret detail of case c-1")

        monkeypatch.setattr(rnr.service.app, "instrument_list", broken)
        app = client_for(raise_server_exceptions=False)
        answer = app.get("/v1/instruments")
        body = self.problem(app, answer, 500, "service.internal")
        assert "secret" not in answer.text
        assert "RuntimeError" not in answer.text
        assert "Error interno" == body["title"]
        for name, value in HEADERS:
            assert value.decode() == answer.headers[name.decode()]


@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["case_id", "assessed_on", "instrument", "responses", "legal", "x"]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=8,
    )
)
def test_any_json_body_is_answered_or_refused_with_a_code(body: object) -> None:
    """Any JSON body to /v1/score and /v1/decide gives 200 or a 4xx problem with a code."""
    client = _shared()
    for path in ("/v1/score", "/v1/decide"):
        answer = client.post(path, content=json.dumps(body), headers=JSON)
        if answer.status_code != 200:
            assert 400 <= answer.status_code < 500, answer.text
            assert answer.json()["code"] in CODES


_CLIENT: list[TestClient] = []


def _shared() -> TestClient:
    if not _CLIENT:
        _CLIENT.append(client_for())
    return _CLIENT[0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/health"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/v1/instruments"),
        ("GET", "/v1/instruments/nope"),
        ("GET", "/nowhere"),
        ("POST", "/v1/score"),
        ("PUT", "/v1/score"),
    ],
)
def test_security_headers_on_every_response(client: TestClient, method: str, path: str) -> None:
    """Every response, success or refusal, carries the security headers."""
    answer = client.request(method, path)
    for name, value in HEADERS:
        assert value.decode() == answer.headers[name.decode()], (name, answer.status_code)


def test_health(client: TestClient) -> None:
    """GET /health says the service answers, and nothing else."""
    answer = client.get("/health")
    assert (200, {"status": "ok"}) == (answer.status_code, answer.json())


def _resolved(document: dict[str, Any], value: Any) -> None:
    """Every ``$ref`` in ``value`` points to a place in ``document``, as OpenAPI readers read it."""
    if isinstance(value, list):
        for item in value:
            _resolved(document, item)
    if not isinstance(value, dict):
        return
    ref = value.get("$ref")
    if isinstance(ref, str):
        assert ref.startswith("#/"), ref
        place: Any = document
        for part in ref.removeprefix("#/").split("/"):
            place = place[part.replace("~1", "/").replace("~0", "~")]
    for item in value.values():
        _resolved(document, item)


class TestOpenAPI:
    """The document is OpenAPI 3.1, and every body it declares is a shipped schema file."""

    def test_version_and_paths(self, client: TestClient) -> None:
        document = _document(client)
        assert document["openapi"].startswith("3.1.")
        assert {
            "/health",
            "/v1/score",
            "/v1/decide",
            "/v1/plan",
            "/v1/instruments",
            "/v1/instruments/{ref}",
            "/v1/instruments/{ref}/schema",
            "/v1/policies",
            "/v1/policies/{ref}",
            "/v1/whatif",
            # the case store (tests/test_service_cases.py)
            "/v1/cases",
            "/v1/cases/{case_id}",
            "/v1/cases/{case_id}/assessments",
            "/v1/cases/{case_id}/events",
            "/v1/cases/{case_id}/reviews",
            "/v1/cases/{case_id}/plan/approval",
            "/v1/cases/{case_id}/overrides",
            "/v1/cases/{case_id}/change",
            "/v1/cases/{case_id}/plan",
            "/v1/due",
            "/v1/due/counts",
            "/v1/indicators",
            "/v1/validity",
        } == set(document["paths"])

    def test_every_declared_schema_is_a_shipped_file(self, client: TestClient) -> None:
        document = _document(client)
        components = document["components"]["schemas"]
        assert set(components) <= set(names())
        for name, found in components.items():
            assert placed(name, schema(name)) == found  # the file, its references in the document
            _resolved(document, found)
        declared = []
        for item in document["paths"].values():
            for operation in item.values():
                bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
                for body in bodies:
                    for media in body.get("content", {}).values():
                        if "schema" in media:
                            declared.append(media["schema"])
        assert declared
        for found in declared:
            named = found
            if found.get("type") == "array":  # a cohort: an array of cases
                assert {"type", "minItems", "items"} == set(found), found
                named = found["items"]
            assert set(named) == {"$ref"}, found
            assert named["$ref"].removeprefix("#/components/schemas/") in components
        score = document["paths"]["/v1/score"]["post"]
        assert {"$ref": "#/components/schemas/case"} == score["requestBody"]["content"][
            "application/json"
        ]["schema"]

    def test_the_docs_page_lists_every_operation_and_loads_nothing(
        self, client: TestClient
    ) -> None:
        page = client.get("/docs?lang=en")
        assert page.headers["content-type"].startswith("text/html")
        for path in _document(client)["paths"]:
            assert f"<code>{path}</code>" in page.text
        assert "<script" not in page.text
        assert "http" not in page.text.split("<body>", 1)[1]  # no external resource


class TestServe:
    """`rnr serve` starts uvicorn on loopback, or says how to install the extra."""

    def test_loopback_by_default(self, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        import uvicorn  # noqa: PLC0415

        seen: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
        status, out, err = cli("serve")
        created = Path(os.environ["XDG_DATA_HOME"]) / "rnr" / "rnr.sqlite3"
        assert (0, "", f"rnr: nota: se creó un registro de casos nuevo en {created}\n") == (
            status,
            out,
            err,
        )
        assert ("127.0.0.1", 8000) == (seen["host"], seen["port"])
        assert cli("serve", "--host", "0.0.0.0", "--port", "9000")[0] == 0
        assert ("0.0.0.0", 9000) == (seen["host"], seen["port"])
        cli.refused("serve", "--port", "70000", contains=["--port"])

    def test_without_the_extra(self, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        import importlib  # noqa: PLC0415

        real = importlib.import_module

        def missing(name: str, package: str | None = None) -> Any:
            if name == "uvicorn":
                raise ModuleNotFoundError("No module named 'uvicorn'", name="uvicorn")
            return real(name, package)

        monkeypatch.setattr("rnr.cli.serve.importlib.import_module", missing)
        cli.error(
            "usage.extra.missing",
            "serve",
            contains=["pip install 'rnr-engine[service]'"],
            as_json=False,
        )
