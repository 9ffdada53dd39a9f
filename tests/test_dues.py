"""Each case's next reassessment on every day, kept in its index row (:mod:`rnr.history.dues`).

A row's dues must give, on every day, the next reassessment the case's
timeline gives on that day; a due list of an earlier day read from them must
be the list made from every case's records, and read no timeline; dues of
definitions not loaded are passed over, verify names dues that differ from
the records, and dues out of shape are a clear error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storekit import Places, WithoutIndex, WithoutShares, problem_lines

from conftest import Cli
from rnr.cases.parse import parse_case
from rnr.errors import StoreIntegrityError
from rnr.history.bulk import iter_due, timelines
from rnr.history.caseindex import INDEX_FORMAT
from rnr.history.definitions import Definitions
from rnr.history.dues import due_in_force, in_force
from rnr.history.requests import due_page
from rnr.history.summary import REPLAY, Reading, due_at
from rnr.history.upkeep import verify_store
from rnr.history.write import open_case, reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store._schema import SCHEMA_VERSION
from rnr.store.memory import MemoryStore
from rnr.store.records import Record
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
ADULT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json").read_text(
        "utf-8"
    )
)
PEOPLE, YEARS, INTAKE, SEED = 60, 3.0, 2.0, 11
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2027, 6, 30)
#: Days of the due lists compared: before most records, among them, after the last.
DAYS = (dt.date(2024, 6, 30), dt.date(2025, 3, 1), dt.date(2026, 1, 1), LAST)


@pytest.fixture(scope="module")
def cohort() -> Any:
    """The simulated caseload of these tests."""
    return simulate(PEOPLE, YEARS, seed=SEED, intake_years=INTAKE)


@pytest.fixture(scope="module")
def loaded(cohort: Any) -> MemoryStore:
    """The caseload in a memory store, as the loader writes it."""
    store = MemoryStore()
    store_cohort(store, cohort, defs=DEFS)
    return store


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(min_value=FIRST, max_value=LAST))
def test_the_dues_give_each_days_next_reassessment(loaded: MemoryStore, day: dt.date) -> None:
    """On any day, every case's row gives from its dues what its timeline gives on that day."""
    reading = Reading(DEFS)
    rows = {r.case_id: r for r in loaded.index_rows()}
    for timeline in timelines(loaded, defs=DEFS):
        dues = rows[timeline.case_id].dues
        assert dues is not None
        got = due_in_force(timeline.case_id, dues, day.isoformat(), reading)
        assert due_at(timeline, as_of=day, reading=reading) == got, (timeline.case_id, day)


def test_a_line_is_kept_only_where_the_due_changes(loaded: MemoryStore) -> None:
    """Days in order, one line each, each unlike the one before; the last is the row's own due."""
    reading = Reading(DEFS)
    for row in loaded.index_rows():
        assert row.dues is not None
        lines = row.dues.split("\n")
        days = [json.loads(line)[0] for line in lines]
        assert days == sorted(set(days)), row.case_id
        assert all(json.loads(a)[1:] != json.loads(b)[1:] for a, b in itertools.pairwise(lines))
        assert row.latest_on is not None
        assert days[-1] <= row.latest_on.isoformat()
        last = due_in_force(row.case_id, row.dues, row.latest_on.isoformat(), reading)
        if row.replay:
            assert last is REPLAY
        else:
            assert row.due_on == (None if last is None else last.due_on)


@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"])
def test_an_earlier_days_due_list_reads_no_timeline(
    backend: str, places: Places, cohort: Any
) -> None:
    """From the rows' dues, the list made from every case's records, on any day."""
    store = places(backend).open()
    store_cohort(store, cohort, defs=DEFS)
    for day in DAYS:
        seen = WithoutShares(store, shares=True)
        found = list(iter_due(seen, as_of=day, defs=DEFS))
        assert found == list(iter_due(WithoutIndex(store), as_of=day, defs=DEFS)), day
        assert found, day
        page = due_page(seen, day, defs=DEFS, limit=10, overdue=True)
        late = sorted((d for d in found if d.due_on < day), key=lambda d: (d.due_on, d.case_id))
        assert [d.case_id for d in late[:10]] == [d["case_id"] for d in page["items"]]
        assert 0 == seen.timelines, day


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_units_earlier_due_list(backend: str, places: Places) -> None:
    """A unit's list of a day before its cases' latest records holds only that unit's cases."""
    store = places(backend).open()
    adult = ADULT
    for n, unit in enumerate(("norte", "norte", "sur")):
        doc = {**adult, "case_id": f"c-{n}"}
        open_case(store, parse_case(doc, file="<t>"), by="d", defs=DEFS, unit=unit)
        later = {**doc, "assessed_on": "2025-02-20", "legal": None}
        reassess(store, f"c-{n}", parse_case(later, file="<t>"), by="d", defs=DEFS)
    day = dt.date(2025, 1, 1)
    for unit, cases in (("norte", ["c-0", "c-1"]), ("sur", ["c-2"]), ("este", [])):
        seen = WithoutShares(store, shares=True)
        found = list(iter_due(seen, as_of=day, defs=DEFS, unit=unit))
        assert cases == [d.case_id for d in found]
        assert found == list(iter_due(WithoutIndex(store), as_of=day, defs=DEFS, unit=unit))
        assert 0 == seen.timelines


def test_a_decision_before_its_corrected_assessment(tmp_path: Path, cli: Cli) -> None:
    """A correction dates an assessment after its decision: every day's list is still right.

    On the days between, the decision is in force and its assessment not yet
    (the case's due names the assessment before and the decision's instrument).
    """
    adult = ADULT
    path = tmp_path / "casos.sqlite3"
    (tmp_path / "a.json").write_text(json.dumps(adult), "utf-8")
    again = {k: v for k, v in adult.items() if k != "legal"} | {"assessed_on": "2025-02-20"}
    (tmp_path / "b.json").write_text(json.dumps(again), "utf-8")
    (tmp_path / "c.json").write_text(json.dumps({**again, "assessed_on": "2025-03-20"}), "utf-8")
    case = adult["case_id"]
    assert 0 == cli("case", "add", tmp_path / "a.json", "--db", path)[0]
    assert 0 == cli("case", "reassess", case, tmp_path / "b.json", "--db", path)[0]
    with SQLiteStore(path) as store:
        fixed = max(r.id for r in store.records(case_id=case, kind="assessment"))
    args = ("case", "reassess", case, tmp_path / "c.json", "--corrects", str(fixed), "--db", path)
    assert 0 == cli(*args)[0]
    with SQLiteStore(path) as store:
        for n in range(0, 75, 3):
            day = dt.date(2025, 2, 10) + dt.timedelta(days=n)
            found = list(iter_due(store, as_of=day, defs=DEFS))
            assert found == list(iter_due(WithoutIndex(store), as_of=day, defs=DEFS)), day
            assert found, day


def test_dues_of_definitions_not_loaded_are_passed_over(tmp_path: Path, cohort: Any) -> None:
    """A row naming another hash of a policy: its case is made from its timeline."""
    path = tmp_path / "casos.sqlite3"
    day = DAYS[1]
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        before = list(iter_due(store, as_of=day, defs=DEFS))
        row = next(r for r in store.index_rows() if r.latest_on and r.latest_on > day)
    conn = sqlite3.connect(path)
    with conn:
        other = """replace(basis, '"policies":{"', '"policies":{"otra-')"""
        conn.execute(
            f"UPDATE case_index SET basis = {other}, dues = ? WHERE case_id = ?",
            ('["2000-01-01","2000-02-01","interval","x","y","2000-01-01","low","z"]', row.case_id),
        )
    conn.close()
    with SQLiteStore(path) as store:
        seen = WithoutShares(store, shares=True)
        assert before == list(iter_due(seen, as_of=day, defs=DEFS))
        assert 1 == seen.timelines


def test_a_version_9_file_gains_dues_on_init(tmp_path: Path, cohort: Any, cli: Cli) -> None:
    """A file of version 9 (rows of format 5, without dues) gains the column; init fills it.

    Until ``rnr store init`` makes every row again, a due list of an earlier
    day reads the cases from their timelines; after it, from their dues:
    the same list either way, and verify finds every row right.
    """
    path = tmp_path / "v9.sqlite3"
    day = DAYS[1]
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        wanted = list(iter_due(store, as_of=day, defs=DEFS))
    conn = sqlite3.connect(path)
    with conn:
        for sql in (
            "ALTER TABLE case_index DROP COLUMN dues",
            *(
                f"UPDATE {table} SET basis = replace(basis, '{INDEX_FORMAT}', 'rnr.case-index/5')"
                for table in ("case_index", "case_totals")
            ),
            "PRAGMA user_version = 9",
        ):
            conn.execute(sql)
    conn.close()
    with SQLiteStore(path) as store:
        assert SCHEMA_VERSION == sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert all(r.dues is None for r in store.index_rows())
        seen = WithoutShares(store, shares=True)
        assert wanted == list(iter_due(seen, as_of=day, defs=DEFS))
        assert seen.timelines > 0
    code, out, _ = cli("store", "init", "--db", path)
    assert 0 == code, out
    with SQLiteStore(path) as store:
        assert all(r.dues is not None for r in store.index_rows())
        seen = WithoutShares(store, shares=True)
        assert wanted == list(iter_due(seen, as_of=day, defs=DEFS))
        assert 0 == seen.timelines
        assert verify_store(store, defs=DEFS).ok


def test_edited_dues_are_named_by_verify_and_stop_a_due_list(
    tmp_path: Path, cohort: Any, cli: Cli
) -> None:
    """Verify names the case and its column; dues out of shape are a clear error, exit 5."""
    path = tmp_path / "casos.sqlite3"
    day = DAYS[1]
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        assert verify_store(store, defs=DEFS).ok
        row = next(r for r in store.index_rows() if r.latest_on and r.latest_on > day)
    assert row.dues is not None

    def edit(dues: Any) -> None:
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE case_index SET dues = ? WHERE case_id = ?", (dues, row.case_id))
        conn.close()

    edit(row.dues.split("\n", 1)[-1] if "\n" in row.dues else '["2000-01-01"]')
    with SQLiteStore(path, read_only=True) as store:
        lines = problem_lines(verify_store(store, defs=DEFS))
    assert [f"case {row.case_id}: the case index row differs from its records in dues"] == lines
    code, out, _ = cli("store", "verify", "--db", path)
    assert 1 == code
    assert f"caso {row.case_id}: la fila del índice de casos difiere de sus registros en" in out

    for dues in (
        '["2024-01-01",7]',
        "not json",
        '[ "2024-01-01"]',
        '["2024-01-01","2025-01-01","interval","otra","regla","2024-01-01","low","x"]',
        '["2024-01-01","2025-01-01","event","otra","regla","2024-01-01","low","x"]',
        7,
    ):
        edit(dues)
        with SQLiteStore(path, read_only=True) as store, pytest.raises(StoreIntegrityError) as info:
            list(iter_due(store, as_of=day, defs=DEFS))
        assert f"case {row.case_id}: its row of the case index holds dues" in str(info.value)
        code, out, err = cli("due", "--as-of", day.isoformat(), "--db", path, "--json")
        assert (5, "store.integrity") == (code, json.loads(err or out)["error"]["code"]), dues
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("dues", "day", "line"),
    [
        ('["2025-01-10"]', "2025-01-09", None),
        ('["2025-01-10"]', "2025-01-10", '["2025-01-10"]'),
        ('["2025-01-10"]\n["2025-03-01","replay"]', "2025-02-28", '["2025-01-10"]'),
        ('["2025-01-10"]\n["2025-03-01","replay"]', "2030-01-01", '["2025-03-01","replay"]'),
    ],
)
def test_the_line_in_force(dues: str, day: str, line: str | None) -> None:
    """The last line dated on or before the day; none before the first."""
    assert line == in_force(dues, day)


def test_a_record_after_the_list_s_day_without_a_row() -> None:
    """A case appended to without a row (stale) is read from its records, dues or none."""
    store = MemoryStore()
    store_cohort(store, simulate(5, 2.0, seed=3, intake_years=1.0), defs=DEFS)
    day = dt.date(2025, 1, 1)
    before = list(iter_due(WithoutIndex(store), as_of=day, defs=DEFS))
    case = store.case_ids()[0]
    later = max(r.on for r in store.records(case_id=case)) + dt.timedelta(days=1)
    with store.write(by="d") as tx:
        tx.append(Record("event", case, later, {"kind": "breach"}))
    assert before == list(iter_due(store, as_of=day, defs=DEFS))
