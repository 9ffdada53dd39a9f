"""The assessment form's pages: a new case, a reassessment, the score computed or stored.

.. code-block:: text

    GET  /espacio/evaluar[?instrumento=ID]     the instruments in force, then the form of one
    POST /espacio/evaluar                      opens the case (or computes the score only)
    GET  /espacio/casos/{id}/evaluar           a reassessment's form
    POST /espacio/casos/{id}/evaluar           stores it (or computes the score only)

The form is :func:`rnr.workspace.form.assessment_form`; what it sends is read
by :func:`rnr.workspace.reading.read_form`, then parsed, scored and stored
by the library (:func:`rnr.history.open_case`, :func:`rnr.history.reassess`).
A form with a message beside a field answers ``422`` with what was typed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rnr.cases.parse import Case, parse_case, score_case
from rnr.definitions.instrument import Instrument
from rnr.definitions.labels import load_labels
from rnr.definitions.policy import Policy
from rnr.errors import RnrError
from rnr.history.access import Principal
from rnr.history.entries import CaseHistory
from rnr.history.write import open_case, reassess
from rnr.render.names import instrument_title
from rnr.workspace.door import Visit
from rnr.workspace.form import Form, assessment_form
from rnr.workspace.pages import PREFIX, PageError, Section, Submitted, address
from rnr.workspace.reading import FORM, library_errors, read_form
from rnr.workspace.sessions import Sessions
from rnr.workspace.views import score_view

__all__ = ["FORM_FILE", "Assessing"]

#: Where a case read from the form says it was read.
FORM_FILE = "<formulario>"


class Assessing(Section):
    """The assessment form's pages, on the workspace's :class:`~rnr.workspace.pages.Pages`."""

    def mount(self, app: FastAPI) -> None:
        """Add the form's routes to ``app``."""
        pages = self.pages
        pages.get(app, PREFIX + "/evaluar", self.new_form)
        pages.post(app, PREFIX + "/evaluar", self.new_submit)
        pages.get(app, PREFIX + "/casos/{case_id}/evaluar", self.reassess_form)
        pages.post(app, PREFIX + "/casos/{case_id}/evaluar", self.reassess_submit)

    def instruments(self) -> list[tuple[Instrument, Policy | None]]:
        """Every instrument in force today, with the policy that decides with it (if any)."""
        today = self.today()
        found = []
        for ident in self.defs.library.ids():
            try:
                instrument = self.defs.library.get(ident, on=today)
            except RnrError:
                continue
            found.append((instrument, self.policy_of(instrument, None)))
        return found

    def policy_of(self, instrument: Instrument, ref: str | None) -> Policy | None:
        """The policy that decides with ``instrument`` today, or ``None`` when none does."""
        regime = "juvenile" if instrument.population.get("kind") == "juvenile" else "adult"
        try:
            return self.defs.policy_for(regime, instrument.id, ref, on=self.today())
        except RnrError:
            return None

    def form_of(self, ref: str, *, new: bool, policy: str | None = None) -> Form:
        """The form of the instrument ``ref``.

        Raises:
            PageError: 404, no such instrument.
        """
        try:
            instrument = self.defs.library.get(ref, on=self.today() if "@" not in ref else None)
        except RnrError:
            raise PageError(404, "instrument_unknown", ref=ref[:64]) from None
        labels = load_labels(instrument, self.lang)
        chosen = self.policy_of(instrument, policy)
        return assessment_form(instrument, labels, chosen, self.w, new=new, today=self.today())

    def show_form(
        self,
        visit: Visit,
        form: Form,
        values: Mapping[str, Sequence[str]],
        *,
        status: int = 200,
        errors: Mapping[str, str] | None = None,
        score: dict[str, Any] | None = None,
        case_id: str | None = None,
    ) -> Response:
        """The form, with what was given, the messages beside the fields, and a computed score."""
        w = self.w
        instrument = form.instrument
        title = (
            w("workspace.form.title_new", instrument=instrument_title(instrument.ref, self.lang))
            if form.new
            else w("workspace.form.title_reassess", case_id=case_id or "")
        )
        action = f"{PREFIX}/evaluar" if form.new else address(case_id or "", "evaluar")
        errors = dict(errors or {})
        return self.pages.render(
            "assess",
            visit,
            status=status,
            title=title,
            form=form,
            values={**form.defaults, **values},
            errors=errors,
            problem=errors.get(FORM, ""),
            score=score,
            action=action,
            case_id=case_id,
            key=secrets.token_urlsafe(16),
            live_words={
                k: w.section("workspace")["live"][k] for k in ("total", "provisional", "open")
            },
            script=form.live,
        )

    def new_form(self, request: Request) -> Response:
        """The instruments to choose from, then the form of the one chosen."""

        def show(visit: Visit, principal: Principal) -> Response:
            del principal
            ref = request.query_params.get("instrumento")
            if not ref:
                choices = [
                    {
                        "ref": i.id,
                        "title": instrument_title(i.ref, self.lang),
                        "decided": p is not None,
                    }
                    for i, p in self.instruments()
                ]
                title = self.w("workspace.choose.title")
                return self.pages.render("choose", visit, title=title, choices=choices)
            return self.show_form(visit, self.form_of(ref, new=True), {})

        return self.pages.guarded(request, "workspace.form", "case.write", show)

    def reassess_form(self, request: Request, case_id: str) -> Response:
        """A reassessment's form, with the person, legal and responsivity sections as stored."""

        def show(visit: Visit, principal: Principal) -> Response:
            history = self.pages.history(principal, case_id)
            latest = history.assessments[-1] if history.assessments else None
            ref = request.query_params.get("instrumento") or (
                latest.result.instrument.id if latest else ""
            )
            form = self.form_of(ref, new=False, policy=history.policy)
            return self.show_form(visit, form, _stored_values(history), case_id=case_id)

        return self.pages.guarded(request, "workspace.form", "case.write", show, case_id=case_id)

    def new_submit(self, request: Request, data: Submitted) -> Response:
        """Open a case from the form (or only compute its score)."""
        return self.submit(request, data, None)

    def reassess_submit(self, request: Request, data: Submitted, case_id: str) -> Response:
        """Store a reassessment from the form (or only compute its score)."""
        return self.submit(request, data, case_id)

    def submit(self, request: Request, data: Submitted, case_id: str | None) -> Response:
        """Check the form; compute the score, or store the assessment and show its decision."""
        computing = data.one("accion") == "calcular"
        what = (
            "workspace.compute"
            if computing
            else "case.open"
            if case_id is None
            else "case.reassess"
        )
        written: list[str] = []

        def show(visit: Visit, principal: Principal) -> Response:
            session = visit.session
            assert session is not None
            if not Sessions.csrf_valid(session, data.one("csrf")):
                raise PageError(403, "csrf")
            history = self.pages.history(principal, case_id) if case_id is not None else None
            form = self.form_of(
                data.one("instrumento"),
                new=case_id is None,
                policy=history.policy if history is not None else None,
            )
            reading = read_form(form, data.fields, self.w, case_id=case_id)
            if reading.errors:
                errors = {FORM: self.w("workspace.error.see_fields"), **reading.errors}
                return self.show_form(
                    visit, form, data.fields, status=422, errors=errors, case_id=case_id
                )
            try:
                case = parse_case(reading.case, file=FORM_FILE)
                result = score_case(case, self.defs.library)
                labels = load_labels(form.instrument, self.lang)
                if computing or form.policy is None:
                    score = score_view(result, labels, self.w)
                    return self.show_form(visit, form, data.fields, score=score, case_id=case_id)
                self.store_case(case, principal, case_id, key=data.one("clave")[:64] or None)
            except RnrError as error:
                errors = library_errors(error, form, self.w)
                return self.show_form(
                    visit, form, data.fields, status=422, errors=errors, case_id=case_id
                )
            written.append(case.case_id)
            target = address(case.case_id, "decision") + "?guardado=1"
            return self.door.keep(visit, RedirectResponse(target, status_code=303))

        def named() -> str | None:  # a new case's id is known once its form is read
            return case_id if case_id is not None else (written[0] if written else None)

        return self.pages.guarded(request, what, "case.write", show, case_id=named)

    def store_case(
        self, case: Case, principal: Principal, case_id: str | None, *, key: str | None
    ) -> None:
        """Open the case (``case_id`` is ``None``) or reassess it, as ``principal``."""
        if case_id is None:
            open_case(
                self.store,
                case,
                by=principal.name,
                defs=self.defs,
                unit=principal.unit,
                idempotency_key=key,
            )
        else:
            reassess(self.store, case_id, case, by=principal.name, defs=self.defs,
                     idempotency_key=key)  # fmt: skip


def _stored_values(history: CaseHistory) -> dict[str, tuple[str, ...]]:
    """A reassessment form's first values: the person, legal and responsivity sections as stored."""
    values: dict[str, tuple[str, ...]] = {}
    for name in ("sex", "birth_date"):
        if history.person.get(name) is not None:
            values[f"person.{name}"] = (str(history.person[name]),)
    if history.legal is not None:
        for name, value in history.legal.to_dict().items():
            if value is None or name == "regime":
                continue
            if isinstance(value, list):
                values[f"legal.{name}"] = tuple(value)
            elif isinstance(value, bool):
                values[f"legal.{name}"] = ("true" if value else "false",)
            else:
                values[f"legal.{name}"] = (str(value),)
    if history.assessments:
        for name, value in history.assessments[-1].responsivity.to_dict().items():
            shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
            values[f"resp.{name}"] = (shown,)
    return values
