"""Validation data from the case store: baseline scores, outcomes from events, groups."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storekit import WithoutIndex

from rnr.cases.parse import parse_case
from rnr.cli import main
from rnr.errors import InvalidArgumentError, RnrError, ValidityInputError
from rnr.history.amend import record_event
from rnr.history.baseline import Baseline, baseline_of
from rnr.history.bulk import timelines
from rnr.history.definitions import Definitions
from rnr.history.summary import Reading, summary_at
from rnr.history.validity import store_table
from rnr.history.write import open_case, reassess
from rnr.render.messages import say
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store
from rnr.store.sqlite import SQLiteStore
from rnr.text import Message

DATA = Path(__file__).parent / "data" / "plans" / "cases"
ADULT: dict[str, Any] = json.loads((DATA / "prueba-adulto-01.json").read_text("utf-8"))
YOUTH: dict[str, Any] = json.loads((DATA / "prueba-juvenil-01.json").read_text("utf-8"))
DEFS = Definitions.shipped()


def adults(store: Store) -> None:
    """Three adults assessed on 2024-08-19 (total 14); c-1 reoffends at 5 months, c-2 at 15."""
    for n in range(3):
        doc = {**ADULT, "case_id": f"c-{n}"}
        if n == 2:
            doc["person"] = {"sex": "male", "birth_date": "1970-01-01"}
        open_case(store, parse_case(doc, file="<t>"), by="t", defs=DEFS)
    record_event(store, "c-1", "new_offence", dt.date(2025, 1, 10), by="t")
    record_event(store, "c-2", "new_offence", dt.date(2025, 11, 30), by="t")
    again = {**ADULT, "case_id": "c-0", "assessed_on": "2025-02-20", "legal": None}
    reassess(store, "c-0", parse_case(again, file="<t>"), by="t", defs=DEFS)


def test_baseline_scores_outcomes_and_groups() -> None:
    """One row per case followed for the window: the first assessment and the event within it."""
    store = MemoryStore()
    adults(store)
    table = store_table(store, as_of=dt.date(2025, 12, 31), defs=DEFS)
    assert 3 == table.rows
    assert [14.0, 14.0, 14.0] == table.numbers["score"].tolist()
    assert [False, True, False] == table.outcomes["new_offence"].tolist()
    assert ("female", "female", "male") == table.labels["sex"]
    assert ("26-35", "26-35", "36+") == table.labels["age_group"]
    assert ("LVI", "LVI", "LVI") == table.labels["sanction"]
    assert ("medium",) * 3 == table.labels["level"]
    longer = store_table(store, window_months=18, as_of=dt.date(2026, 3, 1), defs=DEFS)
    assert [False, True, True] == longer.outcomes["new_offence"].tolist()
    part = store_table(store, window_months=4, as_of=dt.date(2024, 12, 31), defs=DEFS)
    assert isinstance(part.file, Message)
    assert (3, "service.store_selection") == (part.rows, part.file.code)
    assert 0 == part.file.params["excluded"]
    assert "excluded 0 (< 4 m of follow-up by 2024-12-31)" in say(part.file, "en")
    assert "excluidos 0 (< 4 m de seguimiento al 2024-12-31)" in say(part.file)


def test_refusals() -> None:
    """Unknown events, bad windows, several instruments and no follow-up are named."""
    store = MemoryStore()
    adults(store)
    with pytest.raises(InvalidArgumentError, match="event: got 'party'"):
        store_table(store, event="party", defs=DEFS)
    with pytest.raises(InvalidArgumentError, match="window_months: got 0"):
        store_table(store, window_months=0, defs=DEFS)
    with pytest.raises(ValidityInputError, match="no case of lscmi was followed for 12 months"):
        store_table(store, as_of=dt.date(2025, 3, 1), defs=DEFS)
    open_case(store, parse_case(YOUTH, file="<t>"), by="t", defs=DEFS)
    with pytest.raises(ValidityInputError, match="holds cases of lscmi, ylscmi: choose one"):
        store_table(store, defs=DEFS)
    with pytest.raises(ValidityInputError, match="no case assessed with 'psa'"):
        store_table(store, instrument="psa", defs=DEFS)
    with pytest.raises(ValidityInputError, match="holds no assessed case"):
        store_table(MemoryStore(), defs=DEFS)


def test_cli_reads_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rnr validate --db gives the JSON keys of a CSV study; bad combinations are one line."""
    db = tmp_path / "rnr.sqlite3"
    with SQLiteStore(db) as store:
        adults(store)
        for n in range(3, 9):  # more cases, some with an outcome, so both classes exist
            doc = {**ADULT, "case_id": f"c-{n}", "assessed_on": "2024-09-01"}
            doc["responses"] = {**ADULT["responses"], "supports_crime": n % 2 == 0}
            open_case(store, parse_case(doc, file="<t>"), by="t", defs=DEFS)
            if n % 2 == 0:
                record_event(store, f"c-{n}", "new_offence", dt.date(2025, 2, 1), by="t")
    assert 0 == main(["validate", "--db", str(db), "--group", "sex", "--cut", "15", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert {"n", "base_rate", "auc", "auc_ci", "accuracy", "fpr", "fnr", "ppv", "groups"} <= set(
        data
    )
    assert 9 == data["n"]
    assert "service.store_selection" == data["file"]["code"]
    assert 0 == main(["validate", "--db", str(db), "--lang", "en"])
    title = capsys.readouterr().out.splitlines()[0]
    assert title == (
        "Validity of 'total score' for predicting 'new offence' · case store rnr.sqlite3 · LS/CMI,"
        " each case's first assessment, 12 months of follow-up · 0 cases left out, followed"
        " less than 12 months by 2025-11-30"
    )
    assert 0 == main(["validate", "--db", str(db), "--group", "sex"])
    out = capsys.readouterr().out
    assert out.startswith(
        "Validez de «puntaje total» para predecir «nuevo delito» · registro de casos rnr.sqlite3"
        " · LS/CMI, primera evaluación de cada caso, seguimiento de 12 meses · 0 casos excluidos"
        " por tener menos de 12 meses de seguimiento al 30-11-2025\n"
    )
    assert "Grupos por «sexo» (referencia: mujeres, el grupo más grande)" in out
    assert "  Medio " in out  # the level's label, not its id
    assert "medium" not in out
    for argv, fragment in (
        (["validate"], "give the data"),
        (["validate", "x.csv", "--db", str(db)], "not both"),
        (["validate", "--db", str(db), "--group", "colour"], "the store gives the columns"),
        (["validate", "--db", str(db), "--window", "0"], "--window 0"),
    ):
        assert 2 == main(argv)
        err = capsys.readouterr().err.splitlines()
        assert 1 == len(err), err
        assert fragment in err[0]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    day=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    event=st.sampled_from(["new_offence", "breach", "revocation"]),
)
def test_a_baseline_is_what_the_case_summary_says(seed: int, day: dt.date, event: str) -> None:
    """Read from the timeline, a case's baseline equals the one its summary on the day gives."""

    store = MemoryStore()
    store_cohort(store, simulate(15, 2.0, seed=seed))
    defs = Definitions.shipped()
    reading = Reading(defs)
    for timeline in timelines(store, defs=defs):
        summary = summary_at(timeline, as_of=day, reading=reading)
        found = baseline_of(timeline, day)
        if summary is None:
            assert found is None
            continue
        assert found is not None
        wanted = (
            summary.case_id,
            summary.instrument.split("@", 1)[0],
            summary.assessed_on[0],
            summary.totals[0],
            summary.levels[0],
            tuple(e.on for e in summary.events if e.kind == event),
            summary.regime,
            summary.sanction,
        )
        got = (found.case_id, found.instrument, found.on, found.total, found.level,
               found.events_of(event), found.regime, found.sanction)  # fmt: skip
        assert wanted == got
        assert found == Baseline.of_text(found.text(), found.case_id)


def _same(one: Any, other: Any) -> None:
    assert (one.rows, one.header, one.file) == (other.rows, other.header, other.file)
    assert dict(one.labels) == dict(other.labels)
    for key in one.numbers:
        assert one.numbers[key].tolist() == other.numbers[key].tolist()
    for key in one.outcomes:
        assert one.outcomes[key].tolist() == other.outcomes[key].tolist()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    seed=st.integers(0, 10_000),
    day=st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    event=st.sampled_from(["new_offence", "breach"]),
    window=st.sampled_from([3, 6, 12]),
)
def test_a_study_from_the_index_is_the_study_from_the_timelines(
    kind: str, tmp_path: Path, *, seed: int, day: dt.date | None, event: str, window: int
) -> None:
    """Any store, day, event and window: the index's baselines give the timelines' table."""
    store: Store = MemoryStore()
    if kind == "sqlite":
        store = SQLiteStore(tmp_path / f"v-{seed}-{day}-{event}-{window}.sqlite3")
    store_cohort(store, simulate(25, 2.0, seed=seed), defs=DEFS)
    if seed % 2:  # rows later than the day are not trusted: those cases are read from records
        for case_id in sorted(store.case_ids())[:8]:
            try:
                record_event(store, case_id, "breach", dt.date(2026, 6, 5), by="t", defs=DEFS)
            except RnrError:  # a closed case
                continue
    asked: dict[str, Any] = {"instrument": "lscmi", "event": event, "window_months": window}
    asked["as_of"] = day
    try:
        wanted = store_table(WithoutIndex(store), defs=DEFS, **asked)
    except ValidityInputError as error:
        with pytest.raises(ValidityInputError, match=re.escape(str(error))):
            store_table(store, defs=DEFS, **asked)
        return
    _same(wanted, store_table(store, defs=DEFS, **asked))
