"""Every endpoint under every role: exactly what the matrix below says, and each logged.

The matrix is written out by hand from issue 15's roles (not derived from
``rnr.history.access.PERMISSIONS``, which it checks): ``delegado``
reads and writes the cases of its unit, ``supervisor`` too and approves
overrides and sees aggregates, ``analista`` aggregates only, ``admin``
tokens and definitions only. Besides the four roles of unit ``crs-norte``
(the case's), a delegada of another unit, a revoked token and no token at
all knock on every door.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rnr.cases.parse import parse_case
from rnr.history.access import access_log, add_token, revoke_token
from rnr.history.amend import review_plan
from rnr.history.write import open_case
from rnr.service import create_app
from rnr.simulate import simulate, store_cohort
from rnr.store import SQLiteStore

ROOT = Path(__file__).parent.parent
CASE = json.loads((ROOT / "examples/case.json").read_text("utf-8"))
COHORT = (ROOT / "examples/cohort.jsonl").read_bytes()
UNIT = "crs-norte"
CASE_ID = CASE["case_id"]

#: Who knocks: a name, its role and unit (None: no token; "revoked": a revoked token).
WHO = {
    "delegado": ("delegado", UNIT),
    "supervisor": ("supervisor", UNIT),
    "analista": ("analista", None),
    "admin": ("admin", None),
    "otra_unidad": ("delegado", "crs-sur"),
    "revocado": ("delegado", UNIT),
    "sin_token": None,
}
D, S, A, M, X = "delegado", "supervisor", "analista", "admin", "otra_unidad"
EVERY_ROLE = {D, S, A, M, X}

#: Endpoint → (method, path, body kind, who gets which success status; anyone else 403).
#: A revoked token and no token get 401, except on the public endpoints.
MATRIX: dict[str, tuple[str, str, str, dict[str, int]]] = {
    "health": ("GET", "/health", "", dict.fromkeys(WHO, 200)),
    "openapi": ("GET", "/openapi.json", "", dict.fromkeys(WHO, 200)),
    "docs": ("GET", "/docs", "", dict.fromkeys(WHO, 200)),
    "instruments": ("GET", "/v1/instruments", "", dict.fromkeys(EVERY_ROLE, 200)),
    "instrument": ("GET", "/v1/instruments/lscmi", "", dict.fromkeys(EVERY_ROLE, 200)),
    "case_schema": ("GET", "/v1/instruments/lscmi/schema", "", dict.fromkeys(EVERY_ROLE, 200)),
    "policies": ("GET", "/v1/policies", "", dict.fromkeys(EVERY_ROLE, 200)),
    "policy": ("GET", "/v1/policies/cl-adultos-18216", "", dict.fromkeys(EVERY_ROLE, 200)),
    "score": ("POST", "/v1/score", "case", {D: 200, S: 200, X: 200}),
    "decide": ("POST", "/v1/decide", "case", {D: 200, S: 200, X: 200}),
    "plan": ("POST", "/v1/plan", "case", {D: 200, S: 200, X: 200}),
    "whatif": (
        "POST",
        "/v1/whatif?policy=cl-adultos-18216@2024-01-13&against=cl-adultos-18216@2024-01-14",
        "cohort",
        {D: 200, S: 200, X: 200},
    ),
    "open": ("POST", "/v1/cases", "new", {D: 201, S: 201, X: 201}),
    "list": ("GET", "/v1/cases", "", {D: 200, S: 200, X: 200}),
    "history": ("GET", f"/v1/cases/{CASE_ID}", "", {D: 200, S: 200}),
    "change": ("GET", f"/v1/cases/{CASE_ID}/change", "", {D: 200, S: 200}),
    "current_plan": ("GET", f"/v1/cases/{CASE_ID}/plan", "", {D: 200, S: 200}),
    "reassess": ("POST", f"/v1/cases/{CASE_ID}/assessments", "again", {D: 201, S: 201}),
    "event": ("POST", f"/v1/cases/{CASE_ID}/events", "event", {D: 201, S: 201}),
    "review": ("POST", f"/v1/cases/{CASE_ID}/reviews", "review", {D: 201, S: 201}),
    "approval": ("POST", f"/v1/cases/{CASE_ID}/plan/approval", "approval", {D: 201, S: 201}),
    "override": ("POST", f"/v1/cases/{CASE_ID}/overrides", "override", {S: 201}),
    "due": ("GET", "/v1/due?as_of=2026-06-30", "", {D: 200, S: 200, X: 200}),
    "due_counts": ("GET", "/v1/due/counts?as_of=2026-06-30", "", {S: 200, A: 200}),
    "indicators": ("GET", "/v1/indicators?period=2025", "", {S: 200, A: 200}),
    "validity": ("GET", "/v1/validity?instrument=lscmi&cut=20", "", {S: 200, A: 200}),
}
PUBLIC = {"health", "openapi", "docs"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated store (aggregates to compute) with one case of unit crs-norte."""
    path = tmp_path_factory.mktemp("matrix") / "casos.sqlite3"
    with SQLiteStore(path) as store:
        store_cohort(store, simulate(30, 3, seed=1, intake_years=2))
        open_case(store, parse_case(CASE, file="case.json"), by="ana", unit=UNIT)
    return path


class Door:
    """The service over a fresh copy of the template store, and each knocker's headers."""

    def __init__(self, template: Path, folder: Path) -> None:
        path = folder / "casos.sqlite3"
        shutil.copy(template, path)
        self.store = SQLiteStore(path)
        self.client = TestClient(create_app(store=self.store), raise_server_exceptions=False)
        self.headers: dict[str, dict[str, str]] = {}
        for who, grant in WHO.items():
            if grant is None:
                self.headers[who] = {}
                continue
            secret = add_token(self.store, who, role=grant[0], unit=grant[1], by="admin")
            self.headers[who] = {"Authorization": f"Bearer {secret}"}
        revoke_token(self.store, "revocado", by="admin")

    def etag(self) -> str:
        found = self.client.get(f"/v1/cases/{CASE_ID}", headers=self.headers["supervisor"])
        assert 200 == found.status_code, found.text
        return found.headers["etag"]

    def objective(self) -> str:
        plan = self.client.get(f"/v1/cases/{CASE_ID}/plan", headers=self.headers["supervisor"])
        return str(plan.json()["objectives"][0]["id"])


def _body(kind: str, door: Door, who: str) -> dict[str, Any]:
    """The request's keyword arguments: a valid body (and If-Match) for its endpoint.

    Each knocker's write differs from the others' (a repeat would be answered 200,
    already stored).
    """
    day = f"2025-06-0{1 + list(WHO).index(who)}"
    with_tag: Callable[[dict[str, Any]], dict[str, Any]] = lambda kw: {  # noqa: E731
        **kw,
        "headers": {**kw.get("headers", {}), "if-match": door.etag()},
    }
    if kind == "case":
        return {"json": CASE}
    if kind == "cohort":
        return {"content": COHORT, "headers": {"content-type": "application/x-ndjson"}}
    if kind == "new":
        return {"json": {**CASE, "case_id": f"nuevo-{who}"}}
    if kind == "again":
        again = json.loads((ROOT / "examples/reassessment.json").read_bytes())
        return with_tag({"json": {**again, "assessed_on": day}})
    if kind == "event":
        return with_tag({"json": {"kind": "breach", "on": day, "note": f"visto por {who}"}})
    if kind == "review":
        changes = {door.objective(): {"status": "in_progress", "note": who}}
        return with_tag({"json": {"on": day, "changes": changes}})
    if kind == "approval":  # a new version for each knocker, the court's approval of it
        on = dt.date.fromisoformat(day)
        made = review_plan(
            door.store, CASE_ID, on, {door.objective(): ("in_progress", who)}, by="m"
        )
        assert made.plan is not None
        return with_tag({"json": {"on": day, "version": made.plan.version, "reference": who}})
    if kind == "override":
        override = {"to_level": "high", "direction": "up", "reason": "victim_safety"}
        return with_tag({"json": {**override, "approved_on": "2025-02-01", "approved_by": who}})
    return {}


@pytest.fixture
def door(template: Path, tmp_path: Path) -> Iterator[Door]:
    made = Door(template, tmp_path)
    yield made
    made.store.close()


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_every_role_gets_what_the_matrix_says(door: Door, endpoint: str) -> None:
    method, path, kind, allowed = MATRIX[endpoint]
    for who in WHO:
        kw = _body(kind, door, who)
        kw["headers"] = {**kw.get("headers", {}), **door.headers[who]}
        answer = door.client.request(method, path, **kw)
        expected = allowed.get(who, 401 if who in ("revocado", "sin_token") else 403)
        assert expected == answer.status_code, (who, answer.text[:300])
        if expected >= 400:
            code = "request.unauthenticated" if expected == 401 else "request.forbidden"
            assert code == answer.json()["code"], who
        if endpoint in PUBLIC:
            continue
        last = list(access_log(door.store))[-1].access
        name = "-" if who in ("revocado", "sin_token") else who
        assert (name, expected) == (last.by, last.status), who


def test_another_unit_sees_none_of_the_unit_s_cases(door: Door) -> None:
    """In lists, a delegada of another unit finds no case of crs-norte, only her own."""
    mine = door.headers["otra_unidad"]
    made = door.client.post("/v1/cases", json={**CASE, "case_id": "sur-1"}, headers=mine)
    assert 201 == made.status_code, made.text
    page = door.client.get("/v1/cases?limit=1000", headers=mine).json()
    assert ["sur-1"] == [row["case_id"] for row in page["items"]]
    due = door.client.get("/v1/due?as_of=2026-06-30", headers=mine).json()["items"]
    assert {"sur-1"} >= {row["case_id"] for row in due}
    everyone = door.client.get("/v1/cases?limit=1000", headers=door.headers["supervisor"]).json()
    assert [CASE_ID] == [row["case_id"] for row in everyone["items"]]  # its unit: crs-norte only
