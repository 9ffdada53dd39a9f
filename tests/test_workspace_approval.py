"""The court's approval on the PII page: the form, its messages, the page and the print view."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from workspacekit import accounts, lscmi_fields, signed_in, token

from rnr.history.access import access_log
from rnr.history.definitions import Definitions
from rnr.history.read import read_history
from rnr.history.upkeep import verify_store
from rnr.store import MemoryStore
from rnr.store.protocol import Store

PII = "/espacio/casos/c-101/pii"
DEFS = Definitions.shipped()
SAID = "Aprobado por el tribunal el 20-01-2025 (resolución RIT O-123-2025)."


def opened(name: str = "ana") -> tuple[TestClient, Store]:
    """A client signed in as ``name`` over a store holding case c-101 (plan dated 2025-01-10)."""
    store = accounts(MemoryStore())
    c = signed_in("ana", store)
    fields = lscmi_fields()
    fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
    assert 303 == c.post("/espacio/evaluar", data=fields).status_code
    return (c if name == "ana" else signed_in(name, store)), store


def approval_fields(html: str, **given: str) -> dict[str, Any]:
    """The approval form as a browser sends it: its token, the case's ETag, what was typed."""
    found = re.search(r'name="version" value="([^"]+)"', html)
    assert found is not None, "the page has no approval form"
    return {"csrf": token(html), "version": unescape(found.group(1)), **given}


def approved_on(store: Store) -> Any:
    plan = read_history(store, "c-101", defs=DEFS).plan
    assert plan is not None
    return plan.approved_on


def test_the_form_records_the_approval_and_the_print_view_drops_borrador() -> None:
    """A delegada records the resolution; the page says so; the print view has no BORRADOR."""
    c, store = opened()
    page = c.get(PII)
    assert "BORRADOR" in page.text
    assert "Registrar la aprobación" in page.text
    assert "BORRADOR" in c.get(PII + "/imprimir").text
    fields = approval_fields(page.text, fecha="2025-01-20", referencia="RIT O-123-2025")
    answer = c.post(PII + "/aprobar", data=fields)
    assert 303 == answer.status_code, answer.text
    assert PII + "?aprobado=1" == answer.headers["location"]
    assert "2025-01-20" == str(approved_on(store))
    shown = c.get(PII + "?aprobado=1").text
    assert SAID in shown
    assert "la marca BORRADOR" in shown  # the note of what was done
    assert "Registrar la aprobación" not in shown
    assert 'class="draft"' not in shown
    printed = c.get(PII + "/imprimir").text
    assert "BORRADOR" not in printed
    assert SAID in printed
    assert () == verify_store(store, defs=DEFS).problems
    logged = [(e.access.action, e.access.status) for e in access_log(store)]
    assert ("case.approve", 303) in logged


def test_a_supervisor_of_the_unit_may_record_it() -> None:
    c, _ = opened("sara")
    fields = approval_fields(c.get(PII).text, fecha="2025-01-20", referencia="")
    assert 303 == c.post(PII + "/aprobar", data=fields).status_code
    assert "Aprobado por el tribunal el 20-01-2025." in c.get(PII).text


def test_the_messages_stand_beside_the_fields_and_nothing_is_written() -> None:
    """A missing, early or future date and a long reference: 422, the form again, no record."""
    c, store = opened()
    html = c.get(PII).text
    for fecha, referencia, field, said in (
        ("", "", "fecha", "Escriba la fecha de la resolución."),
        ("20-01-2025", "", "fecha", "Escriba una fecha válida (aaaa-mm-dd)."),
        ("2025-01-09", "", "fecha", "debe ser el 10-01-2025 o posterior"),
        ("2025-02-02", "", "fecha", "no puede ser posterior a hoy"),
        ("2025-01-20", "x" * 101, "referencia", "Escriba como máximo 100 caracteres."),
    ):
        page = c.post(
            PII + "/aprobar", data=approval_fields(html, fecha=fecha, referencia=referencia)
        )
        assert 422 == page.status_code, (fecha, page.text[:300])
        error = re.search(rf'<p class="error" id="aprobado-{field}-error">([^<]*)</p>', page.text)
        assert error is not None, (fecha, referencia)
        assert said in unescape(error.group(1))
        assert f'value="{fecha}"' in page.text  # what was typed is kept
        assert approved_on(store) is None


def test_an_analyst_another_unit_and_a_missing_token_are_refused() -> None:
    """Only a delegado or supervisor of the unit, with the session's token, records it."""
    c, store = opened()
    fields = approval_fields(c.get(PII).text, fecha="2025-01-20")
    assert 403 == c.post(PII + "/aprobar", data={**fields, "csrf": "x"}).status_code
    for name in ("alba", "beto"):
        other = signed_in(name, store)
        assert 403 == other.post(PII + "/aprobar", data=fields).status_code
    assert "Registrar la aprobación" not in signed_in("alba", store).get("/espacio/").text
    assert approved_on(store) is None


def test_a_form_over_a_case_that_changed_writes_nothing() -> None:
    """Someone wrote to the case since the form was read: 409, the plan as it is now."""
    c, store = opened()
    stale = approval_fields(c.get(PII).text, fecha="2025-01-20")
    first = approval_fields(c.get(PII).text, fecha="2025-01-21")
    assert 303 == c.post(PII + "/aprobar", data=first).status_code
    page = c.post(PII + "/aprobar", data=stale)
    assert 409 == page.status_code
    assert "2025-01-21" == str(approved_on(store))
