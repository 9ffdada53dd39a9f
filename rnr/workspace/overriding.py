"""The override page: a delegado proposes, a supervisor of the unit records and approves.

.. code-block:: text

    GET  /espacio/casos/{id}/ajuste     the computed level, the pending proposals, the form
    POST /espacio/casos/{id}/ajuste     accion=proponer (a delegado), aprobar (a proposal),
                                        or registrar (a supervisor's own override)

A supervisor's override, and a supervisor's approval of a proposal, are
:func:`rnr.history.write.add_override`, the API's own write, approved by the
supervisor who sends the form. A delegado's proposal is
:func:`rnr.history.proposals.propose_override`: no decision reads it until a
supervisor approves it. Each form carries the case's ETag: a form sent over a
case someone else changed writes nothing and shows the page again (``409``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rnr.cases.overrides import REASONS, Override
from rnr.definitions.labels import load_labels
from rnr.errors import DecisionInputError, HistoryError
from rnr.history.access import Principal
from rnr.history.entries import CaseHistory
from rnr.history.proposals import pending_overrides, propose_override
from rnr.history.write import add_override
from rnr.service.preconditions import Expecting, etag
from rnr.store.protocol import Store
from rnr.workspace.door import Visit
from rnr.workspace.pages import PREFIX, PageError, Section, Submitted, address
from rnr.workspace.sessions import Sessions

__all__ = ["Overriding"]


class ChangedError(Exception):
    """The case changed since its form was read: nothing was written."""


def _changed(now: str | None) -> Exception:
    del now
    return ChangedError()


class Overriding(Section):
    """The override page, on the workspace's :class:`~rnr.workspace.pages.Pages`."""

    def mount(self, app: FastAPI) -> None:
        """Add the override page's routes to ``app``."""
        self.pages.get(app, PREFIX + "/casos/{case_id}/ajuste", self.form)
        self.pages.post(app, PREFIX + "/casos/{case_id}/ajuste", self.submit)

    def levels(self, history: CaseHistory) -> list[str]:
        """The risk levels the policy of the latest decision knows, lowest first."""
        policy = self.defs.policies.get(str(history.decisions[-1].decision.policy))
        found = policy.inputs["risk_level"].values if "risk_level" in policy.inputs else ()
        return [str(v) for v in found]

    def form(self, request: Request, case_id: str) -> Response:
        """The computed level, the proposals pending, and the form the role allows."""

        def show(visit: Visit, principal: Principal) -> Response:
            history = self.pages.history(principal, case_id)
            return self.show(visit, principal, history, {})

        return self.pages.guarded(request, "workspace.override", "case.read", show, case_id=case_id)

    def show(
        self,
        visit: Visit,
        principal: Principal,
        history: CaseHistory,
        given: Mapping[str, str],
        *,
        problem: str = "",
        status: int = 200,
    ) -> Response:
        w = self.w
        if not history.decisions or not history.assessments:
            raise PageError(404, "no_decision", case_id=history.case_id)
        latest = history.decisions[-1]
        labels = load_labels(
            self.defs.library.get(str(history.assessments[-1].result.instrument)), self.lang
        )
        pending = [
            {
                "id": p.id,
                "on": p.on,
                "level": labels.level(p.to_level),
                "reason": w(f"cases.override_reasons.{p.reason}"),
                "text": p.text,
                "by": p.proposed_by,
            }
            for p in pending_overrides(history)
        ]
        return self.pages.render(
            "override",
            visit,
            status=status,
            title=w("workspace.override.title", case_id=history.case_id),
            case_id=history.case_id,
            approves=principal.may("override.approve"),
            writes=principal.may("case.write"),
            computed=labels.level(latest.decision.computed_risk_level),
            current=labels.level(latest.decision.risk_level),
            levels=[(lv, labels.level(lv)) for lv in self.levels(history)],
            reasons=[(r, w(f"cases.override_reasons.{r}")) for r in REASONS],
            pending=pending,
            given=given,
            version=etag(history.records[-1]),
            problem=problem,
        )

    def submit(self, request: Request, data: Submitted, case_id: str) -> Response:
        """Propose, approve or record an override, as the role allows."""
        action = data.one("accion")
        what = "case.override.propose" if action == "proponer" else "case.override"

        def show(visit: Visit, principal: Principal) -> Response:
            session = visit.session
            assert session is not None
            if not Sessions.csrf_valid(session, data.one("csrf")):
                raise PageError(403, "csrf")
            history = self.pages.history(principal, case_id)
            if action != "proponer" and not principal.may("override.approve"):
                raise PageError(403, "role", role=self.w(f"workspace.roles.{principal.role}"))
            given = {k: v[-1][:1000] for k, v in data.fields.items() if v}
            on = max(self.today(), history.assessments[-1].on)
            try:
                write: Callable[[Store], object] | None
                if action == "aprobar":
                    write = self.approval(history, data.one("propuesta"), principal, on)
                else:
                    write = self.asked(history, data, principal, on, proposing=action == "proponer")
                if write is None:
                    problem = self.w("workspace.override.level")
                    return self.show(visit, principal, history, given, problem=problem, status=422)
                watched = Expecting(self.store, case_id, data.one("version") or "-", _changed)
                try:
                    write(watched)
                except ChangedError:
                    return self.changed(visit, principal, case_id, given)
                except HistoryError as error:
                    if error.code != "history.case.changed":
                        raise
                    return self.changed(visit, principal, case_id, given)
            except DecisionInputError as error:
                key = f"workspace.override.field.{error.field.removeprefix('override.')}"
                problem = self.w(key if key in self.w else "workspace.override.refused",
                                 code=error.code)  # fmt: skip
                return self.show(visit, principal, history, given, problem=problem, status=422)
            flag = "propuesto" if action == "proponer" else "ajustado"
            target = address(case_id, "decision") + f"?{flag}=1"
            return self.door.keep(visit, RedirectResponse(target, status_code=303))

        return self.pages.guarded(request, what, "case.write", show, case_id=case_id)

    def changed(
        self, visit: Visit, principal: Principal, case_id: str, given: Mapping[str, str]
    ) -> Response:
        """The page again, as the case is now, saying nothing was written (409)."""
        history = self.pages.history(principal, case_id)
        problem = self.w("workspace.override.changed")
        return self.show(visit, principal, history, given, problem=problem, status=409)

    def asked(
        self,
        history: CaseHistory,
        data: Submitted,
        principal: Principal,
        on: dt.date,
        *,
        proposing: bool,
    ) -> Callable[[Store], object] | None:
        """The write of the override the form asks for (``None``: no level that changes it)."""
        levels = self.levels(history)
        computed = history.decisions[-1].decision.computed_risk_level
        to_level = data.one("nivel")
        if to_level not in levels or to_level == computed or computed not in levels:
            return None
        up = levels.index(to_level) > levels.index(computed)
        direction: Literal["up", "down"] = "up" if up else "down"
        reason, text = data.one("motivo"), data.one("texto").strip()[:1000]
        case_id = history.case_id
        if proposing:
            return lambda store: propose_override(
                store,
                case_id,
                to_level=to_level,
                direction=direction,
                reason=reason,
                text=text,
                on=on,
                by=principal.name,
                defs=self.defs,
            )
        override = Override(
            to_level=to_level,
            direction=direction,
            reason=reason,
            approved_by=principal.name,
            approved_on=on,
            text=text,
        )
        return lambda store: add_override(
            store, case_id, override, by=principal.name, defs=self.defs
        )

    def approval(
        self, history: CaseHistory, proposal: str, principal: Principal, on: dt.date
    ) -> Callable[[Store], object]:
        """The write of a pending proposal approved by ``principal``.

        Raises:
            PageError: 404, no such proposal pending.
        """
        found = next((p for p in pending_overrides(history) if str(p.id) == proposal), None)
        if found is None:
            raise PageError(404, "no_proposal", case_id=history.case_id)
        override = found.approved(principal.name, on)
        case_id = history.case_id
        return lambda store: add_override(
            store, case_id, override, by=principal.name, defs=self.defs
        )
