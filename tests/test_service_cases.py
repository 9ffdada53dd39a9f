"""The case store over HTTP (rnr.service.cases): the CLI's answers, ETags, repeats, pages, races.

Each write and read answered over HTTP is compared with what ``rnr case``,
``rnr due``, ``rnr indicators`` and ``rnr validate --db`` print with
``--json`` for the same store file: a write is repeated on the command line,
which writes nothing and prints what is stored (``already_stored``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from rnr.history.access import add_token
from rnr.history.amend import record_event
from rnr.history.memo import SHARED
from rnr.history.shapes import EVENT_CHOICES, EVENT_FIELDS
from rnr.schemas import schema
from rnr.service import create_app
from rnr.service.preconditions import Expecting, etag
from rnr.service.problems import RequestError
from rnr.store import MemoryStore, SQLiteStore
from rnr.store.protocol import Store

ROOT = Path(__file__).parent.parent
CASE = ROOT / "examples" / "case.json"
AGAIN = ROOT / "examples" / "reassessment.json"
FIXED = ROOT / "examples" / "reassessment-corrected.json"
JUVENILE = ROOT / "tests" / "data" / "plans" / "cases" / "prueba-juvenil-01.json"
CASE_ID = "c-101"


def _read(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _valid(name: str, document: Any) -> None:
    """``document`` validates against the shipped schema ``name`` (the OpenAPI's component)."""
    checker = Draft202012Validator.FORMAT_CHECKER
    Draft202012Validator(schema(name), format_checker=checker).validate(document)


class Served:
    """A store, the service over it, and a client per token (its name: its role and unit)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.app = create_app(store=store, replays=SHARED)  # as rnr serve makes it
        self.secrets: dict[str, str] = {}

    def token(self, name: str, role: str, unit: str | None = None) -> dict[str, str]:
        """The headers of a token ``name`` (made on first use)."""
        if name not in self.secrets:
            self.secrets[name] = add_token(self.store, name, role=role, unit=unit, by="admin")
        return {"Authorization": f"Bearer {self.secrets[name]}"}

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    store = SQLiteStore(tmp_path / "cases.sqlite3")
    yield Served(store)
    store.close()


@pytest.fixture
def http(served: Served) -> TestClient:
    return served.client()


@pytest.fixture
def ana(served: Served) -> dict[str, str]:
    """A delegada of no unit (she sees every case): the command line writes as she does."""
    return served.token("ana", "delegado")


@pytest.fixture
def jefa(served: Served) -> dict[str, str]:
    """A supervisor of no unit: she approves overrides."""
    return served.token("jefa", "supervisor")


def _db(served: Served) -> str:
    return served.store.name


def _opened(http: TestClient, headers: dict[str, str], path: Path = CASE) -> Any:
    answer = http.post("/v1/cases", content=path.read_bytes(), headers=_json(headers))
    assert 201 == answer.status_code, answer.text
    return answer


def _json(headers: dict[str, str], **more: str) -> dict[str, str]:
    return {**headers, "content-type": "application/json", **more}


def _problem(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert (status, "application/problem+json") == (
        answer.status_code,
        answer.headers["content-type"],
    ), answer.text
    body: dict[str, Any] = answer.json()
    _valid("problem", body)
    assert code == body["code"], body
    return body


def _cli_json(cli: Any, *argv: str | Path, lines: bool = False) -> Any:
    status, out, err = cli(*argv)
    assert 0 == status, err
    return [json.loads(line) for line in out.splitlines()] if lines else json.loads(out)


class TestSameAsTheCommandLine:
    """The service and `rnr … --json` give the same JSON for the same store and input."""

    def test_open_reassess_correct_event_review(
        self, cli: Any, served: Served, http: TestClient, ana: dict[str, str]
    ) -> None:
        """Each write answers what the command prints; the command's repeat writes nothing."""
        db = _db(served)
        write = ("--db", db, "--by", "ana", "--json")
        opened = _opened(http, ana)
        body = opened.json()
        _valid("case-write", body)
        assert (False, f"/v1/cases/{CASE_ID}") == (
            body["already_stored"],
            opened.headers["location"],
        )
        assert {**body, "already_stored": True} == _cli_json(cli, "case", "add", CASE, *write)

        tag = opened.headers["etag"]
        again = http.post(
            f"/v1/cases/{CASE_ID}/assessments",
            content=AGAIN.read_bytes(),
            headers=_json(ana, **{"if-match": tag}),
        )
        assert 201 == again.status_code, again.text
        _valid("case-write", again.json())
        repeat = _cli_json(cli, "case", "reassess", CASE_ID, AGAIN, *write)
        assert {**again.json(), "already_stored": True} == repeat

        record = again.json()["assessments"][-1]["record"]
        fixed = http.post(
            f"/v1/cases/{CASE_ID}/assessments?corrects={record}",
            content=FIXED.read_bytes(),
            headers=_json(ana, **{"if-match": again.headers["etag"]}),
        )
        assert 201 == fixed.status_code, fixed.text
        argv = ("case", "reassess", CASE_ID, FIXED, "--corrects", str(record), *write)
        assert {**fixed.json(), "already_stored": True} == _cli_json(cli, *argv)

        event = {"kind": "attendance", "on": "2025-07-20", "note": "taller",
                 "component": "apoyo", "scheduled": 4, "attended": 3}  # fmt: skip
        done = http.post(
            f"/v1/cases/{CASE_ID}/events",
            json=event,
            headers={**ana, "if-match": fixed.headers["etag"]},
        )
        assert 201 == done.status_code, done.text
        _valid("event-write", done.json())
        fields = ("--set", "component=apoyo", "--set", "scheduled=4", "--set", "attended=3")
        argv = ("case", "event", CASE_ID, "attendance", "--on", "2025-07-20", "--note", "taller",
                *fields, *write)  # fmt: skip
        assert {**done.json(), "already_stored": True} == _cli_json(cli, *argv)

        plan = http.get(f"/v1/cases/{CASE_ID}/plan", headers=ana)
        objective = plan.json()["objectives"][0]["id"]
        change = {
            "on": "2025-08-01",
            "changes": {objective: {"status": "in_progress", "note": "va"}},
        }
        reviewed = http.post(
            f"/v1/cases/{CASE_ID}/reviews",
            json=change,
            headers={**ana, "if-match": plan.headers["etag"]},
        )
        assert 201 == reviewed.status_code, reviewed.text
        argv = (
            "case",
            "review",
            CASE_ID,
            "--on",
            "2025-08-01",
            "--set",
            f"{objective}=in_progress:va",
            *write,
        )
        assert {**reviewed.json(), "already_stored": True} == _cli_json(cli, *argv)

        history = http.get(f"/v1/cases/{CASE_ID}", headers=ana)
        assert history.json() == _cli_json(cli, "case", "history", CASE_ID, "--db", db, "--json")
        assert reviewed.headers["etag"] == history.headers["etag"]
        _valid("history", history.json())
        for as_of in ("", "?as_of=2025-12-01"):
            change_report = http.get(f"/v1/cases/{CASE_ID}/change{as_of}", headers=ana)
            argv = ["case", "change", CASE_ID, "--db", db, "--json"]
            argv += ["--as-of", "2025-12-01"] if as_of else []
            assert change_report.json() == _cli_json(cli, *argv)
            _valid("change", change_report.json())
        in_force = http.get(f"/v1/cases/{CASE_ID}/plan", headers=ana).json()
        # the plan in force is answered with its expected cost, as POST /v1/plan (docs/costs.md)
        assert "cost" in in_force
        assert history.json()["plans"][-1]["plan"] == {
            k: v for k, v in in_force.items() if k != "cost"
        }
        _valid("plan", in_force)

    def test_the_court_s_approval(
        self, cli: Any, served: Served, http: TestClient, ana: dict[str, str]
    ) -> None:
        """POST …/plan/approval answers what `rnr case approve` prints; the plan prints approved."""
        opened = _opened(http, ana)
        path = f"/v1/cases/{CASE_ID}/plan/approval"
        body = {"on": "2025-02-20", "version": 1, "reference": "RIT O-77-2025"}
        keyed = {"if-match": opened.headers["etag"], "idempotency-key": "aprobar-1"}
        draft = http.get(f"/v1/cases/{CASE_ID}/plan?format=html", headers=ana)
        assert "BORRADOR" in draft.text
        approved = http.post(path, json=body, headers={**ana, **keyed})
        assert 201 == approved.status_code, approved.text
        _valid("case-write", approved.json())
        plan = approved.json()["plans"][-1]["plan"]
        assert ("2025-02-20", "RIT O-77-2025") == (plan["approved_on"], plan["approved_reference"])
        again = http.post(path, json=body, headers={**ana, **keyed})
        assert (200, True) == (again.status_code, again.json()["already_stored"])
        argv = ("case", "approve", CASE_ID, "--on", "2025-02-20", "--plan-version", "1",
                "--reference", "RIT O-77-2025", "--db", _db(served), "--by", "ana",
                "--json")  # fmt: skip
        assert {**approved.json(), "already_stored": True} == _cli_json(cli, *argv)
        shown = http.get(f"/v1/cases/{CASE_ID}/plan?format=html", headers=ana).text
        assert "BORRADOR" not in shown
        assert "Aprobado por el tribunal el 20-02-2025 (resolución RIT O-77-2025)." in shown
        _valid("plan", http.get(f"/v1/cases/{CASE_ID}/plan", headers=ana).json())
        tag = {"if-match": approved.headers["etag"]}
        refused = http.post(path, json={**body, "version": 2}, headers={**ana, **tag})
        _problem(refused, 409, "plan.approval.version")
        early = http.post(path, json={**body, "on": "2020-01-01"}, headers={**ana, **tag})
        _problem(early, 422, "plan.approval.date")
        other = http.post(path, json={**body, "reference": "otra"}, headers={**ana, **tag})
        _problem(other, 409, "plan.approval.repeat")
        wrong = http.post(path, json={**body, "version": "1"}, headers={**ana, **tag})
        _problem(wrong, 422, "argument.invalid")

    def test_the_plan_in_force_is_the_plan_endpoints_draft(
        self, http: TestClient, ana: dict[str, str]
    ) -> None:
        """Before any review, GET …/plan renders what POST /v1/plan drafts of the same case."""
        _opened(http, ana)
        body = CASE.read_bytes()
        for form in ("json", "md", "html"):
            stored = http.get(f"/v1/cases/{CASE_ID}/plan?format={form}&lang=en", headers=ana)
            drafted = http.post(
                f"/v1/plan?format={form}&lang=en&policy=cl-adultos-18216",
                content=body,
                headers=_json(ana),
            )
            assert (200, drafted.text) == (stored.status_code, stored.text)
            assert stored.headers["content-type"] == drafted.headers["content-type"]

    def test_lists_due_indicators_validity(self, cli: Any, tmp_path: Path) -> None:
        """On a simulated store: the case list, the due list and counts, indicators, validity."""
        sim = tmp_path / "sim.sqlite3"
        assert 0 == cli("simulate", "--people", "30", "--years", "3", "--intake-years", "2",
                        "--seed", "1", "--db", sim, "--json")[0]  # fmt: skip
        store = SQLiteStore(sim)
        try:
            on_sim = Served(store)
            http = on_sim.client()
            ana = on_sim.token("ana", "delegado")
            sofia = on_sim.token("sofia", "analista")
            db = str(sim)
            rows = _cli_json(cli, "case", "list", "--db", db, "--json", lines=True)
            page = http.get(f"/v1/cases?limit={len(rows) + 5}", headers=ana).json()
            assert (rows, None) == (page["items"], page["next"])
            _valid("case-page", page)
            printed = {}
            for flag, overdue in (([], "false"), (["--overdue"], "true")):
                lines = _cli_json(cli, "due", "--db", db, "--as-of", "2026-06-30", "--json", *flag,
                                  lines=True)  # fmt: skip
                assert lines, flag
                found = http.get(f"/v1/due?as_of=2026-06-30&overdue={overdue}", headers=ana).json()
                assert (lines, "2026-06-30") == (found["items"], found["as_of"])
                _valid("due-page", found)
                printed[overdue] = len(lines)
            counts = http.get("/v1/due/counts?as_of=2026-06-30", headers=sofia).json()
            expected = {"as_of": "2026-06-30", "due": printed["false"], "overdue": printed["true"]}
            assert expected == counts
            _valid("due-counts", counts)
            for programme in ("", "&programme=LAS"):
                argv = ["indicators", "--period", "2025", "--db", db, "--json"]
                argv += ["--programme", "LAS"] if programme else []
                found = http.get(f"/v1/indicators?period=2025{programme}", headers=sofia).json()
                assert _cli_json(cli, *argv) == found
                _valid("indicators", found)
            for query, argv in (
                ("instrument=lscmi&group=sex&cut=20", ["--instrument", "lscmi", "--group", "sex",
                                                       "--cut", "20"]),
                ("instrument=lscmi&group=sex&group=age_group&norms=true&bootstrap=20&seed=3",
                 ["--instrument", "lscmi", "--group", "sex", "--group", "age_group", "--norms",
                  "--bootstrap", "20", "--seed", "3"]),
                ("instrument=ylscmi&window=6&recalibrate=low=0.5,moderate=0.3,high=0.2",
                 ["--instrument", "ylscmi", "--window", "6",
                  "--recalibrate", "low=0.5,moderate=0.3,high=0.2"]),
            ):  # fmt: skip
                found = http.get(f"/v1/validity?{query}", headers=sofia)
                assert 200 == found.status_code, found.text
                assert _cli_json(cli, "validate", "--db", db, "--json", *argv) == found.json()
                _valid("validity", found.json())
        finally:
            store.close()

    @pytest.mark.parametrize(
        ("query", "argv", "said"),
        [
            ("window=0", ["--window", "0"], "0: expected a whole number of months >= 1"),
            ("expected=bajo=0.1", ["--expected", "bajo=0.1"], '"where the rates come from"'),
            ("recalibrate=bajo", ["--recalibrate", "bajo"], "'bajo' is not KEY=VALUE"),
            (
                "group=sex&reference=a&reference=b",
                ["--group", "sex", "--reference", "a", "--reference", "b"],
                "with several references, write COLUMN=VALUE",
            ),
        ],
    )
    def test_a_study_refused_is_refused_alike(
        self, cli: Any, served: Served, query: str, argv: list[str], said: str
    ) -> None:
        """A validity request that does not go together: 422 over HTTP, exit 2 on the command line.

        Both say the same; the service names a parameter as its query does
        (``window``), the command line as its option (``--window``).
        """
        http = served.client()
        _opened(http, served.token("ana", "delegado"))
        answer = http.get(f"/v1/validity?{query}", headers=served.token("sofia", "analista"))
        body = _problem(answer, 422, "argument.invalid")
        status, _, err = cli("validate", "--db", _db(served), *argv)
        assert (2, True, True) == (status, said in body["detail"], said in err), (body, err)
        assert "--" not in body["detail"]


class TestPreconditions:
    """A write to a stored case needs its current ETag in If-Match: 428 without, 412 when stale."""

    EVENT: ClassVar[dict[str, str]] = {"kind": "breach", "on": "2025-03-01"}

    def test_missing_stale_current(
        self, served: Served, http: TestClient, ana: dict[str, str]
    ) -> None:
        tag = _opened(http, ana).headers["etag"]
        count = served.store.count()
        path = f"/v1/cases/{CASE_ID}/events"
        _problem(
            http.post(path, json=self.EVENT, headers=ana), 428, "request.precondition.required"
        )
        answer = http.post(path, json=self.EVENT, headers={**ana, "if-match": "*"})
        _problem(answer, 428, "request.precondition.required")
        for stale in ('"1-abc"', f"W/{tag}", tag.strip('"')):
            answer = http.post(path, json=self.EVENT, headers={**ana, "if-match": stale})
            _problem(answer, 412, "request.precondition.failed")
            assert tag == answer.headers["etag"]  # the current one, to read the case again
        assert count == served.store.count()  # nothing written
        done = http.post(path, json=self.EVENT, headers={**ana, "if-match": f'"9-x", {tag}'})
        assert 201 == done.status_code, done.text
        assert tag != done.headers["etag"]
        assert done.headers["etag"] == http.get(f"/v1/cases/{CASE_ID}", headers=ana).headers["etag"]
        answer = http.post(
            path, json={**self.EVENT, "on": "2025-03-02"}, headers={**ana, "if-match": tag}
        )
        _problem(answer, 412, "request.precondition.failed")

    def test_every_write_to_a_case_needs_it(
        self, http: TestClient, ana: dict[str, str], jefa: dict[str, str]
    ) -> None:
        _opened(http, ana)
        override = {"to_level": "high", "direction": "up", "reason": "victim_safety",
                    "approved_on": "2025-02-01"}  # fmt: skip
        for path, kw in [
            ("assessments", {"content": AGAIN.read_bytes()}),
            ("events", {"json": self.EVENT}),
            ("reviews", {"json": {"on": "2025-03-01", "changes": {"x": {"status": "achieved"}}}}),
            ("plan/approval", {"json": {"on": "2025-03-01", "version": 1}}),
            ("overrides", {"json": override}),
        ]:
            answer = http.post(f"/v1/cases/{CASE_ID}/{path}", headers=_json(jefa), **kw)
            _problem(answer, 428, "request.precondition.required")

    def test_a_write_that_lands_between_the_check_and_the_block_is_caught(
        self, served: Served
    ) -> None:
        """The check is made again inside the write block: a write landing meanwhile wins alone.

        The store given to the service lets another writer in just before the
        service's write block, after the ETag was checked against the case.
        """
        inner = served.store

        class Intruded:
            def __init__(self) -> None:
                self.once = True

            def write(self, *, by: str) -> Any:
                if self.once:
                    self.once = False
                    record_event(inner, CASE_ID, "breach", _day(5), by="otra", note="antes")
                return inner.write(by=by)

            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

        ana = served.token("ana", "delegado")
        tag = _opened(served.client(), ana).headers["etag"]
        shared = Intruded()
        http = TestClient(create_app(store=shared))  # type: ignore[arg-type]
        answer = http.post(f"/v1/cases/{CASE_ID}/events", json=TestPreconditions.EVENT,
                           headers={**ana, "if-match": tag})  # fmt: skip
        _problem(answer, 412, "request.precondition.failed")
        notes = [e["note"] for e in http.get(f"/v1/cases/{CASE_ID}", headers=ana).json()["events"]]
        assert ["antes"] == notes

    def test_a_write_reads_its_case_once_before_its_block(self, served: Served) -> None:
        """The records read to check the ETag are those the write starts from: not read twice.

        Its block still checks they are all the case's (a write landing
        meanwhile is refused, as the test before holds).
        """
        inner = served.store

        class Counting:
            def __init__(self) -> None:
                self.reads = 0

            def records(self, *, case_id: str | None = None, kind: str | None = None) -> Any:
                self.reads += case_id == CASE_ID
                return inner.records(case_id=case_id, kind=kind)

            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

        ana = served.token("ana", "delegado")
        tag = _opened(served.client(), ana).headers["etag"]
        counting = Counting()
        http = TestClient(create_app(store=counting))  # type: ignore[arg-type]
        answer = http.post(f"/v1/cases/{CASE_ID}/assessments", content=AGAIN.read_bytes(),
                           headers={**_json(ana), "if-match": tag})  # fmt: skip
        assert 201 == answer.status_code, answer.text
        assert 1 == counting.reads
        case = http.get(f"/v1/cases/{CASE_ID}", headers=ana)
        assert case.headers["etag"] == answer.headers["etag"]
        assert {**case.json(), "already_stored": False} == answer.json()

    def test_the_store_refuses_in_the_block(self) -> None:
        """Expecting: the block's first append is refused once the case's last record changed."""
        store = MemoryStore()
        from rnr.store.records import Record  # noqa: PLC0415

        with store.write(by="a") as tx:
            first = tx.append(Record("event", "c-1", _day(1), {"kind": "breach"}))

        def refuse(now: str | None) -> RequestError:
            return RequestError(f"now {now}", status=412, code="request.precondition.failed")

        watched = Expecting(store, "c-1", etag(first), refuse)
        with store.write(by="b") as tx:
            tx.append(Record("event", "c-1", _day(2), {"kind": "breach"}))
        with pytest.raises(RequestError, match="now"), watched.write(by="a") as tx:
            tx.append(Record("event", "c-1", _day(3), {"kind": "breach"}))
        assert 2 == store.count()
        assert watched.last is None


def _day(n: int) -> Any:
    import datetime as dt  # noqa: PLC0415

    return dt.date(2025, 3, n)


class TestRepeats:
    """Idempotency-Key: a repeat is 200 with the same body; the key with another request is 409."""

    def test_open_twice_then_with_another_case(self, http: TestClient, ana: dict[str, str]) -> None:
        keyed = _json(ana, **{"idempotency-key": "alta-101"})
        first = http.post("/v1/cases", content=CASE.read_bytes(), headers=keyed)
        again = http.post("/v1/cases", content=CASE.read_bytes(), headers=keyed)
        assert (201, 200) == (first.status_code, again.status_code)
        assert {**first.json(), "already_stored": True} == again.json()
        assert first.headers["etag"] == again.headers["etag"]
        other = _read(CASE) | {"assessed_on": "2025-01-11"}
        answer = http.post("/v1/cases", json=other, headers={**ana, "idempotency-key": "alta-101"})
        _problem(answer, 409, "history.idempotency.conflict")
        answer = http.post("/v1/cases", json=other, headers=ana)  # without a key: another content
        _problem(answer, 409, "history.case.exists")

    def test_a_retry_is_answered_though_its_etag_is_old(
        self, served: Served, http: TestClient, ana: dict[str, str]
    ) -> None:
        """The retry of a stored write carries the ETag from before it: it is answered, not 412."""
        tag = _opened(http, ana).headers["etag"]
        path = f"/v1/cases/{CASE_ID}/events"
        headers = {**ana, "if-match": tag, "idempotency-key": "ev-1"}
        first = http.post(path, json={"kind": "breach", "on": "2025-03-01"}, headers=headers)
        count = served.store.count()
        again = http.post(path, json={"kind": "breach", "on": "2025-03-01"}, headers=headers)
        assert (201, 200) == (first.status_code, again.status_code)
        assert {**first.json(), "already_stored": True} == again.json()
        assert count == served.store.count()
        other = http.post(path, json={"kind": "breach", "on": "2025-03-02"}, headers=headers)
        _problem(other, 409, "history.idempotency.conflict")
        long = {**headers, "idempotency-key": "k" * 201}
        bad = http.post(path, json={"kind": "breach", "on": "2025-03-02"}, headers=long)
        assert "idempotency_key" == _problem(bad, 422, "argument.invalid")["field"]


class TestPages:
    """GET /v1/cases and /v1/due: every item once, page by page; cursors checked."""

    def _open_many(
        self, http: TestClient, headers: dict[str, str], n: int, prefix: str
    ) -> list[str]:
        case = _read(CASE)
        ids = []
        for k in range(n):
            case_id = f"{prefix}-{k:02d}"
            day = f"2025-01-{10 + k:02d}"
            answer = http.post(
                "/v1/cases", json=case | {"case_id": case_id, "assessed_on": day}, headers=headers
            )
            assert 201 == answer.status_code, answer.text
            ids.append(case_id)
        return ids

    def walk(self, http: TestClient, first: str, headers: dict[str, str]) -> tuple[list[Any], int]:
        items: list[Any] = []
        answer = http.get(first, headers=headers)
        pages = 0
        while True:
            assert 200 == answer.status_code, answer.text
            pages += 1
            body = answer.json()
            items += body["items"]
            if body["next"] is None:
                assert "link" not in answer.headers
                return items, pages
            link = answer.headers["link"]
            assert link.endswith('>; rel="next"')
            assert f"cursor={body['next']}" in link
            answer = http.get(link[1 : link.index(">")], headers=headers)

    def test_every_case_once(self, http: TestClient, ana: dict[str, str]) -> None:
        ids = self._open_many(http, ana, 7, "p")
        items, pages = self.walk(http, "/v1/cases?limit=3", ana)
        assert (ids, 3) == ([i["case_id"] for i in items], pages)
        items, pages = self.walk(http, "/v1/cases?limit=7", ana)
        assert (ids, 1) == ([i["case_id"] for i in items], pages)

    def test_a_case_opened_while_walking_comes_at_the_end(
        self, http: TestClient, ana: dict[str, str]
    ) -> None:
        ids = self._open_many(http, ana, 4, "p")
        first = http.get("/v1/cases?limit=2", headers=ana).json()
        ids += self._open_many(http, ana, 1, "q")
        rest = http.get(f"/v1/cases?limit=2&cursor={first['next']}", headers=ana).json()
        rest2 = http.get(f"/v1/cases?limit=2&cursor={rest['next']}", headers=ana).json()
        seen = [i["case_id"] for page in (first, rest, rest2) for i in page["items"]]
        assert (ids, None) == (seen, rest2["next"])

    def test_the_due_list_once(self, http: TestClient, ana: dict[str, str]) -> None:
        ids = self._open_many(http, ana, 5, "d")
        items, pages = self.walk(http, "/v1/due?as_of=2025-06-01&limit=2", ana)
        assert (sorted(ids), 3) == (sorted(i["case_id"] for i in items), pages)
        assert [(i["due_on"], i["case_id"]) for i in items] == sorted(
            (i["due_on"], i["case_id"]) for i in items
        )

    @pytest.mark.parametrize(
        "query",
        ["limit=0", "limit=1001", "limit=x", "cursor=nada", "cursor=", "limit=1&limit=2", "page=2"],
    )
    def test_a_bad_page_parameter(self, http: TestClient, ana: dict[str, str], query: str) -> None:
        self._open_many(http, ana, 1, "b")
        _problem(http.get(f"/v1/cases?{query}", headers=ana), 422, "argument.invalid")

    def test_a_cursor_of_another_list(self, http: TestClient, ana: dict[str, str]) -> None:
        self._open_many(http, ana, 3, "c")
        cursor = http.get("/v1/due?as_of=2025-06-01&limit=1", headers=ana).json()["next"]
        _problem(http.get(f"/v1/cases?cursor={cursor}", headers=ana), 422, "argument.invalid")


class TestUnits:
    """A token of a unit reads, writes, lists and counts only its unit's cases."""

    def test_units(self, served: Served, http: TestClient) -> None:
        norte = served.token("ana", "delegado", "norte")
        sur = served.token("bea", "delegado", "sur")
        todo = served.token("carla", "delegado")
        sofia_sur = served.token("sofia", "analista", "sur")
        mine = _opened(http, norte)
        theirs = _read(CASE) | {"case_id": "s-1"}
        assert 201 == http.post("/v1/cases", json=theirs, headers=sur).status_code
        assert "norte" == mine.json()["unit"]

        def ids(path: str, headers: dict[str, str]) -> list[str]:
            return [i["case_id"] for i in http.get(path, headers=headers).json()["items"]]

        listed = [ids("/v1/cases", who) for who in (norte, sur, todo)]
        assert [[CASE_ID], ["s-1"], [CASE_ID, "s-1"]] == listed
        due = [ids("/v1/due?as_of=2025-06-01", who) for who in (norte, sur)]
        assert [[CASE_ID], ["s-1"]] == due
        counts = http.get("/v1/due/counts?as_of=2025-12-01", headers=sofia_sur).json()
        assert (1, 1) == (counts["due"], counts["overdue"])
        for path in ("", "/change", "/plan"):
            _problem(http.get(f"/v1/cases/{CASE_ID}{path}", headers=sur), 403, "request.forbidden")
        answer = http.post(f"/v1/cases/{CASE_ID}/events", json=TestPreconditions.EVENT,
                           headers={**sur, "if-match": mine.headers["etag"]})  # fmt: skip
        _problem(answer, 403, "request.forbidden")
        # the same case opened again from another unit is another request: refused, not shown
        answer = http.post("/v1/cases", content=CASE.read_bytes(), headers=_json(sur))
        assert "assessments" not in _problem(answer, 409, "history.case.exists")

    def test_a_row_edited_to_another_unit_shows_nothing(
        self, served: Served, http: TestClient, tmp_path: Path
    ) -> None:
        """The index lists a case under the asker's unit, its records under another: refused."""
        norte = served.token("ana", "delegado", "norte")
        sur = served.token("bea", "delegado", "sur")
        theirs = _read(CASE) | {"case_id": "s-1"}
        assert 201 == http.post("/v1/cases", json=theirs, headers=sur).status_code
        conn = sqlite3.connect(tmp_path / "cases.sqlite3")  # as whoever holds the file could
        with conn:
            conn.execute("UPDATE case_index SET unit = 'norte' WHERE case_id = 's-1'")
        conn.close()
        analyst = served.token("eva", "analista", "norte")
        asked = [("/v1/cases", norte), ("/v1/due?as_of=2025-06-01", norte)]
        for path, token in [*asked, ("/v1/due/counts?as_of=2025-06-01", analyst)]:
            body = _problem(http.get(path, headers=token), 503, "store.integrity")
            assert "s-1" not in json.dumps(body)
        document = http.get("/openapi.json").json()  # an answer the contract declares
        for path in ("/v1/cases", "/v1/due", "/v1/due/counts"):
            assert "503" in document["paths"][path]["get"]["responses"]
        # nor does its own unit's list show it until the row is made again (verify names it)
        assert [] == http.get("/v1/cases", headers=sur).json()["items"]

    def test_a_row_edited_out_of_shape_is_a_problem_not_a_crash(
        self, served: Served, http: TestClient, tmp_path: Path
    ) -> None:
        """A row of the index whose date is not one: the lists that read it answer 503.

        The problem names the record (what verify names too); another unit's
        lists do not read the row, and answer.
        """
        norte = served.token("ana", "delegado", "norte")
        sur = served.token("bea", "delegado", "sur")
        assert 201 == http.post("/v1/cases", json=_read(CASE), headers=norte).status_code
        conn = sqlite3.connect(tmp_path / "cases.sqlite3")  # as whoever holds the file could
        with conn:
            conn.execute("UPDATE case_index SET due_on = 'mañana'")
        conn.close()
        analysts = {u: served.token(f"eva-{u}", "analista", u) for u in ("norte", "sur")}
        asked = [("/v1/due", norte, sur), ("/v1/cases", norte, sur)]
        for path, mine, theirs in [*asked, ("/v1/due/counts", *analysts.values())]:
            body = _problem(http.get(path, headers=mine), 503, "store.integrity")
            assert isinstance(body["record"], int)
            assert 200 == http.get(path, headers=theirs).status_code

    def test_roles(self, served: Served, http: TestClient) -> None:
        ana = served.token("ana", "delegado")
        sofia = served.token("sofia", "analista")
        jefa = served.token("jefa", "supervisor")
        tag = _opened(http, ana).headers["etag"]
        for path in ("/v1/cases", f"/v1/cases/{CASE_ID}", "/v1/due"):
            _problem(http.get(path, headers=sofia), 403, "request.forbidden")
        for path in ("/v1/due/counts", "/v1/indicators?period=2025"):
            _problem(http.get(path, headers=ana), 403, "request.forbidden")
            assert 200 == http.get(path, headers=sofia).status_code
        override = {"to_level": "high", "direction": "up", "reason": "victim_safety",
                    "approved_on": "2025-02-01"}  # fmt: skip
        path = f"/v1/cases/{CASE_ID}/overrides"
        _problem(
            http.post(path, json=override, headers={**ana, "if-match": tag}),
            403,
            "request.forbidden",
        )
        named = override | {"approved_by": "otra"}
        body = _problem(
            http.post(path, json=named, headers={**jefa, "if-match": tag}), 403, "request.forbidden"
        )
        assert "jefa" in body["detail"]
        done = http.post(
            path, json=override | {"approved_by": "jefa"}, headers={**jefa, "if-match": tag}
        )
        assert 201 == done.status_code, done.text
        _valid("case-write", done.json())
        stored = http.get(f"/v1/cases/{CASE_ID}", headers=ana).json()["overrides"][-1]
        assert ("jefa", "jefa") == (
            done.json()["overrides"][-1]["approved_by"],
            stored["approved_by"],
        )
        # a case body's override section is an override too
        with_override = _read(CASE) | {
            "case_id": "o-1",
            "override": override | {"approved_by": "ana"},
        }
        _problem(http.post("/v1/cases", json=with_override, headers=ana), 403, "request.forbidden")
        by_jefa = with_override | {"override": override | {"approved_by": "jefa"}}
        assert 201 == http.post("/v1/cases", json=by_jefa, headers=jefa).status_code


class TestRefusals:
    """Library refusals keep their codes and the service's statuses."""

    def test_statuses(self, served: Served, http: TestClient, ana: dict[str, str]) -> None:
        tag = _opened(http, ana).headers["etag"]
        _problem(http.get("/v1/cases/nadie", headers=ana), 404, "history.case.unknown")
        answer = http.post("/v1/cases/nadie/events", json={"kind": "breach", "on": "2025-03-01"},
                           headers={**ana, "if-match": tag})  # fmt: skip
        _problem(answer, 404, "history.case.unknown")
        path = f"/v1/cases/{CASE_ID}/events"
        for body, code in [
            ({"kind": "picnic", "on": "2025-03-01"}, "history.refused"),
            ({"kind": "breach", "on": "2025-02-30"}, "argument.invalid"),
            ({"kind": "breach"}, "argument.invalid"),
            ({"kind": "attendance", "on": "2025-03-01", "component": "x"}, "history.refused"),
            ([1, 2], "argument.invalid"),
        ]:
            _problem(http.post(path, json=body, headers={**ana, "if-match": tag}), 422, code)
        answer = http.post(
            path, json={"kind": "breach", "on": "2024-01-01"}, headers={**ana, "if-match": tag}
        )
        _problem(answer, 409, "history.date.order")
        closed = http.post(
            path, json={"kind": "discharge", "on": "2025-05-01"}, headers={**ana, "if-match": tag}
        )
        assert 201 == closed.status_code, closed.text
        answer = http.post(f"/v1/cases/{CASE_ID}/assessments", content=AGAIN.read_bytes(),
                           headers=_json(ana, **{"if-match": closed.headers["etag"]}))  # fmt: skip
        _problem(answer, 409, "history.case.closed")
        answer = http.post(f"/v1/cases/{CASE_ID}/reviews",
                           json={"on": "2025-03-01", "changes": {}},
                           headers={**ana, "if-match": closed.headers["etag"]})  # fmt: skip
        _problem(answer, 422, "argument.invalid")
        _problem(http.get(f"/v1/cases/{CASE_ID}?verbose=1", headers=ana), 422, "argument.invalid")
        _problem(
            http.get("/v1/indicators", headers=served.token("s", "analista")),
            422,
            "argument.invalid",
        )
        _problem(
            http.post("/v1/cases", json=_read(CASE) | {"case_id": "a/b"}, headers=ana),
            422,
            "argument.invalid",
        )


class TestConcurrency:
    """Clients writing to one case at once: nothing lost, no review made on a plan unseen."""

    WRITERS = 4
    ROUNDS = 3

    def test_events_and_reviews_at_once(self, served: Served) -> None:
        ana = served.token("ana", "delegado")
        _opened(served.client(), ana)
        start = threading.Barrier(self.WRITERS * 2)
        sent: list[
            tuple[str, int, str]
        ] = []  # (kind, first record written, If-Match it was made on)
        firsts: list[int] = []
        lock = threading.Lock()
        errors: list[str] = []

        def run(n: int, review: bool) -> None:
            http = served.client()
            for r in range(self.ROUNDS):
                attempt = 0
                while True:
                    seen = http.get(f"/v1/cases/{CASE_ID}/plan", headers=ana)
                    tag = seen.headers["etag"]
                    if r == 0 and attempt == 0:
                        start.wait()
                    if review:
                        objective = seen.json()["objectives"][n % len(seen.json()["objectives"])][
                            "id"
                        ]
                        body = {
                            "on": "2025-06-01",
                            "changes": {objective: {"status": "in_progress", "note": f"r{n}-{r}"}},
                        }
                        answer = http.post(
                            f"/v1/cases/{CASE_ID}/reviews",
                            json=body,
                            headers={**ana, "if-match": tag},
                        )
                    else:
                        body = {"kind": "attendance", "on": "2025-06-01", "note": f"e{n}-{r}",
                                "component": "apoyo", "scheduled": 2, "attended": 1}  # fmt: skip
                        answer = http.post(
                            f"/v1/cases/{CASE_ID}/events",
                            json=body,
                            headers={**ana, "if-match": tag},
                        )
                    attempt += 1
                    if answer.status_code == 412:
                        continue
                    if answer.status_code != 201:
                        with lock:
                            errors.append(answer.text)
                        return
                    first = answer.json()["plans"][-1]["id"] if review else answer.json()["id"]
                    with lock:
                        sent.append(("review" if review else "event", first, tag))
                        if r == 0 and attempt == 1:
                            firsts.append(first)
                    break

        threads = [
            threading.Thread(target=run, args=(n, n % 2 == 0)) for n in range(self.WRITERS * 2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert [] == errors
        total = self.WRITERS * 2 * self.ROUNDS
        assert total == len(sent)
        assert 1 == len(
            firsts
        )  # of all who read the case at once, one wrote; the others read again
        rows = list(served.store.records(case_id=CASE_ID))
        at = {row.id: n for n, row in enumerate(rows)}
        for kind, first, tag in sent:  # each write was made on the state its writer had read
            assert etag(rows[at[first] - 1]) == tag, kind
        history = json.loads(served.client().get(f"/v1/cases/{CASE_ID}", headers=ana).text)
        notes = {e["note"] for e in history["events"]}
        assert {
            f"e{n}-{r}" for n in range(1, self.WRITERS * 2, 2) for r in range(self.ROUNDS)
        } == notes
        reviews = [p for p in history["plans"] if p["plan"]["kind"] == "review"]
        assert self.WRITERS * self.ROUNDS == len(reviews)


class TestSchemas:
    """The service's own schemas: their copies of other schemas, and the event kinds' fields."""

    @pytest.mark.parametrize(
        ("page", "part", "line"),
        [("case-page", "CaseLine", "case-list"), ("due-page", "DueLine", "due")],
    )
    def test_a_page_holds_the_line_schema(self, page: str, part: str, line: str) -> None:
        copied = dict(schema(page)["$defs"][part])
        original = {
            k: v for k, v in schema(line).items() if k not in ("$schema", "$id", "title", "$defs")
        }
        assert {**original, "description": copied["description"]} == copied
        assert set(schema(line)["$defs"]) <= set(schema(page)["$defs"])

    def test_the_event_request_has_each_kinds_fields(self) -> None:
        branches = {b["properties"]["kind"]["const"]: b for b in schema("event-request")["oneOf"]}
        assert set(EVENT_FIELDS) == set(branches)
        for kind, fields in EVENT_FIELDS.items():
            branch = branches[kind]
            assert {"kind", "on", "note", "corrects", *fields} == set(branch["properties"])
            assert {"kind", "on", *(n for n, (_, required) in fields.items() if required)} == set(
                branch["required"]
            )
            for (k, name), choices in EVENT_CHOICES.items():
                if k == kind:
                    assert list(choices) == branch["properties"][name]["enum"]

    def test_the_openapi_document_names_the_endpoints(self, http: TestClient) -> None:
        document = http.get("/openapi.json").json()
        paths = {
            "/v1/cases": {"get", "post"},
            "/v1/cases/{case_id}": {"get"},
            "/v1/cases/{case_id}/assessments": {"post"},
            "/v1/cases/{case_id}/events": {"post"},
            "/v1/cases/{case_id}/reviews": {"post"},
            "/v1/cases/{case_id}/plan/approval": {"post"},
            "/v1/cases/{case_id}/overrides": {"post"},
            "/v1/cases/{case_id}/change": {"get"},
            "/v1/cases/{case_id}/plan": {"get"},
            "/v1/due": {"get"},
            "/v1/due/counts": {"get"},
            "/v1/indicators": {"get"},
            "/v1/validity": {"get"},
        }
        for path, methods in paths.items():
            assert methods == set(document["paths"][path]), path
        events = document["paths"]["/v1/cases/{case_id}/events"]["post"]
        assert {"$ref": "#/components/schemas/event-request"} == events["requestBody"]["content"][
            "application/json"
        ]["schema"]
        assert {"200", "201", "412", "428"} <= set(events["responses"])
        names = {p["name"] for p in events["parameters"]}
        assert {"case_id", "If-Match", "Idempotency-Key"} <= names
        for name in (
            "case-page",
            "due-page",
            "due-counts",
            "event-request",
            "review-request",
            "plan-approval-request",
            "override-request",
        ):
            assert name in document["components"]["schemas"]


def test_the_override_body_schema_takes_what_the_endpoint_takes(http: TestClient) -> None:
    """An override body without approved_by validates (the service fills it in)."""
    _valid(
        "override-request",
        {
            "to_level": "high",
            "direction": "up",
            "reason": "victim_safety",
            "approved_on": "2025-02-01",
        },
    )
    _valid("review-request", {"on": "2025-02-01", "changes": {"o-1": {"status": "achieved"}}})
    _valid(
        "event-request",
        {"kind": "attendance", "on": "2025-02-01", "component": "a", "scheduled": 2, "attended": 1},
    )
    with pytest.raises(Exception, match="valid"):
        _valid("event-request", {"kind": "breach", "on": "2025-02-01", "component": "a"})


def test_every_answer_keeps_the_openapi_document(served: Served) -> None:
    """A success and a refusal of each endpoint: status, content type and body as declared."""
    import schemathesis  # noqa: PLC0415 - the contract's reader of the document

    document = schemathesis.openapi.from_asgi("/openapi.json", served.app)
    http = served.client()
    ana, jefa = served.token("ana", "delegado"), served.token("jefa", "supervisor")
    sofia = served.token("sofia", "analista")
    case = f"/v1/cases/{CASE_ID}"
    seen: set[tuple[str, str]] = set()

    def kept(method: str, template: str, answer: Any) -> Any:
        document[template][method].validate_response(answer)
        seen.add((method, template))
        return answer

    opened = kept("POST", "/v1/cases", _opened(http, ana))
    kept("POST", "/v1/cases", http.post("/v1/cases", content=CASE.read_bytes(), headers=_json(ana)))
    tag = opened.headers["etag"]
    event = {"kind": "breach", "on": "2025-03-01"}
    kept("POST", "/v1/cases/{case_id}/events", http.post(f"{case}/events", json=event, headers=ana))
    done = http.post(f"{case}/events", json=event, headers={**ana, "if-match": tag})
    tag = kept("POST", "/v1/cases/{case_id}/events", done).headers["etag"]
    plan = kept("GET", "/v1/cases/{case_id}/plan", http.get(f"{case}/plan", headers=ana))
    for form in ("md", "html"):
        answer = http.get(f"{case}/plan?format={form}", headers=ana)
        kept("GET", "/v1/cases/{case_id}/plan", answer)
    objective = plan.json()["objectives"][0]["id"]
    review = {"on": "2025-03-15", "changes": {objective: {"status": "in_progress"}}}
    answer = http.post(f"{case}/reviews", json=review, headers={**ana, "if-match": '"1-x"'})
    kept("POST", "/v1/cases/{case_id}/reviews", answer)
    answer = http.post(f"{case}/reviews", json=review, headers={**ana, "if-match": tag})
    tag = kept("POST", "/v1/cases/{case_id}/reviews", answer).headers["etag"]
    approval = {"on": "2025-03-16", "version": answer.json()["plans"][-1]["plan"]["version"]}
    answer = http.post(
        f"{case}/plan/approval", json={**approval, "version": 1}, headers={**ana, "if-match": tag}
    )
    kept("POST", "/v1/cases/{case_id}/plan/approval", answer)
    answer = http.post(f"{case}/plan/approval", json=approval, headers={**ana, "if-match": tag})
    tag = kept("POST", "/v1/cases/{case_id}/plan/approval", answer).headers["etag"]
    override = {"to_level": "high", "direction": "up", "reason": "victim_safety",
                "approved_on": "2025-03-20"}  # fmt: skip
    answer = http.post(f"{case}/overrides", json=override, headers={**jefa, "if-match": tag})
    tag = kept("POST", "/v1/cases/{case_id}/overrides", answer).headers["etag"]
    answer = http.post(f"{case}/assessments", content=AGAIN.read_bytes(),
                       headers=_json(ana, **{"if-match": tag}))  # fmt: skip
    kept("POST", "/v1/cases/{case_id}/assessments", answer)
    for method, template, path, who in [
        ("GET", "/v1/cases", "/v1/cases?limit=1", ana),
        ("GET", "/v1/cases/{case_id}", case, ana),
        ("GET", "/v1/cases/{case_id}", "/v1/cases/nadie", ana),
        ("GET", "/v1/cases/{case_id}/change", f"{case}/change", ana),
        ("GET", "/v1/due", "/v1/due?as_of=2025-12-01", ana),
        ("GET", "/v1/due/counts", "/v1/due/counts?as_of=2025-12-01", sofia),
        ("GET", "/v1/indicators", "/v1/indicators?period=2025", sofia),
        ("GET", "/v1/indicators", "/v1/indicators?period=1999", sofia),
        ("GET", "/v1/validity", "/v1/validity?instrument=lscmi", sofia),
    ]:
        kept(method, template, http.get(path, headers=who))
    declared = {
        (method.upper(), path)
        for path, item in document.raw_schema["paths"].items()
        for method in item
        if path.startswith(("/v1/cases", "/v1/due", "/v1/indicators", "/v1/validity"))
    }
    assert declared == seen
