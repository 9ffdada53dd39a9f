"""The store's running totals of the counts each case index row carries, and the report from them.

Each write keeps, on the case's row of the index, the counts of its report
shares (:mod:`rnr.history.counts`), and the store adds every row's counts up
in the same write block (:mod:`rnr.store.totals`). These tests hold the
totals to the sum of the rows on every backend whatever the blocks do
(rows replaced, rows left stale, late rows, a case written twice in a
block), the programme report from the totals to the report from every
timeline, and verify to naming what was edited.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storekit import BACKENDS, Places, WithoutShares, problem_lines

from conftest import Cli
from rnr.errors import StoreIntegrityError
from rnr.history.amend import record_event
from rnr.history.definitions import Definitions
from rnr.history.programme import programme_report, shares_basis
from rnr.history.shapes import event_record
from rnr.history.upkeep import verify_store
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.caseindex import IndexRow
from rnr.store.memory import MemoryStore
from rnr.store.protocol import CaseIndex, IndexingTransaction, Store
from rnr.store.records import Record, canonical
from rnr.store.sqlite import SQLiteStore
from rnr.store.totals import counted_totals, deltas

DEFS = Definitions.shipped()
PEOPLE, YEARS, INTAKE, SEED = 120, 4.0, 3.0, 5


@pytest.fixture(scope="module")
def cohort() -> Any:
    """The simulated caseload of these tests."""
    return simulate(PEOPLE, YEARS, seed=SEED, intake_years=INTAKE)


def _summed(store: Any) -> dict[tuple[str, str, str], int]:
    """Every row's counts added up in plain Python (what the totals must be)."""
    found: Counter[tuple[str, str, str]] = Counter()
    for _, _, basis, text in store.index_counts():
        for group, keys in json.loads(text or "{}").items():
            for key, n in keys.items():
                found[basis, group, key] += n
    return {k: n for k, n in found.items() if n}


def _note(store: Store, case_id: str) -> int:
    """Append a record to ``case_id`` in a block of its own; its id."""
    with store.write(by="prueba") as tx:
        return tx.append(Record("event", case_id, dt.date(2025, 1, 1), {"kind": "note"})).id


def _counts(**groups: dict[str, int]) -> str:
    return canonical(groups)


# -- the store ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_totals_follow_every_row_replaced(backend: str, places: Places) -> None:
    """Rows kept, replaced, left stale, late, twice in a block: the totals are the rows' sum."""
    store = places(backend).open()
    assert isinstance(store, CaseIndex)
    a1, b1 = _note(store, "a"), _note(store, "b")
    with store.write(by="prueba") as tx:
        assert isinstance(tx, IndexingTransaction)
        tx.index_case(IndexRow("a", a1, "x", None), _counts(y={"k": 2, "m": 1}))
        tx.index_case(IndexRow("b", b1, "x", None), _counts(y={"k": 3}, z={"k": 1}))
    assert {("x", "y", "k"): 5, ("x", "y", "m"): 1, ("x", "z", "k"): 1} == store.index_total_rows()
    totals = store.index_totals(frozenset({"x"}), "y")
    assert ({"k": 5, "m": 1}, 2) == (dict(totals.values), totals.rows)
    assert {} == store.index_uncounted(frozenset({"x"}), "y")
    assert {"a": a1} == store.index_uncounted(frozenset({"x"}), "z")
    a2 = _note(store, "a")  # appended without a row: stale, its counts taken out
    assert {("x", "y", "k"): 3, ("x", "z", "k"): 1} == store.index_total_rows()
    assert {"a": a2} == store.index_uncounted(frozenset({"x"}), "y")
    with store.write(by="prueba") as tx:  # a case written twice in one block; a late row
        assert isinstance(tx, IndexingTransaction)
        a3 = tx.append(Record("event", "a", dt.date(2025, 1, 2), {"kind": "note"})).id
        tx.index_case(IndexRow("a", a3, "w", None), _counts(y={"k": 7}))
        a4 = tx.append(Record("event", "a", dt.date(2025, 1, 3), {"kind": "note"})).id
        tx.index_case(IndexRow("a", a4, "x", None), _counts(y={"k": 1}))
        tx.index_case(IndexRow("b", b1 - 1 if b1 > 1 else b1, "x", None), _counts(y={"k": 9}))
    assert _summed(store) == store.index_total_rows()
    assert {"k": 4} == dict(store.index_totals(frozenset({"x"}), "y").values)
    assert {"k": 1} == dict(store.index_totals(frozenset({"w", "x"}), "z").values)
    with store.write(by="prueba") as tx:  # the other basis is not the one read
        assert isinstance(tx, IndexingTransaction)
        tx.index_case(IndexRow("b", b1, "w", None), _counts(y={"k": 3}))
    assert {"k": 1} == dict(store.index_totals(frozenset({"x"}), "y").values)
    assert {"b": b1} == store.index_uncounted(frozenset({"x"}), "y")
    assert {"k": 4} == dict(store.index_totals(frozenset({"x", "w"}), "y").values)
    # no basis trusted: nothing counted, every row to read
    untrusted = store.index_totals(frozenset(), "y")
    assert ({}, 2) == (dict(untrusted.values), untrusted.rows)
    assert {"a", "b"} == set(store.index_uncounted(frozenset(), "y"))


def test_a_group_is_matched_whole_in_the_counts() -> None:
    """A group whose name another's holds, or with LIKE's own signs, is found only itself."""
    rows = [
        ("a", 1, "x", _counts(**{"2025 ab": {"k": 1}})),
        ("b", 2, "x", _counts(**{"2025 a%_\\": {"k": 2}})),
    ]
    for group, wanted in (("2025 a", {}), ("2025 ab", {"k": 1}), ("2025 a%_\\", {"k": 2})):
        assert wanted == dict(counted_totals(rows, frozenset({"x"}), group)[0].values)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_group_with_likes_signs_is_read_whole(backend: str, places: Places) -> None:
    """The SQL stores find a group's rows by its quoted name: no other group matches."""
    store = places(backend).open()
    names = ["2025 ab", "2025 a%", "2025 a_", "2025 a\\", "2025 a"]
    with store.write(by="prueba") as tx:
        assert isinstance(tx, IndexingTransaction)
        for n, name in enumerate(names):
            last = tx.append(Record("event", f"c{n}", dt.date(2025, 1, 1), {"kind": "note"})).id
            tx.index_case(IndexRow(f"c{n}", last, "x", None), canonical({name: {"k": n + 1}}))
    assert isinstance(store, CaseIndex)
    for n, name in enumerate(names):
        totals = store.index_totals(frozenset({"x"}), name)
        assert {"k": n + 1} == dict(totals.values)
        others = sorted(f"c{m}" for m in range(len(names)) if m != n)
        assert others == sorted(store.index_uncounted(frozenset({"x"}), name))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["x", "w"]),
            st.dictionaries(
                st.sampled_from(["g1", "g2"]),
                st.dictionaries(st.sampled_from(["k", "m"]), st.integers(-3, 5), max_size=2),
                max_size=2,
            ),
            st.sampled_from(["row", "stale", "late", "twice"]),
        ),
        max_size=12,
    )
)
def test_totals_are_always_the_rows_sum(steps: list[Any]) -> None:
    """Property: whatever blocks write, SQLite's totals are the sum of its rows' counts."""
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "t.sqlite3") as store:
        for case_id, basis, counts, how in steps:
            text = canonical(counts)
            with store.write(by="prueba") as tx:
                assert isinstance(tx, IndexingTransaction)
                last = tx.append(Record("event", case_id, dt.date(2025, 1, 1), {"k": 1})).id
                if how in ("row", "twice"):
                    tx.index_case(IndexRow(case_id, last, basis, None), text)
                if how == "twice":
                    tx.index_case(IndexRow(case_id, last, "x", None), canonical({"g1": {"k": 1}}))
                if how == "late" and last > 1:
                    tx.index_case(IndexRow(case_id, last - 1, basis, None), text)
                    tx.index_case(IndexRow(case_id, last, basis, None), text)
            assert _summed(store) == store.index_total_rows()
            for group in ("g1", "g2"):
                bases = frozenset({"x"})
                totals, uncounted = counted_totals(store.index_counts(), bases, group)
                assert totals == store.index_totals(bases, group)
                assert uncounted == store.index_uncounted(bases, group)


@pytest.mark.parametrize("text", ["roto", 7, "[1]", '{"g": {"k": true}}', '{"g": [1]}'])
def test_counts_out_of_shape_are_refused_naming_the_row(text: Any) -> None:
    """Whatever a hand wrote in the column, a clear error naming the case and the record."""
    with pytest.raises(StoreIntegrityError, match="case c-1: .* counts out of shape") as caught:
        deltas([(("c-1", 4, "b", text), ("c-1", 5, "b", None))], "casos.sqlite3")
    assert (4, "casos.sqlite3") == (caught.value.record, caught.value.path)


def test_deltas_replace_the_row_held() -> None:
    """The change of a batch: old counts out, new in; a late row changes nothing."""
    held = ("c", 4, "b", canonical({"g": {"k": 2}}))
    assert [("b", "g", "k", 1)] == deltas([(held, ("c", 5, "b", canonical({"g": {"k": 3}})))])
    assert [] == deltas([(held, ("c", 3, "b", canonical({"g": {"k": 9}})))])
    assert [("b", "g", "k", -2)] == deltas([(held, ("c", 5, "b", None))])


# -- the report -----------------------------------------------------------------------------


def test_a_report_from_totals_reads_no_timeline_and_counts_a_write(cohort: Any) -> None:
    """The latest year: every case from the totals; a write moves them, the report follows."""
    store = MemoryStore()
    store_cohort(store, cohort, defs=DEFS)
    rows = list(store.index_rows())
    latest = max(r.latest_on for r in rows if r.latest_on is not None).year
    seen = WithoutShares(store, shares=True)
    read: list[int] = []
    report = programme_report(seen, period=latest, defs=DEFS, progress=read.append)
    assert 0 == seen.timelines
    assert len(rows) == sum(read)
    assert report == programme_report(WithoutShares(store), period=latest, defs=DEFS)
    case = next(r.case_id for r in rows if r.closed_on is None and r.latest_on.year == latest)
    data = {"component": "x", "scheduled": 3, "attended": 2}
    record_event(store, case, "attendance", dt.date(latest, 12, 30), by="prueba", data=data)
    again = programme_report(store, period=latest, defs=DEFS)
    assert again == programme_report(WithoutShares(store), period=latest, defs=DEFS)
    assert again != report


@pytest.mark.parametrize("before", [1, 2])
def test_the_reports_of_the_two_years_before_read_the_totals(cohort: Any, before: int) -> None:
    """A year's report made in the next year, and the year before it, read no timeline.

    Each case keeps the counts of two years before its latest record's year
    (``YEARS_BEFORE``); the report is the one made from every case's timeline.
    """
    store = MemoryStore()
    store_cohort(store, cohort, defs=DEFS)
    latest = max(r.latest_on for r in store.index_rows() if r.latest_on is not None).year
    seen = WithoutShares(store, shares=True)
    report = programme_report(seen, period=latest - before, defs=DEFS)
    assert 0 == seen.timelines
    assert report == programme_report(WithoutShares(store), period=latest - before, defs=DEFS)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_case_without_counts_is_read_from_its_timeline(
    backend: str, places: Places, cohort: Any
) -> None:
    """A record appended by a writer that keeps no row: that case alone is read, once.

    The rest are counted by the totals (or settled); the report is the one made
    from every case's timeline.
    """
    store = places(backend).open()
    store_cohort(store, cohort, defs=DEFS)
    rows = list(store.index_rows())  # type: ignore[attr-defined]
    latest = max(r.latest_on for r in rows if r.latest_on is not None).year
    case = next(r.case_id for r in rows if r.closed_on is None and r.latest_on.year == latest)
    data = {"component": "taller", "scheduled": 1, "attended": 1}
    with store.write(by="otro sistema") as tx:  # another system's event: a stale row
        tx.append(event_record(case, "attendance", dt.date(latest, 12, 31), data=data))
    bases = frozenset(store.index_bases())  # type: ignore[attr-defined]
    assert case in store.index_uncounted(bases, shares_basis(latest))  # type: ignore[attr-defined]
    seen = _Reading(store)
    report = programme_report(seen, period=latest, defs=DEFS)
    assert [[case]] == seen.read  # its records, its kept timeline being on an earlier record
    assert report == programme_report(WithoutShares(store), period=latest, defs=DEFS)


class _Reading:
    """A store that notes whose records are read (``read``: the cases of each reading)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.read: list[list[str] | None] = []

    def cases(self, only: Any = None) -> Any:
        self.read.append(None if only is None else sorted(only))
        return self._store.cases(only)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


# -- verify and damage ----------------------------------------------------------------------


def _cohort_file(path: Path, cohort: Any) -> int:
    """A store of the cohort at ``path``; the latest year of its records."""
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        return max(r.latest_on for r in store.index_rows() if r.latest_on is not None).year


def _edit(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for sql, args in statements:
            conn.execute(sql, args)
    conn.close()


def test_edited_counts_and_totals_are_named_by_verify(tmp_path: Path, cohort: Any) -> None:
    """A row's counts edited, a total edited: verify names the case and year, and the year."""
    path = tmp_path / "casos.sqlite3"
    year = _cohort_file(path, cohort)
    with SQLiteStore(path) as store:
        assert verify_store(store, defs=DEFS).ok
        case, record, _, text = next(r for r in store.index_counts() if r[3])
    counts = json.loads(text)
    group = shares_basis(year)
    assert group in counts
    counts[group][canonical(["n"])] = 2
    _edit(
        path,
        ("UPDATE case_index SET counts = ? WHERE case_id = ?", (canonical(counts), case)),
        ("UPDATE case_totals SET n = n + 5 WHERE grp = ? AND key = '[\"n\"]'", (group,)),
    )
    with SQLiteStore(path) as store:
        lines = problem_lines(verify_store(store, defs=DEFS))
    said = (
        f"case {case}: the counts of its shares of the reports of {year} on its row of the case"
        f" index (record {record}) differ from the shares kept"
    )
    assert said == lines[0]
    # the row's count and the totals' were both edited, on the figures of one or two bases
    assert 2 == len(lines)
    assert lines[1].startswith(f"the totals of the reports of {year} differ from the sum")


def test_unreadable_counts_stop_a_write_and_are_named(tmp_path: Path, cohort: Any) -> None:
    """Counts that are not JSON: a write to the case is refused clearly, verify names the row."""
    path = tmp_path / "casos.sqlite3"
    year = _cohort_file(path, cohort)
    with SQLiteStore(path) as store:
        case, record, _, _ = next(r for r in store.index_counts() if r[3])
    _edit(path, ("UPDATE case_index SET counts = 'roto' WHERE case_id = ?", (case,)))
    with SQLiteStore(path) as store:
        with pytest.raises(StoreIntegrityError, match=f"case {case}: .* counts out of shape"):
            record_event(store, case, "breach", dt.date(year, 12, 1), by="prueba", defs=DEFS)
        lines = problem_lines(verify_store(store, defs=DEFS))
    said = f"case {case}: its row of the case index (record {record}) holds counts"
    assert any(line.startswith(said) for line in lines), lines


def test_a_total_out_of_shape_is_a_clear_error(tmp_path: Path, cohort: Any, cli: Cli) -> None:
    """A total whose key is not one rnr makes stops the report with store.integrity."""
    path = tmp_path / "casos.sqlite3"
    year = _cohort_file(path, cohort)
    _edit(
        path,
        (
            (
                "INSERT INTO case_totals (basis, grp, key, n) SELECT basis, grp, '[\"x\"]', 1"
                " FROM case_totals WHERE grp = ? LIMIT 1"
            ),
            (shares_basis(year),),
        ),
    )
    code, out, err = cli("indicators", "--period", str(year), "--db", path, "--json")
    error = json.loads(err or out)["error"]
    assert (5, "store.integrity") == (code, error["code"])
    assert "totals hold a key out of shape" in error["message"]
    code, out, err = cli("indicators", "--period", str(year), "--db", path)
    assert code == 5
    assert 1 <= len((err or out).strip().splitlines()) <= 3
    assert "Traceback" not in err + out
