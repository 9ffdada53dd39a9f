"""The PII's writing pages: editing the draft, reviews, overrides; lost updates refused."""

from __future__ import annotations

import datetime as dt
import functools
import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from workspacekit import CASE, accounts, client, lscmi_fields, sign_in, signed_in, token

from rnr.cases.parse import parse_case
from rnr.errors import DecisionInputError
from rnr.history.access import access_log
from rnr.history.amend import correct_assessment
from rnr.history.bulk import iter_summaries
from rnr.history.definitions import Definitions
from rnr.history.editing import edit_plan_version
from rnr.history.proposals import pending_overrides
from rnr.history.read import read_history
from rnr.history.upkeep import materialise, verify_store
from rnr.plan.edit import Choice, candidates, edit_plan, hours_range, refit
from rnr.schemas.files import schema
from rnr.store import MemoryStore
from rnr.store.copy import copy_store
from rnr.store.protocol import Store

PII = "/espacio/casos/c-101/pii"
OVERRIDE = "/espacio/casos/c-101/ajuste"
DEFS = Definitions.shipped()


def opened(name: str = "ana", store: Store | None = None) -> tuple[TestClient, Store]:
    """A client signed in as ``name`` over a store holding case c-101 (unit crs-1)."""
    store = store if store is not None else accounts(MemoryStore())
    c = signed_in(name, store)
    fields = lscmi_fields()
    fields["csrf"] = token(c.get("/espacio/evaluar?instrumento=lscmi").text)
    answer = c.post("/espacio/evaluar", data=fields)
    assert 303 == answer.status_code, answer.text
    return c, store


def version(html: str) -> str:
    """The case's ETag a form carries, as a browser sends it back (unescaped)."""
    found = re.search(r'name="version" value="([^"]+)"', html)
    assert found is not None, "the form has no version"
    return unescape(found.group(1))


@functools.cache
def _one_case() -> Store:
    """A store holding case c-101, made once (the properties only read it)."""
    return opened()[1]


def form_fields(html: str) -> dict[str, Any]:
    """The edit form's fields as a browser would send them (objectives in order, hours, notes)."""
    ids = re.findall(r'name="o" value="([^"]+)"', html)
    fields: dict[str, Any] = {
        "csrf": token(html),
        "version": version(html),
        "o": ids,
        "notas": "",
    }
    for ident in ids:
        found = re.search(rf'name="h\.{re.escape(ident)}" value="(\d*)"', html)
        assert found is not None
        fields[f"h.{ident}"] = found.group(1)
    return fields


def objectives(store: Store) -> list[tuple[str, int]]:
    plan = read_history(store, "c-101", defs=DEFS).plan
    assert plan is not None
    return [(o.id, o.hours) for o in plan.objectives]


class TestEdit:
    def test_the_form_shows_the_draft_in_order_with_its_hours(self) -> None:
        """The edit form lists the draft's objectives with hours, ranges and buttons."""
        c, store = opened()
        page = c.get(PII + "/editar")
        assert 200 == page.status_code
        assert [i for i, _ in objectives(store)] == form_fields(page.text)["o"]
        assert "Subir" in page.text
        assert "Debe estar entre 1 y 99." in page.text
        assert "Guardar el PII" in page.text

    def test_moving_an_objective_up_changes_nothing_stored(self) -> None:
        """The up button sends the form back in the new order; nothing is written until saved."""
        c, store = opened()
        before = objectives(store)
        fields = form_fields(c.get(PII + "/editar").text)
        second = fields["o"][1]
        page = c.post(PII + "/editar", data={**fields, "accion": f"subir:{second}"})
        assert 200 == page.status_code
        assert [second, fields["o"][0]] == form_fields(page.text)["o"]
        assert before == objectives(store)

    def test_saving_records_a_new_version_with_the_order_hours_and_notes(self) -> None:
        """Saving writes a plan version through the history layer; the case still verifies."""
        c, store = opened()
        fields = form_fields(c.get(PII + "/editar").text)
        first, second = fields["o"]
        fields.update({"o": [second, first], f"h.{first}": "40", f"h.{second}": "60"})
        fields.update(
            {"notas": "Acordado con la persona <b>en entrevista</b>.", "accion": "guardar"}
        )
        answer = c.post(PII + "/editar", data=fields)
        assert 303 == answer.status_code, answer.text
        assert PII + "?editado=1" == answer.headers["location"]
        assert [(second, 60), (first, 40)] == objectives(store)
        history = read_history(store, "c-101", defs=DEFS)
        assert 2 == history.plans[-1].plan.version
        assert history.plans[-1].edited
        page = c.get(answer.headers["location"]).text
        assert "PII guardado" in page
        assert "&lt;b&gt;en entrevista&lt;/b&gt;" in page
        assert () == verify_store(store, defs=DEFS).problems
        actions = [e.access.action for e in access_log(store)]
        assert "case.plan.edit" in actions

    def test_adding_an_objective_shares_the_hours_again(self) -> None:
        """Adding one of the catalogue's objectives for the case's needs re-shares the hours."""
        c, _ = opened()
        page = c.get(PII + "/editar").text
        added = re.search(r'<option value="([^"]+)"', page)
        assert added is not None
        fields = form_fields(page)
        answer = c.post(
            PII + "/editar", data={**fields, "accion": "agregar", "nuevo": added.group(1)}
        )
        shown = form_fields(answer.text)
        assert [*fields["o"], added.group(1)] == shown["o"]
        assert 100 == sum(int(shown[f"h.{i}"]) for i in shown["o"])

    def test_hours_outside_the_range_get_a_message_beside_the_field(self) -> None:
        """Hours outside the decided intensity are refused, with the message tied to the field."""
        c, store = opened()
        before = objectives(store)
        fields = form_fields(c.get(PII + "/editar").text)
        first = fields["o"][0]
        fields.update({f"h.{first}": "500", "accion": "guardar"})
        page = c.post(PII + "/editar", data=fields)
        assert 422 == page.status_code
        assert 'aria-invalid="true"' in page.text
        assert re.search(r'<p class="error" id="he-0">Debe estar entre 1 y 99\.</p>', page.text)
        assert before == objectives(store)

    def test_hours_that_do_not_add_up_are_refused(self) -> None:
        """The hours must add up to the decided hours."""
        c, _ = opened()
        fields = form_fields(c.get(PII + "/editar").text)
        first = fields["o"][0]
        fields.update({f"h.{first}": str(int(fields[f"h.{first}"]) - 1), "accion": "guardar"})
        page = c.post(PII + "/editar", data=fields)
        assert 422 == page.status_code
        assert "deben sumar 100" in page.text

    def test_a_second_save_over_a_changed_plan_says_so_and_writes_nothing(self) -> None:
        """Two people edit the same plan: the second gets the plan as it is now (409)."""
        c, store = opened()
        other = signed_in("sara", store)
        mine = form_fields(c.get(PII + "/editar").text)
        theirs = form_fields(other.get(PII + "/editar").text)
        first, second = mine["o"]
        saved = other.post(
            PII + "/editar", data={**theirs, "o": [second, first], "accion": "guardar"}
        )
        assert 303 == saved.status_code
        after = objectives(store)
        page = c.post(PII + "/editar", data={**mine, "notas": "mío", "accion": "guardar"})
        assert 409 == page.status_code
        assert "Otra persona registró un cambio" in page.text
        assert after == objectives(store)
        assert 2 == len(read_history(store, "c-101", defs=DEFS).plans)

    def test_without_its_token_the_form_is_refused(self) -> None:
        """A form without the session's CSRF token changes nothing."""
        c, store = opened()
        fields = form_fields(c.get(PII + "/editar").text)
        page = c.post(PII + "/editar", data={**fields, "csrf": "x", "accion": "guardar"})
        assert 403 == page.status_code
        assert 1 == len(read_history(store, "c-101", defs=DEFS).plans)

    def test_another_unit_and_an_analyst_are_refused(self) -> None:
        """A delegado of another unit and an analyst cannot open the form."""
        _, store = opened()
        assert 403 == signed_in("beto", store).get(PII + "/editar").status_code
        assert 403 == signed_in("alba", store).get(PII + "/editar").status_code

    def test_the_pages_hold_no_inline_script_or_style(self) -> None:
        """The new pages keep the strict policy: nothing inline."""
        c, _ = opened("sara")
        for path in (PII + "/editar", PII + "/revisar", OVERRIDE, PII):
            page = c.get(path)
            assert 200 == page.status_code, path
            assert "<script>" not in page.text
            assert "style=" not in page.text
            assert " onclick" not in page.text


class TestReview:
    def test_a_review_is_recorded_and_shown_on_the_plan(self) -> None:
        """A review records each changed status with its note; the plan page lists it."""
        c, store = opened()
        page = c.get(PII + "/revisar").text
        ids = re.findall(r'name="s\.([^"]+)"', page)
        fields = {
            "csrf": token(page),
            "version": version(page),
            "fecha": "2025-02-01",
            f"s.{ids[0]}": "in_progress",
            f"n.{ids[0]}": "Asiste a las sesiones.",
        }
        answer = c.post(PII + "/revisar", data=fields)
        assert 303 == answer.status_code, answer.text
        plan = read_history(store, "c-101", defs=DEFS).plan
        assert plan is not None
        assert "in_progress" == plan.objective(ids[0]).status
        shown = c.get(PII).text
        assert "Asiste a las sesiones." in shown
        assert "en curso" in shown
        assert "case.review" in [e.access.action for e in access_log(store)]
        timeline = c.get("/espacio/casos/c-101").text
        assert "en curso" in timeline  # the case's list of PII versions shows the review

    def test_a_review_over_a_plan_that_changed_is_refused(self) -> None:
        """A review sent with an old ETag writes nothing and shows the plan in force (409)."""
        c, store = opened()
        page = c.get(PII + "/revisar").text
        ids = re.findall(r'name="s\.([^"]+)"', page)
        fields = {"csrf": token(page), "version": version(page), "fecha": "2025-02-01"}
        first = c.post(PII + "/revisar", data={**fields, f"s.{ids[0]}": "in_progress"})
        assert 303 == first.status_code
        second = c.post(PII + "/revisar", data={**fields, f"s.{ids[1]}": "achieved"})
        assert 409 == second.status_code
        assert "El PII cambió" in second.text
        plan = read_history(store, "c-101", defs=DEFS).plan
        assert plan is not None
        assert "pending" == plan.objective(ids[1]).status

    def test_a_review_with_no_change_is_refused(self) -> None:
        """Nothing changed, nothing recorded: the form says so."""
        c, _ = opened()
        page = c.get(PII + "/revisar").text
        fields = {
            "csrf": token(page),
            "version": version(page),
            "fecha": "2025-02-01",
        }
        answer = c.post(PII + "/revisar", data=fields)
        assert 422 == answer.status_code
        assert "no hay nada que registrar" in answer.text


class TestOverride:
    def test_a_delegado_proposes_and_a_supervisor_approves(self) -> None:
        """A delegado's proposal waits (no decision reads it) until a supervisor approves it."""
        c, store = opened()
        page = c.get(OVERRIDE)
        assert 200 == page.status_code
        assert "Aprobar" not in page.text
        fields = {
            "csrf": token(page.text),
            "version": version(page.text),
            "nivel": "high",
            "motivo": "victim_safety",
            "texto": "Amenazas a la víctima no puntuadas.",
            "accion": "proponer",
        }
        proposed = c.post(OVERRIDE, data=fields)
        assert 303 == proposed.status_code, proposed.text
        assert "propuesto=1" in proposed.headers["location"]
        decision = c.get("/espacio/casos/c-101/decision").text
        assert "Hay 1 ajuste profesional pendiente de aprobación." in decision
        history = read_history(store, "c-101", defs=DEFS)
        assert 1 == len(history.decisions)
        assert () == history.overrides
        (pending,) = pending_overrides(history)
        assert ("high", "ana") == (pending.to_level, pending.proposed_by)
        assert "Pendiente de aprobación" in c.get(OVERRIDE).text
        assert () == verify_store(store, defs=DEFS).problems

        supervisor = signed_in("sara", store)
        page = supervisor.get(OVERRIDE)
        assert "Aprobar" in page.text
        approve = {
            "csrf": token(page.text),
            "version": version(page.text),
            "propuesta": str(pending.id),
            "accion": "aprobar",
        }
        approved = supervisor.post(OVERRIDE, data=approve)
        assert 303 == approved.status_code, approved.text
        history = read_history(store, "c-101", defs=DEFS)
        assert "high" == history.decisions[-1].decision.risk_level
        assert "sara" == history.overrides[-1].override.approved_by
        assert "victim_safety" == history.overrides[-1].override.reason
        assert () == pending_overrides(history)
        assert "pendiente de aprobación" not in supervisor.get("/espacio/casos/c-101/decision").text
        actions = [e.access.action for e in access_log(store)]
        assert "case.override.propose" in actions
        assert "case.override" in actions
        assert () == verify_store(store, defs=DEFS).problems

    def test_a_delegado_cannot_approve_or_record_directly(self) -> None:
        """Approving and recording need a role that approves overrides (403, nothing written)."""
        c, store = opened()
        page = c.get(OVERRIDE).text
        for action in ("registrar", "aprobar"):
            refused = c.post(
                OVERRIDE,
                data={
                    "csrf": token(page),
                    "version": version(page),
                    "nivel": "high",
                    "motivo": "victim_safety",
                    "propuesta": "1",
                    "accion": action,
                },
            )
            assert 403 == refused.status_code
        assert 1 == len(read_history(store, "c-101", defs=DEFS).decisions)

    def test_a_supervisor_records_and_approves_it(self) -> None:
        """A supervisor of the unit records the override: a new decision approved by them."""
        _, store = opened()
        c = signed_in("sara", store)
        page = c.get(OVERRIDE).text
        fields = {
            "csrf": token(page),
            "version": version(page),
            "nivel": "high",
            "motivo": "victim_safety",
            "texto": "Amenazas a la víctima no puntuadas.",
            "accion": "registrar",
        }
        answer = c.post(OVERRIDE, data=fields)
        assert 303 == answer.status_code, answer.text
        history = read_history(store, "c-101", defs=DEFS)
        assert "high" == history.decisions[-1].decision.risk_level
        assert "sara" == history.overrides[-1].override.approved_by
        assert "Ajuste profesional registrado" in c.get(answer.headers["location"]).text

    def test_other_without_text_gets_a_message(self) -> None:
        """The reason «other» needs an explanation; the form says so and writes nothing."""
        _, store = opened()
        c = signed_in("sara", store)
        page = c.get(OVERRIDE).text
        fields = {
            "csrf": token(page),
            "version": version(page),
            "nivel": "high",
            "motivo": "other",
            "accion": "registrar",
        }
        answer = c.post(OVERRIDE, data=fields)
        assert 422 == answer.status_code
        assert "necesita una explicación" in answer.text


class TestEditCore:
    @settings(max_examples=40, deadline=None)
    @given(total=st.integers(0, 400), count=st.integers(1, 6))
    def test_the_range_leaves_one_hour_for_each_other_objective(
        self, total: int, count: int
    ) -> None:
        """Within the range, every objective can get its hour and the total is reachable."""
        low, high = hours_range(total, count)
        if total == 0:
            assert (0, 0) == (low, high)
        else:
            assert 1 == low
            assert high + (count - 1) * low <= max(total, count)

    @settings(max_examples=30, deadline=None)
    @given(data=st.data())
    def test_any_valid_reshare_is_accepted_and_keeps_the_intensity(self, data: Any) -> None:
        """Any order and split of the decided hours within range is a plan of the same intensity."""
        store = _one_case()
        history = read_history(store, "c-101", defs=DEFS)
        plan = history.plan
        assert plan is not None
        ids = data.draw(st.permutations([o.id for o in plan.objectives]))
        first = data.draw(st.integers(1, plan.treatment_hours - 1))
        hours = [first, plan.treatment_hours - first]
        edited = edit_plan(
            plan,
            dt.date(2025, 2, 1),
            [Choice(i, h) for i, h in zip(ids, hours, strict=True)],
            score=history.assessments[-1].result,
            catalogue=DEFS.catalogue,
            rules=DEFS.rules,
        )
        assert plan.treatment_hours == sum(o.hours for o in edited.objectives)
        assert list(ids) == [o.id for o in edited.objectives]
        assert plan.version + 1 == edited.version

    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_refit_always_gives_an_edit_that_fits(self, data: Any) -> None:
        """Whatever an old edit held, refitting it gives an edit the plan accepts, and is stable."""
        history = read_history(_one_case(), "c-101", defs=DEFS)
        plan = history.plan
        assert plan is not None
        score = history.assessments[-1].result
        ids = [o.id for o, _ in candidates(plan, score, DEFS.catalogue)]
        others = [o.id for o in DEFS.catalogue.objectives[:6]]
        picks = data.draw(st.lists(st.sampled_from([*ids, *others, "nope"]), max_size=7))
        hours = data.draw(st.lists(st.integers(0, 400), min_size=len(picks), max_size=len(picks)))
        choices = [Choice(i, h) for i, h in zip(picks, hours, strict=True)]
        fitted = refit(plan, choices, score=score, catalogue=DEFS.catalogue)
        edited = edit_plan(
            plan, plan.dated, fitted, score=score, catalogue=DEFS.catalogue, rules=DEFS.rules
        )
        assert plan.treatment_hours == sum(o.hours for o in edited.objectives)
        assert fitted == refit(plan, fitted, score=score, catalogue=DEFS.catalogue)

    def test_an_objective_for_no_need_is_refused_with_its_code(self) -> None:
        """An objective the case's needs do not call for is refused (plan.edit.objective)."""
        _, store = opened()
        history = read_history(store, "c-101", defs=DEFS)
        plan = history.plan
        assert plan is not None
        with pytest.raises(DecisionInputError) as raised:
            edit_plan(
                plan,
                dt.date(2025, 2, 1),
                [Choice("adu-ad-tratamiento-consumo", 100)],
                score=history.assessments[-1].result,
                catalogue=DEFS.catalogue,
                rules=DEFS.rules,
            )
        assert "plan.edit.objective" == raised.value.code
        assert "objectives[0].id" == raised.value.field


class TestEditHistory:
    def edited(self) -> Store:
        """A store whose case c-101 has an edited PII (objectives reversed, hours moved, notes)."""
        store = accounts(MemoryStore())
        c, _ = opened(store=store)
        fields = form_fields(c.get(PII + "/editar").text)
        first, second = fields["o"]
        fields.update({"o": [second, first], f"h.{first}": "30", f"h.{second}": "70"})
        answer = c.post(PII + "/editar", data={**fields, "notas": "Notas.", "accion": "guardar"})
        assert 303 == answer.status_code
        return store

    def test_the_history_document_keeps_the_notes_and_fits_its_schema(self) -> None:
        """``CaseHistory.to_dict`` of an edited plan validates against history.schema.json."""
        doc = read_history(self.edited(), "c-101", defs=DEFS).to_dict()
        Draft202012Validator(schema("history")).validate(doc)
        assert "Notas." == doc["plans"][-1]["notes"]
        assert "notes" not in doc["plans"][0]

    def test_a_copy_of_the_store_replays_the_edit_and_verifies(self) -> None:
        """The edit record is copied like any other, replayed the same, and verified."""
        store = self.edited()
        target = MemoryStore()
        assert copy_store(store, target).ok
        assert objectives(store) == objectives(target)
        materialise(target, defs=DEFS, by="tests")
        assert () == verify_store(target, defs=DEFS).problems

    def test_the_caseload_summary_reads_the_edited_order(self) -> None:
        """The timeline's plan (what bulk readers use) is the edited version, statuses kept."""
        store = self.edited()
        ((_, summary),) = list(iter_summaries(store, as_of=dt.date(2025, 3, 1), defs=DEFS))
        assert summary.plan is not None
        assert [i for i, _ in objectives(store)] == [o[0] for o in summary.plan.objectives]
        assert 2 == summary.plan.version

    def test_a_correction_refits_the_edit_and_the_store_verifies(self) -> None:
        """Correcting the assessment under an edit corrects the edit too; nothing is refused."""
        store = self.edited()
        history = read_history(store, "c-101", defs=DEFS)
        document = {**CASE, "responses": dict.fromkeys(CASE["responses"], True)}
        corrected = correct_assessment(
            store,
            history.assessments[0].id,
            parse_case(document, file="corrección"),
            by="ana",
            defs=DEFS,
        )
        plan = corrected.plan
        assert plan is not None
        assert plan.treatment_hours == sum(o.hours for o in plan.objectives)
        assert plan.treatment_hours > history.plans[0].plan.treatment_hours
        assert "Notas." == corrected.plans[-1].notes
        assert () == verify_store(store, defs=DEFS).problems

    def test_a_repeat_of_the_same_edit_writes_nothing(self) -> None:
        """The same edit sent twice is stored once (a form sent twice)."""
        store = self.edited()
        history = read_history(store, "c-101", defs=DEFS)
        plan = history.plan
        assert plan is not None
        choices = [Choice(o.id, o.hours) for o in plan.objectives]
        again = edit_plan_version(
            store, "c-101", plan.dated, choices, by="ana", notes="Notas.", defs=DEFS, written=True
        )
        assert again.already_stored
        assert len(history.records) == len(again.value.records)


def test_the_pages_speak_english_with_lang_en() -> None:
    """Every new page has its English words (the catalogue's ``en`` area)."""
    store = accounts(MemoryStore())
    opened(store=store)
    c = signed_in("sara", store, lang="en")
    for path, words in (
        (PII + "/editar", "Save the PII"),
        (PII + "/revisar", "Record the review"),
        (OVERRIDE, "Record and approve the override"),
    ):
        page = c.get(path)
        assert 200 == page.status_code, path
        assert words in page.text
        assert "Guardar" not in page.text


def test_sign_in_helper_is_shared() -> None:
    """The helpers of workspacekit sign people in (a guard against a changed kit)."""
    c = client()
    assert 303 == sign_in(c, "ana").status_code
