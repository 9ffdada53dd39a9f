"""Bulk summaries of a store equal the summaries of every replayed history (batch == single).

The store holds a simulated cohort, written as the history service writes,
plus hand-made cases with an override, a correction and a new offence, so
every path of the bulk code (batch scoring, overrides, event triggers,
closing, fallbacks) meets its single-case counterpart.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.definitions.instrument import Reliability
from rnr.history.amend import correct_assessment, record_event
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.read import read_history
from rnr.history.summary import summarize_case
from rnr.history.write import add_override, open_case, reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store

DEFS = Definitions.shipped()
ADULT = json.loads(
    (Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json").read_text(
        "utf-8"
    )
)


def build_store() -> Store:
    """A simulated cohort and three hand-made adult cases."""
    store = MemoryStore()
    store_cohort(store, simulate(60, 2.0, seed=21), defs=DEFS)
    for n in range(3):
        doc = {**ADULT, "case_id": f"hand-{n}"}
        open_case(store, parse_case(doc, file="<t>"), by="t", defs=DEFS)
        later = {**doc, "assessed_on": "2025-02-20", "legal": None}
        later["responses"] = {**doc["responses"], "currently_unemployed": n == 0}
        reassess(store, doc["case_id"], parse_case(later, file="<t>"), by="t", defs=DEFS)
    override = Override(
        to_level="high",
        direction="up",
        reason="victim_safety",
        approved_by="jefatura",
        approved_on=dt.date(2025, 2, 21),
    )
    add_override(store, "hand-0", override, by="t", defs=DEFS)
    history = read_history(store, "hand-1", defs=DEFS)
    fixed = {**ADULT, "case_id": "hand-1", "assessed_on": "2025-02-22", "legal": None}
    correct_assessment(
        store, history.assessments[-1].record, parse_case(fixed, file="<t>"), by="t", defs=DEFS
    )
    record_event(store, "hand-2", "new_offence", dt.date(2025, 3, 1), by="t")
    return store


STORE = build_store()
SINGLE = {cid: read_history(STORE, cid, defs=DEFS) for cid in STORE.case_ids()}


def single(as_of: dt.date, reliability: dict[str, Reliability] | None) -> tuple[object, ...]:
    """The summaries of every replayed history with an assessment by ``as_of``."""
    found = (
        summarize_case(h, as_of=as_of, defs=DEFS, reliability=reliability) for h in SINGLE.values()
    )
    return tuple(s for s in found if s is not None)


@settings(max_examples=8, deadline=None)
@given(
    as_of=st.dates(dt.date(2024, 1, 20), dt.date(2026, 6, 1)),
    figures=st.none()
    | st.builds(Reliability, st.floats(0.5, 15.0), st.floats(0.0, 0.95), st.just("test")),
)
def test_bulk_equals_single(as_of: dt.date, figures: Reliability | None) -> None:
    """On any date, with or without reliability figures, bulk and single agree exactly."""
    reliability = {"total": figures} if figures is not None else None
    assert single(as_of, reliability) == summarize(
        STORE, as_of=as_of, defs=DEFS, reliability=reliability
    )


def test_the_hand_made_paths_are_covered() -> None:
    """The override, the correction and the event trigger show in the bulk summary."""
    found = {s.case_id: s for s in summarize(STORE, as_of=dt.date(2025, 3, 5), defs=DEFS)}
    assert "high" == found["hand-0"].risk_level
    assert dt.date(2025, 2, 22) == found["hand-1"].assessed_on[-1]
    due = found["hand-2"].next_due
    assert due is not None
    assert ("event", "new_offence", dt.date(2025, 3, 31)) == (due.basis, due.event, due.due_on)


def test_closed_cases_have_nothing_due() -> None:
    """A case closed by discharge or revocation on the date has no next reassessment."""
    summaries = summarize(STORE, as_of=dt.date(2026, 1, 31), defs=DEFS)
    closed = [s for s in summaries if s.closed_on is not None]
    assert closed
    assert all(s.next_due is None for s in closed)
    assert {s.closed_by for s in closed} <= {"discharge", "revocation"}


def test_summary_json_is_plain() -> None:
    """A summary's dict is JSON."""
    summary = summarize(STORE, as_of=dt.date(2025, 6, 1), defs=DEFS)[0]
    assert summary.to_dict() == json.loads(json.dumps(summary.to_dict()))


@pytest.mark.parametrize("as_of", [dt.date(2023, 1, 1)])
def test_before_any_assessment_there_is_nothing(as_of: dt.date) -> None:
    """Cases with no assessment by the date are left out."""
    assert () == summarize(STORE, as_of=as_of, defs=DEFS)


def test_summaries_carry_what_the_indicators_read() -> None:
    """Each summary holds the needs of every assessment, the latest responsivity and the
    date the plan was drawn up; IRC cases carry their follow-up records."""
    as_of = dt.date(2025, 12, 31)
    summaries = summarize(STORE, as_of=as_of, defs=DEFS)
    for s in summaries:
        assert len(s.criminogenic_at) == len(s.assessed_on)
        assert s.criminogenic == s.criminogenic_at[-1]
        history = SINGLE[s.case_id]
        assert s.responsivity == [a for a in history.assessments if a.on <= as_of][-1].responsivity
        assert s.plan is not None
        assert s.plan.drafted_on == history.plans[0].plan.dated
    kinds = {e.kind for s in summaries if s.sanction == "IRC" for e in s.events}
    assert {"attendance", "coexistence_review", "component_objectives"} <= kinds
