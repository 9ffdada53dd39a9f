"""Each case's shares of the yearly reports, kept by its writes: used, equal, checked.

A write keeps, beside the case's timeline, what the indicators, the
reinsertion index, the costs and the override monitoring of the years
around its latest record read of the case
(:func:`rnr.history.programme.keep_shares`); the programme report counts a
case by its kept shares instead of making its summary
(:func:`rnr.history.programme.programme_report`). These tests hold the
reports made so equal to the reports made from every case's timeline, on
every backend, and hold verify to naming a share that was edited.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from storekit import (
    BACKENDS,
    Places,
    WithoutIndex,
    WithoutShares,
    problem_lines,
    rewrite_kept,
)

from conftest import Cli
from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.definitions.indicators import PROGRAMMES, shipped
from rnr.errors import HistoryError, StoreIntegrityError
from rnr.history import counts as counts_module
from rnr.history import programme as programme_module
from rnr.history import timeline as timeline_module
from rnr.history.amend import correct_assessment, record_event
from rnr.history.costs import caseload_report
from rnr.history.counts import share_counts, take_totals
from rnr.history.definitions import Definitions
from rnr.history.programme import (
    SHARES,
    YEARS_BEFORE,
    _Tallies,
    programme_report,
    shares_basis,
    year_shares,
)
from rnr.history.summary import Reading, summary_at
from rnr.history.timeline import FORMAT, kept_timeline
from rnr.history.upkeep import materialise, verify_store
from rnr.history.write import add_override, open_case, reassess
from rnr.schemas import schema
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store
from rnr.store.records import canonical
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
#: A caseload entering over three years, read over four (the years around its records).
PEOPLE, YEARS, INTAKE, SEED = 160, 4.0, 3.0, 11


@pytest.fixture(scope="module")
def cohort() -> Any:
    """The simulated caseload of these tests."""
    return simulate(PEOPLE, YEARS, seed=SEED, intake_years=INTAKE)


def _years(store: Store) -> range:
    """Every year a case's latest record falls in, with those whose shares cases keep around."""
    days = [
        t.latest_on for f in store.case_derived(FORMAT) if (t := kept_timeline(f, DEFS)) is not None
    ]
    return range(min(days).year - YEARS_BEFORE, max(days).year + 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_reports_from_kept_shares_equal_reports_from_every_timeline(
    backend: str, places: Places, cohort: Any
) -> None:
    """Every year, every programme: the same report, byte for byte, reading far fewer timelines."""
    store = places(backend).open()
    store_cohort(store, cohort, defs=DEFS, people_per_block=40)
    read = {"kept": 0, "plain": 0}
    for period in _years(store):
        for programme in (None, *PROGRAMMES):
            kept = WithoutShares(store, shares=True)
            report = programme_report(kept, period=period, programme=programme, defs=DEFS)
            plain = WithoutShares(store)
            made = programme_report(plain, period=period, programme=programme, defs=DEFS)
            assert report == made
            assert json.dumps(report.to_dict()) == json.dumps(made.to_dict())
            assert kept.timelines <= plain.timelines <= len(store.case_ids())
            read["kept"] += kept.timelines
            read["plain"] += plain.timelines
    # the shares stood in for the timelines of the cases whose years they were kept for
    assert read["kept"] < read["plain"]


def test_the_latest_year_is_read_from_shares_alone(cohort: Any) -> None:
    """A report of the year of the latest records reads no timeline: every case kept its share."""
    store = MemoryStore()
    store_cohort(store, cohort, defs=DEFS)
    latest = max(_years(store)) - 1
    kept = WithoutShares(store, shares=True)
    read: list[int] = []
    report = programme_report(kept, period=latest, defs=DEFS, progress=read.append)
    assert 0 == kept.timelines
    assert len(store.case_ids()) == sum(read)  # progress counts the cases taken from shares
    assert report == programme_report(WithoutShares(store), period=latest, defs=DEFS)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_shares_of_other_definitions_are_not_read(
    backend: str, places: Places, cohort: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shares (and their totals) of instruments or policies no longer loaded stay unread."""
    store = places(backend).open()
    store_cohort(store, cohort, defs=DEFS)
    year = max(_years(store)) - 1
    monkeypatch.setattr(programme_module, "definitions_hold", lambda *_: False)
    monkeypatch.setattr(programme_module, "trusted_bases", lambda *_: frozenset())
    kept, plain = WithoutShares(store, shares=True), WithoutShares(store)
    report = programme_report(kept, period=year, defs=DEFS)
    assert report == programme_report(plain, period=year, defs=DEFS)
    assert 0 < kept.timelines == plain.timelines  # every case not closed long ago was read


def test_a_report_of_other_indicators_reads_the_timelines(cohort: Any) -> None:
    """Shares are kept for the shipped indicator files; a report of others makes its own."""
    store = MemoryStore()
    store_cohort(store, cohort, defs=DEFS)
    spec, index = shipped()
    other = attrs.evolve(spec, indicators=spec.indicators[:3])
    kept = WithoutShares(store, shares=True)
    report = programme_report(kept, period=2025, defs=DEFS, spec=other, index=index)
    assert kept.timelines > 0
    assert [r.indicator.id for r in report.indicators] == [i.id for i in other.indicators]


class Racing:
    """A store written to while a report reads it: after the shares, before the timelines.

    ``hidden``'s shares are not given (so the report reads timelines too);
    ``write`` runs when the first timeline is asked for.
    """

    def __init__(self, store: Store, hidden: str, write: Any) -> None:
        self._store, self._hidden, self._write = store, hidden, write

    def index_derived(self, basis: str, skip: Any = None) -> Any:
        for case_id, last, derived in self._store.index_derived(basis, skip):  # type: ignore[attr-defined]
            yield case_id, last, None if case_id == self._hidden else derived

    def case_derived(self, basis: str, skip: Any = None, only: Any = None) -> Any:
        if basis == FORMAT and self._write is not None:
            write, self._write = self._write, None
            write()
        yield from self._store.case_derived(basis, skip, only)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_case_written_to_during_a_report_counts_once(
    backend: str, places: Places, cohort: Any
) -> None:
    """A case counted by its shares and written to before the timelines are read: once.

    The write (an attendance the next year) moves the case's last record, so
    the reading of the timelines no longer skips it; the report and the
    costs must still count it once, as the same report made before the write.
    """
    store = places(backend).open()
    store_cohort(store, cohort, defs=DEFS, people_per_block=40)
    rows = [r for r in store.index_rows() if r.opened_on and r.latest_on]  # type: ignore[attr-defined]
    # open cases with a share of the year before their latest record, by that year
    candidates: dict[int, list[str]] = {}
    for row in rows:
        if row.closed_on is None and row.opened_on.year < row.latest_on.year:
            candidates.setdefault(row.latest_on.year, []).append(row.case_id)
    year, (first, second) = next((y, c[:2]) for y, c in sorted(candidates.items()) if len(c) > 1)
    hidden = next(r.case_id for r in rows if r.case_id not in (first, second))
    period = year - 1
    before = programme_report(store, period=period, defs=DEFS)
    costs = caseload_report(store, period=period, defs=DEFS)

    def write(case_id: str) -> None:
        data = {"component": "x", "scheduled": 1, "attended": 1}
        on = dt.date(year + 1, 1, 15)
        record_event(store, case_id, "attendance", on, by="prueba", data=data)

    racing = Racing(store, hidden, lambda: write(first))
    assert before == programme_report(racing, period=period, defs=DEFS)
    racing = Racing(store, hidden, lambda: write(second))
    assert costs == caseload_report(racing, period=period, defs=DEFS)
    assert racing._write is None  # the write landed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), people=st.integers(1, 12))
def test_a_share_counts_as_its_case(seed: int, people: int) -> None:
    """Property: a case's shares, kept as JSON and read back, count as the case itself.

    For any simulated case and any year around its records, the tallies fed
    its shares after a round trip through JSON, and the tallies fed the
    counts of them (what its row of the case index carries and the store
    adds up, :mod:`rnr.history.counts`), give the report fed its summary
    and timeline.
    """
    store = MemoryStore()
    store_cohort(store, simulate(people, 3.0, seed=seed), defs=DEFS)
    reading = Reading(DEFS)
    for found in store.case_derived(FORMAT):
        timeline = kept_timeline(found, DEFS)
        assert timeline is not None
        for year, shares in year_shares(timeline, reading):
            kept = json.loads(json.dumps(shares))
            by_shares = _Tallies.of(DEFS, year)
            by_shares.take(timeline.case_id, kept)
            by_counts = _Tallies.of(DEFS, year)
            counts = json.loads(json.dumps(share_counts(kept, shipped()[1])))
            assert 1 == take_totals(by_counts, counts, source="prueba")
            by_case = _Tallies.of(DEFS, year)
            by_case.overrides.add(timeline)
            summary = summary_at(timeline, as_of=dt.date(year, 12, 31), reading=reading)
            if summary is not None:
                by_case.add(summary)
            for tally in ("indicators", "reinsertion", "costs", "overrides"):
                assert _figures(by_shares, tally) == _figures(by_case, tally)
                assert _figures(by_counts, tally) == _figures(by_case, tally)


_PART = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)


@given(st.lists(st.lists(_PART, max_size=6), min_size=1, max_size=8))
def test_a_count_key_is_the_canonical_text_of_its_parts(keys: list[list[Any]]) -> None:
    """Property: the keys encoded once for many cases are each case's own canonical text.

    ``True`` and ``1``, ``1`` and ``1.0`` are equal in Python and other keys
    in JSON: a key made of one is never taken for a key made of the other.
    """
    for parts in [*keys, [1, True, 1.0], [True, 1, 1.0], [1.0, 1, True]]:
        assert counts_module._key(*parts) == canonical(parts)


def _figures(tallies: Any, name: str) -> Any:
    tally = getattr(tallies, name)
    if name == "indicators":
        return tally.results()
    return tally.report()


def test_materialise_keeps_the_shares_a_store_lacks(tmp_path: Path, cohort: Any) -> None:
    """A store written before shares were kept gains those its writes would have kept.

    Verify then makes each again from the records.
    """
    path = tmp_path / "casos.sqlite3"
    with pytest.MonkeyPatch.context() as patch, SQLiteStore(path) as store:
        patch.setattr("rnr.simulate.load.keep_shares", lambda *_, **__: None)
        store_cohort(store, cohort, defs=DEFS)
    written = MemoryStore()
    store_cohort(written, cohort, defs=DEFS)

    def shares(store: Store) -> set[tuple[int, str, int, str]]:
        return {
            (year, f.case_id, f.last, f.derived.text)
            for year in _years(written)
            for f in store.case_derived(shares_basis(year))
            if f.derived is not None
        }

    with SQLiteStore(path) as store:
        year = max(_years(store)) - 1
        assert not shares(store)
        before = programme_report(store, period=year, defs=DEFS)
        materialise(store, defs=DEFS, by="rnr")
        kept = shares(store)
        assert kept == shares(written)
        assert before == programme_report(store, period=year, defs=DEFS)
        with pytest.MonkeyPatch.context() as patch:  # nothing left to keep: nothing made again
            patch.setattr("rnr.history.upkeep.year_shares", _never)
            materialise(store, defs=DEFS, by="rnr")
        assert kept == shares(store)
        result = verify_store(store, defs=DEFS)
    assert result.ok, result.problems
    assert result.shares == len(kept)


def _never(*_: Any, **__: Any) -> Any:
    raise AssertionError("shares made again for a case that keeps them all")


@pytest.mark.parametrize("back", [0, YEARS_BEFORE])
def test_an_edited_share_is_named_by_verify(
    tmp_path: Path, cohort: Any, cli: Cli, back: int
) -> None:
    """Whoever edits a kept share in the file is named by case, year and record.

    A share of the year of the case's latest record, the latest of all; or of the earliest
    year it keeps, the earliest any case keeps.
    """
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        latest = {
            f.case_id: t.latest_on.year
            for f in store.case_derived(FORMAT)
            if (t := kept_timeline(f, DEFS)) is not None
        }
        year = max(latest.values()) if not back else min(latest.values()) - back
        found = next(
            f
            for f in store.case_derived(shares_basis(year))
            if f.derived is not None and latest[f.case_id] == year + back
        )
        good = verify_store(store, defs=DEFS)
    assert good.ok, good.problems
    assert found.derived is not None
    doc = json.loads(found.derived.text)
    doc["sanction"] = "LVI" if doc["sanction"] != "LVI" else "LV"
    rewrite_kept(path, found.last, shares_basis(year), doc)
    with SQLiteStore(path, read_only=True) as store:
        result = verify_store(store, defs=DEFS)
    said = [
        (
            f"case {found.case_id}: its shares of the reports of {year} kept on record"
            f" {found.last} differ from its records"
        )
    ]
    if doc["indicators"] is not None:  # a year before the case's first assessment counts none
        # the counts its row of the case index carries are no longer the edited share's
        said.append(
            f"case {found.case_id}: the counts of its shares of the reports of {year} on its"
            f" row of the case index (record {found.last}) differ from the shares kept"
        )
    assert said == [
        p for p in problem_lines(result) if not p.startswith("schema: trigger case_derived_no_")
    ]
    assert result.shares == good.shares
    code, out, _ = cli("store", "verify", "--db", path, "--json")
    verified = json.loads(out)
    assert (1, good.shares) == (code, verified["shares"])
    Draft202012Validator(schema("store-verify")).validate(verified)
    assert {
        "code": "verify.shares_differ",
        "params": {"case": found.case_id, "year": year, "record": found.last},
    } in verified["problems"]
    code, out, _ = cli("store", "verify", "--db", path)
    assert f"aportes a los informes anuales recalculados: {good.shares}" in out
    said = f"caso {found.case_id}: sus aportes a los informes de {year} guardados en el registro"
    assert f"  {said} {found.last} difieren de sus registros\n" in out


def test_shares_are_kept_under_the_format_the_year_and_the_files() -> None:
    """The basis names the format and year; another year or file set is another basis."""
    basis = shares_basis(2025)
    assert basis.startswith(f"{SHARES} 2025 ")
    assert basis != shares_basis(2026)
    assert len(basis.rsplit(" ", 1)[1]) == 64


@pytest.mark.parametrize(
    "edit",
    [
        lambda doc: doc.pop("definitions"),
        lambda doc: doc.update(indicators=[["x"]]),
        lambda doc: doc.update(costs={"days": "many"}),
        lambda doc: doc["overrides"].update(latest_on="ayer"),
        lambda doc: doc["overrides"].update(latest_on=[2025]),
    ],
)
def test_a_share_edited_out_of_shape_is_a_clear_error(
    tmp_path: Path, cohort: Any, cli: Cli, edit: Any
) -> None:
    """A report read from shares stops with store.integrity naming the case and record.

    The programme report of a store without the case index reads them (and
    ``rnr costs`` always does), never a traceback.
    """
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        store_cohort(store, cohort, defs=DEFS)
        year = max(_years(store)) - 1
        basis = shares_basis(year)
        found = next(f for f in store.case_derived(basis) if f.derived is not None)
    assert found.derived is not None
    doc = json.loads(found.derived.text)
    edit(doc)
    rewrite_kept(path, found.last, basis, doc)
    said = f"case {found.case_id}: the shares of the reports of {year} kept on record"
    with SQLiteStore(path) as store, pytest.raises(StoreIntegrityError, match=said):
        programme_report(WithoutIndex(store), period=year, defs=DEFS)
    if "costs" in doc and doc["costs"] == {"days": "many"}:
        code, out, err = cli("costs", "--period", str(year), "--db", path, "--json")
        error = json.loads(err or out)["error"]
        assert code != 0
        assert error["code"] == "store.integrity"
        assert f"case {found.case_id}" in error["message"]
        assert f"kept on record {found.last} cannot be read" in error["message"]


# -- a write takes what its records leave as it was -----------------------------------------

_ADULT = json.loads(
    (Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json").read_text(
        "utf-8"
    )
)
#: The fields of each event kind a step writes.
_EVENTS: dict[str, dict[str, Any]] = {
    "new_offence": {},
    "breach": {},
    "attendance": {"component": "actitudes-creencias-procriminales", "scheduled": 4, "attended": 3},
    "coexistence_review": {"result": "complied"},
    "discharge": {},
}
_DAY = st.dates(dt.date(2024, 9, 1), dt.date(2028, 6, 30))
_STEP = st.one_of(
    st.tuples(st.sampled_from(["event", "event correction"]), st.sampled_from(list(_EVENTS)), _DAY),
    st.tuples(st.just("reassess"), st.booleans(), _DAY),
    st.tuples(st.just("override"), st.just(""), _DAY),
    st.tuples(st.just("correction"), st.booleans(), st.just(dt.date(2024, 8, 19))),
)


def _write(store: Store, case_id: str, step: tuple[str, Any, dt.date]) -> bool:
    """One write to the adult test case; whether it was not refused (a closed case, a date)."""
    what, choice, on = step
    answers = {**_ADULT["responses"], "currently_unemployed": bool(choice)}
    try:
        if what.startswith("event"):
            events = list(store.records(case_id=case_id, kind="event"))
            fixed = events[-1].id if what == "event correction" and events else None
            data = _EVENTS[choice]
            record_event(store, case_id, choice, on, by="d", data=data, corrects=fixed, defs=DEFS)
        elif what == "reassess":
            doc = {**_ADULT, "assessed_on": on.isoformat(), "legal": None, "responses": answers}
            reassess(store, case_id, parse_case(doc, file="<t>"), by="d", defs=DEFS)
        elif what == "override":
            override = Override("high", "up", "victim_safety", "jefatura", on)
            add_override(store, case_id, override, by="d", defs=DEFS)
        else:
            first = next(r.id for r in store.records(case_id=case_id, kind="assessment"))
            doc = {**_ADULT, "responses": answers}
            correct_assessment(store, first, parse_case(doc, file="<t>"), by="d", defs=DEFS)
    except HistoryError:
        return False
    return True


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), steps=st.lists(_STEP, min_size=1, max_size=8))
def test_what_a_write_takes_from_before_it_equals_what_its_records_give(
    seed: int, steps: list[tuple[str, Any, dt.date]]
) -> None:
    """After any writes, every kept timeline and share equals the one built from the records.

    A write takes the events of the timeline kept before it when it appends
    none, and the shares of the years before its records' dates, unless one
    of them corrects a record: events, reassessments, overrides and
    corrections of any date, over years, in any order.
    """
    store = MemoryStore()
    store_cohort(store, simulate(4, 2.0, seed=seed), defs=DEFS)
    open_case(store, parse_case(_ADULT, file="<t>"), by="d", defs=DEFS)
    with pytest.MonkeyPatch.context() as patch:  # the events taken from a case of any size
        patch.setattr(timeline_module, "TAKEN_FROM", 0)
        written = [_write(store, str(_ADULT["case_id"]), step) for step in steps]
    result = verify_store(store, defs=DEFS)
    assert result.ok, result.problems
    assert result.timelines == len(store.case_ids())
    assert result.shares == (YEARS_BEFORE + 2) * len(store.case_ids())
    event(f"{sum(written)} of {len(written)} writes")


@pytest.mark.parametrize("taken_from", [0, timeline_module.TAKEN_FROM])
def test_a_share_a_write_cannot_change_is_taken_and_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken_from: int
) -> None:
    """An event dated after a year leaves the case's share of it as kept; one dated in it not.

    The share taken is the one kept before the write, as verify finds by
    naming an edit of it on the new last record; an event dated in that year
    makes the share again from the records. A case of fewer events than
    ``TAKEN_FROM`` takes nothing: the edit is gone at the next write.
    """
    monkeypatch.setattr(timeline_module, "TAKEN_FROM", taken_from)
    path = tmp_path / "casos.sqlite3"
    case_id = str(_ADULT["case_id"])
    with SQLiteStore(path) as store:
        open_case(store, parse_case(_ADULT, file="<t>"), by="d", defs=DEFS)
        record_event(store, case_id, "breach", dt.date(2025, 3, 1), by="d", defs=DEFS)
        before = max(r.id for r in store.records())
    basis = shares_basis(2024)
    with SQLiteStore(path, read_only=True) as store:
        found = next(f for f in store.case_derived(basis) if f.case_id == case_id)
    assert found.derived is not None
    edited = {**json.loads(found.derived.text), "sanction": "edited"}
    rewrite_kept(path, before, basis, edited)
    with SQLiteStore(path) as store:
        record_event(store, case_id, "breach", dt.date(2025, 6, 1), by="d", defs=DEFS)
        taken = next(f for f in store.case_derived(basis) if f.case_id == case_id)
        made = next(f for f in store.case_derived(shares_basis(2025)) if f.case_id == case_id)
        assert taken.derived is not None
        assert made.derived is not None
        assert taken.last == made.last > before
        assert "edited" != made.derived.values["sanction"]
        said = f"case {case_id}: its shares of the reports of 2024 kept on record {taken.last}"
        found = problem_lines(verify_store(store, defs=DEFS))
        if taken_from:  # a case of one event
            assert "edited" != taken.derived.values["sanction"]
            assert not any(p.startswith(said) for p in found)
        else:
            assert "edited" == taken.derived.values["sanction"]
            assert any(p.startswith(said) for p in found)
        record_event(store, case_id, "new_offence", dt.date(2024, 12, 1), by="d", defs=DEFS)
        again = next(f for f in store.case_derived(basis) if f.case_id == case_id)
        assert again.derived is not None
        assert "edited" != again.derived.values["sanction"]
        problems = problem_lines(verify_store(store, defs=DEFS))
    assert [p for p in problems if not p.startswith("schema: trigger case_derived_no_")] == []


def test_a_correction_takes_nothing_from_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A discharge of 2025 corrected to 2026 reopens the year 2025 of the case's shares.

    The correction is dated in 2026, yet it changes what a summary of 2025
    reads: the shares of 2025 are made again from the records (for a case of
    any size).
    """
    monkeypatch.setattr(timeline_module, "TAKEN_FROM", 0)
    store = MemoryStore()
    case_id = str(_ADULT["case_id"])
    open_case(store, parse_case(_ADULT, file="<t>"), by="d", defs=DEFS)
    closed = record_event(store, case_id, "discharge", dt.date(2025, 3, 1), by="d", defs=DEFS)
    days = {f.case_id: f.derived for f in store.case_derived(shares_basis(2025))}[case_id]
    assert days is not None
    record_event(
        store, case_id, "discharge", dt.date(2026, 5, 1), by="d", corrects=closed.id, defs=DEFS
    )
    again = {f.case_id: f.derived for f in store.case_derived(shares_basis(2025))}[case_id]
    assert again is not None
    assert days.values["costs"]["days"] < again.values["costs"]["days"]
    assert verify_store(store, defs=DEFS).ok


def test_a_share_taken_from_before_a_write_has_the_fields_of_one_made() -> None:
    """The fields a write checks before taking a share are those a share is made with."""
    store = MemoryStore()
    open_case(store, parse_case(_ADULT, file="<t>"), by="d", defs=DEFS)
    timeline = next(kept_timeline(f, DEFS) for f in store.case_derived(FORMAT))
    assert timeline is not None
    for _, shares in year_shares(timeline, Reading(DEFS)):
        assert programme_module._SHARE == set(shares)
