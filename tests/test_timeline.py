"""Each case's timeline, kept on its last record: written by every write, used, checked."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storekit import BACKENDS, Places, problem_lines, rewrite_kept

from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.history import bulk
from rnr.history.amend import correct_assessment, record_event
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.programme import shares_basis
from rnr.history.read import read_history
from rnr.history.requests import case_row, case_rows
from rnr.history.summary import REPLAY, CaseAt, Reading, case_at, summarize_case
from rnr.history.timeline import FORMAT, build_timelines, kept_timeline
from rnr.history.upkeep import materialise, verify_store
from rnr.history.write import add_override, open_case, reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store
from rnr.store.records import Record
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
DATA = Path(__file__).parent / "data" / "plans" / "cases"
ADULT: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))


def opened(store: Store) -> str:
    """The adult test case opened, reassessed and given a new offence."""
    open_case(store, parse_case(ADULT, file="<t>"), by="d", defs=DEFS)
    later = {**ADULT, "assessed_on": "2025-02-20", "legal": None}
    later["responses"] = {**ADULT["responses"], "currently_unemployed": True}
    reassess(store, ADULT["case_id"], parse_case(later, file="<t>"), by="d", defs=DEFS)
    record_event(store, ADULT["case_id"], "new_offence", dt.date(2025, 3, 1), by="d", defs=DEFS)
    return str(ADULT["case_id"])


def kept_on_last(store: Store) -> dict[str, bool]:
    """Whether each case's last record holds a timeline."""
    return {f.case_id: f.derived is not None for f in store.case_derived(FORMAT)}


@pytest.mark.parametrize("kind", BACKENDS)
def test_every_write_keeps_the_case_timeline_on_its_last_record(kind: str, places: Places) -> None:
    """Open, reassess and an event each leave the timeline on the case's last record.

    It equals the timeline built from the records, and verify builds it
    again and finds it equal.
    """
    store = places(kind).open()
    case_id = opened(store)
    assert {case_id: True} == kept_on_last(store)
    found = next(store.case_derived(FORMAT))
    assert found.derived is not None
    assert FORMAT == found.derived.basis
    assert max(r.id for r in store.records()) == found.derived.record_id == found.last
    built = build_timelines(list(store.cases()), defs=DEFS, source=store.name)[0]
    assert json.loads(json.dumps(dict(built.doc))) == json.loads(found.derived.text)
    result = verify_store(store, defs=DEFS)
    assert (True, 1, 2) == (result.ok, result.timelines, result.derived)


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_write_block_reads_the_values_kept_on_a_record(kind: str, places: Places) -> None:
    """``kept_case`` gives those of the bases asked for that the case keeps on the record."""
    store = places(kind).open()
    case_id = opened(store)
    last = max(r.id for r in store.records())
    wanted = [FORMAT, shares_basis(2025), "no such basis"]
    kept = next(store.case_derived(FORMAT)).derived
    assert kept is not None
    with store.write(by="d") as tx:
        found = tx.kept_case(case_id, last, wanted)
        assert {FORMAT, shares_basis(2025)} == set(found)
        assert {last} == {d.record_id for d in found.values()}
        assert kept.text == found[FORMAT].text
        assert {} == tx.kept_case("another case", last, wanted)
        assert {} == tx.kept_case(case_id, last, [])


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    days=st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)), min_size=1, max_size=4),
)
def test_kept_timelines_give_the_summaries_of_the_records(seed: int, days: list[dt.date]) -> None:
    """On any day, summaries from kept timelines equal those built from the records,

    and those of each replayed history; the due list, made alone, is theirs.
    """
    store = MemoryStore()
    store_cohort(store, simulate(20, 2.0, seed=seed), defs=DEFS)
    assert all(kept_on_last(store).values())
    for day in days:
        kept = summarize(store, as_of=day, defs=DEFS)
        assert kept == summarize(store, as_of=day, defs=DEFS, rows=store.records())
        single = (
            summarize_case(read_history(store, c, defs=DEFS), as_of=day, defs=DEFS)
            for c in store.case_ids()
        )
        assert [s for s in single if s is not None] == list(kept)
        due = sorted((s.next_due for s in kept if s.next_due), key=lambda d: (d.due_on, d.case_id))
        assert due == due_list(store, day, defs=DEFS)  # made without the rest of the summary


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    days=st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)), min_size=1, max_size=6),
)
def test_a_row_made_alone_says_what_the_summary_says(seed: int, days: list[dt.date]) -> None:
    """On any day, what a list's row reads of a case's timeline is its replayed history's summary.

    The row is made without the summary (no event, need or plan made); a
    next reassessment only a replay gives is the replay's.
    """
    store = MemoryStore()
    store_cohort(store, simulate(20, 2.0, seed=seed), defs=DEFS)
    opened(store)  # a case reassessed, then an event that makes a reassessment due
    reading = Reading(DEFS)
    timelines = list(bulk.timelines(store, defs=DEFS))
    histories = {c: read_history(store, c, defs=DEFS) for c in store.case_ids()}
    seen: list[CaseAt] = []
    for day in [*days, dt.date(2025, 3, 2)]:
        for timeline in timelines:
            summary = summarize_case(histories[timeline.case_id], as_of=day, defs=DEFS)
            wanted = None if summary is None else CaseAt.of(summary)
            found = case_at(timeline, as_of=day, reading=reading)
            if found is not None and found.next_due is REPLAY and wanted is not None:
                found = attrs.evolve(found, next_due=wanted.next_due)
            assert wanted == found
            seen += [wanted] if wanted is not None else []
    assert any(c.closed_on for c in seen), "a closed case is compared"
    assert any(c.next_due and c.next_due.basis == "interval" for c in seen)
    assert any(c.next_due and c.next_due.basis == "event" for c in seen)


class WithoutTimelines:
    """A store seen without the timelines its writes kept: each is built from the records."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def case_derived(self, basis: str, skip: Any = None, only: Any = None) -> Any:
        for found in self._store.case_derived(basis, skip, only):
            yield attrs.evolve(found, derived=None) if basis == FORMAT else found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_the_case_list_from_timelines_is_that_of_the_replayed_histories(seed: int) -> None:
    """``rnr case list``'s rows, from kept or built timelines, equal each replayed history's.

    With an override, a corrected assessment and a discharge among the cases.
    """
    store = MemoryStore()
    store_cohort(store, simulate(12, 2.0, seed=seed), defs=DEFS)
    case_id = opened(store)
    override = Override("high", "up", "victim_safety", "jefatura", dt.date(2025, 2, 21))
    add_override(store, case_id, override, by="d", defs=DEFS)
    first = next(r.id for r in store.records(case_id=case_id, kind="assessment"))
    fixed = {**ADULT, "responses": {**ADULT["responses"], "prior_adult_convictions": False}}
    correct_assessment(store, first, parse_case(fixed, file="<t>"), by="d", defs=DEFS)
    record_event(store, case_id, "discharge", dt.date(2025, 4, 1), by="d", defs=DEFS)
    ids = store.case_ids()
    expected = [case_row(read_history(store, c, defs=DEFS)) for c in ids]
    assert any(r["risk_level"] == "high" and r["closed_on"] for r in expected)
    assert expected == case_rows(store, defs=DEFS) == case_rows(WithoutTimelines(store), defs=DEFS)
    chosen = [ids[-1], "no-such-case", ids[0]]
    assert [expected[-1], expected[0]] == case_rows(store, defs=DEFS, case_ids=chosen)


def test_a_record_appended_without_a_timeline_is_not_missed() -> None:
    """A later record with no timeline on it makes the reader build the case's timeline again."""
    store = MemoryStore()
    case_id = opened(store)
    day = dt.date(2025, 4, 1)
    before = summarize(store, as_of=day, defs=DEFS)[0]
    assert before.closed_on is None
    with store.write(by="otro sistema") as tx:  # a writer that keeps no timeline
        tx.append(Record("event", case_id, dt.date(2025, 3, 20), {"kind": "discharge"}))
    assert {case_id: False} == kept_on_last(store)
    after = summarize(store, as_of=day, defs=DEFS)[0]
    assert (dt.date(2025, 3, 20), "discharge", None) == (
        after.closed_on,
        after.closed_by,
        after.next_due,
    )
    assert 1 == materialise(store, defs=DEFS, by="prueba")
    assert {case_id: True} == kept_on_last(store)
    assert [after] == list(summarize(store, as_of=day, defs=DEFS))


def test_a_timeline_of_other_definitions_is_not_used() -> None:
    """A kept timeline naming a definition loaded with another hash is built again."""
    store = MemoryStore()
    opened(store)
    found = next(store.case_derived(FORMAT))
    assert kept_timeline(found, DEFS) is not None
    assert found.derived is not None
    doc = json.loads(found.derived.text)
    for part in ("instruments", "policies"):
        ref = next(iter(doc[part]))
        changed = attrs.evolve(
            found,
            derived=attrs.evolve(found.derived, values={**doc, part: {ref: "0" * 64}}),
        )
        assert kept_timeline(changed, DEFS) is None


def test_an_edited_timeline_is_reported_by_verify(tmp_path: Path) -> None:
    """Whoever edits a kept timeline in the file is named by case, record and part."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        case_id = opened(store)
        found = next(store.case_derived(FORMAT))
    assert found.derived is not None
    doc = json.loads(found.derived.text)
    doc["assessments"][-1][4] = "very_high"  # the level
    doc["regime"] = "juvenile"
    rewrite_kept(path, found.last, FORMAT, doc)
    with SQLiteStore(path, read_only=True) as store:
        problems = problem_lines(verify_store(store, defs=DEFS))
    assert [
        f"case {case_id}: the timeline kept on record {found.last} differs from its records"
        f" in {part}"
        for part in ("assessments", "regime")
    ] == [p for p in problems if not p.startswith("schema: trigger case_derived_no_")]


def test_kept_timelines_are_append_only(tmp_path: Path) -> None:
    """The file refuses to update or delete a kept timeline."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        opened(store)
    conn = sqlite3.connect(path)
    for sql in ("UPDATE case_derived SET basis = 'x'", "DELETE FROM case_derived"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("chunk", [1, 3, 2000])
def test_a_store_without_timelines_reads_the_same_in_chunks_of_any_size(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases without a timeline are read from their records, a chunk at a time."""
    store = MemoryStore()
    store_cohort(store, simulate(12, 2.0, seed=4), defs=DEFS)
    day = dt.date(2025, 9, 1)
    wanted = summarize(store, as_of=day, defs=DEFS)
    bare = MemoryStore()
    bare.restore(store.records(), store.audit())
    assert not any(kept_on_last(bare).values())
    monkeypatch.setattr(bulk, "_CHUNK", chunk)
    assert wanted == summarize(bare, as_of=day, defs=DEFS)


class _SomeKept:
    """A store that shows the kept timelines of the cases ``kept`` says, and no other."""

    def __init__(self, store: Store, kept: Any) -> None:
        self._store, self._kept = store, kept

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def case_derived(self, basis: str, skip: Any = None, only: Any = None) -> Any:
        for n, found in enumerate(self._store.case_derived(basis, skip, only)):
            yield found if self._kept(n) else attrs.evolve(found, derived=None)


@pytest.mark.parametrize("chunk", [1, 2, 5, 2000])
@pytest.mark.parametrize(
    "kept",
    [lambda n: n % 2 == 0, lambda n: n % 5 != 1, lambda n: n > 6, lambda n: n < 4],
    ids=["every other", "one in five missing", "the first missing", "the last missing"],
)
def test_a_store_with_some_timelines_reads_the_same_in_order(
    chunk: int, kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept timelines go on at once, the others are built in chunks: the order holds."""
    store = MemoryStore()
    store_cohort(store, simulate(14, 2.0, seed=6), defs=DEFS)
    day = dt.date(2025, 9, 1)
    wanted = summarize(store, as_of=day, defs=DEFS)
    monkeypatch.setattr(bulk, "_CHUNK", chunk)
    read: list[int] = []
    mixed = _SomeKept(store, kept)
    found = list(bulk.timelines(mixed, defs=DEFS, progress=read.append))  # type: ignore[arg-type]
    assert [t.case_id for t in found] == sorted(store.case_ids())
    assert len(store.case_ids()) == sum(read)
    assert wanted == summarize(mixed, as_of=day, defs=DEFS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "edit",
    [
        lambda doc: doc.pop("policies"),
        lambda doc: doc["assessments"][-1].__delitem__(slice(2, None)),
        # on a day every command below reads (a read leaves out what it does not need,
        # as a due list of an earlier day does an event after it: verify names it whatever)
        lambda doc: doc.__setitem__("events", [["2025-02-21"]]),
    ],
    ids=["a part missing", "a row cut short", "an event without its kind"],
)
def test_a_timeline_edited_out_of_shape_is_a_clear_error(
    edit: Any, cli: Any, tmp_path: Path
) -> None:
    """A report over a timeline without its format's shape names the case and the record."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        case_id = opened(store)
        found = next(store.case_derived(FORMAT))
    assert found.derived is not None
    doc = json.loads(found.derived.text)
    edit(doc)
    rewrite_kept(path, found.last, FORMAT, doc)
    with sqlite3.connect(path) as conn:  # as a row of an earlier format: no dues
        conn.execute("UPDATE case_index SET dues = NULL")
    conn.close()
    # a year the case keeps no share of; the case list; a due list of a day before the case's
    # latest record (its index row does not hold on it and keeps no dues: the case is made
    # from its timeline)
    for command in (
        ["indicators", "--period", "2027"],
        ["case", "list"],
        ["due", "--as-of", "2025-02-25"],
    ):
        code, out, err = cli(*command, "--db", path, "--json")
        error = json.loads(err or out)["error"]
        assert code != 0
        assert "store.integrity" == error["code"]
        assert f"case {case_id}: the timeline kept on record {found.last}" in error["message"]
        assert "Traceback" not in err
    code, out, _ = cli("store", "verify", "--db", path)
    assert 1 == code
    said = f"caso {case_id}: la línea de tiempo guardada en el registro {found.last} difiere"
    assert said in out  # the problem in the heading's language
