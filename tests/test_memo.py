"""A memo of replays shared between calls (rnr.history.memo): bounded, thread-safe, exact.

A service's definitions share one memo for all its requests; a replay that
takes from it must give what a replay without it gives, whatever other
cases, stores and writes the memo has seen.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.errors import InvalidArgumentError
from rnr.history.amend import record_event
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.memo import Memo
from rnr.history.read import read_history, replay
from rnr.history.write import add_override, open_case, reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store

DEFS = Definitions.shipped()
CASE = Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json"


def document(days: int = 0, *, flip: int = 0) -> dict[str, Any]:
    """The adult test case, ``days`` later, with its first ``flip`` "no" answers made "yes"."""
    doc: dict[str, Any] = json.loads(CASE.read_text("utf-8"))
    day = dt.date.fromisoformat(doc["assessed_on"]) + dt.timedelta(days=days)
    no = [k for k, v in doc["responses"].items() if v is False][:flip]
    responses = {**doc["responses"], **dict.fromkeys(no, True)}
    return {**doc, "assessed_on": day.isoformat(), "responses": responses}


def case(days: int = 0, *, flip: int = 0) -> Any:
    return parse_case(document(days, flip=flip), file="<t>")


class TestMemo:
    @pytest.mark.parametrize("limit", [0, -1, True, 2.5, "10"])
    def test_a_limit_that_is_no_count_is_refused(self, limit: Any) -> None:
        with pytest.raises(InvalidArgumentError, match="limit"):
            Memo(limit)

    def test_the_least_recently_used_value_goes_first(self) -> None:
        memo = Memo(2)
        built: list[str] = []

        def build(key: str) -> str:
            built.append(key)
            return key.upper()

        assert "A" == memo.get("a", lambda: build("a"))
        assert "B" == memo.get("b", lambda: build("b"))
        assert "A" == memo.get("a", lambda: build("a"))  # kept: "b" is now the oldest
        assert "C" == memo.get("c", lambda: build("c"))
        assert ["a", "c"] == list(memo.found)
        assert None is memo.peek("b")
        assert ["a", "b", "c"] == built

    def test_without_a_limit_it_keeps_everything(self) -> None:
        memo = Memo()
        for n in range(1000):
            memo.get(n, lambda n=n: n)  # type: ignore[misc]
        assert 1000 == len(memo.found)

    def test_threads_share_one(self) -> None:
        memo = Memo(50)
        errors: list[BaseException] = []

        def work(offset: int) -> None:
            try:
                for n in range(2000):
                    key = (n + offset) % 80
                    assert key * 2 == memo.get(key, lambda key=key: key * 2)  # type: ignore[misc]
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == errors
        assert len(memo.found) <= 50


class TestDefinitions:
    def test_remembering_shares_one_memo(self) -> None:
        shared = DEFS.remembering(100)
        assert shared.replays is not None
        assert 100 == shared.replays.limit
        assert shared.memo() is shared.replays
        assert shared is shared.remembering(5), "definitions that share one keep theirs"
        assert DEFS is DEFS.remembering(None)
        assert shared == DEFS, "the memo is no part of the definitions' value"

    def test_without_one_each_write_has_its_own(self) -> None:
        assert DEFS.replays is None
        assert DEFS.memo() is not DEFS.memo()

    def test_a_copy_remembers_nothing(self) -> None:
        shared = DEFS.remembering(100)
        assert None is attrs.evolve(shared).replays
        assert None is attrs.evolve(shared, catalogue=DEFS.catalogue).replays


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"flip": 6}, id="other answers: the same decision record"),
        pytest.param(
            {"responsivity": {"motivation": "action", "literacy": "adequate"}},
            id="other responsivity: the same decision and plan records",
        ),
    ],
)
def test_the_same_records_of_another_store_are_replayed_from_their_own_assessment(
    other: dict[str, Any],
) -> None:
    """Two stores, one case id, one date: records that are equal, an assessment that is not.

    Each decision and plan is kept under its assessment's hash as well as
    its own: the second store's are not the first one's.
    """
    first, second = MemoryStore(), MemoryStore()
    flip = int(other.pop("flip", 0))
    open_case(first, case(), by="d")
    open_case(second, parse_case({**document(flip=flip), **other}, file="<t>"), by="d")
    for kind, equal in (("assessment", False), ("decision", True)):
        a, b = (list(s.records(kind=kind)) for s in (first, second))
        assert equal is ([r.sha256 for r in a] == [r.sha256 for r in b]), kind
    shared = DEFS.remembering(1000)
    for store in (first, second, first):
        assert read_history(store, "prueba-adulto-01", defs=DEFS) == read_history(
            store, "prueba-adulto-01", defs=shared
        )


def written(store: Store, defs: Definitions) -> list[Any]:
    """A case opened, reassessed twice, overridden, with an event: what each write returns."""
    override = Override(
        to_level="very_high",
        direction="up",
        reason="victim_safety",
        approved_by="jefatura",
        approved_on=dt.date(2026, 1, 5),
    )
    return [
        open_case(store, case(), by="d", defs=defs),
        reassess(store, "prueba-adulto-01", case(200, flip=4), by="d", defs=defs),
        record_event(store, "prueba-adulto-01", "breach", dt.date(2025, 6, 1), by="d", defs=defs),
        reassess(store, "prueba-adulto-01", case(400, flip=1), by="d", defs=defs),
        add_override(store, "prueba-adulto-01", override, by="d", defs=defs),
    ]


def unstamped(answers: list[Any]) -> list[Any]:
    """What the writes returned, each record by its id and hash (not when it was written)."""
    return [
        attrs.evolve(a, records=tuple((r.id, r.sha256) for r in a.records))
        if isinstance(a, CaseHistory)
        else (a.id, a.sha256)
        for a in answers
    ]


def test_writes_with_a_shared_memo_write_and_return_the_same() -> None:
    """The same writes with and without a shared memo: the same records, the same answers."""
    plain, kept = MemoryStore(), MemoryStore()
    shared = DEFS.remembering(1000)
    assert unstamped(written(plain, DEFS)) == unstamped(written(kept, shared))
    assert [r.sha256 for r in plain.records()] == [r.sha256 for r in kept.records()]
    assert shared.replays is not None
    assert shared.replays.found, "the writes kept values"


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seeds=st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)),
    limit=st.sampled_from([3, 40, 100_000]),
    order=st.randoms(use_true_random=False),
)
def test_a_replay_with_a_shared_memo_is_the_same(
    seeds: tuple[int, int], limit: int, order: Any
) -> None:
    """Cases of two stores (the same record ids, other content), replayed in any order through
    one memo of any size, replay as they do alone."""
    stores = []
    for seed in seeds:
        store = MemoryStore()
        store_cohort(store, simulate(3, 2.0, seed=seed), defs=DEFS)
        stores.append(store)
    cases = [(store, case_id) for store in stores for case_id in store.case_ids()] * 2
    order.shuffle(cases)
    shared = DEFS.remembering(limit)
    for store, case_id in cases:
        rows = list(store.records(case_id=case_id))
        assert replay(rows, defs=DEFS, source="t") == replay(rows, defs=shared, source="t")
    assert shared.replays is not None
    assert 0 < len(shared.replays.found) <= limit


def test_a_service_shares_its_definitions_memo_between_requests() -> None:
    """A read over HTTP keeps its case's replay: the write after it finds it."""
    from servicekit import client_for  # noqa: PLC0415

    store = MemoryStore()
    open_case(store, case(), by="d")
    shared = DEFS.remembering(1000)
    assert shared.replays is not None
    http = client_for(store=store, defs=shared)
    read = http.get("/v1/cases/prueba-adulto-01")
    assert 200 == read.status_code, read.text
    kept = dict(shared.replays.found)
    assert any(key[0] == "decision" for key in kept), "the read kept the case's decision"
    again = http.post(
        "/v1/cases/prueba-adulto-01/assessments",
        json=document(200, flip=4),
        headers={"if-match": read.headers["etag"]},
    )
    assert 201 == again.status_code, again.text
    assert set(kept) < set(shared.replays.found), "the write kept its new values beside them"
    plain = client_for("delegado", store=store, defs=DEFS)  # no memo shared with the first
    answer = {k: v for k, v in again.json().items() if k != "already_stored"}
    assert answer == plain.get("/v1/cases/prueba-adulto-01").json()


def test_a_service_refuses_a_memo_of_no_size() -> None:
    from rnr.service import create_app  # noqa: PLC0415

    with pytest.raises(InvalidArgumentError, match="limit"):
        create_app(store=MemoryStore(), replays=0)


def test_a_replay_of_the_very_records_takes_the_history_it_gave() -> None:
    """The records of a case read again: the very history the first replay gave. Records
    with other stamps (another store's, with the same ids and hashes) make their own,
    equal but for its rows; so do other flags."""
    store = MemoryStore()
    open_case(store, case(), by="d")
    reassess(store, "prueba-adulto-01", case(200, flip=4), by="d")
    shared = DEFS.remembering(1000)
    rows = list(store.records(case_id="prueba-adulto-01"))
    first = replay(rows, defs=shared, source="t")
    assert replay([attrs.evolve(r) for r in rows], defs=shared, source="t") is first
    again = [attrs.evolve(r, recorded_at="2030-01-01T00:00:00+00:00") for r in rows]
    second = replay(again, defs=shared, source="t")
    assert second.records == tuple(again)
    assert second.records != first.records
    assert attrs.evolve(second, records=first.records) == first
    assert second == replay(again, defs=DEFS, source="t")
    unchecked = replay(again, defs=shared, source="t", drafted=False)
    assert unchecked == second
    assert unchecked is not second
    assert shared.replays is not None
    assert 3 == sum(key[0] == "history" for key in shared.replays.found)
