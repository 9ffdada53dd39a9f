"""A unit's lists: its cases found in the case index, each shown confirmed from its records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from storekit import BACKENDS, Places, WithoutIndex

from rnr.cases.parse import parse_case
from rnr.errors import StoreIntegrityError
from rnr.history.access import case_units, check_units, unit_cases
from rnr.history.caseload import caseload
from rnr.history.definitions import Definitions
from rnr.history.requests import case_page, due_entries, due_page
from rnr.history.write import open_case, reassess
from rnr.store.protocol import CaseIndex, Store
from rnr.store.records import Record

DEFS = Definitions.shipped()
ADULT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json").read_text(
        "utf-8"
    )
)
UNITS = ("norte", "sur", None)
AS_OF = dt.date(2025, 6, 1)
#: After every opening (2024-08-19), before the reassessments (2025-02-20).
EARLIER = dt.date(2025, 2, 1)


def opened(store: Store, count: int = 9) -> dict[str, str | None]:
    """``count`` cases opened under each unit in turn, every other one reassessed; their units."""
    units: dict[str, str | None] = {}
    for n in range(count):
        case_id, unit = f"c-{n}", UNITS[n % len(UNITS)]
        doc = {**ADULT, "case_id": case_id}
        open_case(store, parse_case(doc, file="<t>"), by="d", defs=DEFS, unit=unit)
        if n % 2:
            later = {**doc, "assessed_on": "2025-02-20", "legal": None}
            reassess(store, case_id, parse_case(later, file="<t>"), by="d", defs=DEFS)
        units[case_id] = unit
    return units


def of(units: dict[str, str | None], unit: str) -> frozenset[str]:
    return frozenset(c for c, u in units.items() if u == unit)


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_units_cases_are_those_its_records_open(kind: str, places: Places) -> None:
    """The index's rows of a unit, and a stale row's case read from its records."""
    store = places(kind).open()
    units = opened(store)
    with store.write(by="otro sistema") as tx:  # keeps no row: c-1's row is stale
        tx.append(Record("event", "c-1", dt.date(2025, 3, 20), {"kind": "breach"}))
    assert isinstance(store, CaseIndex)
    assert ["c-1"] == [r.case_id for r in store.index_unit("nadie")]
    assert units == case_units(store)
    for unit in ("norte", "sur", "nadie"):
        assert of(units, unit) == unit_cases(store, unit) == unit_cases(WithoutIndex(store), unit)
        check_units(store, sorted(of(units, unit)), unit)


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("day", [AS_OF, EARLIER])
def test_a_units_lists_are_the_whole_lists_cut_by_the_records(
    kind: str, day: dt.date, places: Places
) -> None:
    """The case list and the due list of a unit: every case's list, kept where its records say.

    On ``EARLIER`` the rows of the reassessed cases hold a later record:
    those cases are read from their records.
    """
    store = places(kind).open()
    units = opened(store)
    with store.write(by="otro sistema") as tx:  # keeps no row: c-4's row is stale
        tx.append(Record("event", "c-4", dt.date(2025, 1, 20), {"kind": "breach"}))
    everyone = case_page(store, defs=DEFS, limit=100)["items"]
    due = due_entries(store, day, defs=DEFS)
    assert len(due) == len(units)
    for unit in ("norte", "sur"):
        mine = of(units, unit)
        page = case_page(store, defs=DEFS, limit=100, unit=unit)["items"]
        assert [r for r in everyone if r["case_id"] in mine] == page
        expected = [d for d in due if d.case_id in mine]
        assert expected == due_entries(store, day, defs=DEFS, unit=unit)
        assert expected == due_entries(WithoutIndex(store), day, defs=DEFS, unit=unit)
        items = due_page(store, day, defs=DEFS, unit=unit)["items"]
        assert [d.case_id for d in expected] == [i["case_id"] for i in items]
        first = case_page(store, defs=DEFS, limit=1, unit=unit)
        second = case_page(store, defs=DEFS, limit=5, unit=unit, cursor=first["next"])
        assert page == first["items"] + second["items"]
        listed = caseload(store, as_of=day, defs=DEFS, unit=unit, limit=None).entries
        assert sorted(mine) == [e.case_id for e in listed]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_an_index_row_moved_to_another_unit_shows_nothing_of_its_case(
    kind: str, places: Places
) -> None:
    """A row edited to name another unit: that unit's pages refuse, without naming the case."""
    place = places(kind)
    store = place.open()
    opened(store)  # c-1 is of sur
    place.tamper(("UPDATE case_index SET unit = 'norte' WHERE case_id = ?", ("c-1",)))
    assert "c-1" in unit_cases(store, "norte")  # a candidate...
    for read in (
        lambda: case_page(store, defs=DEFS, unit="norte"),
        lambda: due_page(store, AS_OF, defs=DEFS, unit="norte"),
        lambda: caseload(store, as_of=AS_OF, defs=DEFS, unit="norte"),
        lambda: due_entries(store, AS_OF, defs=DEFS, unit="norte"),  # counted, not shown
    ):
        with pytest.raises(StoreIntegrityError) as caught:  # ...never shown
            read()
        assert "c-1" not in str(caught.value)
        assert "rnr store verify" in str(caught.value)
    with pytest.raises(StoreIntegrityError):
        check_units(store, ["c-404"], "norte")  # a case the store does not hold
    assert [] == [r["case_id"] for r in case_page(store, defs=DEFS, unit="nadie")["items"]]


class Counting:
    """A store that counts the cases whose records are read through it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.read: list[str] = []

    def cases(self, only: Any = None) -> Any:
        for group in self._store.cases(only):
            self.read.append(group.case_id)
            yield group

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_list_of_an_earlier_day_reads_the_rows_dues(kind: str, places: Places) -> None:
    """Rows holding a later record: each case's dues, its records only when stale."""
    store = places(kind).open()
    units = opened(store)
    with store.write(by="otro sistema") as tx:  # keeps no row, nor timeline: c-4 is read
        tx.append(Record("event", "c-4", dt.date(2025, 1, 20), {"kind": "breach"}))
    counting = Counting(store)
    expected = due_entries(WithoutIndex(store), EARLIER, defs=DEFS)
    assert len(expected) == len(units)
    steps: list[int] = []
    assert expected == due_entries(counting, EARLIER, defs=DEFS, progress=steps.append)
    assert ["c-4"] == counting.read
    # counted as made: no case from its timeline, c-4 from its records, then the rest at once
    # (the 4 reassessed cases from their rows' dues)
    assert [0, 1, 8] == steps
