"""Clients of the HTTP service for the tests: an application over a store, with a token.

Every endpoint but /health, /openapi.json and /docs needs a bearer token
(rnr.service.identity); these helpers make the store, the token and a
FastAPI test client that sends it.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from rnr.history.access import add_token
from rnr.service import create_app
from rnr.store import MemoryStore
from rnr.store.protocol import Store


def bearer(store: Store, name: str, role: str, unit: str | None = None) -> dict[str, str]:
    """The ``Authorization`` header of a new token of ``role`` (and ``unit``) in ``store``."""
    secret = add_token(store, name, role=role, unit=unit, by="admin-tests")
    return {"Authorization": f"Bearer {secret}"}


def client_for(
    role: str = "supervisor", unit: str | None = None, *, store: Store | None = None, **kw: Any
) -> TestClient:
    """A test client of a new application over ``store`` (default: a memory store).

    It sends the token of a new ``role`` (of ``unit``) with every request;
    ``kw`` goes to :func:`~rnr.service.create_app` (``max_body``) and then to
    ``TestClient`` (``raise_server_exceptions``).
    """
    store = store if store is not None else MemoryStore()
    app_kw = {k: kw.pop(k) for k in ("defs", "max_body") if k in kw}
    headers = bearer(store, f"{role}-{unit or 'all'}", role, unit)
    return TestClient(create_app(store=store, **app_kw), headers=headers, **kw)
