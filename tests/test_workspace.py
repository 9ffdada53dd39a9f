"""The browser workspace over HTTP (rnr.workspace): sign-in, pages, forms, permissions, headers.

These tests drive the pages as a browser without JavaScript would, with
Starlette's test client: every form is posted as ``application/x-www-form-
urlencoded`` with the CSRF token the page gave. ``test_workspace_browser.py``
drives the same pages in a real browser.
"""

from __future__ import annotations

import itertools
import re
import sys
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from workspacekit import (
    CASE,
    OMITTED,
    PASSWORD,
    TODAY,
    accounts,
    client,
    lscmi_fields,
    sign_in,
    signed_in,
    token,
)

from rnr import default_library
from rnr.cases.parse import parse_case
from rnr.errors import InvalidArgumentError
from rnr.history.access import Principal, access_log
from rnr.history.people import (
    account,
    add_user,
    revoke_user,
    users,
)
from rnr.history.people import (
    sign_in as check_password,
)
from rnr.history.read import read_history
from rnr.history.write import open_case
from rnr.store import MemoryStore, SQLiteStore
from rnr.store.protocol import Store
from rnr.workspace.demo import demo_store
from rnr.workspace.pages import PAGE_POLICY, print_policy
from rnr.workspace.sessions import Sessions


def _logged(store: Store, action: str) -> list[Any]:
    return [e.access for e in access_log(store) if e.access.action == action]


def _open(store: Store, case_id: str, unit: str | None, *, assessed_on: str = "2025-01-10") -> None:
    """Open the example case as ``case_id``, assessed (and entered) on ``assessed_on``."""
    legal = {**CASE["legal"], "sentence_date": assessed_on, "entry_date": assessed_on}
    doc = {**CASE, "case_id": case_id, "assessed_on": assessed_on, "legal": legal}
    open_case(store, parse_case(doc, file="<test>"), by="tests", unit=unit)


def _bounds(omit: tuple[str, ...]) -> tuple[int, int]:
    """The provisional range the library gives the example with ``omit`` omitted."""
    responses = {k: (None if k in omit else v) for k, v in CASE["responses"].items()}
    result = parse_case({**CASE, "responses": responses}, file="<test>").score(default_library())
    bounds = result.scales["total"].bounds
    assert bounds is not None
    return bounds.min, bounds.max


def _store() -> Store:
    return accounts(MemoryStore())


# -- accounts (rnr.history.people) ----------------------------------------------------------------


class TestAccounts:
    def test_the_password_is_kept_only_as_an_argon2_hash(self) -> None:
        """A users.add entry holds the hash, never the password; it verifies that password only."""
        store = _store()
        (entry,) = [e for e in _logged(store, "users.add") if e.detail["name"] == "ana"]
        assert entry.detail["argon2"].startswith("$argon2id$")
        assert PASSWORD not in repr(entry)
        assert check_password(store, "ana", PASSWORD) is not None
        assert check_password(store, "ana", PASSWORD + "x") is None
        assert check_password(store, "nadie", PASSWORD) is None

    def test_a_short_password_is_refused_without_quoting_it(self) -> None:
        """A password under the minimum is refused, and the error shows its length only."""
        with pytest.raises(InvalidArgumentError) as caught:
            add_user(MemoryStore(), "eva", role="delegado", password="corta", by="t")
        assert "corta" not in str(caught.value)
        assert "5 characters" in str(caught.value)

    def test_a_name_in_force_is_refused_and_revoking_ends_it(self) -> None:
        """A name in force is user.exists; revoking ends it; an unknown name is user.unknown."""
        store = _store()
        with pytest.raises(InvalidArgumentError) as exists:
            add_user(store, "ana", role="delegado", password=PASSWORD, by="t")
        assert "user.exists" == exists.value.code
        revoke_user(store, "ana", by="t")
        assert account(store, "ana") is None
        assert not next(u for u in users(store) if u.name == "ana").active
        with pytest.raises(InvalidArgumentError) as unknown:
            revoke_user(store, "ana", by="t")
        assert "user.unknown" == unknown.value.code


# -- signing in -----------------------------------------------------------------------------


class TestSignIn:
    def test_a_page_without_a_session_sends_to_the_sign_in_form(self) -> None:
        """The caseload asks for a session first, and comes back to the page asked for."""
        answer = client().get("/espacio/casos/c-1")
        assert 303 == answer.status_code
        assert "/espacio/entrar?siguiente=/espacio/casos/c-1" == answer.headers["location"]

    def test_signing_in_sets_a_strict_http_only_cookie(self) -> None:
        """Over http: HttpOnly, SameSite=Strict, not Secure; the redirect goes to the caseload."""
        c = client()
        answer = sign_in(c, "ana")
        assert 303 == answer.status_code
        assert "/espacio/" == answer.headers["location"]
        cookie = answer.headers["set-cookie"].lower()
        assert cookie.startswith("rnr-sesion=")
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert "secure" not in cookie.split("rnr-entrada")[0]
        assert 200 == c.get("/espacio/").status_code

    def test_over_https_the_cookie_is_secure_with_the_host_prefix(self) -> None:
        """Over https the session cookie is __Host-rnr-sesion, Secure."""
        c = client(base_url="https://testserver")
        answer = sign_in(c, "ana")
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-rnr-sesion=")
        assert "Secure" in cookie.split(",")[0]

    def test_a_wrong_password_is_refused_in_spanish_and_logged(self) -> None:
        """401, the message in Spanish, no session; the access log has the refusal, by nobody."""
        store = _store()
        c = client(store)
        answer = sign_in(c, "ana", "otra clave larga")
        assert 401 == answer.status_code
        assert "Usuario o contraseña incorrectos." in answer.text
        assert 303 == c.get("/espacio/").status_code
        (refused,) = _logged(store, "workspace.sign_in")
        assert ("-", 401) == (refused.by, refused.status)

    def test_a_sign_in_form_without_its_token_is_refused(self) -> None:
        """A sign-in posted without the form's token (a forged form) gets no session."""
        c = client()
        answer = c.post("/espacio/entrar", data={"usuario": "ana", "clave": PASSWORD})
        assert 403 == answer.status_code
        assert "caducó" in answer.text

    def test_repeated_failures_are_throttled(self) -> None:
        """After ten failures from one address, even the right password waits (429)."""
        c = client()
        for _ in range(10):
            assert 401 == sign_in(c, "ana", "no es la clave").status_code
        answer = sign_in(c, "ana")
        assert 429 == answer.status_code
        assert int(answer.headers["retry-after"]) > 0

    def test_signing_out_needs_the_token_and_ends_the_session(self) -> None:
        """Sign-out without the token is refused; with it, the session is over."""
        c = signed_in()
        assert 403 == c.post("/espacio/salir", data={"csrf": "otro"}).status_code
        assert 200 == c.get("/espacio/").status_code
        answer = c.post("/espacio/salir", data={"csrf": token(c.get("/espacio/").text)})
        assert 303 == answer.status_code
        assert 303 == c.get("/espacio/").status_code

    def test_an_ended_account_ends_its_sessions(self) -> None:
        """Revoking an account refuses its session from the next request on."""
        store = _store()
        c = signed_in(store=store)
        revoke_user(store, "ana", by="admin")
        assert 303 == c.get("/espacio/").status_code

    def test_a_session_ends_when_idle_or_past_its_lifetime(self) -> None:
        """Idle longer than ``idle``, or older than ``lifetime``: the cookie is worth nothing."""
        now = [0.0]
        sessions = Sessions(lifetime=100, idle=30, clock=lambda: now[0])
        ana = Principal("ana", "delegado", None)
        cookie, _ = sessions.start(ana)
        now[0] = 25
        assert sessions.find(cookie) is not None
        now[0] = 56  # 31 seconds after its last use
        assert sessions.find(cookie) is None
        cookie, _ = sessions.start(ana)
        for step in range(1, 6):
            now[0] = 56 + 20 * step
            alive = sessions.find(cookie) is not None
            assert (now[0] - 56 <= 100) == alive

    def test_a_cookie_signed_with_another_key_is_worth_nothing(self) -> None:
        """The session id is signed: another process's cookie, or an edited one, is refused."""
        ana = Principal("ana", "delegado", None)
        cookie, _ = Sessions(key=b"otra clave").start(ana)
        ours = Sessions(key=b"la nuestra")
        assert ours.find(cookie) is None
        mine, _ = ours.start(ana)
        edited = ("A" if mine[0] != "A" else "B") + mine[1:]  # another session id, same signature
        assert ours.find(edited) is None
        assert ours.find(mine) is not None

    def test_signing_in_never_sends_to_another_site(self) -> None:
        """``siguiente`` may only name a page of the workspace."""
        store = _store()
        for target in ("https://malo.example/", "//malo.example/espacio/", "/v1/cases"):
            c = client(store)
            page = c.get("/espacio/entrar").text
            data = {"csrf": token(page), "usuario": "ana", "clave": PASSWORD, "siguiente": target}
            assert "/espacio/" == c.post("/espacio/entrar", data=data).headers["location"]

    def test_a_trusted_header_names_the_person_only_when_configured(self) -> None:
        """With --trusted-header, the proxy's name signs in; without it, the header is ignored."""
        store = _store()
        header = {"X-Remote-User": "ana"}
        trusting = client(store, trusted_header="X-Remote-User")
        page = trusting.get("/espacio/", headers=header)
        assert 200 == page.status_code
        assert "ana · delegado" in page.text
        stranger = trusting.get("/espacio/", headers={"X-Remote-User": "mallory"})
        assert 403 == stranger.status_code
        assert "mallory" in stranger.text
        assert 303 == client(store).get("/espacio/", headers=header).status_code


# -- headers --------------------------------------------------------------------------------


class TestHeaders:
    def test_pages_have_their_own_strict_policy_and_the_api_keeps_its_own(self) -> None:
        """Pages: self only, nothing inline; the API's responses keep default-src 'none' alone."""
        c = signed_in()
        page = c.get("/espacio/")
        policy = page.headers["content-security-policy"]
        assert PAGE_POLICY == policy
        assert "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert "nosniff" == page.headers["x-content-type-options"]
        api = c.get("/health")
        assert api.headers["content-security-policy"].startswith("default-src 'none'")
        assert "script-src" not in api.headers["content-security-policy"]

    def test_no_page_holds_inline_script_or_style(self) -> None:
        """The pages link the package's own files; no inline script, style or handler."""
        c = signed_in()
        pages = [c.get(p).text for p in ("/espacio/", "/espacio/evaluar?instrumento=lscmi")]
        pages.append(client().get("/espacio/entrar").text)
        for html in pages:
            assert not re.search(r"<script(?![^>]*\bsrc=)", html)
            assert "<style" not in html
            assert not re.search(r"\son[a-z]+=", html)
            assert " style=" not in html

    def test_the_static_files_are_served_from_the_package(self) -> None:
        """The stylesheet and the script come from the package, with their media types."""
        c = client()
        css = c.get("/espacio/static/workspace.css")
        js = c.get("/espacio/static/workspace.js")
        assert css.headers["content-type"].startswith("text/css")
        assert js.headers["content-type"].startswith("text/javascript")
        assert 404 == c.get("/espacio/static/../app.py").status_code
        assert 404 == c.get("/espacio/static/nada.css").status_code

    def test_the_print_view_allows_its_own_style_by_hash(self) -> None:
        """The print view may use its one inline style, named by its SHA-256, nothing else."""
        policy = print_policy("<html><style>p { color: red }</style></html>")
        assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", policy)
        assert "unsafe-inline" not in policy


# -- pages and permissions -----------------------------------------------------------------


class TestPages:
    def test_the_caseload_holds_the_units_open_cases_only(self) -> None:
        """A delegado sees the open cases of their unit; another unit's are not listed."""
        store = _store()
        _open(store, "c-uno", "crs-1")
        _open(store, "c-dos", "crs-2")
        page = signed_in("ana", store).get("/espacio/").text
        assert "c-uno" in page
        assert "c-dos" not in page
        assert "1 caso abierto" in page

    def test_the_caseload_is_searched_sorted_and_paged_on_the_server(self) -> None:
        """q filters, orden and dir sort, pagina pages: each a query parameter."""
        store = _store()
        for n in range(30):
            _open(store, f"c-{n:02d}", "crs-1")
        c = signed_in("ana", store)
        first = c.get("/espacio/", params={"orden": "caso"}).text
        assert "Página 1 de 2" in first
        assert "c-00" in first
        assert "c-29" not in first
        second = c.get("/espacio/", params={"orden": "caso", "pagina": "2"}).text
        assert "c-29" in second
        descending = c.get("/espacio/", params={"orden": "caso", "dir": "desc"}).text
        assert descending.index("c-29") < descending.index("c-28")
        found = c.get("/espacio/", params={"q": "C-1"}).text
        assert "c-15" in found
        assert "c-25" not in found
        odd = c.get("/espacio/", params={"orden": "<x>", "pagina": "-3"})
        assert 200 == odd.status_code

    def test_overdue_cases_are_marked_and_filtered(self) -> None:
        """A case due before today is overdue: marked, and kept by vencidos=1."""
        store = _store()
        _open(store, "c-viejo", "crs-1", assessed_on="2024-02-01")  # due 6 months later
        _open(store, "c-nuevo", "crs-1", assessed_on="2025-01-20")
        c = signed_in("ana", store)
        page = c.get("/espacio/", params={"vencidos": "1"}).text
        assert "c-viejo" in page
        assert "c-nuevo" not in page
        assert "vencida hace" in page

    def test_a_case_page_shows_its_history_and_its_last_change(self) -> None:
        """Assessments, decisions with sources, plan versions, and the change table."""
        store = _store()
        _open(store, "c-101", "crs-1")
        c = signed_in("ana", store)
        fields = lscmi_fields(omit=())
        fields.update({"assessed_on": "2025-01-31", "r.supports_crime": "false"})
        del fields["case_id"]
        form = c.get("/espacio/casos/c-101/evaluar").text
        fields["csrf"] = token(form)
        answer = c.post("/espacio/casos/c-101/evaluar", data=fields)
        assert 303 == answer.status_code, answer.text
        page = c.get("/espacio/casos/c-101").text
        assert "Cambio entre las dos últimas evaluaciones" in page
        assert "<td>12</td><td>11</td><td>-1</td>" in page
        assert "no calculable" in page  # LS/CMI ships no reliability figures
        assert "Ley 18.216" in page
        assert "Versiones del PII" in page

    def test_a_case_of_another_unit_is_refused_and_logged(self) -> None:
        """A delegado of another unit gets 403, and the refusal is in the access log."""
        store = _store()
        _open(store, "c-101", "crs-1")
        page = signed_in("beto", store).get("/espacio/casos/c-101")
        assert 403 == page.status_code
        assert "otra unidad" in page.text
        (entry,) = _logged(store, "workspace.case")
        assert ("beto", 403, "c-101") == (entry.by, entry.status, entry.case_id)

    def test_an_analyst_cannot_open_a_case(self) -> None:
        """An analyst gets 403 on a case page and on the form; the start page names no case."""
        store = _store()
        _open(store, "c-101", None)
        c = signed_in("alba", store)
        page = c.get("/espacio/casos/c-101")
        assert 403 == page.status_code
        assert "Sin permiso" in page.text
        assert "analista" in page.text
        assert 403 == c.get("/espacio/evaluar").status_code
        home = c.get("/espacio/")
        assert 200 == home.status_code
        assert "c-101" not in home.text
        (entry,) = _logged(store, "workspace.case")
        assert ("analista", 403) == (entry.role, entry.status)

    def test_an_unknown_case_or_page_is_a_404_page(self) -> None:
        """An unknown case and an unknown page answer pages of their own, in Spanish."""
        c = signed_in()
        assert 404 == c.get("/espacio/casos/nada").status_code
        unknown = c.get("/espacio/no-existe")
        assert 404 == unknown.status_code
        assert "Página no encontrada" in unknown.text

    def test_output_is_escaped(self) -> None:
        """A case id holding markup shows as text."""
        store = _store()
        _open(store, "<b>x</b>", "crs-1")
        page = signed_in("ana", store).get("/espacio/").text
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        assert "<b>x</b>" not in page


# -- the assessment form -------------------------------------------------------------------


class _Labels(HTMLParser):
    """The ids of a page's controls, and the ids its labels name."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a.get("id") or f"<{tag} name={a.get('name')} without id>")
        if tag == "label" and a.get("for"):
            self.labelled.add(str(a["for"]))


@pytest.mark.parametrize("instrument", ["lscmi", "ylscmi", "psa", "static99r"])
def test_every_field_of_every_form_is_labelled(instrument: str) -> None:
    """Each control of each instrument's form has a label naming it."""
    page = signed_in().get("/espacio/evaluar", params={"instrumento": instrument})
    assert 200 == page.status_code
    found = _Labels()
    found.feed(page.text)
    assert found.controls
    assert [] == [c for c in found.controls if c not in found.labelled]


class TestForm:
    def test_the_form_groups_items_by_domain_with_their_labels_and_kinds(self) -> None:
        """LS/CMI: domains as sections, short labels, yes/no with Omitido; PSA: numbers and ages."""
        c = signed_in()
        lscmi = c.get("/espacio/evaluar", params={"instrumento": "lscmi"}).text
        assert "Historia delictual" in lscmi
        assert "Condenas previas como adulto" in lscmi
        assert 'id="f-r-prior_custody-omitted"' in lscmi
        assert "Situación legal (Ley 18.216)" in lscmi
        assert "Responsividad" in lscmi
        psa = c.get("/espacio/evaluar", params={"instrumento": "psa"}).text
        assert 'type="number" id="f-r-age_at_arrest"' in psa
        assert "Fecha de la detención" in psa
        assert "solo calcula" not in psa
        assert 'value="guardar"' not in psa
        assert 'value="guardar"' in lscmi

    def test_validation_messages_sit_beside_each_field_in_spanish(self) -> None:
        """Unanswered items, a bad number and a bad date: 422, each message beside its field."""
        store = _store()
        c = signed_in(store=store)
        fields = lscmi_fields()
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        del fields["r.prior_custody"]
        fields["legal.sentence_days"] = "novecientos"
        fields["legal.entry_date"] = "08/01/2025"
        answer = c.post("/espacio/evaluar", data=fields)
        assert 422 == answer.status_code
        html = answer.text
        assert 'id="e-f-r-prior_custody">Responda este ítem o márquelo como omitido.' in html
        assert 'id="e-f-legal-sentence_days">Escriba un número entero.' in html
        assert 'id="e-f-legal-entry_date">Escriba una fecha válida (aaaa-mm-dd).' in html
        assert re.search(
            r'aria-describedby="[^"]*e-f-legal-sentence_days" aria-invalid="true"', html
        )
        assert 'value="novecientos"' in html  # what was written is kept
        assert [] == store.case_ids()

    def test_a_form_without_its_csrf_token_is_refused(self) -> None:
        """No token, or another session's: 403 and nothing stored."""
        store = _store()
        c = signed_in(store=store)
        answer = c.post("/espacio/evaluar", data=lscmi_fields())
        assert 403 == answer.status_code
        other = signed_in("sara", store)
        fields = {**lscmi_fields(), "csrf": token(other.get("/espacio/").text)}
        assert 403 == c.post("/espacio/evaluar", data=fields).status_code
        assert [] == store.case_ids()

    def test_computing_shows_the_provisional_range_and_stores_nothing(self) -> None:
        """«Calcular» scores the form with its omission: the provisional range; no case stored."""
        store = _store()
        c = signed_in(store=store)
        fields = {**lscmi_fields(), "accion": "calcular"}
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        answer = c.post("/espacio/evaluar", data=fields)
        assert 200 == answer.status_code
        assert "Resultado provisional." in answer.text
        lo, hi = _bounds((OMITTED,))
        assert lo < hi
        assert f"Con el ítem omitido, el puntaje estaría entre {lo} y {hi}" in answer.text
        assert "Problema con drogas actual" in answer.text
        assert [] == store.case_ids()

    def test_saving_opens_the_case_and_shows_its_decision(self) -> None:
        """«Guardar»: the case is opened under the person's unit, logged, and decided."""
        store = _store()
        c = signed_in(store=store)
        fields = lscmi_fields()
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        answer = c.post("/espacio/evaluar", data=fields)
        assert 303 == answer.status_code, answer.text
        assert "/espacio/casos/c-101/decision?guardado=1" == answer.headers["location"]
        history = read_history(store, "c-101")
        assert "crs-1" == history.unit
        assert (OMITTED,) == history.assessments[0].result.omitted
        assert "ana" == history.assessments[0].assessor
        (opened,) = _logged(store, "case.open")
        assert ("ana", "c-101", 303) == (opened.by, opened.case_id, opened.status)
        page = c.get(answer.headers["location"]).text
        assert "Evaluación registrada." in page
        assert "Resultado provisional." in page
        lo, hi = _bounds((OMITTED,))
        assert f"Con el ítem omitido, el puntaje estaría entre {lo} y {hi}" in page
        assert "Ley 18.216" in page
        assert "Plazos" in page

    def test_the_same_form_sent_twice_opens_the_case_once(self) -> None:
        """A form sent again (its key and content the same) writes nothing more."""
        store = _store()
        c = signed_in(store=store)
        fields = lscmi_fields()
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        fields["clave"] = "una-clave-de-formulario"
        assert 303 == c.post("/espacio/evaluar", data=fields).status_code
        records = len(list(store.records(case_id="c-101")))
        assert 303 == c.post("/espacio/evaluar", data=fields).status_code
        assert records == len(list(store.records(case_id="c-101")))

    def test_too_many_omissions_are_said_beside_the_items(self) -> None:
        """Six omissions (LS/CMI allows five): 422, the limit said, each item marked."""
        c = signed_in()
        omit = tuple(list(CASE["responses"])[:3] + list(CASE["responses"])[8:11])
        fields = lscmi_fields(omit=omit)
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        answer = c.post("/espacio/evaluar", data=fields)
        assert 422 == answer.status_code
        assert "como máximo" in answer.text
        assert "Omitido por sobre el límite" in answer.text

    def test_an_existing_case_id_is_said_beside_the_field(self) -> None:
        """Opening an id already stored with other content: the message beside the case id."""
        store = _store()
        _open(store, "c-101", "crs-1", assessed_on="2025-01-05")
        c = signed_in(store=store)
        fields = lscmi_fields()
        fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
        answer = c.post("/espacio/evaluar", data=fields)
        assert 422 == answer.status_code
        assert 'id="e-f-case_id">Ya hay un caso con este identificador' in answer.text

    def test_a_reassessment_form_starts_from_the_stored_sections(self) -> None:
        """The person, legal and responsivity sections come prefilled; the items do not."""
        store = _store()
        _open(store, "c-101", "crs-1")
        page = signed_in(store=store).get("/espacio/casos/c-101/evaluar").text
        assert re.search(r'name="legal.sentence_days"[^>]* value="900"', page)
        assert '<option value="male" selected>' in page
        assert 'name="case_id"' not in page
        assert 'value="true" checked' not in page

    def test_a_body_that_is_not_a_form_or_too_large_is_refused(self) -> None:
        """415 for JSON, 413 past the limit: pages of their own."""
        c = signed_in(max_body=2000)
        assert 415 == c.post("/espacio/evaluar", json={"x": 1}).status_code
        big = {"csrf": "x", "relleno": "y" * 5000}
        assert 413 == c.post("/espacio/evaluar", data=big).status_code


# -- the plan --------------------------------------------------------------------------------


def test_the_plan_and_its_print_view() -> None:
    """The PII draft page links the print view, which is the plan's HTML with its style allowed."""
    store = _store()
    _open(store, "c-101", "crs-1")
    c = signed_in(store=store)
    page = c.get("/espacio/casos/c-101/pii")
    assert 200 == page.status_code
    assert "BORRADOR" in page.text
    assert "/espacio/casos/c-101/pii/imprimir" in page.text
    printed = c.get("/espacio/casos/c-101/pii/imprimir")
    assert 200 == printed.status_code
    assert "<style>" in printed.text
    assert "'sha256-" in printed.headers["content-security-policy"]
    assert 403 == signed_in("beto", store).get("/espacio/casos/c-101/pii/imprimir").status_code


# -- the demo --------------------------------------------------------------------------------


def test_the_demo_store_has_open_cases_and_an_account_per_role() -> None:
    """demo_store: a simulated caseload ending today, each role's account signs in."""
    store = MemoryStore()
    made = demo_store(store, people=8, today=TODAY)
    assert {"delegado", "supervisor", "analista", "admin"} == {a.role for a in made}
    assert 8 == len(store.case_ids())
    first = made[0]
    assert first.password not in repr(first)
    c = client(store)
    assert 303 == sign_in(c, first.name, first.password).status_code
    assert "caso" in c.get("/espacio/").text


def test_serve_demo_prints_the_accounts_and_serves_them(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rnr serve --demo: the address and an account per role printed; each signs in."""
    import uvicorn  # noqa: PLC0415

    signed: dict[str, int] = {}

    def run(app: Any, **kw: Any) -> None:
        printed = sys.stdout.getvalue()
        assert "http://127.0.0.1:8000/espacio/" in printed
        for name, password in re.findall(r"usuario (\S+) · contraseña (\S+)", printed):
            browser = TestClient(app, follow_redirects=False)
            page = browser.get("/espacio/entrar").text
            data = {"csrf": token(page), "usuario": name, "clave": password}
            signed[name] = browser.post("/espacio/entrar", data=data).status_code

    monkeypatch.setattr(uvicorn, "run", run)
    status, out, _ = cli("serve", "--demo")
    assert 0 == status
    assert "ninguna persona real" in out
    assert {"delegada.demo", "supervisora.demo", "analista.demo", "admin.demo"} == set(signed)
    assert {303} == set(signed.values())


def test_serve_demo_refuses_a_store(cli: Any, tmp_path: Any) -> None:
    """rnr serve --demo makes its own store: --db is a usage error."""
    db = tmp_path / "x.sqlite3"
    cli.error("usage.invalid", "serve", "--demo", "--db", db, contains=["--demo"], as_json=False)
    assert not db.exists()


@pytest.mark.parametrize(
    ("given", "kept"), [((), 8192), (("--replays", "100"), 100), (("--replays", "0"), None)]
)
def test_serve_shares_the_replays_it_is_told_to(
    cli: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, given: tuple[str, ...], kept: Any
) -> None:
    """rnr serve --replays N: the memo of replays the requests share (0: none)."""
    import uvicorn  # noqa: PLC0415

    from rnr.workspace import app as workspace  # noqa: PLC0415

    made: list[Any] = []
    real = workspace.create_workspace

    def create(*args: Any, **kw: Any) -> Any:
        made.append(kw["replays"])
        return real(*args, **kw)

    monkeypatch.setattr(workspace, "create_workspace", create)
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: None)
    status, _, _ = cli("serve", "--db", tmp_path / "s.sqlite3", *given)
    assert 0 == status
    assert [kept] == made


def test_serve_refuses_replays_that_are_no_count(cli: Any, tmp_path: Any) -> None:
    for given in ("-5", "2.5", "muchos"):
        cli.refused("serve", "--db", tmp_path / "s.sqlite3", "--replays", given, contains=[given])


def test_rnr_users_add_list_revoke(cli: Any, tmp_path: Any) -> None:
    """rnr users: the password from a file, never printed; list and revoke."""
    db = tmp_path / "s.sqlite3"
    secret = tmp_path / "clave.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    status, out, _ = cli("users", "add", "ana", "--role", "delegado", "--unit", "crs-1",
                         "--password-file", secret, "--db", db)  # fmt: skip
    assert 0 == status
    assert "ana" in out
    assert PASSWORD not in out
    status, out, _ = cli("users", "list", "--json", "--db", db)
    assert 0 == status
    assert "argon2" not in out
    assert '"active": true' in out
    status, out, _ = cli("users", "revoke", "ana", "--db", db)
    assert 0 == status
    cli.error("user.unknown", "users", "revoke", "ana", "--db", db, as_json=False)


def test_rnr_users_add_asks_for_the_password_twice(
    cli: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --password-file the password is asked for twice; two different ones store nothing."""
    db = tmp_path / "s.sqlite3"
    answers = itertools.cycle([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    cli.error("usage.invalid", "users", "add", "eva", "--role", "delegado", "--db", db,
              contains=["differ"])  # fmt: skip
    answers = itertools.cycle([PASSWORD])
    status, _, _ = cli("users", "add", "eva", "--role", "delegado", "--db", db)
    assert 0 == status
    assert check_password(SQLiteStore(db), "eva", PASSWORD) is not None
