"""Scores kept beside each assessment: written with it, used by bulk reads, checked by verify."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storekit import BACKENDS, Places, problem_lines

from rnr.cases.parse import parse_case, score_case
from rnr.errors import StoreError
from rnr.history import derived, upkeep
from rnr.history.amend import correct_assessment
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.derived import assessment_values, check_derived, kept_values
from rnr.history.steps import reassessment_answer
from rnr.history.timeline import FORMAT
from rnr.history.upkeep import materialise, verify_store
from rnr.history.write import open_case, reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.jsonl import export_jsonl, import_jsonl
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store
from rnr.store.records import Derived, Record
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
DATA = Path(__file__).parent / "data" / "plans" / "cases"


def document(days: int = 0, **answers: bool) -> dict[str, Any]:
    """The adult test case, ``days`` later, with some answers changed."""
    doc: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))
    day = dt.date.fromisoformat(doc["assessed_on"]) + dt.timedelta(days=days)
    return {**doc, "assessed_on": day.isoformat(), "responses": {**doc["responses"], **answers}}


def written(store: Store) -> Store:
    """A case opened, reassessed with other answers, and its first assessment corrected."""
    doc = document()
    open_case(store, parse_case(doc, file="<t>"), by="d")
    worse = {k: True for k, v in doc["responses"].items() if v is False}
    reassess(store, doc["case_id"], parse_case(document(200, **worse), file="<t>"), by="d")
    first = next(store.records(kind="assessment")).id
    corrected = document(**dict(list(worse.items())[:3]))
    correct_assessment(store, first, parse_case(corrected, file="<t>"), by="d")
    return store


def copy_without_kept_scores(store: Store) -> MemoryStore:
    """The same records and audit chain, restored from an export: no derived values."""
    out = io.StringIO()
    export_jsonl(store, out)
    copy = MemoryStore()
    assert import_jsonl(copy, io.StringIO(out.getvalue()), name="copia.jsonl").ok
    return copy


@pytest.mark.parametrize("kind", BACKENDS)
def test_every_written_assessment_keeps_what_it_scores_to(kind: str, places: Places) -> None:
    """Opening, reassessing and correcting keep each assessment's scores, equal to rescoring."""
    store = places(kind).open()
    written(store)
    assessments = list(store.records(kind="assessment"))
    kept = {d.record_id: d for d in store.derived()}
    assert 3 == len(assessments)
    assert {a.id for a in assessments} == set(kept)
    for row in assessments:
        result = score_case(parse_case(dict(row.data["document"]), file="<t>"), DEFS.library)
        assert kept_values(row, assessment_values(result)) == dict(kept[row.id].values)
        assert row.data["instrument_sha256"] == kept[row.id].basis
    levels = [kept[a.id].values["level"] for a in assessments]
    assert len(set(levels)) > 1, "the reassessment's answers should change the level"
    result = verify_store(store, defs=DEFS)
    assert (True, 3) == (result.ok, result.derived)


@pytest.mark.parametrize("block", [1, 7, 5000])
def test_a_simulated_store_keeps_every_score_and_they_check(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a cohort keeps every assessment's scores; rechecked in blocks of any size.

    A copy without them gains the same ones, and every case's timeline,
    block by block.
    """
    monkeypatch.setattr(derived, "_BLOCK", block)
    monkeypatch.setattr(upkeep, "_BLOCK", block)
    store = MemoryStore()
    store_cohort(store, simulate(40, 1.5, seed=5), defs=DEFS)
    count = sum(1 for _ in store.records(kind="assessment"))
    assert (count, ()) == check_derived(store, defs=DEFS)
    assert count > 40
    copy = copy_without_kept_scores(store)
    assert count + 40 == materialise(copy, defs=DEFS, by="prueba")
    assert list(store.derived()) == list(copy.derived())
    assert list(store.case_derived(FORMAT)) == list(copy.case_derived(FORMAT))


def test_only_cases_without_a_timeline_are_read_for_missing_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An assessment another system appended gains its scores; no other record is read.

    Every other case keeps a timeline on its last record, so its
    assessments' scores are kept: materialise reads the one case without.
    """
    store = MemoryStore()
    store_cohort(store, simulate(40, 1.5, seed=5), defs=DEFS)
    first = next(store.records(kind="assessment"))
    with store.write(by="otro sistema") as tx:  # a writer that keeps no score and no timeline
        again = tx.append(
            Record("assessment", first.record.case_id, first.record.on, first.record.data)
        )
    assert again.id not in {d.record_id for d in store.derived()}

    records = store.records

    def refused(**kw: Any) -> Any:
        assert kw.get("kind") != "assessment", "every assessment of the store read"
        return records(**kw)

    monkeypatch.setattr(store, "records", refused)
    assert 2 == materialise(store, defs=DEFS, by="prueba")  # its scores and its case's timeline
    assert again.id in {d.record_id for d in store.derived()}
    assert all(f.derived is not None for f in store.case_derived(FORMAT))
    assert () == check_derived(store, defs=DEFS)[1]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), on=st.dates(dt.date(2024, 3, 1), dt.date(2026, 6, 1)))
def test_summaries_are_the_same_with_and_without_kept_scores(seed: int, on: dt.date) -> None:
    """A bulk read that takes the kept scores equals one that rescores every answer."""
    store = MemoryStore()
    store_cohort(store, simulate(25, 2.0, seed=seed), defs=DEFS)
    copy = copy_without_kept_scores(store)
    assert [] == list(copy.derived())
    assert summarize(store, as_of=on, defs=DEFS) == summarize(copy, as_of=on, defs=DEFS)
    added = materialise(copy, defs=DEFS, by="prueba")
    assert added == sum(1 for _ in store.records(kind="assessment")) + len(store.case_ids())
    assert list(store.derived()) == list(copy.derived())
    assert 0 == materialise(copy, defs=DEFS, by="prueba"), "a second run adds nothing"


def _tampered(path: Path, sql: str, *args: Any) -> None:
    """Edit the file as anyone holding it could: drop the guards of ``derived``, run SQL."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER derived_no_update")
        conn.execute("DROP TRIGGER derived_no_delete")
        conn.execute(sql, args)
    conn.close()


def test_a_kept_level_that_does_not_match_its_answers_is_reported(tmp_path: Path) -> None:
    """An edited level (and total) is named, by record, field and both values."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        written(store)
        target = next(store.derived())
    values = {**target.values, "level": "very_high", "total": 41}
    text = json.dumps(values, sort_keys=True, separators=(",", ":"))
    _tampered(path, "UPDATE derived SET data = ? WHERE record_id = ?", text, target.record_id)
    with SQLiteStore(path, read_only=True) as store:
        result = verify_store(store, defs=DEFS)
    assert not result.ok
    level = target.values["level"]
    assert [
        f"record {target.record_id}: derived level is 'very_high', its answers give {level!r}",
        (
            f"record {target.record_id}: derived total is 41,"
            f" its answers give {target.values['total']!r}"
        ),
    ] == [p for p in problem_lines(result) if not p.startswith("schema: trigger derived_no_")]


def test_kept_values_of_another_basis_or_kind_are_reported(tmp_path: Path) -> None:
    """Values kept for an event, or on a basis that is not the instrument's, are problems."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        written(store)
        event = Record("event", "prueba-adulto-01", dt.date(2024, 12, 1), {"kind": "breach"})
        with store.write(by="d") as tx:
            stored = tx.append(event)
            tx.derive(Derived(stored.id, "0" * 64, {"total": 1}))
        target = next(store.derived())
    _tampered(path, "UPDATE derived SET basis = ? WHERE record_id = ?", "f" * 64, target.record_id)
    with SQLiteStore(path, read_only=True) as store:
        problems = problem_lines(verify_store(store, defs=DEFS))
    assert [
        f"record {stored.id}: derived values kept for a record that is not an assessment",
        (
            f"record {target.record_id}: derived values computed on basis ffffffffffff…,"
            f" expected the instrument's {target.basis[:12]}…"
        ),
    ] == [p for p in problems if not p.startswith("schema: trigger derived_no_")]


def test_kept_values_are_append_only(tmp_path: Path) -> None:
    """The store refuses to update or delete derived values; the first kept stays."""
    path = tmp_path / "casos.sqlite3"
    with SQLiteStore(path) as store:
        written(store)
        first = next(store.derived())
        with store.write(by="d") as tx:
            tx.derive(Derived(first.record_id, first.basis, {"total": 0}))
        assert first == next(store.derived())
    conn = sqlite3.connect(path)
    for sql in ("UPDATE derived SET basis = 'x'", "DELETE FROM derived"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("kind", BACKENDS)
def test_values_for_a_record_not_written_are_refused(kind: str, places: Places) -> None:
    """Derived values name a record of the store, or the block fails and nothing is kept."""
    store = places(kind).open()
    refused = pytest.raises(StoreError, match="derived values of record 1: no such record")
    with refused as caught, store.write(by="d") as tx:
        tx.derive(Derived(1, "0" * 64, {}))
    assert "store.integrity" == caught.value.code
    assert [] == list(store.derived())


def test_import_keeps_the_scores_again(cli: Any, tmp_path: Path) -> None:
    """``rnr store import`` computes the scores and timelines an export does not carry.

    Verify checks them all, and counts them.
    """
    source = tmp_path / "origen.sqlite3"
    with SQLiteStore(source) as store:
        written(store)
    export = tmp_path / "copia.jsonl"
    assert 0 == cli("store", "export", "--db", source, "-o", export)[0]
    target = tmp_path / "destino.sqlite3"
    assert 0 == cli("store", "import", export, "--db", target)[0]
    code, out, _ = cli("store", "verify", "--db", target, "--json")
    found = json.loads(out)
    assert (0, 3, 1, True) == (code, found["derived"], found["timelines"], found["ok"])
    code, out, _ = cli("store", "verify", "--db", target)
    assert "puntajes guardados recalculados: 3 · líneas de tiempo reconstruidas: 1" in out


def test_a_bulk_read_reads_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every case's timeline kept, a bulk read takes them and reads no record."""
    with SQLiteStore(tmp_path / "s.sqlite3") as store:
        written(store)
        wanted = summarize(store, as_of=dt.date(2026, 1, 1), defs=DEFS, rows=store.records())

        def refused(*_: Any, **__: Any) -> Any:
            raise AssertionError("a record was read")

        monkeypatch.setattr(store, "cases", refused)
        monkeypatch.setattr(store, "records", refused)
        summaries = summarize(store, as_of=dt.date(2026, 1, 1), defs=DEFS)
        assert 1 == len(summaries)
        assert wanted == summaries


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), cut=st.floats(0.2, 0.9))
def test_a_replay_with_the_memo_of_an_earlier_one_is_the_same(seed: int, cut: float) -> None:
    """What a write's first replay keeps changes nothing in its second, whatever was added."""
    from hypothesis import assume  # noqa: PLC0415

    from rnr.errors import StoreIntegrityError  # noqa: PLC0415
    from rnr.history.memo import Memo  # noqa: PLC0415
    from rnr.history.read import replay  # noqa: PLC0415

    store = MemoryStore()
    store_cohort(store, simulate(3, 2.0, seed=seed), defs=DEFS)
    for case_id in store.case_ids():
        rows = list(store.records(case_id=case_id))
        before = rows[: max(2, int(len(rows) * cut))]
        memo = Memo()
        try:
            replay(before, defs=DEFS, source="t", memo=memo)
        except StoreIntegrityError:  # a cut inside a write block
            assume(False)
        assert replay(rows, defs=DEFS, source="t") == replay(rows, defs=DEFS, source="t", memo=memo)
        assert memo.found, "the first replay kept something"


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.booleans(), min_size=3, max_size=3))
def test_a_write_replays_the_change_answers_before_it_once(flips: list[bool]) -> None:
    """The answer of each earlier step is taken from the replay before the write, unchanged."""
    from rnr.history import read  # noqa: PLC0415

    store = MemoryStore()
    doc = document()
    open_case(store, parse_case(doc, file="<t>"), by="d")
    noes = [k for k, v in doc["responses"].items() if v is False]
    for n, flip in enumerate(flips, start=1):  # each reassessment answered by the change table
        case = parse_case(document(200 * n, **dict.fromkeys(noes[: 4 * n], flip)), file="<t>")
        reassess(store, doc["case_id"], case, by="d")
    rows = list(store.records(case_id=doc["case_id"]))
    steps = [r for r in rows if r.kind == "decision" and "step" in r.data]
    assert len(steps) == len(flips)
    memo = read.Memo()
    last = max(r.id for r in rows if r.kind == "assessment")
    read.replay([r for r in rows if r.id < last], defs=DEFS, source="t", memo=memo)
    kept = {k: v for k, v in memo.found.items() if k[0] == "answer"}
    assert len(kept) == len(flips) - 1, "each earlier step's answer is kept"
    answered = []

    def answer(*args: Any, **kwargs: Any) -> Any:
        answered.append(args)
        return reassessment_answer(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "reassessment_answer", answer)
        again = read.replay(rows, defs=DEFS, source="t", memo=memo)
    assert again == read.replay(rows, defs=DEFS, source="t")
    assert len(answered) == 1, "only the new step is answered again"
