"""Case histories: writing, refusing bad input without writing, replaying, and a stateful model."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from rnr import default_library
from rnr.cases.overrides import Override
from rnr.cases.parse import Case, parse_case
from rnr.definitions.instrument import Reliability
from rnr.errors import (
    DecisionInputError,
    HistoryError,
    InvalidArgumentError,
    StoreIntegrityError,
)
from rnr.history import write as write_module
from rnr.history.amend import correct_assessment, record_event, review_plan
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory, DecisionEntry
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.history.summary import summarize_case
from rnr.history.write import add_override, open_case, reassess
from rnr.plan.draft import Status
from rnr.policy.decision import Intensity
from rnr.policy.engine import decide_facts, facts
from rnr.render.change import change_lines
from rnr.render.history import history_lines
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store
from rnr.store.records import Record
from rnr.store.sqlite import SQLiteStore
from rnr.testing.strategies import responses

DATA = Path(__file__).parent / "data" / "plans" / "cases"
LSCMI = default_library().get("lscmi")
DEFS = Definitions.shipped()


def adult_document(**changes: Any) -> dict[str, Any]:
    """The adult test case (LVI, medium risk) as a JSON document, with changes."""
    doc: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))
    doc.update(changes)
    return doc


def case(doc: dict[str, Any]) -> Case:
    """A parsed case document."""
    return parse_case(doc, file="<test>")


def later(doc: dict[str, Any], days: int, **answers: bool) -> dict[str, Any]:
    """The same person reassessed ``days`` later with some answers changed."""
    day = dt.date.fromisoformat(doc["assessed_on"]) + dt.timedelta(days=days)
    return {**doc, "assessed_on": day.isoformat(), "responses": {**doc["responses"], **answers}}


@pytest.fixture
def store() -> Store:
    """An empty in-memory store."""
    return MemoryStore()


class TestWriting:
    def test_open_case_stores_raw_records_and_reads_back_derived_results(
        self, store: Store
    ) -> None:
        """Opening writes a case, an assessment, a decision and a plan; reading recomputes them."""
        history = open_case(store, case(adult_document()), by="delegado-01")
        assert ["case", "assessment", "decision", "plan"] == [r.kind for r in store.records()]
        assert ("medium", 100, 1) == (
            history.assessments[0].result.risk_level,
            history.decision.intensity.treatment_hours,  # type: ignore[union-attr]
            history.plan.version,  # type: ignore[union-attr]
        )
        stored = store.get(2).data
        assert "risk_level" not in json.dumps(dict(stored))
        assert "lscmi@1.0.0" == stored["instrument"]
        assert LSCMI.sha256 == stored["instrument_sha256"]
        assert history == read_history(store, "prueba-adulto-01", defs=DEFS)

    def test_reassessment_makes_a_new_decision_and_plan_version(self, store: Store) -> None:
        """A reassessment adds a score, a decision and a plan version that keeps statuses."""
        doc = adult_document()
        first = open_case(store, case(doc), by="d")
        objective = first.plan.objectives[0].id  # type: ignore[union-attr]
        review_plan(
            store, doc["case_id"], dt.date(2024, 11, 1), {objective: ("in_progress", "")}, by="d"
        )
        history = reassess(
            store, doc["case_id"], case(later(doc, 180, currently_unemployed=False)), by="d"
        )
        assert [14, 13] == [a.result.scales["total"].raw for a in history.assessments]
        assert [1, 2, 3] == [p.plan.version for p in history.plans]
        assert ["initial", "review", "review"] == [p.plan.kind for p in history.plans]
        kept = history.plan.objective(objective)  # type: ignore[union-attr]
        assert "in_progress" == kept.status
        assert 2 == len(history.decisions)

    def test_events_and_closing(self, store: Store) -> None:
        """Events are kept in date order; a discharge closes the case to reassessment."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        record_event(store, doc["case_id"], "discharge", dt.date(2025, 6, 1), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2025, 1, 5), by="d", note="x")
        history = read_history(store, doc["case_id"], defs=DEFS)
        assert ["breach", "discharge"] == [e.kind for e in history.events]
        assert history.is_open(dt.date(2025, 5, 31))
        assert dt.date(2025, 6, 1) == history.closed_on()
        with pytest.raises(HistoryError, match=r"closed on 2025-06-01 \(discharge\)") as info:
            reassess(store, doc["case_id"], case(later(doc, 400)), by="d")
        assert ("history.case.closed", 4) == (info.value.code, int(info.value.outcome))

    def test_attendance_events_carry_their_fields(self, store: Store) -> None:
        """An attendance event needs a component and sessions scheduled and attended."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        data = {"component": "apoyo socioeducativo", "scheduled": 8, "attended": 7}
        stored = record_event(
            store, doc["case_id"], "attendance", dt.date(2024, 9, 30), by="d", data=data
        )
        assert 7 == stored.data["attended"]

    def test_override_makes_a_new_decision(self, store: Store) -> None:
        """An override of the latest assessment is its own record and changes the decision."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        override = Override(
            to_level="high",
            direction="up",
            reason="victim_safety",
            approved_by="jefatura",
            approved_on=dt.date(2024, 8, 25),
        )
        history = add_override(store, doc["case_id"], override, by="d")
        assert ("high", "medium", 200) == (
            history.decision.risk_level,  # type: ignore[union-attr]
            history.decision.computed_risk_level,  # type: ignore[union-attr]
            history.decision.intensity.treatment_hours,  # type: ignore[union-attr]
        )
        assert 1 == len(history.overrides)
        assert "medium" == history.assessments[0].result.risk_level

    def test_correction_replaces_the_assessment_everywhere(self, store: Store) -> None:
        """A corrected assessment is recomputed into its decision; the original stays stored."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        fixed = later(doc, 0, prior_adult_convictions=False, multiple_prior_convictions=False)
        history = correct_assessment(store, 2, case(fixed), by="supervisor")
        assert 12 == history.assessments[0].result.scales["total"].raw
        assert (2,) == history.assessments[0].corrected
        assert frozenset({2}) == history.superseded
        assert 5 == len(list(store.records()))
        assert store.verify().ok

    def test_a_correction_that_changes_the_needs_corrects_the_plan_draft(
        self, store: Store
    ) -> None:
        """Answers corrected away from a need redraft the plan; its draft record is corrected."""
        doc = adult_document()
        first = open_case(store, case(doc), by="d")
        assert "alcohol_drug" in {o.domain for o in first.plan.objectives}  # type: ignore[union-attr]
        drugs = ("drug_problem_past", "drug_problem_current", "substance_legal_consequences")
        fixed = later(doc, 0, **dict.fromkeys(drugs, False), substance_family_consequences=False)
        history = correct_assessment(store, 2, case(fixed), by="supervisor")
        assert "alcohol_drug" not in {o.domain for o in history.plan.objectives}  # type: ignore[union-attr]
        kinds = [(r.kind, r.record.corrects) for r in store.records()]
        assert [("assessment", 2), ("plan", 4)] == kinds[-2:]
        assert history == read_history(store, doc["case_id"], defs=DEFS)


class TestRefusals:
    """Every refused operation names what is wrong and writes nothing."""

    @pytest.fixture
    def opened(self, store: Store) -> tuple[Store, dict[str, Any]]:
        """A store holding the adult test case."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        return store, doc

    @pytest.mark.parametrize(
        ("operation", "message", "code"),
        [
            (
                lambda s, d: open_case(s, case(later(d, 0, currently_unemployed=False)), by="d"),
                "already in <memory> with other content",
                "history.case.exists",
            ),
            (
                lambda s, d: reassess(
                    s, d["case_id"], case(later(d, 0, currently_unemployed=False)), by="d"
                ),
                "expected a date after the last assessment",
                "history.date.order",
            ),
            (
                lambda s, d: reassess(s, d["case_id"], case(later(d, -30)), by="d"),
                "expected a date after the last assessment",
                "history.date.order",
            ),
            (
                lambda s, d: reassess(s, "other", case(later(d, 30)), by="d"),
                "the file holds case 'prueba-adulto-01', expected 'other'",
                "history.refused",
            ),
            (
                lambda s, d: reassess(s, "nope", case({**later(d, 30), "case_id": "nope"}), by="d"),
                "unknown case",
                "history.case.unknown",
            ),
            (
                lambda s, d: record_event(s, d["case_id"], "party", dt.date(2025, 1, 1), by="d"),
                "event.kind: got 'party'",
                "history.refused",
            ),
            (
                lambda s, d: record_event(s, d["case_id"], "breach", dt.date(2020, 1, 1), by="d"),
                "expected 2024-08-19 or later",
                "history.date.order",
            ),
            (
                lambda s, d: record_event(
                    s,
                    d["case_id"],
                    "attendance",
                    dt.date(2025, 1, 1),
                    by="d",
                    data={"component": "x", "scheduled": 2, "attended": 3},
                ),
                "event.attended: got 3, expected 0 to 2",
                "history.refused",
            ),
            (
                lambda s, d: record_event(
                    s,
                    d["case_id"],
                    "attendance",
                    dt.date(2025, 1, 1),
                    by="d",
                    data={"component": "x"},
                ),
                "event.scheduled: missing",
                "history.refused",
            ),
            (
                lambda s, d: record_event(
                    s, d["case_id"], "breach", dt.date(2025, 1, 1), by="d", data={"colour": "red"}
                ),
                "event.colour: unknown",
                "history.refused",
            ),
            (
                lambda s, d: record_event(
                    s, d["case_id"], "breach", dt.date(2025, 1, 1), by="d", corrects=2
                ),
                "record 2: expected a event of this case",
                "history.refused",
            ),
            (
                lambda s, d: correct_assessment(s, 3, case(d), by="d"),
                "record 3: expected a assessment",
                "history.refused",
            ),
            (
                lambda s, d: correct_assessment(s, 99, case(d), by="d"),
                "record 99: expected a assessment of this case",
                "history.record.unknown",
            ),
            (
                lambda s, d: open_case(s, case({**d, "case_id": "x2", "legal": None}), by="d"),
                'needs its "legal" section',
                "decision.legal.missing",
            ),
            (
                lambda s, d: reassess(
                    s, d["case_id"], case({**later(d, 30), "legal": {"regime": "juvenile"}}), by="d"
                ),
                "legal.regime: got 'juvenile'",
                "history.refused",
            ),
        ],
    )
    def test_refused_and_nothing_written(
        self,
        opened: tuple[Store, dict[str, Any]],
        operation: Callable[[Store, dict[str, Any]], object],
        message: str,
        code: str,
    ) -> None:
        """The error names the case, the field, the value and its code; the store is unchanged."""
        store, doc = opened
        before = [r.to_dict() for r in store.records()]
        with pytest.raises(HistoryError, match=message) as refused:
            operation(store, doc)
        assert code == refused.value.code
        assert before == [r.to_dict() for r in store.records()]

    @pytest.mark.parametrize("kind", ["memory", "sqlite"])
    def test_a_case_written_between_the_reading_and_the_block_is_refused(
        self, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A write reads its case, then writes in a block: a record landing between is refused."""
        store: Store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "s.sqlite3")
        doc = adult_document()
        open_case(store, case(doc), by="d")
        reading = write_module.read_history
        meanwhile: list[dict[str, Any]] = []

        def read_then_another_writes(*args: Any, **kwargs: Any) -> CaseHistory:
            found = reading(*args, **kwargs)
            record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="otra")
            meanwhile.extend(r.to_dict() for r in store.records())
            return found

        monkeypatch.setattr(write_module, "read_history", read_then_another_writes)
        with pytest.raises(HistoryError, match="the case changed meanwhile") as refused:
            reassess(store, doc["case_id"], case(later(doc, 400)), by="d")
        assert "history.case.changed" == refused.value.code
        assert meanwhile == [r.to_dict() for r in store.records()]
        assert "event" in [r["kind"] for r in meanwhile]

    def test_correcting_a_corrected_record_is_a_conflict(
        self, opened: tuple[Store, dict[str, Any]]
    ) -> None:
        """A correction names the record it replaces: one already replaced is stale (4)."""
        store, doc = opened
        correct_assessment(store, 2, case(later(doc, 0, currently_unemployed=False)), by="d")
        before = [r.to_dict() for r in store.records()]
        with pytest.raises(HistoryError, match="record 2: expected a assessment") as refused:
            correct_assessment(store, 2, case(later(doc, 0, frequently_unemployed=False)), by="d")
        assert ("history.case.changed", 4) == (refused.value.code, int(refused.value.outcome))
        assert before == [r.to_dict() for r in store.records()]

    def test_bad_review_is_refused(self, opened: tuple[Store, dict[str, Any]]) -> None:
        """A review naming an unknown objective is refused by the plan's own rules."""
        store, doc = opened
        with pytest.raises(DecisionInputError, match="objective 'nope': unknown"):
            review_plan(
                store, doc["case_id"], dt.date(2024, 9, 1), {"nope": ("achieved", "")}, by="d"
            )
        assert 4 == len(list(store.records()))

    def test_a_changed_instrument_is_detected_on_read(
        self, opened: tuple[Store, dict[str, Any]]
    ) -> None:
        """An assessment whose instrument hash changed is refused on read, not rescored."""
        store, doc = opened
        other = MemoryStore()
        rows = list(store.records())
        data = {**rows[1].data, "instrument_sha256": "0" * 64}
        with other.write(by="x") as tx:
            for row in rows:
                record = row.record if row.id != 2 else attrs.evolve(row.record, data=data)
                tx.append(record)
        with pytest.raises(StoreIntegrityError, match="instrument lscmi@1.0.0 has changed"):
            read_history(other, doc["case_id"], defs=DEFS)

    def test_a_correction_of_another_case_is_an_integrity_error(self) -> None:
        """A record correcting a record of another case cannot be replayed."""
        store = MemoryStore()
        with store.write(by="x") as tx:
            tx.append(Record("event", "a", dt.date(2025, 1, 1), {"kind": "breach"}))
            tx.append(
                Record(
                    "case",
                    "b",
                    dt.date(2025, 1, 1),
                    {"regime": "adult", "legal": {"regime": "adult"}},
                )
            )
            tx.append(Record("event", "b", dt.date(2025, 1, 2), {"kind": "breach"}, corrects=1))
        with pytest.raises(
            StoreIntegrityError, match="corrects record 1, which is not of this case"
        ):
            read_history(store, "b", defs=DEFS)


def intensity_at(history: CaseHistory, entry: DecisionEntry, level: str) -> Intensity:
    """The intensity the policy gives ``entry``'s case at ``level`` (its plain decision there)."""
    assessment = next(a for a in history.assessments if a.id == entry.assessment)
    policy = DEFS.policies.get(str(entry.decision.policy))
    assert entry.legal is not None
    known = facts(assessment.result, risk_level=level)
    return decide_facts(policy, known, entry.legal, assessed_on=assessment.on).intensity


#: The agency's figures of a validation study, for the reliable change index (test values).
FIGURES = {"total": Reliability(sd=2.0, r=0.8, source="estudio de prueba")}
#: Figures so wide that a fall of 4 points is within measurement error.
WIDE = {"total": Reliability(sd=10.0, r=0.5, source="estudio de prueba")}
#: Answers that take the adult test case from 14 points (medium) to 10 (low).
BETTER = dict.fromkeys(
    (
        "currently_unemployed",
        "frequently_unemployed",
        "drug_problem_current",
        "unstructured_free_time",
    ),
    False,
)


class TestChangeActs:
    """The change policy's answer is recorded with a decision, acts on it and replays."""

    def test_a_breach_steps_the_intensity_up_at_once(self, store: Store) -> None:
        """A breach after the assessment records a decision at the next band, with a plan."""
        doc = adult_document()
        opened = open_case(store, case(doc), by="d")
        event = record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        history = read_history(store, doc["case_id"], defs=DEFS)
        stepped = history.decisions[-1]
        assert stepped.step is not None
        assert ("event", "step_up", "chg-breach", "applied") == (
            stepped.step.cause,
            stepped.step.action,
            stepped.step.rule,
            stepped.step.status,
        )
        assert ("medium", "high") == (stepped.step.band_before, stepped.band)
        assert stepped.event is not None
        assert event.id == stepped.event.id
        assert "medium" == stepped.decision.risk_level
        assert intensity_at(history, stepped, "high") == stepped.decision.intensity
        assert opened.decision.intensity != stepped.decision.intensity  # type: ignore[union-attr]
        plan = history.plan
        assert plan is not None
        assert (2, dt.date(2024, 12, 1)) == (plan.version, plan.dated)
        assert stepped.decision.intensity.treatment_hours == plan.treatment_hours
        stored = store.get(stepped.id).data["step"]
        assert {"cause": "event", "event": event.id, "action": "step_up", "rule": "chg-breach"} == (
            dict(stored)
        )
        as_json = history.to_dict()["decisions"][-1]
        assert ("high", "applied", event.id) == (
            as_json["band"],
            as_json["step"]["status"],
            as_json["event"],
        )
        assert [r.kind for r in store.records()][-3:] == ["event", "decision", "plan"]
        text = "\n".join(history_lines(history, DEFS.library, "es"))
        assert (
            "respuesta de la política al registro de incumplimiento del 01-12-2024: subir la"
            " intensidad, aplicada: de la intensidad del nivel Medio a la del nivel Alto"
            " (4 contactos al mes, 200 h)"
        ) in text
        assert "chg-" not in text

    def test_an_event_the_policy_does_not_answer_alone_records_nothing_more(
        self, store: Store
    ) -> None:
        """Attendance, a discharge: only the event is stored."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        data = {"component": "apoyo", "scheduled": 4, "attended": 4}
        record_event(store, doc["case_id"], "attendance", dt.date(2024, 12, 1), by="d", data=data)
        record_event(store, doc["case_id"], "discharge", dt.date(2025, 8, 1), by="d")
        assert ["event", "event"] == [r.kind for r in store.records()][-2:]
        record_event(store, doc["case_id"], "breach", dt.date(2025, 9, 1), by="d")
        assert "event" == list(store.records())[-1].kind  # closed: no answer

    def test_the_reassessment_answers_the_whole_period_without_stepping_twice(
        self, store: Store
    ) -> None:
        """The reassessment after a new offence records its own answer from the band it set."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        record_event(store, doc["case_id"], "new_offence", dt.date(2024, 12, 1), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2025, 1, 5), by="d")
        middle = read_history(store, doc["case_id"], defs=DEFS)
        assert ["medium", "high", "very_high"] == [d.band for d in middle.decisions]
        history = reassess(
            store, doc["case_id"], case(later(doc, 180, currently_unemployed=False)), by="d"
        )
        latest = history.decisions[-1]
        assert latest.step is not None
        assert ("reassessment", "chg-new-offence", "medium", "high") == (
            latest.step.cause,
            latest.step.rule,
            latest.step.band_before,
            latest.band,
        )
        stored = dict(store.get(latest.id).data["step"])
        assert stored["previous"] == history.assessments[0].id
        assert stored["events"] == [e.id for e in history.events]
        assert intensity_at(history, latest, "high") == latest.decision.intensity
        assert latest.decision.intensity.treatment_hours == history.plan.treatment_hours  # type: ignore[union-attr]
        assert history == read_history(store, doc["case_id"], defs=DEFS)

    def test_a_reliable_improvement_steps_down(self, store: Store) -> None:
        """Level down with a reliable improvement: the policy steps down to the new level."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        history = reassess(
            store, doc["case_id"], case(later(doc, 180, **BETTER)), by="d", reliability=FIGURES
        )
        latest = history.decisions[-1]
        assert latest.step is not None
        assert ("step_down", "chg-down-confirmed", "applied", "low") == (
            latest.step.action,
            latest.step.rule,
            latest.step.status,
            latest.band,
        )
        assert intensity_at(history, latest, "low") == latest.decision.intensity
        stored = dict(store.get(latest.id).data["step"])
        assert {"sd": 2.0, "r": 0.8, "source": "estudio de prueba", "status": "validated"} == (
            stored["reliability"]["total"]
        )
        assert history == read_history(store, doc["case_id"], defs=DEFS)

    def test_a_fall_within_measurement_error_keeps_the_intensity(self, store: Store) -> None:
        """Level down but within error: the decision keeps the intensity of the previous band."""
        doc = adult_document()
        first = open_case(store, case(doc), by="d")
        history = reassess(
            store, doc["case_id"], case(later(doc, 180, **BETTER)), by="d", reliability=WIDE
        )
        latest = history.decisions[-1]
        assert latest.step is not None
        assert ("keep", "chg-down-within-error", "kept") == (
            latest.step.action,
            latest.step.rule,
            latest.step.status,
        )
        assert ("low", "medium") == (latest.decision.risk_level, latest.band)
        assert intensity_at(history, latest, "medium") == latest.decision.intensity
        before = first.decision.intensity  # type: ignore[union-attr]
        kept = latest.decision.intensity
        assert (before.contacts_per_month, before.treatment_hours) == (
            kept.contacts_per_month,
            kept.treatment_hours,
        )

    def test_a_step_beyond_the_highest_band_is_refused_with_its_reason(self, store: Store) -> None:
        """A third breach finds no band above very high: the refusal is recorded, no plan."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        for day in (dt.date(2024, 10, 1), dt.date(2024, 11, 1)):
            record_event(store, doc["case_id"], "breach", day, by="d")
        plans = len(read_history(store, doc["case_id"], defs=DEFS).plans)
        record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        history = read_history(store, doc["case_id"], defs=DEFS)
        refused = history.decisions[-1]
        assert refused.step is not None
        assert refused.step.reason is not None
        assert ("refused", "very_high", "change.step.refused.top") == (
            refused.step.status,
            refused.band,
            refused.step.reason.code,
        )
        assert history.decisions[-2].decision.intensity == refused.decision.intensity
        assert plans == len(history.plans)
        text = "\n".join(history_lines(history, DEFS.library, "es"))
        assert (
            "no aplicada: la intensidad ya es la del nivel más alto (Muy alto) que la política"
            " «Penas sustitutivas de adultos (Ley 18.216)» fija para la pena sustitutiva LVI;"
            " sigue la intensidad del nivel Muy alto"
        ) in text

    def test_a_control_sentence_refuses_every_step(self, store: Store) -> None:
        """Under RC the intensity is the same at every band: a breach is answered, refused."""
        doc = adult_document(
            legal={**adult_document()["legal"], "sanction": "RC", "sentence_days": 500}
        )
        open_case(store, case(doc), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        step = read_history(store, doc["case_id"], defs=DEFS).decisions[-1].step
        assert step is not None
        assert step.reason is not None
        assert ("refused", "change.step.refused.fixed") == (step.status, step.reason.code)

    def test_a_corrected_event_is_answered_again(self, store: Store) -> None:
        """A breach corrected into attendance withdraws its step; its plan is redrafted."""
        doc = adult_document()
        first = open_case(store, case(doc), by="d")
        event = record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        data = {"component": "apoyo", "scheduled": 4, "attended": 4}
        fixed = record_event(
            store,
            doc["case_id"],
            "attendance",
            dt.date(2024, 12, 1),
            by="d",
            data=data,
            corrects=event.id,
        )
        history = read_history(store, doc["case_id"], defs=DEFS)
        withdrawn = history.decisions[-1]
        assert withdrawn.step is not None
        assert (None, "keep", "kept", "medium") == (
            withdrawn.step.answer,
            withdrawn.step.action,
            withdrawn.step.status,
            withdrawn.band,
        )
        assert first.decision.intensity == withdrawn.decision.intensity  # type: ignore[union-attr]
        assert first.decision.intensity.treatment_hours == history.plan.treatment_hours  # type: ignore[union-attr]
        assert store.verify().ok
        again = record_event(
            store,
            doc["case_id"],
            "new_offence",
            dt.date(2024, 12, 2),
            by="d",
            corrects=fixed.id,
        )
        history = read_history(store, doc["case_id"], defs=DEFS)
        assert history.decisions[-1].step is not None
        assert ("chg-new-offence", "high") == (
            history.decisions[-1].step.rule,
            history.decisions[-1].band,
        )
        assert again.id == history.decisions[-1].event.record  # type: ignore[union-attr]

    def test_an_event_corrected_into_a_breach_is_answered(self, store: Store) -> None:
        """Attendance corrected into a breach records the answer it now calls for."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        data = {"component": "apoyo", "scheduled": 4, "attended": 4}
        event = record_event(
            store, doc["case_id"], "attendance", dt.date(2024, 12, 1), by="d", data=data
        )
        record_event(
            store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d", corrects=event.id
        )
        history = read_history(store, doc["case_id"], defs=DEFS)
        assert history.decisions[-1].step is not None
        assert "chg-breach" == history.decisions[-1].step.rule

    def test_a_corrected_assessment_answers_the_reassessment_again(self, store: Store) -> None:
        """Correcting the first assessment changes the change, so the answer is corrected too."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        history = reassess(store, doc["case_id"], case(later(doc, 180, **BETTER)), by="d")
        answered = history.decisions[-1]
        assert answered.step is not None
        assert "chg-down-confirmed" == answered.step.rule
        history = correct_assessment(store, 2, case(later(doc, 0, **BETTER)), by="d")
        latest = history.decisions[-1]
        assert latest.step is not None
        assert ("keep", "chg-keep", "low") == (latest.step.action, latest.step.rule, latest.band)
        kinds = [(r.kind, r.record.corrects) for r in store.records()]
        assert ("decision", answered.id) in kinds
        assert history == read_history(store, doc["case_id"], defs=DEFS)

    def test_an_edited_answer_is_an_integrity_error(self, store: Store) -> None:
        """A step stored with another rule than the policy answers cannot be replayed."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        other = MemoryStore()
        with other.write(by="x") as tx:
            for row in store.records():
                data = dict(row.data)
                if "step" in data:
                    data["step"] = {**data["step"], "rule": "chg-new-offence"}
                tx.append(attrs.evolve(row.record, data=data))
        with pytest.raises(StoreIntegrityError, match="answers step_up .rule chg-breach. again"):
            read_history(other, doc["case_id"], defs=DEFS)

    def test_bulk_summaries_agree_with_replay(self, store: Store) -> None:
        """A store with steps summarises the same in bulk and case by case."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2024, 12, 1), by="d")
        reassess(store, doc["case_id"], case(later(doc, 180, **BETTER)), by="d")
        for as_of in (dt.date(2024, 12, 15), dt.date(2025, 6, 1)):
            single = summarize_case(read_history(store, doc["case_id"], defs=DEFS), as_of=as_of)
            assert (single,) == summarize(store, as_of=as_of, defs=DEFS)


class TestOneWindow:
    """The warnings and the policy's answer read the same events, and say which."""

    def test_an_event_after_the_latest_assessment_is_read_by_both(self, store: Store) -> None:
        """A breach after the reassessment: warned, and the answer steps up (not chg-keep)."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        reassess(store, doc["case_id"], case(later(doc, 180)), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2025, 3, 10), by="d")
        history = read_history(store, doc["case_id"], defs=DEFS)
        report = case_change(history, defs=DEFS, as_of=dt.date(2025, 4, 1))
        assert "breach" in [s.code for s in report.signals.warnings]
        assert report.answer is not None
        assert "chg-breach" == report.answer.rule
        assert report.window is not None
        assert (dt.date(2024, 8, 19), dt.date(2025, 4, 1)) == (
            report.window.after,
            report.window.until,
        )
        assert ("breach",) == report.events_since_previous
        assert [history.decisions[-2].id, history.decisions[-1].id] == [
            d.id for d in report.recorded
        ]
        lines = change_lines(report, DEFS.library, "es", assessments=2)
        window = "desde la evaluación del 19-08-2024 hasta el 01-04-2025"
        assert f"Alertas ({window})" in lines
        answer = lines.index(
            f"Respuesta de la política a lo registrado {window}: subir la intensidad"
        )
        assert lines[answer + 1].startswith("  Se registró un incumplimiento de las condiciones")
        assert lines[answer + 2].startswith(
            "  Fundamento: Wanamaker & Brown 2021 (incumplimientos)"
        )
        assert lines[answer + 3].startswith(
            "  Política: Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024"
        )
        assert "  - Se registró un incumplimiento de las condiciones desde el 19-08-2024:" in (
            "\n".join(lines)
        )
        assert f"Decisiones registradas con la respuesta de la política ({window})" in lines
        as_json = report.to_dict()
        assert {"after": "2024-08-19", "until": "2025-04-01", "basis": "previous_assessment"} == (
            as_json["window"]
        )
        assert ["reassessment", "event"] == [r["step"]["cause"] for r in as_json["recorded"]]

    def test_before_the_event_neither_reads_it(self, store: Store) -> None:
        """On a day before the breach, no warning and the answer keeps."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        reassess(store, doc["case_id"], case(later(doc, 180)), by="d")
        record_event(store, doc["case_id"], "breach", dt.date(2025, 3, 10), by="d")
        history = read_history(store, doc["case_id"], defs=DEFS)
        report = case_change(history, defs=DEFS, as_of=dt.date(2025, 3, 1))
        assert "breach" not in [s.code for s in report.signals.warnings]
        assert report.answer is not None
        assert "chg-keep" == report.answer.rule
        assert 1 == len(report.recorded)


# -- a stateful model ----------------------------------------------------------


LEGAL = {
    "regime": "adult",
    "sanction": "LV",
    "sentence_days": 900,
    "sentence_date": "2024-01-02",
    "entry_date": "2024-01-10",
}


class TestHistoryWords:
    """The history a person reads names what the records hold by id, in the reader's words."""

    def history(self, store: Store) -> CaseHistory:
        """The adult case with an override, events with fields, and a revocation."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        override = Override(
            to_level="high",
            direction="up",
            reason="victim_safety",
            approved_by="jefatura",
            approved_on=dt.date(2024, 8, 25),
            text="amenazas",
        )
        add_override(store, doc["case_id"], override, by="d")
        for kind, on, data in (
            ("attendance", "2024-09-30", {"component": "irc-apoyo-socioeducativo",
                                           "scheduled": 4, "attended": 3}),
            ("coexistence_review", "2024-09-30", {"result": "not_complied", "infractions": 1}),
            ("revocation", "2024-10-15", {"reason": "new_offence"}),
        ):  # fmt: skip
            record_event(store, doc["case_id"], kind, dt.date.fromisoformat(on), by="d", data=data)
        return read_history(store, doc["case_id"], defs=DEFS)

    def test_spanish(self, store: Store) -> None:
        """Dates dd-mm-aaaa, the sex, levels, sanction, policy and component named; no id."""
        text = "\n".join(history_lines(self.history(store), DEFS.library, "es"))
        expected = [
            "Caso prueba-adulto-01 · adultos · abierto el 19-08-2024",
            "  estado: cerrado el 15-10-2024 (revocación)",
            "  persona: fecha de nacimiento 27-02-1995 · sexo femenino",
            "  19-08-2024  LS/CMI, versión 1.0.0 · Puntaje total 14 · Medio  (registro 2;",
            "Ajustes profesionales del nivel de riesgo",
            "  25-08-2024  nivel ajustado a Alto (al alza) · motivo: la seguridad de la víctima",
            "el puntaje: amenazas · aprobó jefatura",
            "  según Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024",
            "  25-08-2024  pena sustitutiva LVI · riesgo Alto · 4 contactos al mes, 200 h",
            "  v1 (inicial) del 19-08-2024: 3 objetivos · 3 pendientes",
            "  30-09-2024  asistencia · Apoyo socioeducativo en régimen cerrado: asistió a 3",
            "de 4 sesiones programadas",
            "  30-09-2024  revisión de las normas de convivencia · no cumple las normas",
            "cumple las normas · 1 infracción",
            "  15-10-2024  revocación · motivo: nuevo delito",
        ]
        assert [] == [line for line in expected if line not in text]
        assert not re.search(r"\d{4}-\d{2}-\d{2}|@|[a-z]+_[a-z]+|\(s\)", text), text

    def test_english(self, store: Store) -> None:
        """The same history in English: ISO dates, the English names."""
        text = "\n".join(history_lines(self.history(store), DEFS.library, "en"))
        expected = [
            "  person: born 1995-02-27 · sex female",
            "  2024-08-25  level set to High (up) · reason: the victim's safety",
            "  under Adult substitute sentences (Ley 18.216), in force from 2024-01-14",
            "  2024-08-25  substitute sentence LVI · High risk · 4 contacts a month, 200 h",
            "  2024-09-30  attendance · Socio-educational support in closed custody: attended 3",
            "  2024-10-15  revocation · reason: new offence",
        ]
        assert [] == [line for line in expected if line not in text]


class HistoryMachine(RuleBasedStateMachine):
    """Any sequence of adds, reassessments, corrections, overrides, events and reviews.

    Invariants: assessments and plan versions of every case are in ascending
    date order, every recomputed level is the level of its score's band, every
    decision's intensity is that of its band (its own level, or where the
    change policy's recorded answer moved it), a write's history is the one
    read back, bulk summaries equal the replayed ones, and the audit chain
    verifies.
    """

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.store: Store = MemoryStore()
        self.last: dict[str, dt.date] = {}
        self.count = 0

    def document(self, case_id: str, day: dt.date, answers: dict[str, Any]) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "instrument": "lscmi",
            "assessed_on": day.isoformat(),
            "person": {"sex": "male"},
            "responses": answers,
            "legal": LEGAL,
        }

    @initialize()
    def start(self) -> None:
        self.store = self.make_store()

    def make_store(self) -> Store:
        return MemoryStore()

    @rule(target=cases, answers=responses(LSCMI), offset=st.integers(0, 60))
    def add(self, answers: dict[str, Any], offset: int) -> str:
        self.count += 1
        case_id = f"c-{self.count}"
        day = dt.date(2024, 2, 1) + dt.timedelta(days=offset)
        open_case(self.store, case(self.document(case_id, day, answers)), by="m", defs=DEFS)
        self.last[case_id] = day
        return case_id

    @rule(
        case_id=cases,
        answers=responses(LSCMI),
        gap=st.integers(-30, 200),
        figures=st.sampled_from([None, FIGURES, WIDE]),
    )
    def reassess(
        self,
        case_id: str,
        answers: dict[str, Any],
        gap: int,
        figures: dict[str, Reliability] | None,
    ) -> None:
        day = self.last[case_id] + dt.timedelta(days=gap)
        doc = self.document(case_id, day, answers)
        history = read_history(self.store, case_id, defs=DEFS)
        valid = (
            gap > 0
            and history.is_open(day)
            and (history.plan is None or day >= history.plan.dated)
            and day >= history.decisions[-1].on
        )
        if valid:
            written = reassess(
                self.store, case_id, case(doc), by="m", defs=DEFS, reliability=figures
            )
            assert written == read_history(self.store, case_id, defs=DEFS)
            self.last[case_id] = day
        else:
            with pytest.raises(HistoryError):
                reassess(self.store, case_id, case(doc), by="m", defs=DEFS, reliability=figures)

    @rule(case_id=cases, answers=responses(LSCMI))
    def correct_latest(self, case_id: str, answers: dict[str, Any]) -> None:
        history = read_history(self.store, case_id, defs=DEFS)
        latest = history.assessments[-1]
        doc = self.document(case_id, latest.on, answers)
        before = len(list(self.store.records()))
        refused = ""
        try:
            correct_assessment(self.store, latest.record, case(doc), by="m", defs=DEFS)
        except HistoryError as exc:
            refused = str(exc)
        if refused:  # the corrected level can contradict an override of the assessment
            assert any(o.assessment == latest.id for o in history.overrides), refused
            assert "override" in refused
            assert before == len(list(self.store.records()))

    @rule(
        case_id=cases,
        kind=st.sampled_from(["new_offence", "breach", "discharge"]),
        gap=st.integers(-10, 300),
    )
    def event(self, case_id: str, kind: str, gap: int) -> None:
        history = read_history(self.store, case_id, defs=DEFS)
        day = history.opened_on + dt.timedelta(days=gap)
        if gap >= 0:
            record_event(self.store, case_id, kind, day, by="m", defs=DEFS)
        else:
            with pytest.raises(HistoryError):
                record_event(self.store, case_id, kind, day, by="m", defs=DEFS)

    @rule(
        case_id=cases,
        kind=st.sampled_from(["new_offence", "breach", "discharge", "attendance"]),
        gap=st.integers(0, 300),
        data=st.data(),
    )
    def correct_event(self, case_id: str, kind: str, gap: int, data: st.DataObject) -> None:
        history = read_history(self.store, case_id, defs=DEFS)
        if not history.events:
            return
        event = data.draw(st.sampled_from(history.events))
        fields = (
            {"component": "apoyo", "scheduled": 4, "attended": 3} if kind == "attendance" else {}
        )
        day = history.opened_on + dt.timedelta(days=gap)
        record_event(
            self.store, case_id, kind, day, by="m", data=fields, corrects=event.record, defs=DEFS
        )

    @rule(case_id=cases, up=st.booleans())
    def override(self, case_id: str, up: bool) -> None:
        history = read_history(self.store, case_id, defs=DEFS)
        latest = history.assessments[-1]
        levels = LSCMI.scales["total"].levels
        rank = levels.index(latest.result.risk_level or "")
        target = rank + (1 if up else -1)
        day = max(latest.on, history.plan.dated)  # type: ignore[union-attr]
        if not 0 <= target < len(levels) or not history.is_open(day):
            return
        override = Override(
            to_level=levels[target],
            direction="up" if up else "down",
            reason="information_incomplete",
            approved_by="jefatura",
            approved_on=latest.on,
        )
        add_override(self.store, case_id, override, by="m", defs=DEFS)

    @rule(case_id=cases, data=st.data())
    def review(self, case_id: str, data: st.DataObject) -> None:
        history = read_history(self.store, case_id, defs=DEFS)
        plan = history.plan
        assert plan is not None
        if plan.kind == "closing" or not plan.objectives:
            return
        objective = data.draw(st.sampled_from([o.id for o in plan.objectives]))
        status: Status = data.draw(st.sampled_from(["in_progress", "achieved", "not_achieved"]))
        day = plan.dated + dt.timedelta(days=data.draw(st.integers(0, 60)))
        review_plan(self.store, case_id, day, {objective: (status, "nota")}, by="m", defs=DEFS)

    @invariant()
    def dates_ascend_levels_match_bands_and_audit_verifies(self) -> None:
        for case_id in self.store.case_ids():
            history = read_history(self.store, case_id, defs=DEFS)
            decided = [d.on for d in history.decisions]
            assert decided == sorted(decided)
            for entry in history.decisions:
                if entry.step is None:
                    assert entry.band == entry.decision.risk_level
                    continue
                assert entry.band == entry.step.band
                assert entry.step.after == entry.decision.intensity
                if entry.step.status == "applied" or entry.band != entry.decision.risk_level:
                    assert entry.band is not None
                    assert intensity_at(history, entry, entry.band) == entry.decision.intensity
                if entry.step.status != "applied":
                    assert entry.step.band_before == entry.band
            days = [a.on for a in history.assessments]
            assert days == sorted(days)
            assert len(set(days)) == len(days)
            plan_days = [p.plan.dated for p in history.plans]
            assert plan_days == sorted(plan_days)
            for assessed in history.assessments:
                for scale in assessed.result.scales.values():
                    band = LSCMI.scales[scale.id].band(scale.raw, assessed.result.norm_group)
                    assert (band.level if band else None) == scale.level
        assert self.store.verify().ok

    @invariant()
    def bulk_summaries_equal_replayed_ones(self) -> None:
        for as_of in (dt.date(2024, 9, 1), dt.date(2025, 3, 1), dt.date(2026, 6, 1)):
            single = [
                summarize_case(read_history(self.store, c, defs=DEFS), as_of=as_of, defs=DEFS)
                for c in self.store.case_ids()
            ]
            bulk = summarize(self.store, as_of=as_of, defs=DEFS)
            assert [s for s in single if s is not None] == list(bulk)


HistoryMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestHistoryMachine = HistoryMachine.TestCase


class SQLiteHistoryMachine(HistoryMachine):
    """The same sequences on an SQLite store file."""

    def make_store(self) -> Store:
        self.folder = Path(tempfile.mkdtemp(prefix="rnr-machine-"))
        return SQLiteStore(self.folder / "rnr.sqlite3")

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


SQLiteHistoryMachine.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestSQLiteHistoryMachine = SQLiteHistoryMachine.TestCase


# -- idempotent writes -------------------------------------------------------------------


def snapshot(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Every record, every audit entry and the verified head of ``store``."""
    verified = store.verify()
    assert verified.ok, verified.problems
    return (
        [r.to_dict() for r in store.records()],
        [e.to_dict() for e in store.audit()],
        verified.head,
    )


class TestIdempotent:
    """A write already stored writes nothing and says so; a conflicting one is refused."""

    def test_opening_the_same_case_again_returns_its_history(self, store: Store) -> None:
        """Same case, same content: the stored history, ``already_stored``, nothing written."""
        doc = adult_document()
        first = open_case(store, case(doc), by="d", written=True)
        before = snapshot(store)
        again = open_case(store, case(doc), by="otra", written=True)
        assert (False, True) == (first.already_stored, again.already_stored)
        assert first.value == again.value
        assert before == snapshot(store)
        assert again.value == open_case(store, case(doc), by="d")  # the plain call too

    def test_the_assessor_is_compared_only_when_given(self, store: Store) -> None:
        """An explicit other assessor is other content: the case exists."""
        doc = adult_document()
        open_case(store, case(doc), by="d", assessor="ana")
        assert open_case(store, case(doc), by="x", assessor="ana", written=True).already_stored
        with pytest.raises(HistoryError, match="with other content") as refused:
            open_case(store, case(doc), by="d", assessor="beatriz")
        assert "history.case.exists" == refused.value.code

    @pytest.mark.parametrize(
        "change",
        [
            {"responses": {**adult_document()["responses"], "currently_unemployed": False}},
            {"legal": {**adult_document()["legal"], "sentence_days": 1200}},
            {"assessed_on": "2024-08-30"},
            {"person": {"sex": "female", "birth_date": "1990-01-01"}},
        ],
    )
    def test_a_case_stored_with_other_content_is_a_conflict(
        self, store: Store, change: dict[str, Any]
    ) -> None:
        """Other answers, legal context, date or person: ``history.case.exists``; no write."""
        open_case(store, case(adult_document()), by="d")
        before = snapshot(store)
        with pytest.raises(HistoryError) as refused:
            open_case(store, case(adult_document(**change)), by="d")
        assert ("history.case.exists", 4) == (refused.value.code, int(refused.value.outcome))
        assert before == snapshot(store)

    def test_every_write_repeated_writes_nothing(self, store: Store) -> None:
        """Reassessment, event, review, override and correction, each done twice."""
        doc = adult_document()
        cid = doc["case_id"]
        first = open_case(store, case(doc), by="d")
        objective = first.plan.objectives[0].id  # type: ignore[union-attr]
        override = Override(
            to_level="high",
            direction="up",
            reason="information_incomplete",
            approved_by="jefatura",
            approved_on=dt.date(2025, 3, 1),
        )
        reassessed = case(later(doc, 180, currently_unemployed=False))
        corrected = case(later(doc, 180))
        writes: list[Callable[[], Any]] = [
            lambda: reassess(store, cid, reassessed, by="d", written=True),
            lambda: record_event(
                store, cid, "breach", dt.date(2025, 3, 2), by="d", note="x", written=True
            ),
            lambda: review_plan(
                store,
                cid,
                dt.date(2025, 3, 3),
                {objective: ("achieved", "")},
                by="d",
                written=True,
            ),
            lambda: add_override(store, cid, override, by="d", written=True),
            lambda: correct_assessment(store, 5, corrected, by="d", written=True),
        ]
        results = [write() for write in writes]
        assert [False] * len(writes) == [r.already_stored for r in results]
        before = snapshot(store)
        again = [write() for write in writes]
        assert [True] * len(writes) == [r.already_stored for r in again]
        assert results[1].value == again[1].value, "the stored event itself"
        assert before == snapshot(store)

    def test_a_reassessment_without_legal_section_repeats_after_a_new_one(
        self, store: Store
    ) -> None:
        """The stored legal context a repeat would read has changed since: still a no-op."""
        doc = adult_document()
        open_case(store, case(doc), by="d")
        plain = {k: v for k, v in later(doc, 100).items() if k != "legal"}
        reassess(store, doc["case_id"], case(plain), by="d")
        newer = later(doc, 200, currently_unemployed=False)
        newer["legal"] = {**doc["legal"], "sentence_days": 1300}
        reassess(store, doc["case_id"], case(newer), by="d")
        before = snapshot(store)
        assert reassess(store, doc["case_id"], case(plain), by="d", written=True).already_stored
        assert before == snapshot(store)

    def test_a_key_returns_the_first_result_and_refuses_another_request(self, store: Store) -> None:
        """The key and request hash ride on the first record; the same key elsewhere: refused."""
        doc = adult_document()
        cid = doc["case_id"]
        open_case(store, case(doc), by="d", idempotency_key="alta-1")
        assert "alta-1" == store.get(1).data["idempotency"]["key"]
        first = record_event(
            store, cid, "breach", dt.date(2025, 1, 5), by="d", idempotency_key="ev-1", written=True
        )
        before = snapshot(store)
        again = record_event(
            store, cid, "breach", dt.date(2025, 1, 5), by="d", idempotency_key="ev-1", written=True
        )
        assert (first.value, True) == (again.value, again.already_stored)
        for other in (
            lambda: record_event(
                store, cid, "breach", dt.date(2025, 1, 6), by="d", idempotency_key="ev-1"
            ),
            lambda: reassess(store, cid, case(later(doc, 200)), by="d", idempotency_key="ev-1"),
            lambda: open_case(
                store,
                case(later(doc, 0, currently_unemployed=False)),
                by="d",
                idempotency_key="alta-1",
            ),
        ):
            with pytest.raises(HistoryError, match="was used for another request") as refused:
                other()
            assert ("history.idempotency.conflict", "idempotency_key") == (
                refused.value.code,
                refused.value.field,
            )
        assert before == snapshot(store)
        history = read_history(store, cid, defs=DEFS)
        assert {} == dict(history.events[0].data), "the key is not an event field"
        assert "idempotency" not in json.dumps(history.to_dict())

    def test_a_key_repeat_is_a_no_op_even_after_the_case_moved_on(self, store: Store) -> None:
        """A reassessment sent twice under one key, a later one between: the first result."""
        doc = adult_document()
        cid = doc["case_id"]
        open_case(store, case(doc), by="d")
        reassess(store, cid, case(later(doc, 100)), by="d", idempotency_key="r-1")
        reassess(store, cid, case(later(doc, 200, currently_unemployed=False)), by="d")
        before = snapshot(store)
        again = reassess(
            store, cid, case(later(doc, 100)), by="d", idempotency_key="r-1", written=True
        )
        assert again.already_stored
        assert before == snapshot(store)

    @pytest.mark.parametrize("key", ["", " ", "a\nb", "x" * 201, "\ud800"])
    def test_a_malformed_key_is_refused(self, store: Store, key: str) -> None:
        """A key is a printable text of 1 to 200 characters."""
        with pytest.raises(InvalidArgumentError) as refused:
            open_case(store, case(adult_document()), by="d", idempotency_key=key)
        assert "argument.invalid" == refused.value.code
        assert [] == list(store.records())

    def test_concurrent_identical_writes_store_once(self, tmp_path: Path) -> None:
        """Threads sending the same event at once: one record, every caller answered."""
        db = tmp_path / "c.sqlite3"
        with SQLiteStore(db) as store:
            doc = adult_document()
            open_case(store, case(doc), by="d")
            day = dt.date(2025, 1, 5)
            with ThreadPoolExecutor(4) as pool:
                done = list(
                    pool.map(
                        lambda _: record_event(
                            store, doc["case_id"], "breach", day, by="d", written=True
                        ),
                        range(8),
                    )
                )
            assert 1 == sum(not d.already_stored for d in done)
            assert 1 == len({d.value.id for d in done})
            assert 1 == sum(r.kind == "event" for r in store.records())


class IdempotencyMachine(RuleBasedStateMachine):
    """Any sequence of successful writes, repeated: the store does not change.

    Each rule writes (with an idempotency key or without) and keeps the
    writes that succeeded. ``repeat`` sends any of them again, in any order:
    each is ``already_stored`` and the records, the audit chain and its
    verified head stay as they were. ``conflict`` sends another request under
    a key already used for the case, and ``reopen`` a case with other
    answers: both are refused with their code and write nothing.
    """

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.store: Store = MemoryStore()
        self.done: list[tuple[str, str | None, Callable[[str | None], Any]]] = []
        self.opened: dict[str, dict[str, Any]] = {}
        self.last: dict[str, dt.date] = {}
        self.count = 0

    def document(self, case_id: str, day: dt.date, answers: dict[str, Any]) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "instrument": "lscmi",
            "assessed_on": day.isoformat(),
            "person": {"sex": "male"},
            "responses": answers,
            "legal": LEGAL,
        }

    def key(self, keyed: bool) -> str | None:
        self.count += 1
        return f"k-{self.count}" if keyed else None

    def attempt(self, case_id: str, key: str | None, call: Callable[[str | None], Any]) -> bool:
        """Write; keep the write if it succeeded (a refusal writes nothing)."""
        before = snapshot(self.store)
        try:
            call(key)
        except (HistoryError, DecisionInputError):
            assert before == snapshot(self.store)
            return False
        self.done.append((case_id, key, call))
        return True

    @initialize(
        target=cases, answers=responses(LSCMI), offset=st.integers(0, 60), keyed=st.booleans()
    )
    def first(self, answers: dict[str, Any], offset: int, keyed: bool) -> str:
        return self.open(answers, offset, keyed)

    @rule(target=cases, answers=responses(LSCMI), offset=st.integers(0, 60), keyed=st.booleans())
    def add(self, answers: dict[str, Any], offset: int, keyed: bool) -> str:
        return self.open(answers, offset, keyed)

    def open(self, answers: dict[str, Any], offset: int, keyed: bool) -> str:
        case_id = f"c-{len(self.opened) + 1}"
        day = dt.date(2024, 2, 1) + dt.timedelta(days=offset)
        doc = self.document(case_id, day, answers)
        assert self.attempt(
            case_id,
            self.key(keyed),
            lambda k: open_case(
                self.store, case(doc), by="m", defs=DEFS, idempotency_key=k, written=True
            ),
        )
        self.opened[case_id] = doc
        self.last[case_id] = day
        return case_id

    @rule(
        case_id=cases,
        answers=responses(LSCMI),
        gap=st.integers(-30, 200),
        with_legal=st.booleans(),
        keyed=st.booleans(),
    )
    def reassess(
        self, case_id: str, answers: dict[str, Any], gap: int, with_legal: bool, keyed: bool
    ) -> None:
        day = self.last[case_id] + dt.timedelta(days=gap)
        doc = self.document(case_id, day, answers)
        if not with_legal:
            del doc["legal"]
        done = self.attempt(
            case_id,
            self.key(keyed),
            lambda k: reassess(
                self.store, case_id, case(doc), by="m", defs=DEFS, idempotency_key=k, written=True
            ),
        )
        if done and day > self.last[case_id]:
            self.last[case_id] = day

    @rule(
        case_id=cases,
        kind=st.sampled_from(["new_offence", "breach", "discharge"]),
        gap=st.integers(-10, 300),
        note=st.sampled_from(["", "nota"]),
        keyed=st.booleans(),
    )
    def event(self, case_id: str, kind: str, gap: int, note: str, keyed: bool) -> None:
        day = self.last[case_id] + dt.timedelta(days=gap)
        self.attempt(
            case_id,
            self.key(keyed),
            lambda k: record_event(
                self.store,
                case_id,
                kind,
                day,
                by="m",
                note=note,
                defs=DEFS,
                idempotency_key=k,
                written=True,
            ),
        )

    @rule(case_id=cases, data=st.data(), keyed=st.booleans())
    def review(self, case_id: str, data: st.DataObject, keyed: bool) -> None:
        plan = read_history(self.store, case_id, defs=DEFS).plan
        assert plan is not None
        if not plan.objectives:
            return
        objective = data.draw(st.sampled_from([o.id for o in plan.objectives]))
        status: Status = data.draw(st.sampled_from(["in_progress", "achieved"]))
        day = plan.dated + dt.timedelta(days=data.draw(st.integers(0, 60)))
        self.attempt(
            case_id,
            self.key(keyed),
            lambda k: review_plan(
                self.store,
                case_id,
                day,
                {objective: (status, "nota")},
                by="m",
                defs=DEFS,
                idempotency_key=k,
                written=True,
            ),
        )

    @rule(case_id=cases, up=st.booleans(), keyed=st.booleans())
    def override(self, case_id: str, up: bool, keyed: bool) -> None:
        latest = read_history(self.store, case_id, defs=DEFS).assessments[-1]
        levels = LSCMI.scales["total"].levels
        target = levels.index(latest.result.risk_level or "") + (1 if up else -1)
        if not 0 <= target < len(levels):
            return
        override = Override(
            to_level=levels[target],
            direction="up" if up else "down",
            reason="information_incomplete",
            approved_by="jefatura",
            approved_on=latest.on,
        )
        self.attempt(
            case_id,
            self.key(keyed),
            lambda k: add_override(
                self.store, case_id, override, by="m", defs=DEFS, idempotency_key=k, written=True
            ),
        )

    @rule(case_id=cases, answers=responses(LSCMI), keyed=st.booleans())
    def correct_latest(self, case_id: str, answers: dict[str, Any], keyed: bool) -> None:
        latest = read_history(self.store, case_id, defs=DEFS).assessments[-1]
        doc = self.document(case_id, latest.on, answers)
        self.attempt(
            case_id,
            self.key(keyed),
            lambda k: correct_assessment(
                self.store,
                latest.record,
                case(doc),
                by="m",
                defs=DEFS,
                idempotency_key=k,
                written=True,
            ),
        )

    @rule(data=st.data())
    def repeat(self, data: st.DataObject) -> None:
        """Any successful writes again, in any order: nothing changes."""
        if not self.done:
            return
        chosen = data.draw(st.lists(st.sampled_from(self.done), min_size=1, max_size=6))
        event(f"repeated {min(len(self.done), 5)}+ successful writes")
        before = snapshot(self.store)
        for _, key, call in chosen:
            assert call(key).already_stored
        assert before == snapshot(self.store)

    @rule(data=st.data())
    def conflict(self, data: st.DataObject) -> None:
        """Another write of the case under a key already used: refused, nothing written."""
        keyed = [(c, k) for c, k, _ in self.done if k is not None]
        if not keyed:
            return
        case_id, key = data.draw(st.sampled_from(keyed))
        others = [call for c, k, call in self.done if c == case_id and k != key]
        if not others:
            return
        call = data.draw(st.sampled_from(others))
        before = snapshot(self.store)
        with pytest.raises(HistoryError) as refused:
            call(key)
        assert "history.idempotency.conflict" == refused.value.code
        event("a key used for another request")
        assert before == snapshot(self.store)

    @rule(case_id=cases, answers=responses(LSCMI))
    def reopen(self, case_id: str, answers: dict[str, Any]) -> None:
        """Opening a stored case again with other answers: ``history.case.exists``."""
        first = self.opened[case_id]
        if answers == first["responses"]:
            return
        before = snapshot(self.store)
        with pytest.raises(HistoryError) as refused:
            open_case(self.store, case({**first, "responses": answers}), by="m", defs=DEFS)
        assert "history.case.exists" == refused.value.code
        assert before == snapshot(self.store)


IdempotencyMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestIdempotencyMachine = IdempotencyMachine.TestCase


class SQLiteIdempotencyMachine(IdempotencyMachine):
    """The same sequences on an SQLite store file (its write blocks, triggers and verify)."""

    @initialize(
        target=IdempotencyMachine.cases,
        answers=responses(LSCMI),
        offset=st.integers(0, 60),
        keyed=st.booleans(),
    )
    def first(self, answers: dict[str, Any], offset: int, keyed: bool) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="rnr-once-"))
        self.store = SQLiteStore(self.folder / "rnr.sqlite3")
        return self.open(answers, offset, keyed)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


SQLiteIdempotencyMachine.TestCase.settings = settings(
    max_examples=6,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestSQLiteIdempotencyMachine = SQLiteIdempotencyMachine.TestCase
