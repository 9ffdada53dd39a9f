"""The PII's pages that write: edit the draft, record a review.

.. code-block:: text

    GET  /espacio/casos/{id}/pii/editar      the draft's objectives, order, hours and notes
    POST /espacio/casos/{id}/pii/editar      move, add or remove an objective; or save the edit
    GET  /espacio/casos/{id}/pii/revisar     a review: each objective's status, with notes
    POST /espacio/casos/{id}/pii/revisar     records it
    POST /espacio/casos/{id}/pii/aprobar     records the court's approval of the version in force

Every write is the history layer's own (:func:`rnr.history.editing.edit_plan_version`,
:func:`rnr.history.amend.review_plan`, :func:`rnr.history.approval.approve_plan`, the
API's own); overrides are
:mod:`rnr.workspace.overriding`'s. Each form carries the case's ETag as it was
read (``version``); the write runs over
:class:`rnr.service.preconditions.Expecting`, so when someone else wrote to
the case in between, nothing is written and the page says the plan changed,
showing the current one (``409``). Moving, adding and removing an objective
need no script: each is a button that sends the form back with what was
typed, and the server shows it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rnr.errors import DecisionInputError, HistoryError
from rnr.history.access import Principal
from rnr.history.amend import review_plan
from rnr.history.approval import MOST_REFERENCE, approve_plan
from rnr.history.editing import MOST_NOTES, edit_plan_version
from rnr.history.entries import CaseHistory
from rnr.plan.assemble import at_least_one, share_hours
from rnr.plan.draft import STATUSES, PlanDraft, Status
from rnr.plan.edit import Choice, candidates, hours_range, required
from rnr.service.preconditions import Expecting, etag
from rnr.store.protocol import Store
from rnr.workspace.door import Visit
from rnr.workspace.pages import PREFIX, PageError, Section, Submitted, address
from rnr.workspace.sessions import Sessions
from rnr.workspace.views import plan_view

__all__ = ["Planning"]

#: The form field of the whole form's message (the total of hours, the plan's).
WHOLE = "_form"


class StaleError(Exception):
    """The case changed since its form was read: nothing was written."""


def _refuse_stale(now: str | None) -> Exception:
    del now
    return StaleError()


class Planning(Section):
    """The PII's writing pages, on the workspace's :class:`~rnr.workspace.pages.Pages`."""

    def mount(self, app: FastAPI) -> None:
        """Add the routes of editing and reviewing to ``app``."""
        pages = self.pages
        pages.get(app, PREFIX + "/casos/{case_id}/pii/editar", self.edit_form)
        pages.post(app, PREFIX + "/casos/{case_id}/pii/editar", self.edit_submit)
        pages.get(app, PREFIX + "/casos/{case_id}/pii/revisar", self.review_form)
        pages.post(app, PREFIX + "/casos/{case_id}/pii/revisar", self.review_submit)
        pages.post(app, PREFIX + "/casos/{case_id}/pii/aprobar", self.approve_submit)

    # -- what the pages share ------------------------------------------------------------

    def written(
        self,
        visit: Visit,
        data: Submitted,
        case_id: str,
        write: Callable[[Store], object],
    ) -> Response | None:
        """Run ``write`` over the store while the case's ETag is the form's; ``None`` when done.

        Answers the page of a plan that changed meanwhile (``409``) when it is not.
        """
        session = visit.session
        assert session is not None
        if not Sessions.csrf_valid(session, data.one("csrf")):
            raise PageError(403, "csrf")
        watched = Expecting(self.store, case_id, data.one("version") or "-", _refuse_stale)
        try:
            write(watched)
        except StaleError:
            return self.stale(visit, case_id)
        except HistoryError as error:
            if error.code != "history.case.changed":
                raise
            return self.stale(visit, case_id)
        return None

    def stale(self, visit: Visit, case_id: str) -> Response:
        """The page of a form sent over a case that changed: the plan as it is now."""
        principal = visit.principal
        assert principal is not None
        _, plan = self.pages.plan_of(principal, case_id)
        return self.pages.render(
            "plan_changed",
            visit,
            status=409,
            title=self.w("workspace.plan_edit.stale_title", case_id=case_id),
            case_id=case_id,
            plan=plan_view(plan, self.pages.plan_labels(plan), self.w),
        )

    def done(self, visit: Visit, case_id: str, page: str, flag: str) -> Response:
        target = address(case_id, page) + f"?{flag}=1"
        return self.door.keep(visit, RedirectResponse(target, status_code=303))

    # -- editing the draft -----------------------------------------------------------------

    def edit_form(self, request: Request, case_id: str) -> Response:
        """The draft in force as a form: objectives in order with their hours, and notes."""

        def show(visit: Visit, principal: Principal) -> Response:
            history, plan = self.pages.plan_of(principal, case_id)
            rows = [(o.id, str(o.hours)) for o in plan.objectives]
            notes = history.plans[-1].notes
            return self.show_edit(
                visit, history, plan, rows, notes=notes, version=etag(history.records[-1])
            )

        return self.pages.guarded(
            request, "workspace.plan.edit", "case.write", show, case_id=case_id
        )

    def show_edit(
        self,
        visit: Visit,
        history: CaseHistory,
        plan: PlanDraft,
        rows: list[tuple[str, str]],
        *,
        notes: str,
        version: str,
        errors: Mapping[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        """The edit form with ``rows`` (objective id, hours as typed) in their order."""
        w, lang = self.w, self.lang
        labels = self.pages.plan_labels(plan)
        basis = _basis(history, plan)
        options = {o.id: (o, d) for o, d in candidates(plan, basis.result, self.defs.catalogue)}
        fixed = set(required(plan, self.defs.catalogue))
        low, high = hours_range(plan.treatment_hours, len(rows))
        errors = dict(errors or {})
        shown = []
        for at, (ident, hours) in enumerate(rows):
            objective, domain = options[ident]
            shown.append(
                {
                    "id": ident,
                    "at": at,
                    "title": objective.title.get(lang) or objective.title.get("es", ""),
                    "domain": labels.domain(domain) if domain else "—",
                    "hours": hours,
                    "fixed": ident in fixed,
                    "first": at == 0,
                    "last": at == len(rows) - 1,
                    "error": errors.get(f"h.{ident}", ""),
                }
            )
        held = {i for i, _ in rows}
        addable = [
            {
                "id": o.id,
                "title": o.title.get(lang) or o.title.get("es", ""),
                "domain": labels.domain(d) if d else "—",
            }
            for o, d in options.values()
            if o.id not in held
        ]
        given = sum(int(h) for _, h in rows if h.strip().isdigit())
        return self.pages.render(
            "plan_edit",
            visit,
            status=status,
            title=w("workspace.plan_edit.title", case_id=history.case_id),
            case_id=history.case_id,
            plan=plan_view(plan, labels, w),
            rows=shown,
            addable=addable,
            notes=notes,
            most_notes=MOST_NOTES,
            version=version,
            low=low,
            high=high,
            total=plan.treatment_hours,
            given=given,
            cap=max(plan.cap, len(fixed)),
            problem=errors.get(WHOLE, ""),
        )

    def edit_submit(self, request: Request, data: Submitted, case_id: str) -> Response:
        """Move, add or remove an objective (the form again), or save the edit."""
        action = data.one("accion")
        saving = action == "guardar"
        what = "case.plan.edit" if saving else "workspace.plan.edit"

        def show(visit: Visit, principal: Principal) -> Response:
            session = visit.session
            assert session is not None
            if not Sessions.csrf_valid(session, data.one("csrf")):
                raise PageError(403, "csrf")
            history, plan = self.pages.plan_of(principal, case_id)
            version = data.one("version")
            options = {o.id for o, _ in candidates(plan, _basis(history, plan).result,
                                                    self.defs.catalogue)}  # fmt: skip
            rows = [
                (ident, data.one(f"h.{ident}").strip()[:6])
                for ident in dict.fromkeys(data.fields.get("o", ()))
                if ident in options
            ]
            notes = data.one("notas")[:MOST_NOTES]
            if not saving:
                sessions = {o.id: o.sessions for o in self.defs.catalogue.objectives}
                rows = _moved(
                    rows, action, data.one("nuevo"), options=options, plan=plan, sessions=sessions
                )
                return self.show_edit(visit, history, plan, rows, notes=notes, version=version)
            errors = self.edit_errors(plan, rows)
            if errors:
                return self.show_edit(
                    visit,
                    history,
                    plan,
                    rows,
                    notes=notes,
                    version=version,
                    errors=errors,
                    status=422,
                )
            choices = [Choice(ident, int(hours)) for ident, hours in rows]
            on = max(self.today(), plan.dated)
            try:
                stale = self.written(
                    visit,
                    data,
                    case_id,
                    lambda store: edit_plan_version(
                        store, case_id, on, choices, by=principal.name, notes=notes, defs=self.defs
                    ),
                )
            except DecisionInputError as error:
                message = self.w("workspace.plan_edit.refused", code=error.code)
                return self.show_edit(
                    visit,
                    history,
                    plan,
                    rows,
                    notes=notes,
                    version=version,
                    errors={WHOLE: message},
                    status=422,
                )
            return stale or self.done(visit, case_id, "pii", "editado")

        return self.pages.guarded(request, what, "case.write", show, case_id=case_id)

    def edit_errors(self, plan: PlanDraft, rows: list[tuple[str, str]]) -> dict[str, str]:
        """The messages beside hours outside their range, and of a total not the plan's."""
        w = self.w
        low, high = hours_range(plan.treatment_hours, len(rows))
        errors: dict[str, str] = {}
        for ident, hours in rows:
            if not hours.isdigit():
                errors[f"h.{ident}"] = w("workspace.error.whole")
            elif not low <= int(hours) <= high:
                errors[f"h.{ident}"] = w("workspace.error.between", min=low, max=high)
        if not rows and plan.treatment_hours > 0:
            errors[WHOLE] = w("workspace.plan_edit.none")
        elif not errors:
            given = sum(int(h) for _, h in rows)
            if rows and given != plan.treatment_hours:
                errors[WHOLE] = w(
                    "workspace.plan_edit.total", given=given, total=plan.treatment_hours
                )
        if errors and WHOLE not in errors:
            errors[WHOLE] = w("workspace.error.see_fields")
        return errors

    # -- reviews -------------------------------------------------------------------------------

    def review_form(self, request: Request, case_id: str) -> Response:
        """A review of the plan in force: each objective's status and a note."""

        def show(visit: Visit, principal: Principal) -> Response:
            history, plan = self.pages.plan_of(principal, case_id)
            return self.show_review(visit, history, plan, {}, etag(history.records[-1]))

        return self.pages.guarded(
            request, "workspace.plan.review", "case.write", show, case_id=case_id
        )

    def show_review(
        self,
        visit: Visit,
        history: CaseHistory,
        plan: PlanDraft,
        given: Mapping[str, str],
        version: str,
        *,
        problem: str = "",
        status: int = 200,
    ) -> Response:
        w, lang = self.w, self.lang
        rows = [
            {
                "id": o.id,
                "title": o.title(lang),
                "status": given.get(f"s.{o.id}", o.status),
                "note": given.get(f"n.{o.id}", ""),
            }
            for o in (*plan.objectives, *plan.supports)
        ]
        return self.pages.render(
            "plan_review",
            visit,
            status=status,
            title=w("workspace.plan_review.title", case_id=history.case_id),
            case_id=history.case_id,
            rows=rows,
            statuses=[(s, w(f"plan.status_names.{s}")) for s in STATUSES],
            on=given.get("fecha", max(self.today(), plan.dated).isoformat()),
            version=version,
            problem=problem,
        )

    def review_submit(self, request: Request, data: Submitted, case_id: str) -> Response:
        """Record the review through the history layer (the API's ``review_plan``)."""

        def show(visit: Visit, principal: Principal) -> Response:
            session = visit.session
            assert session is not None
            if not Sessions.csrf_valid(session, data.one("csrf")):
                raise PageError(403, "csrf")
            history, plan = self.pages.plan_of(principal, case_id)
            given = {k: v[-1][:1000] for k, v in data.fields.items() if v}
            version = data.one("version")
            try:
                on = dt.date.fromisoformat(data.one("fecha"))
            except ValueError:
                problem = self.w("workspace.error.date")
                return self.show_review(
                    visit, history, plan, given, version, problem=problem, status=422
                )
            changes: dict[str, tuple[Status, str]] = {}
            for o in (*plan.objectives, *plan.supports):
                chosen = data.one(f"s.{o.id}")
                note = data.one(f"n.{o.id}").strip()[:1000]
                if chosen in STATUSES and (chosen != o.status or note):
                    changes[o.id] = (_status(chosen), note)
            if not changes:
                problem = self.w("workspace.plan_review.nothing")
                return self.show_review(
                    visit, history, plan, given, version, problem=problem, status=422
                )
            try:
                stale = self.written(
                    visit,
                    data,
                    case_id,
                    lambda store: review_plan(
                        store, case_id, on, changes, by=principal.name, defs=self.defs
                    ),
                )
            except DecisionInputError as error:
                problem = self.w("workspace.plan_review.refused", code=error.code)
                if error.field == "review.on":
                    problem = self.w("workspace.plan_review.early", on=plan.dated.isoformat())
                return self.show_review(
                    visit, history, plan, given, version, problem=problem, status=422
                )
            return stale or self.done(visit, case_id, "pii", "revisado")

        return self.pages.guarded(request, "case.review", "case.write", show, case_id=case_id)

    # -- the court's approval -----------------------------------------------------------------

    def approve_submit(self, request: Request, data: Submitted, case_id: str) -> Response:
        """Record the court's approval of the version in force (the API's ``approve_plan``).

        The form is on the PII page; a date or reference refused is shown there
        again, with its message beside the field (``422``).
        """

        def show(visit: Visit, principal: Principal) -> Response:
            session = visit.session
            assert session is not None
            if not Sessions.csrf_valid(session, data.one("csrf")):
                raise PageError(403, "csrf")
            history, plan = self.pages.plan_of(principal, case_id)
            if data.one("version") != etag(history.records[-1]):
                return self.stale(visit, case_id)  # approved, or changed, since the form was read
            given = {"fecha": data.one("fecha")[:40], "referencia": data.one("referencia")[:400]}
            on, errors = self.approval_errors(plan, given)
            if on is None or errors:
                again = {**given, "errors": errors}
                return self.pages.show_plan(visit, history, plan, approval=again, status=422)
            reference = given["referencia"].strip() or None
            try:
                stale = self.written(
                    visit,
                    data,
                    case_id,
                    lambda store: approve_plan(
                        store,
                        case_id,
                        on,
                        version=plan.version,
                        by=principal.name,
                        reference=reference,
                        defs=self.defs,
                    ),
                )
            except HistoryError as error:
                problem = self.w("workspace.plan_approval.refused", code=error.code)
                again = {**given, "errors": {WHOLE: problem}}
                return self.pages.show_plan(visit, history, plan, approval=again, status=422)
            return stale or self.done(visit, case_id, "pii", "aprobado")

        return self.pages.guarded(request, "case.approve", "case.write", show, case_id=case_id)

    def approval_errors(
        self, plan: PlanDraft, given: Mapping[str, str]
    ) -> tuple[dt.date | None, dict[str, str]]:
        """The resolution's date, and the messages beside a date or reference refused."""
        w = self.w
        errors: dict[str, str] = {}
        on: dt.date | None = None
        typed = given["fecha"].strip()
        if not typed:
            errors["fecha"] = w("workspace.plan_approval.date_required")
        else:
            try:
                on = dt.date.fromisoformat(typed)
            except ValueError:
                errors["fecha"] = w("workspace.error.date")
        if on is not None and on < plan.dated:
            errors["fecha"] = w("workspace.plan_approval.early", on=plan.dated)
        elif on is not None and on > self.today():
            errors["fecha"] = w("workspace.plan_approval.future")
        reference = given["referencia"].strip()
        if len(reference) > MOST_REFERENCE:
            errors["referencia"] = w("workspace.error.too_long", max=MOST_REFERENCE)
        elif any(c < " " for c in reference):
            errors["referencia"] = w("workspace.plan_approval.one_line")
        if errors:
            errors[WHOLE] = w("workspace.error.see_fields")
        return on, errors


def _status(given: str) -> Status:
    for status in STATUSES:
        if status == given:
            return status
    raise ValueError(given)


def _basis(history: CaseHistory, plan: PlanDraft) -> Any:
    """The assessment the plan in force was drafted from."""
    return next(a for a in reversed(history.assessments) if a.on == plan.assessed_on)


def _moved(
    rows: list[tuple[str, str]],
    action: str,
    added: str,
    *,
    options: set[str],
    plan: PlanDraft,
    sessions: Mapping[str, int],
) -> list[tuple[str, str]]:
    """The rows after a button: ``subir:ID``, ``bajar:ID``, ``quitar:ID`` or ``agregar``.

    Adding or removing shares the plan's hours again over the objectives
    (in proportion to the catalogue's sessions, as a draft does); moving keeps
    what was typed.
    """
    verb, _, ident = action.partition(":")
    at = next((i for i, (r, _) in enumerate(rows) if r == ident), None)
    out = list(rows)
    if verb in ("subir", "bajar") and at is not None:
        to = at - 1 if verb == "subir" else at + 1
        if 0 <= to < len(out):
            out[at], out[to] = out[to], out[at]
        return out
    if verb == "quitar" and at is not None:
        del out[at]
    elif verb == "agregar" and added in options and added not in {r for r, _ in out}:
        out.append((added, "0"))
    else:
        return out
    return _shared(out, plan, sessions)


def _shared(
    rows: list[tuple[str, str]], plan: PlanDraft, sessions: Mapping[str, int]
) -> list[tuple[str, str]]:
    """The plan's treatment hours shared again over ``rows`` by the catalogue's sessions."""
    if not rows:
        return rows
    weights = [max(1, sessions.get(ident, 1)) for ident, _ in rows]
    hours = at_least_one(share_hours(plan.treatment_hours, weights))
    return [(ident, str(h)) for (ident, _), h in zip(rows, hours, strict=True)]
