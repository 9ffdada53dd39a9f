"""The case index: a row per case kept by every write, read by lists, rebuilt, verified."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from storekit import BACKENDS, Places, WithoutIndex, problem_lines

from rnr.cases.parse import parse_case
from rnr.change.rci import CATEGORIES
from rnr.definitions.instrument_loader import load_instrument
from rnr.definitions.library import data_dir
from rnr.errors import InvalidArgumentError, StoreIntegrityError
from rnr.history.access import case_units, listed_units
from rnr.history.amend import record_event
from rnr.history.bulk import iter_summaries
from rnr.history.caseindex import (
    INDEX_FORMAT,
    change_of,
    check_index,
    due_of,
    fill_index,
    index_row,
    indexed_due_counts,
    summary_row,
    trusted_bases,
)
from rnr.history.caseload import ORDERS, CaseEntry, caseload, entry_row, overview
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.opencases import open_cases
from rnr.history.programme import programme_report
from rnr.history.requests import _cursor, due_counts, due_entries, due_page, due_totals
from rnr.history.summary import CaseAt, Reading
from rnr.history.timeline import build_timelines
from rnr.history.upkeep import materialise, verify_store
from rnr.history.validity import store_table
from rnr.history.write import open_case, reassess
from rnr.indicators.caseload import StepSummary
from rnr.indicators.overview import OpenCase, UnitOverview, unit_overview
from rnr.render.history import problem_words
from rnr.render.messages import catalogue
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store._schema import SCHEMA_VERSION
from rnr.store.caseindex import (
    CASE_INDEX_V7,
    CHANGE_COLUMNS,
    IndexQuery,
    IndexRow,
    select_rows,
    settled_rows,
)
from rnr.store.copy import copy_store
from rnr.store.jsonl import export_jsonl, import_jsonl
from rnr.store.memory import MemoryStore
from rnr.store.protocol import CaseIndex, IndexingTransaction, Store
from rnr.store.records import Record
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
DATA = Path(__file__).parent / "data" / "plans" / "cases"
ADULT: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))
#: A day after every record the tests write.
LATER = dt.date(2027, 6, 1)


def open_adult(store: Store, case_id: str, *, unit: str | None = None) -> str:
    """The adult test case opened under ``case_id`` (and ``unit``), then reassessed."""
    doc = {**ADULT, "case_id": case_id}
    open_case(store, parse_case(doc, file="<t>"), by="d", defs=DEFS, unit=unit)
    later = {**doc, "assessed_on": "2025-02-20", "legal": None}
    later["responses"] = {**ADULT["responses"], "currently_unemployed": True}
    reassess(store, case_id, parse_case(later, file="<t>"), by="d", defs=DEFS)
    return case_id


def three_cases(store: Store) -> None:
    """Open the adult cases c-0, c-1 and c-2 of the unit norte."""
    for n in range(3):
        open_adult(store, f"c-{n}", unit="norte")


def fresh_rows(store: Store) -> dict[str, Any]:
    """Every case's row made again from its records."""
    units = case_units(store)
    groups = list(store.cases())
    built = build_timelines(groups, defs=DEFS, source=store.name)
    return {
        t.case_id: index_row(t, unit=units.get(t.case_id), reading=Reading(DEFS)) for t in built
    }


def kept_rows(store: Store) -> dict[str, Any]:
    assert isinstance(store, CaseIndex)
    return {r.case_id: r for r in store.index_rows()}


def columns_of(entries: tuple[CaseEntry, ...], as_of: dt.date) -> dict[str, Any]:
    """What :meth:`OpenCases.to_dict` gives for the cases of these caseload entries."""

    def change(name: str) -> list[Any]:
        return [None if e.last_change is None else getattr(e.last_change, name) for e in entries]

    def days(found: list[Any]) -> list[str | None]:
        return [None if d is None else d.isoformat() for d in found]

    return {
        "as_of": as_of.isoformat(),
        **{n: [getattr(e, n) for e in entries] for n in ("case_id", "unit", "instrument")},
        **{n: [getattr(e, n) for e in entries] for n in ("sanction", "risk_level")},
        "assessed_on": days([e.assessed_on for e in entries]),
        "due_on": days([None if e.due is None else e.due.due_on for e in entries]),
        "days_overdue": [e.days_overdue(as_of) for e in entries],
        "previous_on": days(change("previous_on")),
        "previous_total": change("previous"),
        "previous_level": change("previous_level"),
        "current_total": change("current"),
        "current_level": change("current_level"),
        **{n: change(n) for n in ("delta", "transition", "rci", "reliable")},
    }


def expected_page(store: Store, as_of: dt.date, **kw: Any) -> tuple[list[str], int]:
    """The page of a caseload made in Python from every case's full summary."""
    units = case_units(store)
    rows = [
        entry_row(s, unit=units.get(s.case_id), as_of=as_of, defs=DEFS)
        for _, s in iter_summaries(store, as_of=as_of, defs=DEFS, rows=store.records())
    ]
    kw = {"limit": 25, **kw}
    unit = kw.pop("unit", None)
    search = kw.pop("search", "")
    query = IndexQuery(
        as_of, {"rnr.case-index/on-day"}, unit=unit, any_unit=unit is None,
        search=search.casefold(), **kw,
    )  # fmt: skip
    page, total = select_rows(rows, query)
    return [r.case_id for r in page], total


#: The days and units of the overviews the tests count (the day after the cohort, mid, early).
OVERVIEWS = [
    (day, unit)
    for day in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1))
    for unit in (None, "norte", "sur", "oeste")
]


def got_overview(store: Store, as_of: dt.date, unit: str | None) -> UnitOverview:
    return overview(store, as_of=as_of, defs=DEFS, unit=unit)


def got_page(store: Store, as_of: dt.date, **kw: Any) -> tuple[list[str], int]:
    found = caseload(store, as_of=as_of, defs=DEFS, **kw)
    return [e.case_id for e in found.entries], found.total


def spy_queries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Every query the SQLite stores run from now on (until ``monkeypatch.undo()``)."""
    asked: list[tuple[str, tuple[Any, ...]]] = []
    run = SQLiteStore._query

    def spy(store: SQLiteStore, conn: Any, sql: str, args: tuple[Any, ...]) -> list[Any]:
        asked.append((sql, args))
        return run(store, conn, sql, args)

    monkeypatch.setattr(SQLiteStore, "_query", spy)
    return asked


def plan_of(store: SQLiteStore, sql: str, args: tuple[Any, ...]) -> list[str]:
    """The steps of SQLite's plan of a query over ``store``."""
    with sqlite3.connect(store.name) as conn:
        return [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]


@pytest.fixture(scope="module")
def cohort_source() -> MemoryStore:
    """A simulated caseload of 30 people, and three cases opened under units."""
    store = MemoryStore()
    store_cohort(store, simulate(30, 2.5, seed=11), defs=DEFS)
    open_adult(store, "u-norte-1", unit="norte")
    open_adult(store, "u-norte-2", unit="norte")
    open_adult(store, "u-sur-1", unit="sur")
    return store


@pytest.fixture(scope="module")
def agency_cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryStore, Definitions]:
    """A simulated caseload written with an agency's reliability figures in both instruments.

    The shipped instruments give none (every reliable change is then not
    computable); an agency adds those of its own study in its own copy.
    """
    folder = tmp_path_factory.mktemp("agencia")
    figures = (
        'reliability = { sd = 4.0, r = 0.85, source = "estudio de prueba", status = "unverified" }'
    )
    found = []
    for name in ("lscmi", "ylscmi"):
        text = (data_dir() / "instruments" / name / "1.0.0.toml").read_text(encoding="utf-8")
        path = folder / f"{name}.toml"
        path.write_text(text.replace("[scales.total]\n", f"[scales.total]\n{figures}\n", 1))
        found.append(load_instrument(path))
    agency = attrs.evolve(DEFS, library=DEFS.library.with_instruments(found))
    store = MemoryStore()
    store_cohort(store, simulate(40, 2.5, seed=5), defs=agency)
    return store, agency


@pytest.fixture(scope="module")
def sqlite_row(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, IndexRow]]:
    """An SQLite store holding one case, and its row."""
    store = SQLiteStore(tmp_path_factory.mktemp("fila") / "fila.sqlite3")
    case_id = open_adult(store, "c-fila")
    yield store, kept_rows(store)[case_id]
    store.close()


@pytest.fixture(scope="module")
def sqlite_cohort(
    cohort_source: MemoryStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SQLiteStore]:
    """The cohort copied into one SQLite store, for the tests that only read it."""
    store = SQLiteStore(tmp_path_factory.mktemp("caseindex") / "cohort.sqlite3")
    copy_of(cohort_source, store)
    yield store
    store.close()


def copy_of(source: MemoryStore, store: Store) -> Store:
    """``source`` copied into ``store``, its kept values and index made again."""
    copy_store(source, store)
    materialise(store, defs=DEFS, by="prueba")
    return store


# -- writing -----------------------------------------------------------------------------


class TestWrites:
    """Every write block keeps the case's row, on every backend."""

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_open_reassess_event_keep_the_row(self, kind: str, places: Places) -> None:
        """The row names the case's last record and equals the one made from its records."""
        store = places(kind).open()
        case_id = open_adult(store, "c-1", unit="norte")
        record_event(store, case_id, "new_offence", dt.date(2025, 3, 1), by="d", defs=DEFS)
        rows = kept_rows(store)
        assert fresh_rows(store) == rows
        row = rows[case_id]
        assert max(r.id for r in store.records()) == row.record_id
        assert ("norte", "adult", "LVI", dt.date(2025, 2, 20)) == (
            row.unit,
            row.regime,
            row.sanction,
            row.assessed_on,
        )
        due = due_of(row)
        assert due is not None
        assert due == due_list(store, LATER, defs=DEFS)[0]
        assert "event" == due.basis
        result = verify_store(store, defs=DEFS)
        assert (True, 1) == (result.ok, result.index)

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_a_record_appended_without_a_row_leaves_it_stale(
        self, kind: str, places: Places
    ) -> None:
        """A writer that keeps no row leaves a stale one; reads read that case from its records."""
        store = places(kind).open()
        case_id = open_adult(store, "c-1")
        assert 1 == len(due_list(store, LATER, defs=DEFS))
        with store.write(by="otro sistema") as tx:  # keeps no timeline and no row
            tx.append(Record("event", case_id, dt.date(2025, 3, 20), {"kind": "discharge"}))
        row = kept_rows(store)[case_id]
        assert row.stale
        assert max(r.id for r in store.records()) == row.record_id
        assert [] == due_list(store, LATER, defs=DEFS)  # closed: read from its records
        assert (0, 0) == (len(caseload(store, as_of=LATER).entries), 0)
        assert 1 == fill_index(store, defs=DEFS, by="prueba")
        assert fresh_rows(store) == kept_rows(store)
        assert 0 == fill_index(store, defs=DEFS, by="prueba"), "a second run makes none"

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_the_units_a_report_lists_are_those_of_the_records(
        self, kind: str, places: Places
    ) -> None:
        """``listed_units`` takes the index's units, and reads a stale row's case's records."""
        store = places(kind).open()
        for n, unit in enumerate(("norte", "sur", None)):
            open_adult(store, f"c-{n}", unit=unit)
        with store.write(by="otro sistema") as tx:  # keeps no row: the case's row is stale
            tx.append(Record("event", "c-1", dt.date(2025, 3, 20), {"kind": "discharge"}))
        assert kept_rows(store)["c-1"].stale
        expected = {"c-0": "norte", "c-1": "sur", "c-2": None}
        assert expected == listed_units(store) == case_units(store)
        assert expected == listed_units(WithoutIndex(store))

    def test_a_late_row_never_replaces_a_later_one(self) -> None:
        """A row on an earlier record than the one kept (a slow fill) is not kept."""
        store = MemoryStore()
        case_id = open_adult(store, "c-1")
        now = kept_rows(store)[case_id]
        with store.write(by="prueba") as tx:
            assert isinstance(tx, IndexingTransaction)
            tx.index_case(attrs.evolve(now, record_id=1, sanction="LVI"))
        assert now == kept_rows(store)[case_id]

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        given=st.fixed_dictionaries(
            {
                "previous": st.integers(0, 60),
                "current": st.integers(0, 60),
                "levels": st.lists(
                    st.none() | st.sampled_from(["low", "très élevé"]), min_size=2, max_size=2
                ),
                "transition": st.sampled_from([None, "up", "down", "same"]),
                "reliable": st.sampled_from(CATEGORIES),
                "rci": st.floats(-1e6, 1e6, allow_nan=False),
                "days": st.integers(1, 4000),
            }
        )
    )
    def test_any_last_change_comes_back_from_the_database_as_it_was_kept(
        self, sqlite_row: tuple[SQLiteStore, IndexRow], given: dict[str, Any]
    ) -> None:
        """A change kept in a row's columns and read back is the same change, to the last bit."""
        store, row = sqlite_row
        assert row.assessed_on is not None
        previous, current, reliable = given["previous"], given["current"], given["reliable"]
        step = StepSummary(
            row.assessed_on - dt.timedelta(days=given["days"]),
            row.assessed_on,
            previous,
            current,
            current - previous,
            given["levels"][0],
            given["levels"][1],
            given["transition"],
            None if reliable == "not_computable" else given["rci"],
            reliable,
        )
        assert row.regime is not None
        assert row.instrument is not None
        assert row.opened_on is not None
        assert row.latest_on is not None
        found = CaseAt(
            row.case_id,
            row.regime,
            row.instrument,
            row.sanction,
            row.risk_level,
            row.opened_on,
            row.assessed_on,
            row.closed_on,
            None,
            step,
        )
        kept = summary_row(
            found,
            record_id=row.record_id,
            basis=row.basis,
            unit=row.unit,
            latest_on=row.latest_on,
            due=None,
            defs=DEFS,
        )
        with store.write(by="prueba") as tx:
            assert isinstance(tx, IndexingTransaction)
            tx.index_case(kept)
        (back,) = store.index_rows(only=[row.case_id])
        assert kept.row() == back.row()
        assert step == change_of(back)

    def test_a_row_on_no_record_is_refused(self, places: Places) -> None:
        """A row naming a record the store does not hold is a store error."""
        from rnr.errors import StoreError  # noqa: PLC0415

        for kind in ("memory", "sqlite"):
            store = places(kind).open()
            case_id = open_adult(store, "c-1")
            row = kept_rows(store)[case_id]
            with store.write(by="x") as tx:
                assert isinstance(tx, IndexingTransaction)
                with pytest.raises(StoreError, match="no such record"):
                    tx.index_case(attrs.evolve(row, record_id=99))


# -- reading -----------------------------------------------------------------------------


QUERIES: list[dict[str, Any]] = [
    {},
    {"order": "rank", "descending": True, "limit": 7},
    {"order": "sanction", "offset": 5, "limit": 5},
    {"order": "due", "limit": 10},
    {"order": "late", "descending": True, "limit": 4},
    {"overdue": True, "order": "late"},
    {"search": "U-NORTE"},
    {"unit": "norte", "order": "due"},
    {"unit": "sur"},
    {"search": "0", "order": "case", "descending": True, "offset": 3, "limit": 3},
    {"limit": None},
    {"offset": 3, "limit": None, "order": "late"},
    {"offset": 500},
    # lateness is two parts (the cases not overdue, the overdue): pages across the seam
    {"order": "late", "offset": 2, "limit": 9},
    {"order": "late", "descending": True, "offset": 5, "limit": 8},
    {"order": "late", "descending": True, "limit": None},
    {"order": "late", "descending": True, "overdue": True, "offset": 1, "limit": 3},
    # the last change's reliable category: a column of its own, in the open cases' index
    {"change": "improvement", "limit": None},
    {"change": "none", "order": "due", "limit": 6},
    {"change": "deterioration", "unit": "norte"},
    {"change": "not_computable", "overdue": True},
]


#: The pages expected of each query, by day and query (made from the summaries once).
_EXPECTED: dict[tuple[dt.date, str], tuple[list[str], int]] = {}


class TestCaseload:
    """A caseload page from the index equals the same page made from every summary."""

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_pages_equal_those_of_the_summaries(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """Filtering, sorting and paging in the store give Python's answer over the summaries."""
        store = copy_of(cohort_source, places(kind).open())
        assert not any(r.stale for r in kept_rows(store).values())
        for as_of in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1)):  # later, mid, early
            for query in QUERIES:
                key = (as_of, json.dumps(query, sort_keys=True))
                if key not in _EXPECTED:  # the same for every backend: made once
                    _EXPECTED[key] = expected_page(cohort_source, as_of, **query)
                assert _EXPECTED[key] == got_page(store, as_of, **query), key

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_settled_cases_are_those_of_the_rows(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """The cases closed before a day, their sanctions and latest day: the rows' answer."""
        store: Any = copy_of(cohort_source, places(kind).open())
        rows = list(store.index_rows())
        bases = frozenset(r.basis for r in rows if r.basis)
        found = []
        for day in (dt.date(2024, 6, 1), dt.date(2025, 1, 1), dt.date(2025, 9, 1), LATER):
            for trusted in (bases, frozenset(), frozenset({"otra"})):
                settled = store.index_settled(trusted, day)
                assert settled_rows(rows, trusted, day) == settled, (day, trusted)
                found.append(len(settled.last))
        assert 0 < max(found) < len(rows)

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_rows_of_other_definitions_are_not_trusted(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """A row whose basis names another hash is read from the records, with the same answer."""
        place = places(kind)
        store = copy_of(cohort_source, place.open())
        wanted = [got_page(store, LATER, **q) for q in QUERIES]
        counts = [got_overview(store, day, unit) for day, unit in OVERVIEWS]
        rows = kept_rows(store)
        changed = sorted(rows)[::3]
        other = '{"format":"rnr.case-index/1","instruments":{},"policies":{"x":"0"}}'
        if kind == "memory":
            assert isinstance(store, MemoryStore)
            with store.write(by="prueba") as tx:
                for case_id in changed:
                    tx.index_case(attrs.evolve(rows[case_id], basis=other, sanction="otra"))
        else:
            place.tamper(
                *(
                    (
                        "UPDATE case_index SET basis = ?, sanction = 'otra' WHERE case_id = ?",
                        (other, c),
                    )
                    for c in changed
                )
            )
        assert wanted == [got_page(store, LATER, **q) for q in QUERIES]
        assert counts == [got_overview(store, day, unit) for day, unit in OVERVIEWS]
        assert verify_store(store, defs=DEFS).index == len(rows) - len(changed)

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_an_overview_counts_what_the_caseload_lists(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """The database's counts by level, sanction and standing equal those of every entry."""
        store = copy_of(cohort_source, places(kind).open())
        for day, unit in OVERVIEWS:
            found = caseload(cohort_source, as_of=day, defs=DEFS, unit=unit, limit=None)
            cases = [
                OpenCase(e.instrument, e.risk_level, e.sanction, e.due, e.reliable)
                for e in found.entries
            ]
            wanted = unit_overview(cases, as_of=day)
            assert wanted == got_overview(store, day, unit), (day, unit)
            assert wanted.open == found.total

    def test_entries_carry_what_the_page_shows(self, cohort_source: MemoryStore) -> None:
        """An entry's due equals the due list's; days overdue count from the day."""
        found = caseload(cohort_source, as_of=LATER, defs=DEFS, order="due", limit=None)
        dues = {d.case_id: d for d in due_list(cohort_source, LATER, defs=DEFS)}
        assert found.total == len(found.entries) > 0
        for entry in found.entries:
            assert isinstance(entry, CaseEntry)
            assert dues.get(entry.case_id) == entry.due
            late = 0 if entry.due is None else max(0, (LATER - entry.due.due_on).days)
            assert late == entry.days_overdue(LATER)

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_entries_are_those_of_the_summaries(
        self, kind: str, places: Places, agency_cohort: tuple[MemoryStore, Definitions]
    ) -> None:
        """Every entry, its last change included, is the summary's; filters and counts agree.

        With reliability figures, as an agency's own study gives them, the
        last changes fall in several categories; each filter of the index
        lists the entries of its category, and the overview counts them.
        """
        source, agency = agency_cohort
        store = places(kind).open()
        copy_store(source, store)
        materialise(store, defs=agency, by="prueba")
        units = case_units(source)
        seen: set[str | None] = set()
        for as_of in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1)):
            found = caseload(store, as_of=as_of, defs=agency, limit=None).entries
            summaries = iter_summaries(source, as_of=as_of, defs=agency)
            rows = [
                entry_row(s, unit=units.get(s.case_id), as_of=as_of, defs=agency)
                for _, s in summaries
                if s.closed_on is None
            ]
            assert [CaseEntry.of(r) for r in sorted(rows, key=lambda r: r.case_id)] == list(found)
            for category in CATEGORIES:
                wanted = [e for e in found if e.reliable == category]
                got = caseload(store, as_of=as_of, defs=agency, change=category, limit=None)
                assert wanted == list(got.entries), (as_of, category)
            counts = Counter(e.reliable for e in found)
            changes = overview(store, as_of=as_of, defs=agency).changes
            assert [(c, counts[c]) for c in (*CATEGORIES, None)] == [
                (c.reliable, c.open) for c in changes
            ]
            seen |= set(counts)
        assert {"improvement", "none", "deterioration", None} <= seen

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_open_cases_are_the_entries_column_by_column(
        self,
        kind: str,
        places: Places,
        agency_cohort: tuple[MemoryStore, Definitions],
        cohort_source: MemoryStore,
    ) -> None:
        """Every open case's schedule and last change in columns: the caseload's, case by case.

        On the day after the cohorts (rows trusted) and on earlier days (rows
        made again from the records), of every unit or one, with and
        without an index; with an agency's reliability figures, every
        category of reliable change.
        """
        seen: set[str | None] = set()
        for source, defs in (agency_cohort, (cohort_source, DEFS)):
            store = places(kind).open()
            copy_store(source, store)
            materialise(store, defs=defs, by="prueba")
            for as_of in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1)):
                for unit in (None, "norte"):
                    listed = caseload(store, as_of=as_of, defs=defs, unit=unit, limit=None)
                    found = open_cases(store, as_of=as_of, defs=defs, unit=unit)
                    assert columns_of(listed.entries, as_of) == found.to_dict(), (as_of, unit)
                    assert list(found.changed) == [
                        e.last_change is not None for e in listed.entries
                    ]
                    for soon in (0, 30):
                        counts = overview(store, as_of=as_of, defs=defs, unit=unit, soon_days=soon)
                        assert counts == found.overview(soon), (as_of, unit, soon)
                    seen |= set(found.reliable)
                plain: Any = WithoutIndex(store)
                wanted = open_cases(store, as_of=as_of, defs=defs).to_dict()
                assert wanted == open_cases(plain, as_of=as_of, defs=defs).to_dict()
        assert {"improvement", "none", "deterioration", "not_computable", None} <= seen

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_only_the_tables_columns_are_read(self, kind: str, places: Places) -> None:
        """Names go into the SQL of a read of columns: anything but a column is refused."""
        store: Any = places(kind).open()
        open_adult(store, "c-1")
        query = IndexQuery(LATER, trusted_bases(store.index_bases(), DEFS))
        assert [("c-1", "not_computable")] == store.index_columns(query, ["case_id", "reliable"])
        with pytest.raises(ValueError, match="case index"):
            store.index_columns(query, ["case_id", "1; DROP TABLE records"])

    def test_a_store_without_an_index_gives_the_same_page(self, cohort_source: MemoryStore) -> None:
        """A store of one's own that keeps no index is read from its summaries."""
        plain: Any = WithoutIndex(cohort_source)
        assert not isinstance(plain, CaseIndex)
        for query in QUERIES:
            assert got_page(cohort_source, LATER, **query) == got_page(plain, LATER, **query)

    @pytest.mark.parametrize(
        ("given", "argument"),
        [
            ({"order": "riesgo"}, "order"),
            ({"offset": -1}, "offset"),
            ({"limit": True}, "limit"),
            ({"change": "mejora"}, "change"),
        ],
    )
    def test_bad_arguments_are_refused(self, given: dict[str, Any], argument: str) -> None:
        """An unknown order or change, a negative offset, a limit not a number: argument errors."""
        with pytest.raises(InvalidArgumentError, match=f"^{argument}: got") as info:
            caseload(MemoryStore(), as_of=LATER, **given)
        assert "argument.invalid" == info.value.code

    def test_orders_are_the_store_orders(self) -> None:
        assert ("case", "rank", "sanction", "due", "late") == ORDERS

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        as_of=st.dates(dt.date(2024, 1, 1), dt.date(2028, 1, 1)),
        query=st.fixed_dictionaries(
            {
                "order": st.sampled_from(ORDERS),
                "descending": st.booleans(),
                "overdue": st.booleans(),
                "search": st.sampled_from(["", "1", "-0", "NORTE", "zz"]),
                "unit": st.sampled_from([None, "norte", "sur", "oeste"]),
                "change": st.sampled_from([None, *CATEGORIES]),
                "offset": st.integers(0, 40),
                "limit": st.none() | st.integers(0, 12),
            }
        ),
    )
    def test_any_sqlite_page_equals_the_summaries_page(
        self, sqlite_cohort: SQLiteStore, cohort_source: MemoryStore, as_of: dt.date,
        query: dict[str, Any],
    ) -> None:  # fmt: skip
        """Any day, filter, order, offset and limit: SQLite's page is Python's page."""
        assert expected_page(cohort_source, as_of, **query) == got_page(
            sqlite_cohort, as_of, **query
        )

    def test_a_page_walks_an_index_of_its_order(
        self, sqlite_cohort: SQLiteStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No caseload page sorts the open cases: each walks the index of its order.

        SQLite's plan of every query a page runs names an index and never
        scans the table; it sorts only the rows of one unit, found by the
        unit's index, or the ties of one due date ("RIGHT PART").
        """
        asked = spy_queries(monkeypatch)
        for order in ORDERS:
            for descending in (False, True):
                for extra in ({}, {"overdue": True}, {"unit": "norte"}, {"search": "1"}):
                    got_page(sqlite_cohort, LATER, order=order, descending=descending, **extra)
        monkeypatch.undo()
        plans = [(sql, plan_of(sqlite_cohort, sql, args)) for sql, args in asked]
        for sql, steps in plans:  # "SEARCH records": by its own key (the last record's id)
            assert any("INDEX" in step or step == "SEARCH records" for step in steps), (sql, steps)
            assert not any(s.startswith("SCAN") and "INDEX" not in s for s in steps), (sql, steps)
            if any("TEMP B-TREE FOR ORDER BY" in s for s in steps):  # only a unit's rows
                assert any("(unit=?)" in s for s in steps), (sql, steps)


def walk_due(store: Any, as_of: dt.date, limit: int, **kw: Any) -> tuple[list[str], int]:
    """Every page of the due list from the first, by cursor: the lines, and the pages."""
    items: list[str] = []
    cursor, pages = None, 0
    while True:
        found = due_page(store, as_of, defs=DEFS, limit=limit, cursor=cursor, **kw)
        items += [f"{d['due_on']} {d['case_id']}" for d in found["items"]]
        pages += 1
        cursor = found["next"]
        if cursor is None:
            return items, pages
        assert pages < 1000, "the pages do not move on"


class TestDuePage:
    """A page of the due list walks the index of the due order: the whole list, cut."""

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_pages_are_the_due_list_cut(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """Any day (rows holding later records made again), unit, overdue, limit: the same lines."""
        store = copy_of(cohort_source, places(kind).open())
        for as_of in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1)):
            for unit in (None, "norte"):
                every = due_list(WithoutIndex(store), as_of, defs=DEFS, unit=unit)  # type: ignore[arg-type]
                for overdue in (False, True):
                    wanted = [
                        f"{d.due_on} {d.case_id}" for d in every if not overdue or d.due_on < as_of
                    ]
                    for limit in (1, 4, 500):
                        kw = {"unit": unit, "overdue": overdue}
                        items, pages = walk_due(store, as_of, limit, **kw)
                        assert wanted == items, (as_of, unit, overdue, limit)
                        assert max(1, -(-len(wanted) // limit)) == pages
                        assert (items, pages) == walk_due(WithoutIndex(store), as_of, limit, **kw)
        assert len(due_list(store, LATER, defs=DEFS)) > 8

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_counts_are_those_of_the_list(
        self, kind: str, places: Places, cohort_source: MemoryStore
    ) -> None:
        """The due counts: the database's count on a day every row holds, else the list's."""
        store = copy_of(cohort_source, places(kind).open())
        assert isinstance(store, CaseIndex)
        for as_of in (LATER, dt.date(2025, 6, 1), dt.date(2024, 3, 1)):
            for unit in (None, "norte"):
                made = due_entries(WithoutIndex(store), as_of, unit=unit, defs=DEFS)  # type: ignore[arg-type]
                wanted = due_counts(made, as_of)
                assert wanted == due_totals(store, as_of, unit=unit, defs=DEFS), (as_of, unit)
        counted = indexed_due_counts(store, as_of=LATER, reading=Reading(DEFS))
        every = due_totals(store, LATER, defs=DEFS)
        assert (every.due, every.overdue) == counted  # LATER: counted in the database
        assert 0 < every.overdue <= every.due  # all overdue by then
        assert indexed_due_counts(store, as_of=dt.date(2025, 6, 1), reading=Reading(DEFS)) is None

    def test_a_page_reads_no_more_than_it_shows(
        self, sqlite_cohort: SQLiteStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A page asks the database for its lines and one more, along the due order's index."""
        first = due_page(sqlite_cohort, LATER, defs=DEFS, limit=3)
        asked = spy_queries(monkeypatch)
        second = due_page(sqlite_cohort, LATER, defs=DEFS, limit=3, cursor=first["next"])
        monkeypatch.undo()
        pages = [(sql, args) for sql, args in asked if "ORDER BY" in sql]
        assert 1 == len(pages)
        sql, args = pages[0]
        assert "LIMIT ?" in sql
        assert 4 == args[-2]  # the page and one more
        steps = plan_of(sqlite_cohort, sql, args)
        assert ["SEARCH case_index USING INDEX case_index_open_due (<expr>>?)"] == steps
        assert first["items"][-1]["due_on"] <= second["items"][0]["due_on"]

    @pytest.mark.parametrize(
        "key", ["", "2025-01-01", "2025-13-01 c-1", "2025-01-01c-1", "mañana c-1"]
    )
    def test_a_cursor_of_another_shape_is_refused(
        self, sqlite_cohort: SQLiteStore, key: str
    ) -> None:
        """A cursor made by hand that names no due line is refused, as one of another list."""
        cursor = _cursor("due", key)
        with pytest.raises(InvalidArgumentError, match="next cursor of a page of due"):
            due_page(sqlite_cohort, LATER, defs=DEFS, cursor=cursor)
        past = _cursor("due", "9999-12-30 zzz")  # past every line: an empty last page
        assert {"as_of": LATER.isoformat(), "items": [], "next": None} == due_page(
            sqlite_cohort, LATER, defs=DEFS, cursor=past
        )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    events=st.lists(
        st.tuples(
            st.integers(0, 11),
            st.sampled_from(["new_offence", "breach", "discharge", "attendance"]),
            st.dates(dt.date(2024, 6, 1), dt.date(2026, 12, 31)),
        ),
        max_size=6,
    ),
    day=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    query=st.fixed_dictionaries(
        {
            "order": st.sampled_from(ORDERS),
            "descending": st.booleans(),
            "overdue": st.booleans(),
            "search": st.sampled_from(["", "1", "-0", "X"]),
            "offset": st.integers(0, 8),
            "limit": st.none() | st.integers(0, 6),
        }
    ),
)
def test_after_any_writes_rows_equal_their_records_and_pages_their_summaries(
    seed: int, events: list[tuple[int, str, dt.date]], day: dt.date, query: dict[str, Any]
) -> None:
    """After any sequence of writes, every row equals the one its records give, and any

    caseload page equals the same filtering, sorting and paging of every full summary; every
    open case's columns are the entries of the whole caseload.
    """
    store = MemoryStore()
    store_cohort(store, simulate(8, 1.5, seed=seed), defs=DEFS)
    ids = sorted(store.case_ids())
    for n, kind, on in events:
        case_id = ids[n % len(ids)]
        try:
            record_event(store, case_id, kind, on, by="d", defs=DEFS)
        except Exception:  # a refused event (a closed case, a date) writes nothing
            continue
    assert fresh_rows(store) == kept_rows(store)
    assert (len(ids), ()) == check_index(store, defs=DEFS)
    assert expected_page(store, day, **query) == got_page(store, day, **query)
    every = caseload(store, as_of=day, defs=DEFS, limit=None).entries
    assert columns_of(every, day) == open_cases(store, as_of=day, defs=DEFS).to_dict()
    wanted = sorted(
        (s.next_due for _, s in iter_summaries(store, as_of=day, defs=DEFS, rows=store.records())
         if s.next_due is not None),
        key=lambda d: (d.due_on, d.case_id),
    )  # fmt: skip
    assert wanted == due_list(store, day, defs=DEFS)


# -- migration, verify, export ------------------------------------------------------------


def test_a_version_5_file_is_migrated_and_filled(tmp_path: Path, cli: Any) -> None:
    """A v5 file gets a stale row per case (reads stay right); rnr store init fills them."""
    path = tmp_path / "v5.sqlite3"
    with SQLiteStore(path) as store:
        three_cases(store)
        wanted = due_list(store, LATER, defs=DEFS)
        page = got_page(store, LATER, unit="norte", order="due")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE case_index")
        conn.execute("DROP TABLE case_totals")
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    with SQLiteStore(path) as store:
        rows = kept_rows(store)
        assert ["c-0", "c-1", "c-2"] == sorted(rows)
        assert all(r.stale for r in rows.values())
        assert wanted == due_list(store, LATER, defs=DEFS)
        assert page == got_page(store, LATER, unit="norte", order="due")
    code, out, _ = cli("store", "init", "--db", path)
    assert 0 == code, out
    with SQLiteStore(path) as store:
        assert fresh_rows(store) == kept_rows(store)
        assert not any(r.stale for r in kept_rows(store).values())
        assert wanted == due_list(store, LATER, defs=DEFS)
        assert SCHEMA_VERSION == sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]


def test_a_version_7_file_is_migrated_and_its_rows_made_again(tmp_path: Path, cli: Any) -> None:
    """Rows and shares of the earlier formats are not trusted (reads stay right) until init.

    A version 7 file (its rows without a last change, of the index's format 2,
    and report shares of format 1) gains the columns; its lists and reports
    read the cases from their timelines until ``rnr store init`` makes every
    row and share again, and then verify finds them all right.
    """
    path = tmp_path / "v7.sqlite3"
    with SQLiteStore(path) as store:
        three_cases(store)
        page = caseload(store, as_of=LATER, defs=DEFS, limit=None)
        report = programme_report(store, period=2025, defs=DEFS).to_dict()
    conn = sqlite3.connect(path)
    guards = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'case_derived'"
    ).fetchall()
    with conn:
        for sql in (
            *(f"DROP TRIGGER {name}" for name, _ in guards),  # as rnr 7 kept them
            "DROP INDEX case_index_open",
            "DROP TABLE case_totals",
            *(
                f"ALTER TABLE case_index DROP COLUMN {c}"
                for c in (*CHANGE_COLUMNS, "counts", "dues")
            ),
            CASE_INDEX_V7[1],  # the open cases' index as version 7 made it
            f"UPDATE case_index SET basis = replace(basis, '{INDEX_FORMAT}', 'rnr.case-index/2')",
            "UPDATE case_derived SET basis = replace(basis, 'shares/2', 'shares/1')",
            *(sql for _, sql in guards),
            "PRAGMA user_version = 7",
        ):
            conn.execute(sql)
    conn.close()
    with SQLiteStore(path) as store:
        assert SCHEMA_VERSION == sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert not trusted_bases(store.index_bases(), DEFS)
        assert page == caseload(store, as_of=LATER, defs=DEFS, limit=None)
        assert report == programme_report(store, period=2025, defs=DEFS).to_dict()
    code, out, _ = cli("store", "init", "--db", path)
    assert 0 == code, out
    with SQLiteStore(path) as store:
        assert fresh_rows(store) == kept_rows(store)
        assert all(r.reliable is not None for r in kept_rows(store).values())
        assert page == caseload(store, as_of=LATER, defs=DEFS, limit=None)
        assert report == programme_report(store, period=2025, defs=DEFS).to_dict()
        result = verify_store(store, defs=DEFS)
        assert (True, 3) == (result.ok, result.index), result.problems
        assert result.shares > 0


def test_a_version_8_file_gains_counts_and_totals(tmp_path: Path, cli: Any) -> None:
    """A version 8 file (rows of the index's format 3, without counts) gains the totals.

    Until ``rnr store init`` makes every row again, the report reads the
    cases from their shares and timelines; after it, from the totals; the
    same report either way, and verify finds every row's counts and the
    totals right.
    """
    path = tmp_path / "v8.sqlite3"
    with SQLiteStore(path) as store:
        three_cases(store)
        record_event(store, "c-1", "breach", dt.date(2025, 6, 1), by="d", defs=DEFS)
        report = programme_report(store, period=2025, defs=DEFS).to_dict()
    _downgrade_to_8(path)
    with SQLiteStore(path) as store:
        assert SCHEMA_VERSION == sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert not trusted_bases(store.index_bases(), DEFS)
        assert {} == store.index_total_rows()
        assert report == programme_report(store, period=2025, defs=DEFS).to_dict()
    code, out, _ = cli("store", "init", "--db", path)
    assert 0 == code, out
    with SQLiteStore(path) as store:
        assert all(counts for *_, counts in store.index_counts())
        assert store.index_total_rows()
        assert not store.index_totals(trusted_bases(store.index_bases(), DEFS), "x").values
        assert report == programme_report(store, period=2025, defs=DEFS).to_dict()
        result = verify_store(store, defs=DEFS)
        assert (True, 3) == (result.ok, result.index), result.problems


def _downgrade_to_8(path: Path) -> None:
    """Make ``path`` what rnr of schema version 8 left: no counts, no totals, rows of format 3."""
    conn = sqlite3.connect(path)
    with conn:
        for sql in (
            "DROP TABLE case_totals",
            "ALTER TABLE case_index DROP COLUMN counts",
            "ALTER TABLE case_index DROP COLUMN dues",
            f"UPDATE case_index SET basis = replace(basis, '{INDEX_FORMAT}', 'rnr.case-index/3')",
            "PRAGMA user_version = 8",
        ):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_tampered_row_is_reported_by_verify(kind: str, places: Places) -> None:
    """A row edited, removed or added in the database is named by case and column."""
    place = places(kind)
    store = place.open()
    three_cases(store)
    assert verify_store(store, defs=DEFS).ok
    place.tamper(
        ("UPDATE case_index SET risk_level = 'very_high', rank = 3 WHERE case_id = ?", ("c-0",)),
        ("UPDATE case_index SET unit = 'sur' WHERE case_id = ?", ("c-1",)),
        ("DELETE FROM case_index WHERE case_id = ?", ("c-2",)),
        (
            "INSERT INTO case_index (case_id, record_id, basis, folded) VALUES (?, 1, ?, ?)",
            ("c-9", next(iter(kept_rows(store).values())).basis, "c-9"),
        ),
    )
    problems = [
        p
        for p in problem_lines(verify_store(store, defs=DEFS))
        if not p.startswith("schema: trigger")
    ]
    # the removed row's counts are still in the store's totals
    totals = [p for p in problems if p.startswith("the totals of the reports of ")]
    assert totals
    assert all(" differ from the sum of the cases' shares in " in p for p in totals)
    assert [
        "case c-0: the case index row differs from its records in risk_level, rank",
        "case c-1: the case index row differs from its records in unit",
        "case c-2: no row in the case index",
        "case c-9: a case index row for a case the store does not hold",
    ] == [p for p in problems if p not in totals]
    said = [problem_words(p, catalogue("es")) for p in verify_store(store, defs=DEFS).problems]
    assert [
        (
            "caso c-0: la fila del índice de casos difiere de sus registros en nivel de riesgo,"
            " orden del nivel de riesgo"
        ),
        "caso c-1: la fila del índice de casos difiere de sus registros en unidad",
        "caso c-2: sin fila en el índice de casos",
        "caso c-9: una fila del índice de casos de un caso que el registro de casos no tiene",
    ] == [p for p in said if p.startswith("caso ")]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_an_altered_record_leaves_the_other_rows_checked(kind: str, places: Places) -> None:
    """A case whose records cannot be read is named; every other row is still made again."""
    place = places(kind)
    store = place.open()
    three_cases(store)
    first = next(store.records(case_id="c-0")).id
    place.tamper(
        ("UPDATE records SET on_date = '2020-01-01' WHERE id = ?", (first,)),
        ("UPDATE case_index SET unit = 'sur' WHERE case_id = ?", ("c-2",)),
    )
    result = verify_store(store, defs=DEFS)
    assert "verify.index_orphan" not in [p.code for p in result.problems]
    said = [problem_words(p, catalogue("es")) for p in result.problems]
    assert f"registro {first}: alterado después de escrito" in said
    assert [
        (
            "caso c-0: su fila del índice de casos no se verificó,"
            f" porque no se pudo leer su registro {first}"
        ),
        "caso c-2: la fila del índice de casos difiere de sus registros en unidad",
    ] == [p for p in said if "índice de casos" in p]
    unread = (
        f"caso c-0: su línea de tiempo no se verificó, porque no se pudo leer su registro {first}"
    )
    assert unread in said
    assert 2 == result.index


#: What verify says of c-1's row edited in a column it compares, and in one it cannot read.
DIFFERS = "case c-1: the case index row differs from its records in"
UNCHECKED = "the case index was not checked: case c-1: its row of the case index is out"


def edited_and_read(place: Any, tampered: tuple[str, str, str], read: Any) -> int:
    """Edit case c-1's row of three; ``read`` is refused naming it, and verify names the row.

    ``tampered``: the edit, what the error says of it, what verify names.
    Returns the record the row is on.
    """
    edit, why, named = tampered
    store = place.open()
    three_cases(store)
    row = kept_rows(store)["c-1"]
    assert "not_computable" == row.reliable  # the shipped LS/CMI gives no reliability figures
    place.tamper((f"UPDATE case_index SET {edit} WHERE case_id = ?", ("c-1",)))
    with pytest.raises(StoreIntegrityError, match="case c-1: its row of the case index") as got:
        read(store)
    assert why in str(got.value)
    assert row.record_id == got.value.record
    problems = problem_lines(verify_store(store, defs=DEFS))
    assert [p for p in problems if p.startswith(named) and "c-1" in p], problems
    return row.record_id


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    "tampered",  # the edit; what the error says of it; what verify names
    [
        (
            "due = '{\"basis\": 1}'",
            "holds a next reassessment out of shape (KeyError(",
            f"{DIFFERS} due",
        ),
        (
            "due = '[1'",
            "holds a next reassessment out of shape (JSONDecodeError(",
            f"{DIFFERS} due",
        ),
        (
            "due_on = 'mañana'",
            "is out of shape (Invalid isoformat string: 'mañana')",
            UNCHECKED,
        ),
        (
            "due_on = '2025-13-01'",
            "is out of shape (month must be in 1..12)",
            UNCHECKED,
        ),
    ],
    ids=["due without its fields", "due not JSON", "due_on not a date", "a date out of range"],
)
def test_a_row_edited_out_of_shape_is_a_clear_error(
    kind: str, tampered: tuple[str, str, str], places: Places, cli: Any
) -> None:
    """A list names the case and its record (no traceback); verify names the row too."""
    place = places(kind)
    record = edited_and_read(place, tampered, lambda store: due_list(store, LATER, defs=DEFS))
    code, out, err = cli("due", "--as-of", LATER.isoformat(), "--db", str(place.where), "--json")
    error = json.loads(err or out)["error"]  # one line of JSON: the code and the record
    assert (5, "store.integrity", record) == (code, error["code"], error["record"])
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    "tampered",  # the edit; what the error says of it; what verify names
    [
        (
            "reliable = 'peor'",
            "holds a last change out of shape (transition 'same', reliable change 'peor')",
            f"{DIFFERS} reliable",
        ),
        (
            "reliable = 'improvement'",
            "(reliable change 'improvement' with index None)",
            f"{DIFFERS} reliable",
        ),
        (
            "delta = 5",
            "(delta 5 between 14 and 14)",
            f"{DIFFERS} delta",
        ),
        (
            "previous_total = NULL",
            "(totals None and 14, delta 0 on 2025-02-20)",
            f"{DIFFERS} previous_total",
        ),
        (
            "previous_on = 'ayer'",
            "holds a last change out of shape (Invalid isoformat string: 'ayer')",
            f"{DIFFERS} previous_on",
        ),
    ],
    ids=["unknown category", "category without index", "delta", "a total missing", "not a date"],
)
def test_a_last_change_edited_out_of_shape_is_a_clear_error(
    kind: str, tampered: tuple[str, str, str], places: Places
) -> None:
    """A caseload names the case and its record (no traceback); verify names the column."""
    place = places(kind)
    edited_and_read(place, tampered, lambda store: caseload(store, as_of=LATER, defs=DEFS))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    ("edit", "why", "named"),  # the edit; what the error says of it; what verify names
    [
        ("reliable = 'peor'", "holds 'peor' in reliable", f"{DIFFERS} reliable"),
        ("reliable = 'improvement'", "holds None in rci", f"{DIFFERS} reliable"),
        ("delta = 5", "holds 5 in delta", f"{DIFFERS} delta"),
        ("previous_total = NULL", "holds None in previous_total", f"{DIFFERS} previous_total"),
        ("previous_on = 'ayer'", "holds 'ayer' in previous_on", f"{DIFFERS} previous_on"),
        ("previous_on = '2025-02-30'", "holds '2025-02-30' in previous_on", DIFFERS),
        ("due_on = 'mañana'", "holds 'mañana' in due_on", UNCHECKED),
        ("due_on = '2025-06'", "holds '2025-06' in due_on", UNCHECKED),  # numpy reads a month
        ("due_on = '1234567890'", "holds '1234567890' in due_on", UNCHECKED),  # and a year
        ("assessed_on = '2025-13-01'", "holds '2025-13-01' in assessed_on", UNCHECKED),
    ],
)
def test_open_cases_refuse_a_row_edited_out_of_shape(
    kind: str, edit: str, why: str, named: str, places: Places
) -> None:
    """Columns checked whole still name the case and the record of the first row out of shape."""
    read = functools.partial(open_cases, as_of=LATER, defs=DEFS)
    edited_and_read(places(kind), (edit, why, named), read)


#: What a hand may leave in a change column: values of each type a database gives back, and
#: texts of the right shape or nearly.
ODD = st.sampled_from(
    (
        *(None, True, False, 0, 1, -3, 12, 14, 12.0, 1.5, -0.0, math.nan, math.inf, 2**70),
        *("", "ayer", "2025-02-30", "20250220", "2025-02-20", "2025-2-20", "1.5", "sideways"),
        *("up", "down", "same", *CATEGORIES, "none ", "Improvement"),
    )
)


@pytest.fixture(scope="module")
def edited_store(
    agency_cohort: tuple[MemoryStore, Definitions],
) -> tuple[MemoryStore, Definitions, IndexRow]:
    """A copy of the agency's cohort, and the row whose change columns a test edits.

    Its change has a reliable change index (the agency's figures), so an
    edit may make it anything a row can hold.
    """
    source, agency = agency_cohort
    store = MemoryStore()
    copy_store(source, store)
    materialise(store, defs=agency, by="prueba")
    rows = [r for r in kept_rows(store).values() if r.closed_on is None and r.change is not None]
    return store, agency, next(r for r in rows if r.change[-1] != "not_computable")


@settings(max_examples=400, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, len(CHANGE_COLUMNS) - 1), ODD), max_size=4))
@example(edits=[(0, "20250220")])  # a day Python reads, but not as a row writes it
@example(edits=[(7, math.nan)])
@example(edits=[(7, "1.5")])
@example(edits=[(1, True)])
def test_open_cases_refuse_a_change_exactly_when_the_caseload_does(
    edited_store: tuple[MemoryStore, Definitions, IndexRow], edits: list[tuple[int, Any]]
) -> None:
    """Whatever is left in a row's change columns, the columns' checks and the entries' agree.

    Both refuse the row, naming its case and record, or both give the same
    change (the columns' checks run over whole columns, the entries' row by row).
    """
    store, defs, row = edited_store
    assert row.change is not None
    change = list(row.change)
    for at, value in edits:
        change[at] = value
    edited = attrs.evolve(row, change=tuple(change) if any(v is not None for v in change) else None)

    def outcome(read: Any) -> Any:
        """What ``read`` gives, or the record it refuses and whether it names the case."""
        try:
            return read()
        except StoreIntegrityError as exc:
            return exc.record, f"case {row.case_id}: its row of the case" in str(exc)

    def entries() -> dict[str, Any]:
        return columns_of(caseload(store, as_of=LATER, defs=defs, limit=None).entries, LATER)

    with store.write(by="prueba") as tx:
        tx.index_case(edited)
    try:
        listed = outcome(entries)
        columns = outcome(lambda: open_cases(store, as_of=LATER, defs=defs).to_dict())
    finally:
        with store.write(by="prueba") as tx:
            tx.index_case(row)
    assert listed == columns


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_tampered_baseline_is_named_by_verify_and_refused_by_a_study(
    kind: str, places: Places
) -> None:
    """A row's baseline edited: verify names the column; a validity study refuses to read it."""
    place = places(kind)
    store = place.open()
    three_cases(store)
    baseline = kept_rows(store)["c-1"].baseline
    assert baseline is not None
    place.tamper(
        (
            "UPDATE case_index SET baseline = ? WHERE case_id = ?",
            (baseline.replace('"total":', '"total":1'), "c-1"),
        ),
        ("UPDATE case_index SET baseline = '{' WHERE case_id = ?", ("c-2",)),
    )
    assert [
        f"{DIFFERS} baseline",
        "case c-2: the case index row differs from its records in baseline",
    ] == [p for p in problem_lines(verify_store(store, defs=DEFS)) if p.startswith("case ")]
    with pytest.raises(StoreIntegrityError, match="case c-2: the case index row's baseline"):
        store_table(store, defs=DEFS)
    place.tamper(("UPDATE case_index SET latest_on = '2025/02/20' WHERE case_id = ?", ("c-0",)))
    with pytest.raises(StoreIntegrityError, match="case c-0: its row of the case index is out"):
        store_table(store, defs=DEFS)


def test_export_import_makes_the_index_again(cohort_source: MemoryStore, tmp_path: Path) -> None:
    """An export carries no row (they are derived); import and materialise make the same ones."""
    text = io.StringIO()
    export_jsonl(cohort_source, text)
    assert "case_index" not in text.getvalue()
    with SQLiteStore(tmp_path / "copia.sqlite3") as copy:
        assert import_jsonl(copy, io.StringIO(text.getvalue()), name="e.jsonl").ok
        assert all(r.stale for r in kept_rows(copy).values())
        materialise(copy, defs=DEFS, by="prueba")
        assert kept_rows(cohort_source) == kept_rows(copy)


def test_a_version_5_postgres_store_is_migrated_by_its_owner(places: Places) -> None:
    """On PostgreSQL too: stale rows, then filled; the writer may then rewrite rows."""
    from rnr.store.postgres import PostgresStore  # noqa: PLC0415

    place = places("postgres")
    store = place.open()
    for n in range(2):
        open_adult(store, f"c-{n}")
    wanted = due_list(store, LATER, defs=DEFS)
    store.close()
    with place.owner() as owner:
        owner.execute("DROP TABLE case_index")
        owner.execute("DROP TABLE case_totals")
        owner.execute("DELETE FROM rnr_schema WHERE version >= 6")
    assert place.owner_url is not None
    with PostgresStore(place.owner_url) as migrated:
        assert all(r.stale for r in kept_rows(migrated).values())
        assert wanted == due_list(migrated, LATER, defs=DEFS)
        assert 2 == fill_index(migrated, defs=DEFS, by="prueba")
    writer = place.open()
    record_event(writer, "c-0", "breach", dt.date(2025, 3, 1), by="d", defs=DEFS)
    assert fresh_rows(writer) == kept_rows(writer)
    assert verify_store(writer, defs=DEFS).ok
