"""Helpers of the workspace's tests: a store with accounts, a signed-in client, an LS/CMI form.

The HTTP tests (``test_workspace.py``) and the browser tests
(``test_workspace_browser.py``) fill the same LS/CMI assessment: the
answers of ``examples/case.json`` with one item omitted.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from rnr.history.access import access_log, log_access
from rnr.history.memo import SHARED
from rnr.history.people import add_user
from rnr.store import MemoryStore
from rnr.store.access import Access
from rnr.store.protocol import Store
from rnr.workspace import create_workspace

ROOT = Path(__file__).parent.parent
#: The example LS/CMI case (50 answers, a legal section).
CASE = json.loads((ROOT / "examples" / "case.json").read_text(encoding="utf-8"))
#: The item the tests leave omitted (one point when present; ``true`` in the example).
OMITTED = "drug_problem_current"
#: Every account's password in the tests.
PASSWORD = "clave de prueba 1"
#: The day the tests' workspace takes for today.
TODAY = dt.date(2025, 2, 1)
#: The accounts made in every test store: name, role, unit.
ACCOUNTS = (
    ("ana", "delegado", "crs-1"),
    ("beto", "delegado", "crs-2"),
    ("sara", "supervisor", "crs-1"),
    ("alba", "analista", None),
    ("adan", "admin", None),
)


@functools.cache
def _hashed() -> str:
    """The argon2 hash of :data:`PASSWORD`, as ``add_user`` keeps it (made once: it is slow)."""
    store = MemoryStore()
    add_user(store, "x", role="delegado", password=PASSWORD, by="tests")
    (entry,) = access_log(store)
    return str(entry.access.detail["argon2"])


def accounts(store: Store) -> Store:
    """Make the test accounts in ``store``: the entries ``add_user`` writes, hashed once."""
    for name, role, unit in ACCOUNTS:
        detail = {"name": name, "role": role, "unit": unit, "argon2": _hashed()}
        log_access(store, Access("tests", "-", None, "users.add", detail=detail))
    return store


def token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def client(store: Store | None = None, **kw: Any) -> TestClient:
    """A client of a new workspace over ``store`` (default: a memory store with the accounts)."""
    store = store if store is not None else accounts(MemoryStore())
    base = kw.pop("base_url", "http://testserver")
    kw.setdefault("replays", SHARED)  # as rnr serve makes it
    app = create_workspace(store=store, today=lambda: TODAY, **kw)
    return TestClient(app, base_url=base, follow_redirects=False)


def sign_in(c: TestClient, name: str, password: str = PASSWORD) -> Any:
    """Sign in as ``name``; the answer (a redirect when it worked)."""
    page = c.get("/espacio/entrar")
    return c.post(
        "/espacio/entrar",
        data={"csrf": token(page.text), "usuario": name, "clave": password},
    )


def signed_in(name: str = "ana", store: Store | None = None, **kw: Any) -> TestClient:
    """A client signed in as ``name``."""
    c = client(store, **kw)
    answer = sign_in(c, name)
    assert 303 == answer.status_code, answer.text
    return c


def lscmi_fields(case_id: str = "c-101", *, omit: tuple[str, ...] = (OMITTED,)) -> dict[str, Any]:
    """The form fields of the example LS/CMI assessment, with the items ``omit`` omitted."""
    fields: dict[str, Any] = {
        "instrumento": "lscmi@1.0.0",
        "case_id": case_id,
        "assessed_on": CASE["assessed_on"],
        "person.sex": CASE["person"]["sex"],
        "legal.sanction": "LV",
        "legal.sanction_status": "imposed",
        "legal.sentence_days": "900",
        "legal.sentence_date": "2025-01-02",
        "legal.entry_date": "2025-01-08",
        "accion": "guardar",
    }
    for item, answer in CASE["responses"].items():
        fields[f"r.{item}"] = "omitted" if item in omit else ("true" if answer else "false")
    return fields
