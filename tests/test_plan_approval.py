"""The court's approval of a PII version: recorded, replayed, refused; the document follows it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rnr.cases.parse import parse_case
from rnr.errors import HistoryError
from rnr.history.amend import review_plan
from rnr.history.approval import approve_plan
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.editing import edit_plan_version
from rnr.history.read import read_history
from rnr.history.summary import summarize_case
from rnr.history.timeline import build_timelines
from rnr.history.upkeep import verify_store
from rnr.history.write import open_case
from rnr.plan.edit import Choice
from rnr.render.plan import render_plan
from rnr.schemas.files import schema
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store

DEFS = Definitions.shipped()
DATA = Path(__file__).parent / "data" / "plans" / "cases"
ADULT: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))
CASE = str(ADULT["case_id"])
DAY = dt.date.fromisoformat(ADULT["assessed_on"])


@pytest.fixture
def store() -> Store:
    """A store holding the adult test case, opened (plan version 1, a draft)."""
    store = MemoryStore()
    open_case(store, parse_case(ADULT, file="<t>"), by="d", defs=DEFS)
    return store


def approve(store: Store, on: dt.date, version: int = 1, **kw: Any) -> Any:
    return approve_plan(store, CASE, on, version=version, by="d", defs=DEFS, **kw)


def test_an_approval_marks_the_version_and_adds_no_version(store: Store) -> None:
    """The version in force is approved on the resolution's date; versions and timeline stay."""
    summary = summarize_case(read_history(store, CASE, defs=DEFS), as_of=DAY)
    timeline = build_timelines(list(store.cases()), defs=DEFS, source=store.name)[0].doc
    history = approve(store, DAY + dt.timedelta(days=20), reference="RIT O-123-2024")
    assert [1] == [p.plan.version for p in history.plans]
    plan = history.plans[0].plan
    assert (DAY + dt.timedelta(days=20), "RIT O-123-2024") == (
        plan.approved_on,
        plan.approved_reference,
    )
    assert not plan.is_draft
    assert history == read_history(store, CASE, defs=DEFS)
    assert summary == summarize_case(history, as_of=DAY)
    again = dict(build_timelines(list(store.cases()), defs=DEFS, source=store.name)[0].doc)
    assert "2024-09-08" == again.pop("latest_on")  # the last record's day: the approval's
    assert {k: v for k, v in timeline.items() if k != "latest_on"} == again
    assert () == verify_store(store, defs=DEFS).problems
    assert summarize(store, as_of=DAY + dt.timedelta(days=30), defs=DEFS)


def test_the_same_approval_twice_writes_nothing(store: Store) -> None:
    """A repeat with the same data (or the same key) returns the history unwritten."""
    on = DAY + dt.timedelta(days=3)
    first = approve(store, on, reference=" RIT 1 ", idempotency_key="k-1")
    again = approve(store, on, reference="RIT 1", written=True)
    assert again.already_stored
    assert len(first.records) == len(again.value.records)
    keyed = approve(store, on, reference="RIT 1", idempotency_key="k-1", written=True)
    assert keyed.already_stored


@pytest.mark.parametrize(
    ("version", "days", "reference", "code"),
    [
        (2, 3, None, "plan.approval.version"),
        (0, 3, None, "plan.approval.version"),
        (1, -1, None, "plan.approval.date"),
        (1, 3, "x" * 101, "history.refused"),
        (1, 3, "RIT\n1", "history.refused"),
    ],
)
def test_refusals(store: Store, version: int, days: int, reference: str | None, code: str) -> None:
    """An unknown version, a date before the version, a bad reference: refused, nothing written."""
    count = len(list(store.records()))
    with pytest.raises(HistoryError) as caught:
        approve(store, DAY + dt.timedelta(days=days), version, reference=reference)
    assert code == caught.value.code
    assert count == len(list(store.records()))


def test_a_second_approval_of_a_version_is_refused(store: Store) -> None:
    """Another date or reference for an approved version: ``plan.approval.repeat``."""
    approve(store, DAY + dt.timedelta(days=3))
    with pytest.raises(HistoryError) as caught:
        approve(store, DAY + dt.timedelta(days=4))
    assert "plan.approval.repeat" == caught.value.code


def test_a_new_version_is_a_draft_again_and_the_old_one_cannot_be_approved(store: Store) -> None:
    """A review or an edit after the approval makes a draft; the superseded version is refused."""
    approved = approve(store, DAY + dt.timedelta(days=3))
    plan = approved.plan
    assert plan is not None
    objective = plan.objectives[0].id
    reviewed = review_plan(
        store, CASE, DAY + dt.timedelta(days=40), {objective: ("in_progress", "")}, by="d"
    )
    assert [False, True] == [p.plan.is_draft for p in reviewed.plans]
    assert [1, 2] == [p.plan.version for p in reviewed.plans]
    choices = [Choice(o.id, o.hours) for o in reversed(plan.objectives)]
    edited = edit_plan_version(store, CASE, DAY + dt.timedelta(days=41), choices, by="d", defs=DEFS)
    assert [1, 2, 3] == [p.plan.version for p in edited.plans]
    assert edited.plan is not None
    assert edited.plan.is_draft
    with pytest.raises(HistoryError) as caught:
        approve(store, DAY + dt.timedelta(days=50), version=2)
    assert "plan.approval.version" == caught.value.code
    last = approve(store, DAY + dt.timedelta(days=50), version=3)
    assert [False, True, False] == [p.plan.is_draft for p in last.plans]
    assert () == verify_store(store, defs=DEFS).problems


def test_the_document_says_borrador_only_for_a_draft(store: Store) -> None:
    """An approved version prints the court's approval instead of BORRADOR, in every form."""
    draft = read_history(store, CASE, defs=DEFS).plan
    assert draft is not None
    plan = approve(store, dt.date(2024, 9, 2), reference="RIT O-123-2024").plan
    assert plan is not None
    line = "Aprobado por el tribunal el 02-09-2024 (resolución RIT O-123-2024)."
    for fmt in ("md", "html"):
        assert "BORRADOR" in render_plan(draft, format=fmt)
        shown = render_plan(plan, format=fmt)
        assert "BORRADOR" not in shown
        assert line in shown
    assert "Approved by the court on 2024-09-02" in render_plan(plan, format="html", lang="en")
    bare = render_plan(plan.approved(dt.date(2024, 9, 2)), format="md")
    assert "Aprobado por el tribunal el 02-09-2024." in bare
    doc = plan.to_dict()
    assert ("2024-09-02", "RIT O-123-2024") == (doc["approved_on"], doc["approved_reference"])
    assert "approved_on" not in draft.to_dict()
    Draft202012Validator(schema("plan")).validate(doc)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.sampled_from(["approve", "review", "edit"]), min_size=1, max_size=5))
def test_exactly_the_versions_approved_are_approved(steps: list[str]) -> None:
    """Whatever the order of approvals and new versions: each version approved is, none other.

    Only the version in force can be approved; every new version starts as a draft; the
    store still verifies (kept timelines and index rows rebuilt equal).
    """
    store = MemoryStore()
    open_case(store, parse_case(ADULT, file="<t>"), by="d", defs=DEFS)
    approved: dict[int, dt.date] = {}
    day = DAY
    for n, step in enumerate(steps):
        day += dt.timedelta(days=10)
        history = read_history(store, CASE, defs=DEFS)
        plan = history.plan
        assert plan is not None
        if step == "approve" and plan.version not in approved:
            approve(store, day, plan.version, reference=f"RIT {n}")
            approved[plan.version] = day
        elif step == "review":
            change = {plan.objectives[0].id: ("in_progress", f"nota {n}")}
            review_plan(store, CASE, day, change, by="d", defs=DEFS)
        elif step == "edit":
            choices = [Choice(o.id, o.hours) for o in reversed(plan.objectives)]
            edit_plan_version(store, CASE, day, choices, by="d", defs=DEFS)
    history = read_history(store, CASE, defs=DEFS)
    shown = {p.plan.version: p.plan.approved_on for p in history.plans}
    assert approved == {v: on for v, on in shown.items() if on is not None}
    assert list(range(1, len(history.plans) + 1)) == [p.plan.version for p in history.plans]
    assert () == verify_store(store, defs=DEFS).problems
